"""`csc run`, `csc backfill`, `csc status`, `csc ui`: operations for people who don't run the daemon."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from dagster_project.ops.extract_state import extract_folders, freshness
from dagster_project.settings import get_paths


def register(sub) -> None:
    run = sub.add_parser("run", help="run the nightly job once (generates a council extract if raw/ is empty)")
    run.add_argument("--extract-date", help="target extract (default: CSC_EXTRACT_DATE, else the newest)")
    run.set_defaults(handler=cmd_run)

    fill = sub.add_parser("backfill", help="run the job for every stored extract in a date range, oldest first")
    fill.add_argument("--from", dest="first", required=True)
    fill.add_argument("--to", dest="last", required=True)
    fill.set_defaults(handler=cmd_backfill)

    status = sub.add_parser("status", help="last run, its outcome, freshness and failing blocking checks")
    status.set_defaults(handler=cmd_status)

    ui = sub.add_parser("ui", help="start the Dagster UI and daemon (schedules and sensors run)")
    ui.add_argument("--port", default="3000")
    ui.set_defaults(handler=cmd_ui)


def _ensure_an_extract() -> None:
    raw = get_paths().raw_dir
    if extract_folders(raw):
        return
    from dagster_project.cli import main

    today = dt.date.today().isoformat()
    print(f"No extract in {raw}: generating a synthetic council extract dated {today}.")
    code = main(["generate", "--preset", "council", "--extract-date", today, "--seed", "7", "--out", str(raw)])
    if code:
        raise SystemExit(code)


def _print_outcome(outcome) -> None:
    paths = get_paths()
    if outcome.success:
        print(f"Run {outcome.run_id} for extract {outcome.extract_date}: success.")
        print(f"  published: {paths.published_database}")
        summary = paths.reports_dir / "dq_summary_latest.html"
        if summary.exists():
            print(f"  data-quality summary: {summary}")
        print(f"  reports: {paths.reports_dir / str(outcome.extract_date) / 'index.html'}")
    else:
        print(f"Run {outcome.run_id} for extract {outcome.extract_date}: FAILED", file=sys.stderr)
        print(f"  step: {outcome.failed_step}", file=sys.stderr)
        print(f"  error: {outcome.error}", file=sys.stderr)
        print(f"  the previous published database (if any) is unchanged: {paths.published_database}", file=sys.stderr)


def cmd_run(args) -> int:
    from dagster_project.ops.runner import default_target, run_once

    _ensure_an_extract()
    target = args.extract_date or default_target()
    outcome = run_once(target)
    _print_outcome(outcome)
    return 0 if outcome.success else 1


def cmd_backfill(args) -> int:
    from dagster_project.ops.runner import backfill

    outcomes = backfill(args.first, args.last)
    if not outcomes:
        print(f"no stored extract between {args.first} and {args.last}", file=sys.stderr)
        return 1
    for outcome in outcomes:
        _print_outcome(outcome)
    return 0 if all(o.success for o in outcomes) else 1


def cmd_status(args) -> int:
    from dagster_project.ops.sensors import current_time, freshness_limit_hours
    from dagster_project.publish.history import last_run
    from dagster_project.quality.results import blocking_failures

    paths = get_paths()
    run = last_run(paths.history_database)
    if run is None:
        print("No run recorded yet.")
    else:
        published = "published" if run["published"] else "not published"
        print(f"Last run: {run['run_id']} (extract {run['extract_date']}) — {run['status']}, {published}")
        print(f"  started {run['started_at']}, finished {run['finished_at']}")
        for check in blocking_failures(paths.history_database, run["run_id"]):
            failed = f"{check['source_file']}: {check['check_name']} ({check['rows_failed']} rows)"
            print(f"  blocking check failed: {failed}")
    fresh = freshness(paths.raw_dir, current_time(), freshness_limit_hours())
    print(f"Freshness: {fresh.message}")
    print(f"Published database: {paths.published_database}" + ("" if paths.published_database.exists() else " (none)"))
    unavailable = unavailable_published_measures(paths.published_database)
    if unavailable:
        print("Measures the extract's source cannot support (not published, never shown as 0):")
    for measure, reason in unavailable:
        print(f"  {measure}: {reason}")
    return 0 if (run is None or run["status"] == "success") and fresh.fresh else 1


def unavailable_published_measures(published) -> list[tuple[str, str]]:
    """(measure, reason) for the published measures the extract's source cannot support."""
    import duckdb

    if not published.exists():
        return []
    with duckdb.connect(str(published), read_only=True) as conn:
        tables = {r[0] for r in conn.execute("select table_name from information_schema.tables").fetchall()}
        if "measure_availability" not in tables:
            return []
        return conn.execute(
            "select measure, reason from marts.measure_availability where not available order by measure"
        ).fetchall()


def cmd_ui(args) -> int:
    from dagster_project.ops.runner import prepare_instance

    prepare_instance()
    os.environ.setdefault("CSC_UI_URL", f"http://127.0.0.1:{args.port}")  # alert links point at this UI
    print(f"Dagster UI on http://127.0.0.1:{args.port} (DAGSTER_HOME={os.environ['DAGSTER_HOME']})")
    command = [sys.executable, "-m", "dagster", "dev", "-m", "dagster_project.definitions", "-h", "127.0.0.1",
               "-p", args.port]
    return subprocess.call(command)

"""`csc run`, `csc backfill`, `csc status`, `csc ui`: operations for people who don't run the daemon."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from dagster_project.ingest.origin import origin_label
from dagster_project.orchestration.extract_state import extract_folders, freshness
from dagster_project.settings import get_paths


def register(sub) -> None:
    run = sub.add_parser(
        "run",
        help="run the nightly job once (a demo extract is generated only into an empty default raw/, or with --demo)",
    )
    run.add_argument("--extract-date", help="target extract (default: CSC_EXTRACT_DATE, else the newest)")
    run.add_argument(
        "--demo",
        action="store_true",
        help="if the landing zone holds no extract, generate a synthetic demo extract into it first",
    )
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


class NoExtractError(RuntimeError):
    """The landing zone set explicitly holds no extract (or does not exist)."""


def _ensure_an_extract(demo: bool) -> None:
    """Demo data only when asked: --demo, or the default landing zone (CSC_RAW_DIR unset) is empty.

    An explicitly set CSC_RAW_DIR that is missing or empty is an error: a typo must never publish
    generated figures.
    """
    raw = get_paths().raw_dir
    if extract_folders(raw):
        return
    explicit = bool(os.environ.get("CSC_RAW_DIR"))
    if explicit and not demo:
        state = "does not exist" if not raw.exists() else "holds no extract folder (YYYY-MM-DD)"
        raise NoExtractError(
            f"Refused: the landing zone CSC_RAW_DIR={raw} {state}. Check the path; nothing was run or published "
            "(add --demo to generate a synthetic demo extract there)."
        )
    from dagster_project.generate.extract import Options, generate

    today = dt.date.today()
    print(f"No extract in {raw}: generating a synthetic demo extract dated {today} (synthetic data).")
    generate(Options(out=raw, extract_date=today, seed=7, preset="council", quiet=True))


def _print_outcome(outcome) -> None:
    paths = get_paths()
    if outcome.recovered:
        print(f"Recovered first: {outcome.recovered}.")
    origin = f" ({origin_label(outcome.data_origin)})" if outcome.data_origin else ""
    if outcome.success:
        print(f"SUCCESS: extract {outcome.extract_date}{origin} published (run {outcome.run_id}).")
        print(f"  published database:   {paths.published_database}")
        summary = paths.reports_dir / "dq_summary_latest.html"
        if summary.exists():
            print(f"  data-quality summary: {summary}")
        index = paths.reports_dir / str(outcome.extract_date) / "index.html"
        if index.exists():
            print(f"  reports (open this):  {index}")
        if (paths.data_dir / "dq_docs").exists():
            print(f"  GX Data Docs:         {paths.data_dir / 'dq_docs' / 'index.html'}")
        if outcome.log_file:
            print(f"  full log:             {outcome.log_file}")
        return
    # The one-line reason first; the traces stay in the log file.
    print(f"FAILED: {outcome.error}", file=sys.stderr)
    print(f"  extract {outcome.extract_date}{origin}, run {outcome.run_id}, step {outcome.failed_step or '-'}",
          file=sys.stderr)  # fmt: skip
    if outcome.published:  # the reports step failed after the publish: the database is this run's output
        print(f"  published database (this run's output): {paths.published_database}", file=sys.stderr)
    else:
        print(f"  the previous published database (if any) is unchanged: {paths.published_database}", file=sys.stderr)
    summary = paths.reports_dir / "dq_summary_latest.html"
    if summary.exists() and outcome.log_file:
        print(f"  data-quality summary: {summary}", file=sys.stderr)
    if outcome.log_file:
        print(f"  full log: {outcome.log_file}", file=sys.stderr)


def _one_line_refusal(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def resolved_nightly_job():
    """The nightly job from the assembled definitions (importing them takes a few seconds: only when running)."""
    from dagster_project.definitions import defs
    from dagster_project.orchestration.jobs import NIGHTLY_JOB

    return defs.resolve_job_def(NIGHTLY_JOB)


def cmd_run(args) -> int:
    from dagster_project.benchmarks.council import UnknownCouncilError, resolve_council
    from dagster_project.orchestration.runner import (
        InvalidExtractDate,
        default_target,
        record_refusal,
        run_once,
        validate_extract_date,  # fmt: skip
    )

    requested = args.extract_date or os.environ.get("CSC_EXTRACT_DATE") or None
    try:
        validate_extract_date(requested)
        resolve_council()  # an unknown CSC_LA_CODE is refused before anything runs
        _ensure_an_extract(args.demo)
    except (InvalidExtractDate, NoExtractError, UnknownCouncilError) as error:
        record_refusal(requested, str(error), "cli")
        return _one_line_refusal(str(error))
    target = args.extract_date or default_target()
    print(f"csc run: extract {target}; one line per step (full log under {get_paths().data_dir / 'logs'})")
    outcome = run_once(resolved_nightly_job(), target, progress=True)
    if outcome.run_id and outcome.run_id.startswith("refused-"):
        return _one_line_refusal(outcome.error)
    _print_outcome(outcome)
    return 0 if outcome.success else 1


def cmd_backfill(args) -> int:
    from dagster_project.orchestration.runner import InvalidExtractDate, backfill

    try:
        outcomes = backfill(resolved_nightly_job(), args.first, args.last, progress=True)
    except InvalidExtractDate as error:
        return _one_line_refusal(str(error))
    if not outcomes:
        print(f"no stored extract between {args.first} and {args.last}", file=sys.stderr)
        return 1
    for outcome in outcomes:
        _print_outcome(outcome)
    return 0 if all(o.success for o in outcomes) else 1


def cmd_status(args) -> int:
    from dagster_project.orchestration.sensors import current_time, freshness_limit_hours

    paths = get_paths()
    attention = False
    try:
        attention = _status_of_runs(paths)
    except Exception as error:  # a damaged history store must not crash the status command
        from dagster_project.orchestration.failure_reasons import error_chain, reason

        why = reason(error_chain(error), paths.warehouse, paths.history_database, paths.dagster_home)
        print(f"Run history unreadable: {why}")
        attention = True
    fresh = freshness(paths.raw_dir, current_time(), freshness_limit_hours())
    print(f"Freshness: {fresh.message}")
    from dagster_project.reports.repair import dangling_latest

    if dangling_latest(paths.reports_dir):  # a build killed mid-swap: the next run or `csc report` repairs it
        latest = paths.reports_dir / "latest"
        print(f"Reports: {latest} points at nothing ({latest.readlink()}); the next run or `csc report` repairs it")
        attention = True
    print(f"Published database: {paths.published_database}" + ("" if paths.published_database.exists() else " (none)"))
    unavailable = unavailable_published_measures(paths.published_database)
    if unavailable:
        print("Measures the extract's source cannot support (not published, never shown as 0):")
    for measure, reason in unavailable:
        print(f"  {measure}: {reason}")
    return 1 if attention or not fresh.fresh else 0


def _status_of_runs(paths) -> bool:
    """Print the last attempt; True when it needs attention (failed, refused, or left open by a dead process)."""
    from dagster_project.orchestration.run_lock import acquire, holder, release
    from dagster_project.publish.history import PUBLISHED_STATUS, REPORTS_FAILED_STATUS, last_run
    from dagster_project.quality.results import blocking_failures

    run = last_run(paths.history_database)
    if run is None:
        print("No run recorded yet.")
        return False
    published = "published" if run["published"] else "not published"
    origin = f", {origin_label(run.get('data_origin'))}" if run.get("data_origin") else ""
    status = run["status"]
    in_progress = False
    if status in ("running", PUBLISHED_STATUS):
        # Running for real only while a process holds the run lock; otherwise its process died.
        if acquire(paths.data_dir):
            release(paths.data_dir)
            status = "left open by a dead process (the next run closes it)"
            if run["status"] == PUBLISHED_STATUS:
                status = "reports failed (the run's process died after its publish; the next run closes it)"
        else:
            in_progress = True
            status = f"in progress ({holder(paths.data_dir)})"
    elif status == REPORTS_FAILED_STATUS:
        status = "reports failed"
    print(f"Last run: {run['run_id']} (extract {run['extract_date']}{origin}) — {published}, {status}")
    print(f"  started {run['started_at']}, finished {run['finished_at']}")
    if run.get("note"):
        print(f"  note: {run['note']}")
    for check in blocking_failures(paths.history_database, run["run_id"]):
        failed = f"{check['source_file']}: {check['check_name']} ({check['rows_failed']} rows)"
        print(f"  blocking check failed: {failed}")
    return not (run["status"] == "success" or in_progress)


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
    from dagster_project.orchestration.runner import prepare_instance

    prepare_instance()
    os.environ.setdefault("CSC_UI_URL", f"http://127.0.0.1:{args.port}")  # alert links point at this UI
    print(f"Dagster UI on http://127.0.0.1:{args.port} (DAGSTER_HOME={os.environ['DAGSTER_HOME']})")
    command = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-m",
        "dagster_project.definitions",
        "-h",
        "127.0.0.1",
        "-p",
        args.port,
    ]
    from dagster_project.file_modes import owner_only_files

    with owner_only_files():  # inherited by the webserver, the daemon and every run worker they start
        return subprocess.call(command)

"""kill -9 at each step of a real `csc run`, then a plain re-run succeeds with no manual step.

Each `csc` process of the chain is forked from the test process's `csc` fork server, which has imported what a run
imports (forked_csc.py): a real, separate process killed with SIGKILL, without eight times ~6 CPU-s of imports.

Before the fix a killed run stayed STARTED holding the duckdb_writer pool slot, so every later run hung;
killed publishes left temporary files and a `running` row for ever. Here each killed run is followed by
the next one (which must recover it first), and finally a plain `csc run` must succeed. Until that final
run the published database must stay byte-identical to the first good run's.
"""

from __future__ import annotations

import json
import signal
import time

import duckdb
import pytest

from dagster_project.run_context import PID_TAG
from tests.orchestration.cli_process import CSC, csc_env, csc_server, instance_for, run_csc, start_csc
from tests.orchestration.conftest import copy_of_good_run

DATE = "2020-03-31"
PUBLISHED_NAME = "analytics.duckdb"

# (name, how the point is reached, where). "step": a step has started (seen in the run's event log), killed
# 0.3 s into it; the dbt and GX steps last seconds. "hook": the `csc run` process SIGKILLs itself at an exact
# call (a module attribute wrapped before the CLI starts): the ingest and publish points last well under a
# second, too short to hit from outside when the machine is busy.
KILL_POINTS = [
    ("ingest", "hook", ("dagster_project.ingest.load", "load_file", "before", "len(calls) == 3")),
    ("dbt staging", "step", "staging_dbt_assets"),
    ("GX checks", "step", "records_that_count_quality"),
    ("dbt marts", "step", "mart_dbt_assets"),
    ("start of publish", "hook", ("dagster_project.publish.assets", "publish", "before", "True")),
    # The new database is written in full beside the old one, not yet renamed over it.
    ("temp publish file written", "hook", ("os", "replace", "before", f"{PUBLISHED_NAME!r} in str(args[1])")),
    # Last: from here on the published database is the killed run's output.
    ("just after the rename", "hook", ("os", "replace", "after", f"{PUBLISHED_NAME!r} in str(args[1])")),
]
AFTER_RENAME = "just after the rename"

# A real `csc run` whose process SIGKILLs itself at one call, before or after the call runs.
KILL_AT_CALL = """
import importlib, os, runpy, signal, sys
target = importlib.import_module({module!r})
original = getattr(target, {name!r})
calls = []
def kill_at_call(*args, **kwargs):
    calls.append(1)
    if {when!r} == "before" and ({condition}):
        os.kill(os.getpid(), signal.SIGKILL)
    result = original(*args, **kwargs)
    if {when!r} == "after" and ({condition}):
        os.kill(os.getpid(), signal.SIGKILL)
    return result
setattr(target, {name!r}, kill_at_call)
sys.argv = [{cli!r}, "run"]
runpy.run_module({cli!r}, run_name="__main__", alter_sys=True)
"""


def _kill_at(root, kind: str, target) -> bool:
    """Start `csc run` and SIGKILL it at the point. Returns whether the point was reached."""
    if kind == "hook":
        return _kill_at_call(root, *target)
    process = start_csc(root, "run")
    deadline = time.monotonic() + 900
    reached = False
    try:
        with instance_for(root) as instance:
            while time.monotonic() < deadline and process.poll() is None and not reached:
                if _step_started(instance, process.pid, target):
                    time.sleep(0.3)  # inside the step
                    reached = process.poll() is None
                    break
                # The steps last seconds; each look reads only this run's own event log.
                time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    return reached


def _kill_at_call(root, module: str, name: str, when: str, condition: str) -> bool:
    published = root / "data" / "published" / PUBLISHED_NAME
    inode_before = published.stat().st_ino
    code = KILL_AT_CALL.format(module=module, name=name, when=when, condition=condition, cli=CSC[-1])
    killed = csc_server().start("run", env=csc_env(root), code=code).wait(timeout=900) == -signal.SIGKILL
    if (module, name, when) == ("os", "replace", "after"):
        return killed and published.stat().st_ino != inode_before  # the rename really happened
    if (module, name) == ("os", "replace"):
        return killed and any(published.parent.glob(".analytics.*"))  # the new file is there, not renamed
    return killed


def _step_started(instance, pid: int, step: str) -> bool:
    """Whether the run of the `csc run` process `pid` (its run tag) has started `step`. Reads that run's event log
    only: every run's, as before, cost a look ~20 ms of CPU by the chain's end, taken from the run it watched."""
    import dagster as dg

    runs = instance.get_runs(filters=dg.RunsFilter(tags={PID_TAG: str(pid)}), limit=1)
    if not runs:
        return False
    started = instance.all_logs(runs[0].run_id, of_type=dg.DagsterEventType.STEP_START)
    return any(record.step_key == step for record in started)


@pytest.fixture(scope="module")
def killed(tmp_path_factory, good_conformance_run):
    root = copy_of_good_run(good_conformance_run, tmp_path_factory.mktemp("kill"))  # a first good run published
    published = root / "data" / "published" / "analytics.duckdb"
    good_bytes = published.read_bytes()
    points = []
    good_scorecard = _scorecard(published)
    for name, kind, target in KILL_POINTS:
        reached = _kill_at(root, kind, target)
        points.append({"name": name, "reached": reached, "published_unchanged": published.read_bytes() == good_bytes})
    temp_files_after_kills = sorted(p.name for p in published.parent.glob(".analytics.*"))
    after_rename = {"scorecard": _scorecard(published), "runs": _runs(published)}
    rerun = run_csc(root, "run")
    return {
        "root": root,
        "points": points,
        "rerun": rerun,
        "temp_files_after_kills": temp_files_after_kills,
        "good_scorecard": good_scorecard,
        "after_rename": after_rename,
    }


def _scorecard(published) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as conn:
        return conn.execute(
            "select period_type, as_at_date, measure, numerator, denominator, value from marts.scorecard order by all"
        ).fetchall()


def _runs(database, table: str = "marts.runs") -> dict[str, tuple]:
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(f"select run_id, status, published from {table}").fetchall()
    return {run_id: (status, published) for run_id, status, published in rows}


def test_every_kill_point_was_reached(killed):
    assert [p["name"] for p in killed["points"] if not p["reached"]] == []


def test_published_database_byte_identical_after_every_kill_before_the_rename(killed):
    before_rename = [p for p in killed["points"] if p["name"] != AFTER_RENAME]
    assert [p["name"] for p in before_rename if not p["published_unchanged"]] == []
    # The killed run's rename did replace the file: the probe really reached that point.
    assert [p["published_unchanged"] for p in killed["points"] if p["name"] == AFTER_RENAME] == [False]


def test_a_kill_just_after_the_rename_leaves_a_complete_published_database(killed):
    # The same extract: the killed run's database carries the same figures as the first good run's.
    assert killed["after_rename"]["scorecard"] == killed["good_scorecard"]
    # ... and names itself as published in its own runs table (its history row was never written).
    assert ("success", True) in killed["after_rename"]["runs"].values()


def test_after_the_rerun_published_runs_agree_with_the_history(killed):
    root = killed["root"]
    published = _runs(root / "data" / "published" / "analytics.duckdb")
    history = _runs(root / "data" / "history" / "history.duckdb", "runs")
    assert published == history
    assert "running" not in {status for status, _ in published.values()}


def test_plain_rerun_succeeds_with_no_manual_step(killed):
    rerun = killed["rerun"]
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "SUCCESS" in rerun.stdout
    assert "Recovered first: closed 1 run(s)" in rerun.stdout  # the last killed run, closed by the re-run
    alerts = (killed["root"] / "data" / "alerts" / "alerts.jsonl").read_text()
    assert "Its publish had completed" in alerts  # the after-rename run's alert does not say "nothing published"


def test_dead_runs_are_failed_in_dagster_and_hold_no_pool_slot(killed):
    import dagster as dg

    with instance_for(killed["root"]) as instance:
        open_runs = instance.get_runs(
            filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING])
        )
        failed = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))
        slots = instance.event_log_storage.get_concurrency_info("duckdb_writer")
    assert open_runs == []
    assert len(failed) == len(KILL_POINTS)
    assert slots.active_slot_count == 0 and slots.pending_step_count == 0


def test_no_temporary_publish_file_is_left(killed):
    published = killed["root"] / "data" / "published"
    assert sorted(p.name for p in published.glob(".analytics.*")) == []


def test_history_closes_dead_runs_and_marks_their_evidence(killed):
    history = killed["root"] / "data" / "history" / "history.duckdb"
    with duckdb.connect(str(history), read_only=True) as conn:
        statuses = conn.execute("select status, count(*) from runs group by 1 order by 1").fetchall()
        running = conn.execute("select count(*) from runs where status = 'running'").fetchone()[0]
        unmarked = conn.execute(
            "select count(*) from dq_results d join runs r using (run_id) "
            "where r.status = 'failure' and not d.from_failed_run"
        ).fetchone()[0]
    assert running == 0
    assert dict(statuses)["success"] == 2
    assert unmarked == 0


def test_one_alert_per_dead_run(killed):
    alerts_file = killed["root"] / "data" / "alerts" / "alerts.jsonl"
    alerts = [json.loads(line) for line in alerts_file.read_text().splitlines()]
    per_run = {}
    for alert in alerts:
        if alert.get("run_id"):
            per_run[alert["run_id"]] = per_run.get(alert["run_id"], 0) + 1
    assert len(per_run) == len(KILL_POINTS)
    assert set(per_run.values()) == {1}


def test_no_temporary_folder_of_a_killed_step_is_left(killed):
    # whatever the killed steps left (a GX step killed mid-way leaves its rule-failure tables), the re-run removed it
    from dagster_project.settings import Paths

    root = killed["root"]
    assert Paths(raw_dir=root / "raw", data_dir=root / "data").leftover_scratch() == []

"""kill -9 at each step of a real `csc run`, then a plain re-run succeeds with no manual step.

Before the fix a killed run stayed STARTED holding the duckdb_writer pool slot, so every later run hung;
killed publishes left temporary files and a `running` row for ever. Here each killed run is followed by
the next one (which must recover it first), and finally a plain `csc run` must succeed. Until that final
run the published database must stay byte-identical to the first good run's.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import duckdb
import pytest

from tests.ops.cli_process import instance_for, run_csc, start_csc
from tests.ops.conftest import CONFORMANCE

DATE = "2020-03-31"

# (name, how the point is recognised): a step that has started, or the temp publish file appearing.
# The publish step lasts well under a second on this extract: it is killed the moment it starts.
KILL_POINTS = [
    ("ingest", "step", "raw_exports"),
    ("dbt staging", "step", "staging_dbt_assets"),
    ("GX checks", "step", "records_that_count_quality"),
    ("dbt marts", "step", "mart_dbt_assets"),
    ("start of publish", "now", "published__analytics_database"),
    ("temp publish file written", "file", ".analytics."),
]
PUBLISH_STEP = "published__analytics_database"


def _kill_at(root, kind: str, target: str, steps_before: int) -> tuple[bool, int]:
    """Start `csc run`, SIGKILL it when the point is reached. Returns (point reached, pid)."""
    process = start_csc(root, "run")
    published = root / "data" / "published"
    step = PUBLISH_STEP if kind == "file" else target
    deadline = time.monotonic() + 900
    reached = False
    try:
        with instance_for(root) as instance:
            while time.monotonic() < deadline and process.poll() is None and not reached:
                if _step_started_count(instance, step) > steps_before:
                    if kind == "step":
                        time.sleep(0.3)  # inside the step
                        reached = True
                    elif kind == "now":
                        reached = True
                    else:
                        # The temporary file lives a fraction of a second: poll without sleeping.
                        while process.poll() is None and not reached:
                            reached = any(name.startswith(target) for name in os.listdir(published))
                    break
                time.sleep(0.02)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    return reached, process.pid


def _step_started_count(instance, step: str) -> int:
    import dagster as dg

    records = instance.get_event_records(dg.EventRecordsFilter(event_type=dg.DagsterEventType.STEP_START))
    return sum(1 for r in records if r.event_log_entry.step_key == step)


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    root = tmp_path_factory.mktemp("kill")
    shutil.copytree(CONFORMANCE, root / "raw" / DATE)
    first = run_csc(root, "run")
    assert first.returncode == 0, first.stderr
    published = root / "data" / "published" / "analytics.duckdb"
    good_bytes = published.read_bytes()
    points = []
    for name, kind, target in KILL_POINTS:
        with instance_for(root) as instance:
            before = _step_started_count(instance, PUBLISH_STEP if kind == "file" else target)
        reached, _ = _kill_at(root, kind, target, before)
        points.append({"name": name, "reached": reached, "published_unchanged": published.read_bytes() == good_bytes})
    temp_files_after_kills = sorted(p.name for p in published.parent.glob(".analytics.*"))
    rerun = run_csc(root, "run")
    return {"root": root, "points": points, "rerun": rerun, "temp_files_after_kills": temp_files_after_kills}


def test_every_kill_point_was_reached(killed):
    assert [p["name"] for p in killed["points"] if not p["reached"]] == []


def test_published_database_byte_identical_after_every_kill(killed):
    assert [p["name"] for p in killed["points"] if not p["published_unchanged"]] == []


def test_plain_rerun_succeeds_with_no_manual_step(killed):
    rerun = killed["rerun"]
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "SUCCESS" in rerun.stdout
    assert "Recovered first: closed 1 run(s)" in rerun.stdout  # the last killed run, closed by the re-run


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

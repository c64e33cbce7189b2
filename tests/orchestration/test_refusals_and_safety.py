"""Clean refusals and guards, each reproducing a defect found by the operational-safety probes.

A typo'd landing zone generated and published a synthetic extract; an invalid extract date ended in a
traceback and was not recorded; two `csc run`s interleaved; freshness showed a negative age; the sensor
re-ran an extract `csc run` had already run; synthetic figures could replace real ones; personal-data
stores were world-readable; damaged stores and a full disk ended in tracebacks with no reason.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import time

import dagster as dg
import duckdb
import pytest

from dagster_project.ingest.origin import mark_synthetic
from dagster_project.orchestration.extract_state import content_hash, freshness
from dagster_project.orchestration.failure_reasons import reason
from dagster_project.orchestration.sensors import new_extract_sensor
from dagster_project.publish.database import PublishError, publish
from dagster_project.run_context import CONTENT_HASH_TAG, EXTRACT_DATE_TAG
from dagster_project.settings import get_paths
from dagster_project.warehouse import connect
from tests.orchestration.cli_process import csc_env, run_csc
from tests.orchestration.conftest import drop_extract
from tests.publish.test_publish_database import make_warehouse


def _history_rows(root) -> list[tuple]:
    history = root / "data" / "history" / "history.duckdb"
    with duckdb.connect(str(history), read_only=True) as conn:
        return conn.execute("select status, note from runs").fetchall()


def test_a_typod_landing_zone_is_refused_and_publishes_nothing(tmp_path):
    result = run_csc(tmp_path, "run", CSC_RAW_DIR=str(tmp_path / "raw-typo"))
    assert result.returncode == 2
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "raw-typo does not exist" in lines[0]
    assert not (tmp_path / "raw-typo").exists()
    assert not (tmp_path / "data" / "published").exists()
    (tmp_path / "raw-empty").mkdir()
    empty = run_csc(tmp_path, "run", CSC_RAW_DIR=str(tmp_path / "raw-empty"))
    assert empty.returncode == 2 and "holds no extract folder" in empty.stderr
    assert list((tmp_path / "raw-empty").iterdir()) == []


@pytest.mark.parametrize("how", ["flag", "env"])
def test_an_invalid_extract_date_is_refused_in_one_line_and_recorded(tmp_path, how):
    drop_extract(tmp_path / "raw", "2020-03-31")
    args, env = (["--extract-date", "2019-13-45"], {}) if how == "flag" else ([], {"CSC_EXTRACT_DATE": "2019-13-45"})
    result = run_csc(tmp_path, "run", *args, **env)
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "2019-13-45" in result.stderr
    assert "Traceback" not in result.stderr
    [(status, note)] = _history_rows(tmp_path)
    assert status == "refused" and "2019-13-45" in note
    status_cmd = run_csc(tmp_path, "status", CSC_NOW="2020-04-01T12:00:00")
    assert status_cmd.returncode == 1 and "refused" in status_cmd.stdout


def _hold_lock(root) -> subprocess.Popen:
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from dagster_project.orchestration.run_lock import acquire\n"
        f"assert acquire(Path({str(root / 'data')!r}), 'test holder')\n"
        "print('held', flush=True)\n"
        "time.sleep(300)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=csc_env(root))
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_concurrent_cli_run_is_refused_and_recorded(tmp_path):
    drop_extract(tmp_path / "raw", "2020-03-31")
    holder = _hold_lock(tmp_path)
    try:
        started = time.monotonic()
        result = run_csc(tmp_path, "run")
        status_cmd = run_csc(tmp_path, "status", CSC_NOW="2020-04-01T12:00:00")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "another run is in progress" in result.stderr and f"pid {holder.pid}" in result.stderr
    assert time.monotonic() - started < 120  # refused, not hung
    assert not (tmp_path / "data" / "warehouse").exists()  # nothing of the other run's data was touched
    [(status, note)] = _history_rows(tmp_path)
    assert status == "refused" and "another run is in progress" in note
    assert status_cmd.returncode == 1 and "refused" in status_cmd.stdout


def test_a_daemon_launched_run_is_refused_by_the_same_lock(tmp_path, monkeypatch):
    """A run started by the daemon (no `csc run` wrapper) takes the lock in its first step."""
    drop_extract(tmp_path / "raw", "2020-03-31")
    holder = _hold_lock(tmp_path)
    monkeypatch.setenv("CSC_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("CSC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("dagster_project.orchestration.run_guard.WORKER_LOCK_WAIT_SECONDS", 1)
    try:
        from dagster_project.definitions import defs

        with dg.DagsterInstance.ephemeral() as instance:
            result = defs.resolve_job_def("nightly").execute_in_process(
                instance=instance, tags={EXTRACT_DATE_TAG: "2020-03-31"}, raise_on_error=False
            )
    finally:
        holder.kill()
        holder.wait()
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_key == "raw_exports"
    assert "another run is in progress" in failure.event_specific_data.error.message
    assert not (tmp_path / "data" / "published").exists()


def test_freshness_is_never_negative(landing):
    drop_extract(landing, "2020-03-31")
    result = freshness(landing, dt.datetime(2020, 3, 31, 18, 36), 36)  # the extract's own day
    assert result.age_hours == 0 and " -" not in result.message and "is 0.0 h old" in result.message


def test_sensor_skips_an_extract_already_run_successfully_elsewhere(landing):
    folder = drop_extract(landing, "2020-03-31")
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_run(
            dg.DagsterRun(
                job_name="nightly",
                run_id="cli-run",
                status=dg.DagsterRunStatus.SUCCESS,
                tags={EXTRACT_DATE_TAG: "2020-03-31", CONTENT_HASH_TAG: content_hash(folder)},
            )
        )
        result = new_extract_sensor(dg.build_sensor_context(instance=instance))
    assert not result.run_requests
    assert "already ran successfully" in result.skip_reason.skip_message


def test_synthetic_figures_never_replace_real_ones(tmp_path):
    warehouse, history = tmp_path / "w" / "warehouse.duckdb", tmp_path / "h" / "history.duckdb"
    published = tmp_path / "p" / "analytics.duckdb"
    warehouse.parent.mkdir()
    make_warehouse(warehouse, 17.5)
    publish(warehouse, history, published, "real-run", "2020-03-31", data_origin="real")
    before = published.read_bytes()
    with pytest.raises(PublishError, match="synthetic"):
        publish(warehouse, history, published, "demo-run", "2020-03-31", data_origin="synthetic")
    assert published.read_bytes() == before
    assert stat.S_IMODE(published.stat().st_mode) == 0o644
    with duckdb.connect(str(published), read_only=True) as conn:
        assert conn.execute("select data_origin from marts.runs").fetchall() == [("real",)]


def test_generated_extracts_are_marked_synthetic(tmp_path):
    from dagster_project.cli import main as csc

    assert csc(["generate", "--scale", "0.02", "--extract-date", "2020-03-31", "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "2020-03-31" / "_synthetic.json").is_file()
    mark_synthetic(tmp_path / "2020-03-31")  # idempotent


def test_personal_data_stores_are_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("CSC_DATA_DIR", str(tmp_path / "data"))
    os.umask(0o022)
    paths = get_paths()
    for store in (paths.warehouse, paths.restricted_dir / "dq_failures.duckdb"):
        with connect(store) as conn:
            conn.execute("create table t as select 1")
        assert stat.S_IMODE(store.stat().st_mode) == 0o600, store
        assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700, store.parent


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["Error occurred while executing op", "IO Error: No space left on device"], "Disk full"),
        (['IO Error: Could not write file "/v/wh/warehouse.duckdb.wal": No space left on device'],
         "free space on the disk that holds /v/wh and run again"),
        (["Error occurred while executing op", "Corrupt database file /d/warehouse/warehouse.duckdb: checksum"],
         "warehouse /d/warehouse/warehouse.duckdb is damaged"),
        (["IO Error: Could not read 4096 bytes from /d/history/history.duckdb (checksum mismatch)"],
         "history store /d/history/history.duckdb is damaged"),
        (["Error occurred while executing op", "Failure: Extract 2020-03-31: 1 file(s) unusable"],
         "Extract 2020-03-31: 1 file(s) unusable"),
    ],
    ids=["disk-full", "disk-full-names-the-folder", "corrupt-warehouse", "corrupt-history", "plain"],
)  # fmt: skip
def test_failure_reasons_name_the_cause_and_the_remedy(tmp_path, messages, expected):
    from pathlib import Path

    line = reason(messages, Path("/d/warehouse/warehouse.duckdb"), Path("/d/history/history.duckdb"), Path("/d/dh"))
    assert expected in line and "\n" not in line


@pytest.mark.parametrize("store", ["warehouse", "history"])
def test_a_damaged_store_fails_in_one_line_saying_how_to_recover(tmp_path, store):
    from tests.pipeline.run_pipeline import run_pipeline

    drop_extract(tmp_path / "raw", "2020-03-31")
    damaged = tmp_path / "data" / store / f"{store}.duckdb"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"not a database " * 1000)
    outcome, _ = run_pipeline(tmp_path, "2020-03-31")
    assert not outcome.success
    assert "damaged" in outcome.error and str(damaged) in outcome.error and "\n" not in outcome.error
    assert "run again" in outcome.error
    alerts = (tmp_path / "data" / "alerts" / "alerts.jsonl").read_text(encoding="utf-8")
    assert outcome.run_id in alerts


def test_dead_run_sensor_closes_a_run_left_started_and_skips_while_a_run_holds_the_lock(landing, tmp_path, monkeypatch):
    """With the daemon: a run whose worker died stayed STARTED, so every queued run waited behind it."""
    from dagster_project.orchestration.sensors import dead_run_sensor

    monkeypatch.setattr("dagster_project.orchestration.sensors.DEAD_RUN_MIN_AGE_SECONDS", 0)
    data = tmp_path / "data"
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_run(dg.DagsterRun(job_name="nightly", run_id="dead-run", status=dg.DagsterRunStatus.STARTED))
        holder = _hold_lock(tmp_path)
        try:
            busy = dead_run_sensor(dg.build_sensor_context(instance=instance))
        finally:
            holder.kill()
            holder.wait()
        assert "in progress" in busy.skip_message
        assert instance.get_run_by_id("dead-run").status == dg.DagsterRunStatus.STARTED
        closed = dead_run_sensor(dg.build_sensor_context(instance=instance))
        assert "closed 1 run(s)" in closed.skip_message
        assert instance.get_run_by_id("dead-run").status == dg.DagsterRunStatus.FAILURE
    alerts = (data / "alerts" / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(alerts) == 1 and "dead-run" in alerts[0]


def test_recovery_tells_dead_runs_from_live_or_starting_ones(landing):
    """Only runs whose process is gone are closed: never a run whose process lives, nor one still starting."""
    from dagster_project.orchestration.recovery import STARTING_GRACE_SECONDS, recover_dead_runs
    from dagster_project.run_context import PID_TAG

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        with dg.DagsterInstance.ephemeral() as instance:
            for run_id, tags in {
                "live": {PID_TAG: str(live.pid)},
                "dead": {PID_TAG: str(dead.pid)},
                "starting": {},
            }.items():
                instance.add_run(
                    dg.DagsterRun(job_name="nightly", run_id=run_id, status=dg.DagsterRunStatus.STARTED, tags=tags)
                )
            recovery = recover_dead_runs(instance, min_age_seconds=STARTING_GRACE_SECONDS)
            statuses = {r: instance.get_run_by_id(r).status for r in ("live", "dead", "starting")}
    finally:
        live.kill()
        live.wait()
    assert recovery.dead_runs == ["dead"]
    assert statuses == {
        "live": dg.DagsterRunStatus.STARTED,
        "dead": dg.DagsterRunStatus.FAILURE,
        "starting": dg.DagsterRunStatus.STARTED,
    }


def test_recovery_removes_the_temporary_folders_a_killed_step_left(landing):
    """A step killed mid-way leaves its temporary folder (GX's rule-failure tables, a load's transcoded copy of a raw
    file, which holds personal values): the next run's recovery removes them, and nothing else."""
    from dagster_project.orchestration.recovery import recover_dead_runs
    from dagster_project.settings import INGEST_SCRATCH_PREFIX, RULE_FAILURES_SCRATCH_PREFIX, get_paths

    paths = get_paths()
    gx_left = paths.scratch_dir / f"{RULE_FAILURES_SCRATCH_PREFIX}k1ll3d"
    load_left = paths.warehouse.parent / f"{INGEST_SCRATCH_PREFIX}k1ll3d"
    kept = [paths.scratch_dir / "a_users_file.txt", paths.warehouse.parent / "notes"]
    for folder in (gx_left, load_left):
        folder.mkdir(parents=True)
        (folder / "children.csv").write_text("child_id,name\nC1,Ann Example\n", encoding="utf-8")
    kept[0].write_text("kept", encoding="utf-8")
    kept[1].mkdir()
    with dg.DagsterInstance.ephemeral() as instance:
        recovery = recover_dead_runs(instance)
    assert not gx_left.exists() and not load_left.exists()
    assert all(path.exists() for path in kept)
    assert "removed 2 temporary folder(s) of a killed step" in recovery.message
    with dg.DagsterInstance.ephemeral() as instance:
        assert recover_dead_runs(instance).message == ""  # nothing left: nothing said

"""The analysts' database is swapped in atomically, never half-written, never blocked by readers."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import stat

import duckdb
import pytest

from dagster_project.publish.database import PublishError, publish
from dagster_project.publish.history import RunRecord, last_run, record_run

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def make_warehouse(path, value: float, extract_date="2020-03-31", with_scorecard=True):
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        if with_scorecard:
            conn.execute(
                """
                create table marts.scorecard as
                select 'month' as period_type, date '2020-03-31' as as_at_date,
                       'average_caseload' as measure, ? as numerator, 1.0 as denominator,
                       ? as value, cast(? as date) as extract_date, 'dbt' as run_id
                """,
                [value, value, extract_date],
            )
        conn.execute("create table marts.caseload as select 'W1' as worker_id, 3 as caseload")


@pytest.fixture
def paths(tmp_path):
    return {
        "warehouse": tmp_path / "warehouse" / "warehouse.duckdb",
        "history": tmp_path / "history" / "history.duckdb",
        "published": tmp_path / "published" / "analytics.duckdb",
    }


def read_value(published):
    with duckdb.connect(str(published), read_only=True) as conn:
        return conn.execute("select value from marts.scorecard").fetchone()[0]


def test_publish_copies_marts_and_history(paths):
    paths["warehouse"].parent.mkdir()
    make_warehouse(paths["warehouse"], 17.5)
    result = publish(paths["warehouse"], paths["history"], paths["published"], "run-1", "2020-03-31")
    assert result.tables["scorecard"] == 1
    with duckdb.connect(str(paths["published"]), read_only=True) as conn:
        listed = conn.execute("select table_name from information_schema.tables where table_schema = 'marts'")
        tables = {r[0] for r in listed.fetchall()}
        assert {"scorecard", "scorecard_history", "runs", "dq_results"} <= tables
        assert "caseload" not in tables  # a row per worker: restricted, never in the world-readable file
        runs = conn.execute("select run_id, published, status from marts.runs").fetchall()
        assert runs == [("run-1", True, "success")]
        assert conn.execute("select run_id from marts.scorecard_history").fetchall() == [("run-1",)]
    assert last_run(paths["history"])["published"] is True
    # no temporary files left behind
    assert sorted(p.name for p in paths["published"].parent.iterdir()) == ["analytics.duckdb"]
    child_level = paths["published"].parent.parent / "restricted" / "analytics_child_level.duckdb"
    assert sorted(p.name for p in child_level.parent.iterdir()) == [child_level.name]
    assert stat.S_IMODE(child_level.stat().st_mode) == 0o600
    assert stat.S_IMODE(child_level.parent.stat().st_mode) == 0o700
    with duckdb.connect(str(child_level), read_only=True) as conn:
        assert conn.execute("select * from marts.caseload").fetchall() == [("W1", 3)]
        assert conn.execute("select run_id from marts.publication").fetchall() == [("run-1",)]


def test_history_keeps_every_published_scorecard(paths):
    paths["warehouse"].parent.mkdir()
    make_warehouse(paths["warehouse"], 17.5)
    publish(paths["warehouse"], paths["history"], paths["published"], "run-1", "2020-03-31")
    paths["warehouse"].unlink()
    make_warehouse(paths["warehouse"], 19.0)
    publish(paths["warehouse"], paths["history"], paths["published"], "run-2", "2020-03-31")
    with duckdb.connect(str(paths["published"]), read_only=True) as conn:
        rows = conn.execute("select run_id, value from marts.scorecard_history order by run_id").fetchall()
    assert rows == [("run-1", 17.5), ("run-2", 19.0)]
    assert read_value(paths["published"]) == 19.0


def test_failed_publish_leaves_previous_file(paths):
    paths["warehouse"].parent.mkdir()
    make_warehouse(paths["warehouse"], 17.5)
    publish(paths["warehouse"], paths["history"], paths["published"], "run-1", "2020-03-31")
    before = paths["published"].read_bytes()
    paths["warehouse"].unlink()
    make_warehouse(paths["warehouse"], 99.0, with_scorecard=False)
    with pytest.raises(PublishError, match="no marts.scorecard"):
        publish(paths["warehouse"], paths["history"], paths["published"], "run-2", "2020-03-31")
    assert paths["published"].read_bytes() == before
    assert read_value(paths["published"]) == 17.5


def _hold_open_and_report(path, ready, release, out):
    conn = duckdb.connect(str(path), read_only=True)
    ready.set()
    release.wait(30)
    out.put(conn.execute("select value from marts.scorecard").fetchone()[0])
    conn.close()


def test_reader_in_another_process_never_blocks_publish(paths):
    paths["warehouse"].parent.mkdir()
    make_warehouse(paths["warehouse"], 17.5)
    publish(paths["warehouse"], paths["history"], paths["published"], "run-1", "2020-03-31")
    ctx = mp.get_context("spawn")
    ready, release, out = ctx.Event(), ctx.Event(), ctx.Queue()
    reader = ctx.Process(target=_hold_open_and_report, args=(paths["published"], ready, release, out))
    reader.start()
    try:
        assert ready.wait(30)
        paths["warehouse"].unlink()
        make_warehouse(paths["warehouse"], 19.0)
        publish(paths["warehouse"], paths["history"], paths["published"], "run-2", "2020-03-31")
        release.set()
        assert out.get(timeout=30) == 17.5  # the analyst keeps a consistent old snapshot
    finally:
        release.set()
        reader.join(30)
    assert read_value(paths["published"]) == 19.0  # new readers see the new run


def test_record_run_never_unpublishes(paths):
    now = dt.datetime(2020, 4, 1, 2, 30)
    record_run(paths["history"], RunRecord("r", "2020-03-31", now, None, "running"))
    record_run(paths["history"], RunRecord("r", "2020-03-31", None, now, "success", published=True))
    record_run(paths["history"], RunRecord("r", "2020-03-31", None, now, "success"))
    run = last_run(paths["history"])
    assert run["published"] is True and run["started_at"] == now and run["status"] == "success"

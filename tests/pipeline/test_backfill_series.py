"""A backfill over a generated series: oldest first, one run each, each leaving its history."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.cli import main as csc
from dagster_project.cli.job import resolved_nightly_job
from dagster_project.orchestration.runner import backfill

SERIES = ["2019-03-01", "2019-03-02", "2019-03-04"]


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory):
    root = tmp_path_factory.mktemp("series")
    for date in SERIES:
        code = csc(["generate", "--preset", "council", "--scale", "0.1", "--extract-date", date, "--seed", "11",
                    "--defect-rate", "0", "--out", str(root / "raw"), "--quiet"])  # fmt: skip
        assert code == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CSC_RAW_DIR", str(root / "raw"))
        mp.setenv("CSC_DATA_DIR", str(root / "data"))
        mp.delenv("DAGSTER_HOME", raising=False)
        mp.delenv("CSC_EXTRACT_DATE", raising=False)
        outcomes = backfill(resolved_nightly_job(), "2019-03-01", "2019-03-03")
    return root, outcomes


def test_backfill_runs_each_stored_extract_in_range_oldest_first(backfilled):
    _, outcomes = backfilled
    assert [o.extract_date for o in outcomes] == ["2019-03-01", "2019-03-02"]
    assert all(o.success for o in outcomes), [o.error for o in outcomes]


def test_each_backfilled_run_leaves_its_history(backfilled):
    root, outcomes = backfilled
    run_ids = [o.run_id for o in outcomes]
    with duckdb.connect(str(root / "data" / "published" / "analytics.duckdb"), read_only=True) as conn:
        runs = conn.execute("select run_id, cast(extract_date as varchar), published from marts.runs").fetchall()
        history = conn.execute("select distinct run_id from marts.scorecard_history").fetchall()
        checks = conn.execute("select distinct run_id from marts.dq_results").fetchall()
        latest = conn.execute("select distinct cast(extract_date as varchar) from marts.scorecard").fetchall()
    assert sorted(runs) == sorted([(run_ids[0], "2019-03-01", True), (run_ids[1], "2019-03-02", True)])
    assert {r[0] for r in history} == set(run_ids)
    assert {r[0] for r in checks} == set(run_ids)
    assert latest == [("2019-03-02",)]  # the newest backfilled extract is the one published last

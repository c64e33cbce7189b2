"""A failed or blocked run alerts once, says why, is recorded, and leaves the published database alone."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from dagster_project.cli import main as csc
from dagster_project.settings import Paths
from tests.orchestration.conftest import copy_of_good_run
from tests.pipeline.hand_made_extract import EXTRACT_DATE
from tests.pipeline.run_pipeline import run_pipeline

GOOD, INCOMPLETE, BLOCKED = EXTRACT_DATE, "2024-01-11", "2024-01-12"


# The council of the good run (tests/pipeline/conftest.py): every run here is the same council's, as at a council.
COUNCIL = {"CSC_LA_CODE": "884"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, hand_made_outcome):
    # The good run is the session's hand-made run (hand_made_outcome, published with CSC_DQ_BLOCK_SHARE=1): a copy
    # of its landing zone and data folder (the Dagster instance, history, warehouse, reports) as it finished,
    # symlinks kept (reports/latest is a relative link), so the failed runs below follow it as they would at a
    # council instead of the job running it again here.
    good, good_paths = hand_made_outcome
    root = copy_of_good_run(good_paths.raw_dir.parent, tmp_path_factory.mktemp("failures"))  # run_pipeline's layout
    raw = root / "raw"
    published_before = Paths(raw_dir=raw, data_dir=root / "data").published_database.read_bytes()

    shutil.copytree(raw / GOOD, raw / INCOMPLETE)
    (raw / INCOMPLETE / "visits.csv").unlink()
    incomplete, paths = run_pipeline(root, INCOMPLETE, CSC_DQ_BLOCK_SHARE="1", **COUNCIL)
    after_incomplete = paths.published_database.read_bytes()

    # The same defective rows under the production threshold (5% of a file's rows) block publishing.
    shutil.copytree(raw / GOOD, raw / BLOCKED)
    blocked, _ = run_pipeline(root, BLOCKED, **COUNCIL)
    alerts = [json.loads(line) for line in (paths.data_dir / "alerts" / "alerts.jsonl").read_text().splitlines()]
    return {
        "root": root,
        "paths": paths,
        "good": good,
        "incomplete": incomplete,
        "blocked": blocked,
        "published_before": published_before,
        "after_incomplete": after_incomplete,
        "alerts": alerts,
    }


def test_incomplete_extract_fails_naming_the_missing_file(runs):
    outcome = runs["incomplete"]
    assert not outcome.success
    assert "visits.csv" in outcome.error


def test_blocked_run_fails_on_blocking_checks(runs):
    outcome = runs["blocked"]
    assert not outcome.success
    assert "blocking" in outcome.error.lower()


def test_published_database_untouched_by_failed_and_blocked_runs(runs):
    assert runs["after_incomplete"] == runs["published_before"]
    assert runs["paths"].published_database.read_bytes() == runs["published_before"]


def test_one_alert_per_failed_run(runs):
    by_run = {a["run_id"]: a for a in runs["alerts"] if a["kind"] in ("run_failure", "blocking_check")}
    assert set(by_run) == {runs["incomplete"].run_id, runs["blocked"].run_id}
    assert len([a for a in runs["alerts"] if a.get("run_id") == runs["incomplete"].run_id]) == 1
    incomplete = by_run[runs["incomplete"].run_id]
    assert incomplete["kind"] == "run_failure" and "visits.csv" in incomplete["message"]
    assert incomplete["failed_step"] and incomplete["link"].endswith(runs["incomplete"].run_id)
    assert by_run[runs["blocked"].run_id]["kind"] == "blocking_check"


def test_every_run_is_recorded_with_its_outcome(runs):
    with duckdb.connect(str(runs["paths"].history_database), read_only=True) as conn:
        recorded = dict(conn.execute("select run_id, status || '/' || published from runs").fetchall())
        blocked_checks = conn.execute(
            "select count(*) from dq_results where run_id = ? and not passed", [runs["blocked"].run_id]
        ).fetchone()[0]
        incomplete_checks = conn.execute(
            "select source_file, check_name, passed from dq_results where run_id = ?", [runs["incomplete"].run_id]
        ).fetchall()
    assert recorded[runs["good"].run_id] == "success/true"
    assert recorded[runs["incomplete"].run_id] == "failure/false"
    assert recorded[runs["blocked"].run_id] == "failure/false"
    assert blocked_checks > 0  # blocked runs keep their data-quality evidence
    assert ("visits.csv", "file_present", False) in incomplete_checks  # so does a run stopped at ingest


def test_status_command_reports_the_blocked_run(runs, monkeypatch, capsys):
    monkeypatch.setenv("CSC_RAW_DIR", str(runs["root"] / "raw"))
    monkeypatch.setenv("CSC_DATA_DIR", str(runs["root"] / "data"))
    monkeypatch.setenv("CSC_NOW", "2024-01-12T09:00:00")
    code = csc(["status"])
    out = capsys.readouterr().out
    assert code == 1
    assert runs["blocked"].run_id in out and "failure" in out
    assert "blocking check failed" in out
    assert "newest extract 2024-01-12" in out and "fresh" in out


def test_failed_and_blocked_runs_rebuild_no_report(runs):
    reports = runs["paths"].reports_dir
    worklists = runs["paths"].restricted_dir / "worklists"
    assert (reports / GOOD / "index.html").exists()  # the good run built its reports
    for extract in (INCOMPLETE, BLOCKED):
        assert not (reports / extract).exists()
        assert not (worklists / extract).exists()
    assert (reports / "latest").resolve() == (reports / GOOD).resolve()

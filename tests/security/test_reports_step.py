"""Findings 3, 4 and 5 of issue 21: the reports step is honest and recoverable. Real `csc` processes on a copy of
the conformance extract.

- A reports failure after the publish is recorded as "published, reports failed" with its cause (history,
  alert, `csc status`, which exits 1), and the terminal never says the published database is unchanged. The
  failure is a real one: a targets file with a bad row (the reports step reads it after the publish).
- `csc report` and `csc report` (or a run's reports step) share one lock: a second build waits, or is refused
  with one line; neither crashes.
- A run killed during its reports step is not "success" in `csc status`; a dangling `reports/latest` and
  leftover `.building` / `.old` folders are reported by `csc status` and repaired by start-up recovery.
"""

from __future__ import annotations

import json
import shutil
import signal
import time

import duckdb
import pytest

from tests.orchestration.cli_process import csc_env, instance_for, run_csc, start_csc
from tests.orchestration.conftest import CONFORMANCE

DATE = "2020-03-31"
BAD_TARGETS = "measure,target,tolerance,effective_from\ncp_visits_in_time_pct,eighty,5,\n"


def _history_row(root, run_id: str) -> tuple:
    with duckdb.connect(str(root / "data" / "history" / "history.duckdb"), read_only=True) as conn:
        return conn.execute("select status, published, note from runs where run_id = ?", [run_id]).fetchone()


def _last_run_id(root) -> str:
    with duckdb.connect(str(root / "data" / "history" / "history.duckdb"), read_only=True) as conn:
        return conn.execute("select run_id from runs order by started_at desc nulls last limit 1").fetchone()[0]


@pytest.fixture(scope="module")
def reports_failed(tmp_path_factory):
    """A real run whose reports step fails after its publish (a bad targets file)."""
    root = tmp_path_factory.mktemp("reports_failed")
    shutil.copytree(CONFORMANCE, root / "raw" / DATE)
    targets = root / "bad_targets.csv"
    targets.write_text(BAD_TARGETS)
    run = run_csc(root, "run", CSC_TARGETS_FILE=str(targets))
    status = run_csc(root, "status", CSC_NOW="2020-04-01T12:00:00")
    return {"root": root, "run": run, "status": status, "run_id": _last_run_id(root)}


def test_a_reports_failure_after_publishing_never_claims_the_database_unchanged(reports_failed):
    run = reports_failed["run"]
    assert run.returncode == 1, run.stdout + run.stderr
    assert "unchanged" not in run.stderr
    assert "Published, reports failed" in run.stderr
    assert "targets" in run.stderr.lower()  # the cause, in one line


def test_the_run_is_recorded_as_published_reports_failed_with_its_cause(reports_failed):
    status, published, note = _history_row(reports_failed["root"], reports_failed["run_id"])
    assert (status, published) == ("reports_failed", True)
    assert "targets" in note.lower()


def test_the_alert_carries_the_cause(reports_failed):
    alerts = (reports_failed["root"] / "data" / "alerts" / "alerts.jsonl").read_text().splitlines()
    messages = [json.loads(line)["message"] for line in alerts]
    assert [m for m in messages if m.startswith("Published, reports failed") and "targets" in m.lower()]


def test_csc_status_says_published_reports_failed_and_exits_non_zero(reports_failed):
    status = reports_failed["status"]
    assert status.returncode == 1
    assert "published, reports failed" in status.stdout
    assert "targets" in status.stdout.lower()  # the note: the cause


def test_the_failed_build_left_no_hidden_folder(reports_failed):
    reports = reports_failed["root"] / "data" / "reports"
    worklists = reports_failed["root"] / "data" / "restricted" / "worklists"
    assert [p.name for p in (*reports.glob(".*"), *worklists.glob(".*"))] == []


def test_two_report_builds_at_once_both_finish(reports_failed):
    root = reports_failed["root"]
    first, second = start_csc(root, "report"), start_csc(root, "report")
    outcomes = [(p.wait(timeout=600), *p.communicate()) for p in (first, second)]
    assert [code for code, _, _ in outcomes] == [0, 0], outcomes
    assert (root / "data" / "reports" / "latest" / "index.html").is_file()
    assert sorted(p.name for p in (root / "data" / "reports").glob(".*")) == []


def test_a_report_build_while_another_holds_the_lock_is_refused_in_one_line(reports_failed):
    from dagster_project.reports.build_lock import report_build_lock  # new (not on main: no lock there)

    root = reports_failed["root"]
    with report_build_lock(root / "data", "test holder", wait_seconds=0):
        refused = run_csc(root, "report", CSC_REPORT_LOCK_WAIT_SECONDS="0")
    assert refused.returncode == 2
    assert refused.stderr.strip().startswith("Refused: another report build is in progress")
    assert len(refused.stderr.strip().splitlines()) == 1


def test_status_reports_a_dangling_latest_and_recovery_repairs_it(reports_failed, monkeypatch):
    root = reports_failed["root"]
    reports = root / "data" / "reports"
    assert run_csc(root, "report").returncode == 0
    # What a build killed between the two renames of its swap leaves: the folder renamed away, a half build.
    (reports / DATE).rename(reports / f".{DATE}.old")
    (reports / f".{DATE}.building").mkdir()
    (root / "data" / "restricted" / "worklists" / f".{DATE}.building").mkdir()
    status = run_csc(root, "status", CSC_NOW="2020-04-01T12:00:00")
    assert status.returncode == 1
    assert "points at nothing" in status.stdout

    for key, value in csc_env(root).items():
        monkeypatch.setenv(key, value)
    from dagster_project.orchestration.recovery import recover_dead_runs

    with instance_for(root) as instance:
        recovery = recover_dead_runs(instance)
    assert "repaired the reports folders" in recovery.message
    assert (reports / "latest" / "index.html").is_file()
    assert sorted(p.name for p in reports.glob(".*")) == []
    assert sorted(p.name for p in (root / "data" / "restricted" / "worklists").glob(".*")) == []
    assert "points at nothing" not in run_csc(root, "status", CSC_NOW="2020-04-01T12:00:00").stdout


def _reports_step_started(root) -> bool:
    """The reports step is building: its hidden folder exists (polled by file: opening Dagster's storage while the
    run creates it races the run's own migration)."""
    reports = root / "data" / "reports"
    return reports.is_dir() and any(reports.glob(".*.building"))


def test_a_run_killed_in_its_reports_step_is_never_reported_as_a_success(tmp_path):
    shutil.copytree(CONFORMANCE, tmp_path / "raw" / DATE)
    process = start_csc(tmp_path, "run")
    deadline = time.monotonic() + 600
    try:
        while process.poll() is None and time.monotonic() < deadline and not _reports_step_started(tmp_path):
            time.sleep(0.05)  # polling a file: there is no event to wait on across processes
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the run finished before its reports step was reached"
    status = run_csc(tmp_path, "status", CSC_NOW="2020-04-01T12:00:00")
    assert status.returncode == 1
    last = next(line for line in status.stdout.splitlines() if line.startswith("Last run:"))
    assert "success" not in last and "reports failed" in last


def test_a_build_that_fails_after_starting_leaves_no_hidden_folder(reports_failed):
    """A real failure once the build's `.building` folder exists: the worklists' folder is a file."""
    root = reports_failed["root"]
    assert run_csc(root, "report").returncode == 0  # reports of this extract exist: a later failure keeps them
    worklists = root / "data" / "restricted" / "worklists"
    shutil.rmtree(worklists)
    worklists.write_text("not a folder")
    try:
        failed = run_csc(root, "report")
    finally:
        worklists.unlink()
    assert failed.returncode != 0
    assert sorted(p.name for p in (root / "data" / "reports").glob(".*")) == []
    assert (root / "data" / "reports" / DATE / "index.html").is_file()  # the previous reports stay

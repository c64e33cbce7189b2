"""Blocking thresholds, the publish gate and the HTML summary, on small hand-made results."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.quality.results import CheckResult, append_dq_results, blocking_failures, read_dq_results
from dagster_project.quality.rule_checks import severity_for
from dagster_project.quality.rules import rule_by_id
from dagster_project.quality.summary import render_summary, write_summary
from dagster_project.quality.thresholds import implausible_jump

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def _result(run_id: str, check: str, failed: int, severity: str = "WARN", file: str = "visits.csv") -> CheckResult:
    return CheckResult(
        run_id=run_id, checked_at=dt.datetime(2020, 4, int(run_id[1:])), extract_date="2020-03-31", source_file=file,
        check_name=check, dimension=rule_by_id(check).dimension, severity=severity, passed=failed == 0,
        rows_checked=1000, rows_failed=failed, failure_sample="V1@line 2" if failed else "",
    )  # fmt: skip


def test_severity_follows_the_block_share(monkeypatch):
    orphan, uk_date = rule_by_id("visits.child_id.orphan"), rule_by_id("visits.visit_date.uk_date")
    assert severity_for(orphan, 50, 1000) == "WARN"  # 5% is not more than 5%
    assert severity_for(orphan, 51, 1000) == "ERROR"
    assert severity_for(uk_date, 1000, 1000) == "WARN"  # formatting never blocks
    assert severity_for(orphan, None, 1000) == "ERROR"  # a rule that cannot run blocks
    # a cascade (a review whose CP plan is excluded) is judged where it starts: it warns, never blocks
    cascade = rule_by_id("cp_reviews.cp_plan_id.parent_not_counted")
    assert cascade.is_cascade and not orphan.is_cascade
    assert severity_for(cascade, 1000, 1000) == "WARN"
    assert severity_for(cascade, None, 1000) == "ERROR"  # ... unless it cannot run
    monkeypatch.setenv("CSC_DQ_BLOCK_SHARE", "0.2")
    assert severity_for(orphan, 51, 1000) == "WARN"
    monkeypatch.setenv("CSC_DQ_BLOCK_SHARE", "2")
    with pytest.raises(ValueError, match="CSC_DQ_BLOCK_SHARE"):
        severity_for(orphan, 51, 1000)


def test_an_implausible_jump_needs_the_share_and_the_minimum_change(monkeypatch):
    assert implausible_jump(1000, 1251) and implausible_jump(1000, 749)  # more than 25%, 251 records
    assert not implausible_jump(1000, 1250)  # exactly 25% is not more than 25%
    # a small file: 1 -> 2 UASC children is +100% but one record (issue 24: it blocked a second 903 import)
    assert not implausible_jump(1, 2) and not implausible_jump(20, 29)
    assert implausible_jump(20, 30)  # +50% and 10 records
    assert not implausible_jump(0, 500) and not implausible_jump(None, 5)  # nothing to compare with
    monkeypatch.setenv("CSC_DQ_JUMP_MIN_CHANGE", "0")
    assert implausible_jump(1, 2)
    monkeypatch.setenv("CSC_DQ_JUMP_MIN_CHANGE", "-1")
    with pytest.raises(ValueError, match="CSC_DQ_JUMP_MIN_CHANGE"):
        implausible_jump(1, 2)


def test_blocking_failures_and_summary(tmp_path):
    history = tmp_path / "history.duckdb"
    append_dq_results(history, [_result("r1", "visits.child_id.orphan", 3), _result("r1", "visits.before_birth", 0)])
    append_dq_results(
        history,
        [
            _result("r2", "visits.child_id.orphan", 80, "ERROR"),
            _result("r2", "children.sex.invalid_code", 2, file="children.csv"),
        ],
    )
    append_dq_results(history, [_result("r2", "visits.child_id.orphan", 90, "ERROR")])  # a retried step replaces
    assert blocking_failures(history, "r1") == []
    [blocked] = blocking_failures(history, "r2")
    assert (blocked["check_name"], blocked["rows_failed"]) == ("visits.child_id.orphan", 90)
    assert len(read_dq_results(history)) == 4
    page = render_summary(read_dq_results(history), "r2")
    assert "BLOCKED" in page and "3 → 90" in page  # consistency trend across runs
    assert page.index("visits.child_id.orphan") < page.index("children.sex.invalid_code")  # worst first
    assert page.index("<td>visits.csv</td>") < page.index("<td>children.csv</td>")
    path = write_summary(history, tmp_path / "reports", "r1")
    assert path.name == "dq_summary_r1.html" and "No blocking problem" in path.read_text()
    assert (tmp_path / "reports" / "dq_summary_latest.html").read_text() == path.read_text()


def test_summary_says_why_blocked_and_separates_excluded_flagged_errors_warnings(tmp_path):
    """Before: a blocked run's page never said why; excluded and flagged records were one count."""
    history = tmp_path / "history.duckdb"
    orphan, spaces = "visits.child_id.orphan", "teams.trailing_spaces"
    assert (rule_by_id(orphan).action, rule_by_id(spaces).action) == ("exclude", "flag")
    append_dq_results(
        history,
        [
            _result("r3", orphan, 80, "ERROR"),
            _result("r3", spaces, 7, file="teams.csv"),
            CheckResult(
                run_id="r3", checked_at=dt.datetime(2020, 4, 3), extract_date="2020-03-31", source_file="plans.csv",
                check_name="file_present", dimension="completeness", severity="ERROR", passed=False, rows_checked=0,
                rows_failed=0, failure_sample="Extract 2020-03-31 is incomplete: missing plans.csv.",
            ),
        ],
    )  # fmt: skip
    page = render_summary(read_dq_results(history), "r3", data_origin="synthetic")
    why = page[page.index("BLOCKED") : page.index("</ul>")]
    assert "missing plans.csv" in why
    assert "visits.child_id.orphan</b> — 80 rows failed (8.0% of 1000 rows)" in why
    assert "2 error(s)" in page and "1 warning(s)" in page
    assert "excluded</b> from the figures: 80" in page and "flagged</b> (counted" in page and ": 7." in page
    assert "href='../dq_docs/index.html'" in page
    assert "Synthetic data" in page

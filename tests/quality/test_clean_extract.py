"""A clean extract (the conformance extract) passes every check and leaves its evidence."""

from __future__ import annotations

import pytest

from dagster_project.contract.model import load_contract
from dagster_project.ingest.discovery import BlockingProblem
from dagster_project.quality import evidence
from dagster_project.quality.results import blocking_failures, read_dq_results
from dagster_project.quality.rule_counts import disagreements
from dagster_project.quality.rules import registry, rule_by_id
from dagster_project.settings import Paths
from tests.quality.extracts import DFE_FINDINGS_ON_CONFORMANCE, build_warehouse

EXTRACT = "2020-03-31"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    work = tmp_path_factory.mktemp("clean")
    build_warehouse(work, EXTRACT)
    return Paths(raw_dir=work / "raw", data_dir=work)


def file_checks_names(file_checks) -> set[str]:
    return {c.check for c in file_checks}


def test_clean_extract_fails_no_check(clean):
    file_checks = evidence.run_file_quality(clean, EXTRACT, "run-clean")
    evaluation = evidence.run_rule_quality(clean, EXTRACT, "run-clean")
    assert [c for c in file_checks if not c.passed] == []
    assert {r.check_name: r.rows_failed for r in evaluation.results if r.passed is False} == DFE_FINDINGS_ON_CONFORMANCE
    # one extract in the raw layer: the rules comparing with the previous extract have nothing to compare with;
    # the extract holds no optional file: their rules, and rules of other files reading one, are not applicable
    previous = {r.id for r in registry() if r.reads_previous_extract}
    optional = {f.name for f in load_contract().files.values() if f.optional}
    # a rule of a required file that reads an optional one is not applicable either (903 580 on episodes, CIN 8770Q
    # on children reads child_identifiers)
    optional_rules = {r.id for r in registry() if r.file in optional or {f for _, f in r.referenced()} & optional}
    assert previous and optional_rules
    assert {r.check_name for r in evaluation.results if r.passed is None} == previous | optional_rules
    assert {f[4] for f in evaluation.failures} == set(DFE_FINDINGS_ON_CONFORMANCE)
    assert all(rule_by_id(f[4]).action == "flag" and rule_by_id(f[4]).never_blocks for f in evaluation.failures)
    assert evaluation.errors == []
    applicable = [rule_by_id(r.check_name) for r in evaluation.results if r.passed is not None]
    assert disagreements(clean.warehouse, applicable, EXTRACT) == []
    rows = read_dq_results(clean.history_database, "run-clean")
    assert len(rows) == len(load_contract().files) * 4 + len(registry())
    assert [r["check_name"] for r in rows if r["status"] == "failed"] == sorted(DFE_FINDINGS_ON_CONFORMANCE)
    not_applicable = [(r["source_file"], r["check_name"]) for r in rows if r["status"] == "not_applicable"]
    optional_file_checks = {(f"{f}.csv", f"raw.{c}") for f in optional for c in file_checks_names(file_checks)}
    assert {c for _, c in not_applicable if not c.startswith("raw.")} == previous | optional_rules
    assert {(f, c) for f, c in not_applicable if c.startswith("raw.")} == optional_file_checks
    assert blocking_failures(clean.history_database, "run-clean") == []


def test_results_are_appended_per_run_and_trend_shown(clean):
    evidence.run_file_quality(clean, EXTRACT, "run-clean-2")
    problem = BlockingProblem("visits.csv", "raw.extract_complete", "missing", "completeness")
    evidence.record_blocking_problems(clean, "run-clean-2", EXTRACT, [problem])
    first = read_dq_results(clean.history_database, "run-clean")
    second = read_dq_results(clean.history_database, "run-clean-2")
    assert first and len(second) == len(load_contract().files) * 4 + 1  # earlier run untouched, new rows appended
    [blocking] = blocking_failures(clean.history_database, "run-clean-2")
    assert (blocking["check_name"], blocking["source_file"], blocking["severity"]) == (
        "raw.extract_complete",
        "visits.csv",
        "ERROR",
    )
    page = (clean.reports_dir / "dq_summary_latest.html").read_text()
    assert "run-clean-2" in page and "BLOCKED" in page and "trend" in page

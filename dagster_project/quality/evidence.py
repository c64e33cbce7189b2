"""Run the quality checks of one run and keep the evidence: dq_results (history store), row-level
failures (restricted store), GX Data Docs and the HTML summary. The Dagster checks call these; the
lead's publish step calls `results.blocking_failures`. Pure Python: no Dagster imports.
"""

from __future__ import annotations

from dagster_project.ingest.discovery import BlockingProblem, list_extracts
from dagster_project.ingest.origin import extract_origin
from dagster_project.quality import file_checks
from dagster_project.quality.applicability import not_applicable_rules, previous_extract_not_applicable
from dagster_project.quality.results import CheckResult, append_dq_results, now, replace_failures
from dagster_project.quality.rule_checks import RuleEvaluation, evaluate_rules
from dagster_project.quality.summary import write_summary
from dagster_project.settings import Paths
from dagster_project.sources.descriptor import SourceDescriptor, read_descriptor


def docs_dir(paths: Paths):
    return paths.data_dir / "dq_docs"


def _descriptor(paths: Paths, extract_date: str) -> SourceDescriptor:
    return read_descriptor(paths.raw_dir / extract_date)


def _previous_source(paths: Paths, extract_date: str) -> str | None:
    """The source of the newest earlier extract folder still in the landing zone (None: there is none)."""
    earlier = [d for d in list_extracts(paths.raw_dir) if d < extract_date]
    return read_descriptor(paths.raw_dir / earlier[-1]).source if earlier else None


def run_file_quality(paths: Paths, extract_date: str, run_id: str) -> list[file_checks.FileCheck]:
    descriptor = _descriptor(paths, extract_date)
    previous = _previous_source(paths, extract_date)
    checks = file_checks.run_file_checks(
        paths.warehouse, extract_date, frozenset(descriptor.missing_files), previous in (None, descriptor.source)
    )
    append_dq_results(paths.history_database, file_checks.as_results(checks, run_id, extract_date))
    write_summary(paths.history_database, paths.reports_dir, run_id, extract_origin(paths.raw_dir / extract_date))
    return checks


def run_rule_quality(paths: Paths, extract_date: str, run_id: str) -> RuleEvaluation:
    not_applicable = {
        **previous_extract_not_applicable(paths.warehouse, extract_date),
        **not_applicable_rules(_descriptor(paths, extract_date)),
    }
    evaluation = evaluate_rules(
        paths.warehouse,
        extract_date,
        run_id,
        docs_dir(paths),
        not_applicable=not_applicable,
        scratch_dir=paths.scratch_dir,
    )
    append_dq_results(paths.history_database, evaluation.results)
    replace_failures(paths.restricted_dir, run_id, evaluation.failures)
    write_summary(paths.history_database, paths.reports_dir, run_id, extract_origin(paths.raw_dir / extract_date))
    return evaluation


def record_blocking_problems(paths: Paths, run_id: str, extract_date: str, problems: list[BlockingProblem]) -> None:
    """Record problems ingest found before any check could run (e.g. an incomplete extract), so a blocked run
    still leaves its evidence."""
    checked_at = now()
    results = [
        CheckResult(
            run_id=run_id,
            checked_at=checked_at,
            extract_date=extract_date,
            source_file=problem.source_file,
            check_name=problem.check_name,
            dimension=problem.dimension,
            severity="ERROR",
            passed=False,
            rows_checked=0,
            rows_failed=0,
            failure_sample=problem.message,
        )  # fmt: skip
        for problem in problems
    ]
    append_dq_results(paths.history_database, results)
    write_summary(paths.history_database, paths.reports_dir, run_id, extract_origin(paths.raw_dir / extract_date))

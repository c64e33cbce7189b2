"""Shared real nightly runs (ingest, checks, dbt, publish, reports): the conformance extract with planted personal
values, shared by the report tests: a copy of the good conformance run every worker that needs it makes once
(tests/conftest.py `good_conformance_run`: a `csc run` of that very extract); and the hand-made Annex A extract
with every optional file, shared by the three Annex A optional-file modules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.reports.annex_a import AnnexOutputs, build_annex_a
from dagster_project.settings import Paths
from tests.orchestration.conftest import CONFORMANCE_DATE as EXTRACT_DATE
from tests.orchestration.conftest import copy_of_good_run
from tests.pipeline.run_pipeline import run_pipeline
from tests.planted_names import personal_values
from tests.reports.annex_a_extract import EXTRACT_DATE as ANNEX_A_EXTRACT_DATE
from tests.reports.annex_a_optional_files import write_optional_files_extract


@dataclass(frozen=True)
class ReportRun:
    paths: Paths
    root: Path
    reports: Path
    worklists: Path
    personal_values: frozenset[str]


@pytest.fixture(scope="session")
def report_run(tmp_path_factory, good_conformance_run) -> ReportRun:
    """A copy of the good conformance run (names planted, marked synthetic, as it finished: reports/latest stays a
    relative link), so the report tests that write (`csc report`) leave the run other tests copy as it was."""
    root = copy_of_good_run(good_conformance_run, tmp_path_factory.mktemp("reports"))
    paths = Paths(raw_dir=(root / "raw").resolve(), data_dir=(root / "data").resolve())
    return ReportRun(
        paths=paths,
        root=root,
        reports=paths.reports_dir / EXTRACT_DATE,
        worklists=paths.restricted_dir / "worklists" / EXTRACT_DATE,
        personal_values=personal_values(paths.raw_dir / EXTRACT_DATE),
    )


@dataclass(frozen=True)
class AnnexRun:
    paths: Paths
    annex: AnnexOutputs


@pytest.fixture(scope="session")
def annex_a_with_optional_files(tmp_path_factory) -> AnnexRun:
    """One run and one Annex A of the hand-made Annex A extract with every optional file, for
    test_annex_a_case_files.py, test_annex_a_cp_files.py and test_annex_a_legal_pathway.py (only read: a test that
    changes anything works on a copy)."""
    root = tmp_path_factory.mktemp("annex_a_optional_files")
    write_optional_files_extract(root / "raw")
    outcome, paths = run_pipeline(root, ANNEX_A_EXTRACT_DATE, CSC_DQ_BLOCK_SHARE="1")  # defective rows on purpose
    assert outcome.success, f"{outcome.failed_step}: {outcome.error}"
    return AnnexRun(paths, build_annex_a(paths))

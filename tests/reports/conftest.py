"""Shared real nightly runs (ingest, checks, dbt, publish, reports): one on a copy of the conformance extract with
planted personal values, shared by the report tests; one on the hand-made Annex A extract with every optional file,
shared by the three Annex A optional-file modules."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.ingest.origin import mark_synthetic
from dagster_project.reports.annex_a import AnnexOutputs, build_annex_a
from dagster_project.settings import Paths
from tests.pipeline.run_pipeline import run_pipeline
from tests.reports.annex_a_extract import EXTRACT_DATE as ANNEX_A_EXTRACT_DATE
from tests.reports.annex_a_optional_files import write_optional_files_extract

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "2020-03-31"
EXTRACT_DATE = "2020-03-31"
# Planted in the raw files: none may appear in any report, worklist or mart.
PLANTED_FORENAME, PLANTED_SURNAME, PLANTED_WORKER = "Zebulonia", "Quillfeatherstone", "Ottoline Vantablack"


@dataclass(frozen=True)
class ReportRun:
    paths: Paths
    root: Path
    reports: Path
    worklists: Path
    personal_values: frozenset[str]


def _plant(raw: Path) -> set[str]:
    """Rewrite names in children.csv and workers.csv; return every personal value of the extract."""
    personal: set[str] = set()
    for file, columns in (
        ("children.csv", ("forename", "surname", "date_of_birth", "postcode")),
        ("workers.csv", ("worker_name",)),
    ):
        path = raw / file
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        for i, row in enumerate(rows):
            if "forename" in row:
                row["forename"] = f"{PLANTED_FORENAME}{i}"
                row["surname"] = PLANTED_SURNAME
            else:
                row["worker_name"] = f"{PLANTED_WORKER} {i}"
            personal |= {row[c] for c in columns if row[c]}
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    return personal


@pytest.fixture(scope="session")
def report_run(tmp_path_factory) -> ReportRun:
    root = tmp_path_factory.mktemp("reports")
    raw = root / "raw" / EXTRACT_DATE
    shutil.copytree(CONFORMANCE, raw)
    personal = _plant(raw)
    mark_synthetic(raw, preset="conformance")  # the extract is generated: every output must say so (issue 23)
    outcome, paths = run_pipeline(root, EXTRACT_DATE)
    assert outcome.success, f"{outcome.failed_step}: {outcome.error}"
    return ReportRun(
        paths=paths,
        root=root,
        reports=paths.reports_dir / EXTRACT_DATE,
        worklists=paths.restricted_dir / "worklists" / EXTRACT_DATE,
        personal_values=frozenset(personal),
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

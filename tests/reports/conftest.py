"""One real nightly run (ingest, checks, dbt, publish, reports) on a copy of the conformance extract with
planted personal values, shared by the report tests: a copy of the good conformance run every worker that needs
it makes once (tests/orchestration/conftest.py `good_conformance_run`: a `csc run` of that very extract)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.settings import Paths
from tests.orchestration.conftest import CONFORMANCE_DATE as EXTRACT_DATE
from tests.planted_names import personal_values


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
    root = tmp_path_factory.mktemp("reports")
    for folder in ("raw", "data"):
        shutil.copytree(good_conformance_run / folder, root / folder, symlinks=True)
    paths = Paths(raw_dir=(root / "raw").resolve(), data_dir=(root / "data").resolve())
    return ReportRun(
        paths=paths,
        root=root,
        reports=paths.reports_dir / EXTRACT_DATE,
        worklists=paths.restricted_dir / "worklists" / EXTRACT_DATE,
        personal_values=personal_values(paths.raw_dir / EXTRACT_DATE),
    )

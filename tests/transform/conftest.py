"""Session fixtures: the conformance extract loaded into a fresh warehouse and built once with `dbt build`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.benchmarks.table import write_child_population, write_dfe_benchmarks
from dagster_project.ingest.load import load_extract
from dagster_project.transform.calendar_table import write_working_days
from dagster_project.transform.dbt_vars import run_context
from tests.transform.dbt_runner import run_dbt_in_worker

CONFORMANCE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "conformance"
CONFORMANCE_EXTRACT = CONFORMANCE_DIR / "2020-03-31"
# v1: the 13 original measures; v2: the five volume, repeat-plan and agency measures (same extract and dates).
EXPECTED_SCORECARDS = (CONFORMANCE_DIR / "expected_scorecard.csv", CONFORMANCE_DIR / "expected_scorecard_v2.csv")


@dataclass(frozen=True)
class BuiltWarehouse:
    path: Path
    work_dir: Path
    build_seconds: float


@pytest.fixture(scope="session")
def conformance_warehouse(tmp_path_factory) -> BuiltWarehouse:
    work_dir = tmp_path_factory.mktemp("conformance")
    warehouse = work_dir / "warehouse" / "warehouse.duckdb"  # laid out as a data folder (dbt_runner.py)
    write_working_days(warehouse)
    write_dfe_benchmarks(warehouse)  # the DfE comparators marts.benchmarks reads (England only: no CSC_LA_CODE)
    write_child_population(warehouse)  # none known (no CSC_LA_CODE, no synthetic marker): the rates have no figure
    load_extract(warehouse, CONFORMANCE_EXTRACT, CONFORMANCE_EXTRACT.name, "fixture")
    started = time.perf_counter()
    result = run_dbt_in_worker(["build"], warehouse, work_dir, run_context("2020-03-31", "conformance"))
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return BuiltWarehouse(path=warehouse, work_dir=work_dir, build_seconds=seconds)

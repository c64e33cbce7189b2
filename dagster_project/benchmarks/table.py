"""Writes the DfE comparators of the council CSC_LA_CODE names into the warehouse as `reference.dfe_benchmarks`,
and the council's child population as `reference.child_population` (the rates per 10,000).

dbt's `marts.benchmarks` adds the council's own figure for the same period, computed from the extract.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from dagster_project.benchmarks.comparators import BenchmarkRow, benchmark_rows
from dagster_project.benchmarks.council import resolve_council
from dagster_project.benchmarks.population import load_population, population_periods, synthetic_population
from dagster_project.benchmarks.snapshot import load_snapshot
from dagster_project.catalogue import load_measures
from dagster_project.warehouse import write_reference_table

TABLE = "dfe_benchmarks"
COLUMNS = tuple(f.name for f in dataclasses.fields(BenchmarkRow))
BENCHMARK_TYPES = {
    "measure_id": "varchar",
    "dfe_indicator": "varchar",
    "period_end": "date",
    "council_published": "double",
    "england": "double",
    "region": "double",
    "statistical_neighbours": "double",
    "quartile_band": "varchar",
    "polarity": "varchar",
    "source": "varchar",
}


POPULATION_TABLE = "child_population"


def council_population(council, extract_folder: Path | None) -> list[tuple]:
    """(valid_from, valid_to, population) of the council's children: ONS for a named council, else the synthetic
    extract's own; empty when neither is known."""
    if council is not None:
        return population_periods(load_population().get(council.la_number, {}))
    synthetic = synthetic_population(extract_folder)
    return population_periods({1900: synthetic}) if synthetic else []


def write_dfe_benchmarks(warehouse_path: Path) -> tuple[int, str | None]:
    """Replace reference.dfe_benchmarks; returns (rows, council name or None for England only)."""
    council = resolve_council()
    rows = benchmark_rows(load_snapshot(), load_measures(), council)
    frame = pd.DataFrame([dataclasses.astuple(r) for r in rows], columns=list(COLUMNS))
    write_reference_table(warehouse_path, TABLE, frame, BENCHMARK_TYPES, order_by="measure_id, period_end")
    return len(rows), council.name if council else None


def write_child_population(warehouse_path: Path, extract_folder: Path | None = None) -> int:
    """Replace reference.child_population (the rates' denominators); returns the number of estimates.
    `extract_folder`: the run's extract (a synthetic one may carry the population the generator gave its council)."""
    population = pd.DataFrame(
        council_population(resolve_council(), extract_folder), columns=["valid_from", "valid_to", "population"]
    )
    return write_reference_table(
        warehouse_path, POPULATION_TABLE, population, {"valid_from": "date", "valid_to": "date", "population": "double"}
    )

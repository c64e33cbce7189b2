"""Writes the DfE comparators of the council CSC_LA_CODE names into the warehouse as `reference.dfe_benchmarks`.

dbt's `marts.benchmarks` adds the council's own figure for the same period, computed from the extract.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from dagster_project.benchmarks.comparators import BenchmarkRow, benchmark_rows
from dagster_project.benchmarks.council import resolve_council
from dagster_project.benchmarks.snapshot import load_snapshot
from dagster_project.catalogue import load_measures
from dagster_project.warehouse import connect

SCHEMA = "reference"
TABLE = "dfe_benchmarks"
COLUMNS = tuple(f.name for f in dataclasses.fields(BenchmarkRow))


def write_dfe_benchmarks(warehouse_path: Path) -> tuple[int, str | None]:
    """Replace reference.dfe_benchmarks; returns (rows, council name or None for England only)."""
    council = resolve_council()
    rows = benchmark_rows(load_snapshot(), load_measures(), council)
    frame = pd.DataFrame([dataclasses.astuple(r) for r in rows], columns=list(COLUMNS))
    with connect(warehouse_path) as conn:
        conn.execute(f"create schema if not exists {SCHEMA}")
        conn.register("benchmark_frame", frame)
        conn.execute(
            f"""
            create or replace table {SCHEMA}.{TABLE} as
            select cast(measure_id as varchar) as measure_id,
                   cast(dfe_indicator as varchar) as dfe_indicator,
                   cast(period_end as date) as period_end,
                   cast(council_published as double) as council_published,
                   cast(england as double) as england,
                   cast(region as double) as region,
                   cast(statistical_neighbours as double) as statistical_neighbours,
                   cast(quartile_band as varchar) as quartile_band,
                   cast(polarity as varchar) as polarity,
                   cast(source as varchar) as source
            from benchmark_frame
            order by measure_id, period_end
            """
        )
        conn.unregister("benchmark_frame")
    return len(rows), council.name if council else None

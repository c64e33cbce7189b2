"""What every dbt invocation gets: the standards as --vars and the run's own values as a run context.

The run's own values (extract date, run id, what the extract's source supports) change every run. Passed as
--vars they made dbt re-parse the whole project at every step ("config vars changed", ~5 s a step), so the job
writes them into the warehouse instead (`write_run_context`, table main._dbt_run_context) and the dbt macro
`csc_run_var` reads them at execution time. The standards stay --vars: they change only when a council
changes a CSC_<NAME> setting, and then dbt re-parses once, as it must.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from dagster_project.standards import Standards, load_standards


def source_vars(raw_dir: Path | None, extract_date: str) -> dict[str, object]:
    """What the extract's source cannot support (from its source descriptor; a folder without one
    provides everything): the rules to skip and each measure's availability."""
    from dagster_project.quality.applicability import not_applicable_rules
    from dagster_project.sources.availability import measure_availability
    from dagster_project.sources.descriptor import SourceDescriptor, read_descriptor

    descriptor = read_descriptor(Path(raw_dir) / extract_date) if raw_dir else SourceDescriptor()
    return {
        "source": descriptor.source,
        "data_start": descriptor.data_start,  # <<data_start>> in the rules: None for a whole history
        "not_applicable_rules": sorted(not_applicable_rules(descriptor)),
        "measure_availability": [
            {"measure": a.measure, "available": a.available, "reason": a.reason}
            for a in measure_availability(descriptor)
        ],
    }


def dbt_vars(
    extract_date: str, run_id: str, standards: Standards | None = None, raw_dir: Path | None = None
) -> dict[str, object]:
    """Every var a hand-run `dbt build --vars` takes: extract_date (the run's target extract), run_id, the local
    standards (CSC_<NAME> overrides) and what the extract's source cannot support. The job passes the same
    values split: the standards as --vars, the rest as the run context."""
    return {
        "extract_date": extract_date,
        "run_id": run_id,
        **(standards or load_standards()).as_dbt_vars(),
        **source_vars(raw_dir, extract_date),
    }


RUN_CONTEXT_TABLE = "main._dbt_run_context"


def run_context(extract_date: str, run_id: str, raw_dir: Path | None = None) -> dict[str, object]:
    """The run's own values, read by the dbt macro csc_run_var: extract_date, run_id and the source's."""
    return {"extract_date": extract_date, "run_id": run_id, **source_vars(raw_dir, extract_date)}


def write_run_context(warehouse: Path, context: dict[str, object]) -> None:
    """Replace the run context (one row, one JSON object) that the next dbt invocation reads."""
    from dagster_project.warehouse import connect

    with connect(warehouse) as conn:
        conn.execute(f"create or replace table {RUN_CONTEXT_TABLE} (context varchar)")
        conn.execute(f"insert into {RUN_CONTEXT_TABLE} values (?)", [json.dumps(context)])


def clear_run_context(warehouse: Path) -> None:
    """Drop the run context after a dbt step, so a later hand-run dbt without --vars refuses (no extract date)
    instead of building the last run's extract."""
    from dagster_project.warehouse import connect

    with connect(warehouse) as conn:
        conn.execute(f"drop table if exists {RUN_CONTEXT_TABLE}")


# DuckDB needs a multiple of a warehouse's size in memory for its largest node (a window over the biggest table,
# a uniqueness test): two nodes at once while the warehouse is below this share of DuckDB's memory limit.
PARALLEL_NODES_WAREHOUSE_SHARE = 0.25


def dbt_threads(warehouse_bytes: int, duckdb_memory_limit_bytes: float, cores: int | None = None) -> int:
    """How many dbt nodes run at once. Two overlap one node's dbt overhead (compiling, bookkeeping) with another's
    query, which saves seconds on a council's or a region's extract; but both share one DuckDB memory limit, and at
    the national preset a uniqueness test beside a model exhausted it. So: two while the warehouse is small beside
    the limit, else one (DuckDB still uses every core inside each query). `CSC_DBT_THREADS` overrides."""
    override = os.environ.get("CSC_DBT_THREADS", "").strip()
    if override:
        if not override.isdigit() or int(override) < 1:
            raise ValueError(f"CSC_DBT_THREADS={override!r}: expected a whole number of dbt nodes at once, 1 or more")
        return int(override)
    small = warehouse_bytes <= PARALLEL_NODES_WAREHOUSE_SHARE * duckdb_memory_limit_bytes
    return 2 if small and (cores or os.cpu_count() or 1) >= 2 else 1


def standards_vars(standards: Standards | None = None) -> str:
    """The standards as dbt's --vars JSON: the job's dbt steps and `make setup`'s parse pass the same text."""
    return json.dumps((standards or load_standards()).as_dbt_vars(), sort_keys=True)


def dbt_build_args(standards: Standards | None = None, threads: int = 1) -> list[str]:
    """`dbt build` with the standards as --vars (the same every run, so dbt's partial parsing holds) and the
    number of nodes at once (`dbt_threads`; a run-time flag, so changing it keeps the parse too)."""
    # dbt unit tests check the models' logic, not the night's data: CI runs them (tests/transform/
    # test_dbt_unit_tests.py); the nightly build runs the models and every data test only.
    return [
        "build",
        "--vars",
        standards_vars(standards),
        "--threads",
        str(threads),
        "--exclude-resource-type",
        "unit_test",
        *QUIET_ARTIFACTS,
    ]


# Every node's events already reach Dagster (dbt's JSON on stdout: the step's log, each model's materialisation
# and each test's check), so dbt's own files hold only what they add. Its file log keeps warnings and errors
# (a failing model's message and compiled SQL path) instead of every statement at debug level (4 MB a step), and
# it writes no manifest.json / run_results.json per step (3 MB, read by nothing; Dagster reads dbt/target's
# manifest). Measured on the conformance marts build: 8.4 -> 6.9 CPU-s. The saved parse is still written.
QUIET_ARTIFACTS = ("--log-level-file", "warn", "--no-write-json")

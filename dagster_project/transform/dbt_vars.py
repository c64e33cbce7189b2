"""The vars every dbt invocation gets. Pure Python: no Dagster imports."""

from __future__ import annotations

import json

from dagster_project.standards import Standards, load_standards


def dbt_vars(extract_date: str, run_id: str, standards: Standards | None = None) -> dict[str, object]:
    """extract_date (the run's target extract), run_id, and the local standards (CSC_<NAME> overrides)."""
    return {"extract_date": extract_date, "run_id": run_id, **(standards or load_standards()).as_dbt_vars()}


def dbt_build_args(extract_date: str, run_id: str, standards: Standards | None = None) -> list[str]:
    return ["build", "--vars", json.dumps(dbt_vars(extract_date, run_id, standards))]

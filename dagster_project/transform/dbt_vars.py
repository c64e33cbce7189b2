"""The vars every dbt invocation gets. Pure Python: no Dagster imports."""

from __future__ import annotations

import json
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
        "not_applicable_rules": sorted(not_applicable_rules(descriptor)),
        "measure_availability": [
            {"measure": a.measure, "available": a.available, "reason": a.reason}
            for a in measure_availability(descriptor)
        ],
    }


def dbt_vars(
    extract_date: str, run_id: str, standards: Standards | None = None, raw_dir: Path | None = None
) -> dict[str, object]:
    """extract_date (the run's target extract), run_id, the local standards (CSC_<NAME> overrides) and
    what the extract's source cannot support."""
    return {
        "extract_date": extract_date,
        "run_id": run_id,
        **(standards or load_standards()).as_dbt_vars(),
        **source_vars(raw_dir, extract_date),
    }


def dbt_build_args(
    extract_date: str, run_id: str, standards: Standards | None = None, raw_dir: Path | None = None
) -> list[str]:
    # dbt unit tests check the models' logic, not the night's data: CI runs them (tests/transform/
    # test_dbt_unit_tests.py); the nightly build runs the models and every data test only.
    return [
        "build",
        "--vars",
        json.dumps(dbt_vars(extract_date, run_id, standards, raw_dir)),
        "--exclude-resource-type",
        "unit_test",
    ]

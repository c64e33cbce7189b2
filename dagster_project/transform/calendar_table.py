"""Writes the project's one working-day calendar into the warehouse as `reference.working_days`.

dbt's `wd` / `add_wd` macros join on it, so SQL and Python agree on every bank holiday.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.warehouse import write_reference_table
from dagster_project.workdays.calendar import FIRST_YEAR, LAST_YEAR, calendar_frame

TABLE = "working_days"


def working_days_frame():
    """The calendar over its full range (FIRST_YEAR-01-01 .. LAST_YEAR-12-31)."""
    return calendar_frame(f"{FIRST_YEAR}-01-01", f"{LAST_YEAR}-12-31")


def write_working_days(warehouse_path: Path) -> int:
    """Replace reference.working_days; returns the number of days written."""
    return write_reference_table(
        warehouse_path,
        TABLE,
        working_days_frame(),
        {"calendar_date": "date", "is_working_day": "boolean", "working_day_number": "bigint"},
    )

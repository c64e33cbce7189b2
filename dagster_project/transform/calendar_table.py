"""Writes the project's one working-day calendar into the warehouse as `reference.working_days`.

dbt's `wd` / `add_wd` macros join on it, so SQL and Python agree on every bank holiday.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.warehouse import connect
from dagster_project.workdays.calendar import FIRST_YEAR, LAST_YEAR, calendar_frame

SCHEMA = "reference"
TABLE = "working_days"


def working_days_frame():
    """The calendar over its full range (FIRST_YEAR-01-01 .. LAST_YEAR-12-31)."""
    return calendar_frame(f"{FIRST_YEAR}-01-01", f"{LAST_YEAR}-12-31")


def write_working_days(warehouse_path: Path) -> int:
    """Replace reference.working_days; returns the number of days written."""
    frame = working_days_frame()
    with connect(warehouse_path) as conn:
        conn.execute(f"create schema if not exists {SCHEMA}")
        conn.register("calendar_frame", frame)
        conn.execute(
            f"""
            create or replace table {SCHEMA}.{TABLE} as
            select cast(calendar_date as date) as calendar_date,
                   cast(is_working_day as boolean) as is_working_day,
                   cast(working_day_number as bigint) as working_day_number
            from calendar_frame
            order by calendar_date
            """
        )
        conn.unregister("calendar_frame")
    return len(frame)

"""The project's one working-day calendar (England and Wales bank holidays)."""

from dagster_project.workdays.calendar import (
    add_wd,
    bank_holidays,
    calendar_frame,
    is_working_day,
    subtract_wd,
    wd,
)

__all__ = ["add_wd", "bank_holidays", "calendar_frame", "is_working_day", "subtract_wd", "wd"]

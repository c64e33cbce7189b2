"""How a figure is shown to people: rounded to the catalogue's decimals (percentages to 1 place). Pure Python."""

from __future__ import annotations

import datetime as dt

from dagster_project.reports.suppression import SUPPRESSED


def decimals_for(unit: str, decimals: int) -> int:
    return 1 if unit == "percent" else decimals


def format_value(value: float | None, unit: str, decimals: int, suppressed: bool = False) -> str:
    if suppressed:
        return SUPPRESSED
    if value is None:
        return "no data"
    text = f"{value:,.{decimals_for(unit, decimals)}f}"
    return text + "%" if unit == "percent" else text


def month_label(date: dt.date) -> str:
    return date.strftime("%b %Y")


def day_label(date: dt.date | None) -> str:
    return date.strftime("%d %b %Y") if date else ""


SERVICE_AREAS = {
    "MASH": "MASH (front door)",
    "ASSESSMENT": "Assessment",
    "CIN": "Child in need",
    "CP_COURT": "Child protection and court",
    "LAC": "Children looked after",
    "DISABLED_CHILDREN": "Disabled children",
    "LEAVING_CARE": "Leaving care",
}


def service_area_label(code: str | None) -> str:
    """A service-area code as people say it; None is "No team" (records with no team)."""
    if code is None:
        return "No team"
    return SERVICE_AREAS.get(code, code.replace("_", " ").capitalize())


def natural_key(text: str | None) -> tuple:
    """Sorts "Team 2" before "Team 10"."""
    import re

    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text or ""))


def count_text(number: float | None) -> str:
    """A numerator or denominator for people: whole when it is (an FTE sum of 57.99999999999999 is 58), else one
    decimal place."""
    if number is None:
        return ""
    return f"{round(number):,}" if abs(number - round(number)) < 1e-6 else f"{number:,.1f}"

"""The one writing rule for every cell a workbook or CSV writes from data: a cell is a string or a number,
never a formula or a link. A spreadsheet treats a text cell starting with = + - @ (or a tab or carriage
return, which some programs strip first) as a formula; OWASP's advice is to prefix such a value with a single
quote, which spreadsheets show as text. Numbers are written as numbers, so "-2" from data stays text only
when it is data text. Pure Python, used by the XLSX writers (reports) and the CSV writers (quality)."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# XlsxWriter's own conversions, off for every workbook: a string is never turned into a formula, a link or a
# number behind the writer's back (the writers below call write_string / write_number explicitly as well).
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def neutralised(value: object) -> str:
    """The text of a data cell, safe to open in a spreadsheet: OWASP CSV-injection rule (a leading single
    quote before a formula trigger). None is the empty string."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


UK_DATE = "%d/%m/%Y"


def csv_row(values, uk_dates: bool = False) -> list[str]:
    """A CSV row from data: every value as neutralised text (`uk_dates`: a date as dd/mm/yyyy)."""
    return [v.strftime(UK_DATE) if uk_dates and isinstance(v, dt.date) else neutralised(v) for v in values]


def csv_writer(handle):
    """A CSV writer for data: RFC 4180 line ends, so the csv module quotes a field holding a carriage return
    as well as a newline (with "\\n" line ends a bare CR is written unquoted and splits the row on reading)."""
    return csv.writer(handle, lineterminator="\r\n")


def write_data_cell(sheet, row: int, col: int, value: object, cell_format=None, date_format=None) -> None:
    """An XlsxWriter cell from data: a real number as a number, a date as a real date (with `date_format`, a
    number format such as dd/mm/yyyy) when one is given, None as a blank, anything else as neutralised text."""
    if value is None:
        if cell_format is not None:  # an empty cell without a format is no cell at all (XlsxWriter skips it too)
            sheet.write_blank(row, col, None, cell_format)
    elif date_format is not None and isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, col, moment, date_format)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, neutralised(value), cell_format)


def open_owner_only(path: Path):
    """A new text file readable by its owner only (0600 from creation, not chmod after writing)."""
    path = Path(path)
    if path.exists():
        path.chmod(0o600)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")

"""Writing an Annex A: one workbook (a cover sheet, then a sheet per list in Ofsted's order, headers exactly as
the template), one CSV per list the data supports, and the check page. Dates are real dates in the workbook (shown
dd/mm/yyyy) and dd/mm/yyyy text in the CSVs. Every cell goes through dagster_project.cells. Pure Python."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from dagster_project.cells import WORKBOOK_OPTIONS, csv_row, csv_writer, open_owner_only, write_data_cell
from dagster_project.reports.annex_a_check import AnnexCheck
from dagster_project.reports.annex_a_lists import LISTS, Unavailable
from dagster_project.reports.annex_a_period import Period, age_in_years

AGE = "Age of Child (Years)"
EXCEL_MAX_DATA_ROWS = 1_048_575  # an Excel sheet's 1,048,576 rows less the header row
COVER_SHEET = "Cover"


def day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _cell(value: object) -> object:
    """A yes/no flag (a boolean in the warehouse) as the template's Y / N."""
    if isinstance(value, bool):
        return "Y" if value else "N"
    return value


def shaped_rows(headers: tuple[str, ...], rows: list[dict], as_at: dt.date) -> list[list[object]]:
    """Rows in the template's column order, flags as Y / N, with the age at the as-at date; headers no query
    fills stay empty."""
    out = []
    for row in rows:
        values = dict(row)
        if AGE in headers:
            values[AGE] = age_in_years(row.get("Date of Birth"), as_at)
        out.append([_cell(values.get(header)) for header in headers])
    return out


def write_csvs(folder: Path, lists: dict[int, list[dict]], as_at: dt.date) -> list[Path]:
    written = []
    for annex in LISTS:
        if annex.number not in lists:
            continue
        path = folder / f"{annex.file_stem}.csv"
        with open_owner_only(path) as handle:
            writer = csv_writer(handle)
            writer.writerow(csv_row(annex.headers))
            for row in shaped_rows(annex.headers, lists[annex.number], as_at):
                writer.writerow(csv_row(row, uk_dates=True))
        written.append(path)
    return written


def _cover(book, sheet, period: Period, meta: dict, check: AnnexCheck, unavailable: list[Unavailable]) -> None:
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#f3f2f1", "border": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    warn = book.add_format({"bold": True, "font_color": "#d4351c"})
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 2, 12)
    sheet.set_column(3, 3, 90)
    write_data_cell(sheet, 0, 0, "Ofsted Annex A: children's social care", title)
    period_text = f"Period {day(period.start)} to {day(period.end)} ({period.months} months to the as-at date)"
    write_data_cell(sheet, 1, 0, f"{period_text}; extract {meta['extract_date']}, run {meta['run_id']}.")
    write_data_cell(
        sheet,
        2,
        0,
        "RESTRICTED: child ids and dates of birth (Annex A asks for them). No names. Send only to the inspectors.",
        warn,
    )
    write_data_cell(sheet, 3, 0, "Definitions and sources of every list and column: docs/annex-a.md.")
    row = 5
    for col, text in enumerate(("List", "Title", "Rows", "Status")):
        write_data_cell(sheet, row, col, text, header)
    for c in check.lists:
        row += 1
        write_data_cell(sheet, row, 0, c.number)
        write_data_cell(sheet, row, 1, c.title)
        if c.rows is None:
            write_data_cell(sheet, row, 2, "")
            write_data_cell(sheet, row, 3, f"Not available from this source: {c.unavailable_reason}", wrap)
            continue
        write_data_cell(sheet, row, 2, c.rows)
        status = "Included"
        if c.rows > EXCEL_MAX_DATA_ROWS:
            status += f"; the sheet holds the first {EXCEL_MAX_DATA_ROWS:,} rows (an Excel sheet's limit), the CSV all"
        write_data_cell(sheet, row, 3, status, wrap)
    columns = [u for u in unavailable if u.header is not None]
    row += 2
    write_data_cell(sheet, row, 0, "Columns not available from this source (left empty)", bold)
    row += 1
    for col, text in enumerate(("List", "Column", "", "Reason")):
        write_data_cell(sheet, row, col, text, header)
    for u in columns:
        row += 1
        write_data_cell(sheet, row, 0, u.list_number)
        write_data_cell(sheet, row, 1, u.header, wrap)
        write_data_cell(sheet, row, 3, u.reason, wrap)
    row += 2
    write_data_cell(sheet, row, 0, "Check before sending", bold)
    problems = check.problems
    write_data_cell(
        sheet,
        row + 1,
        0,
        f"{problems:,} things to look at (blank required cells, dates out of period, children on a plan or looked "
        "after missing from list 6): see annex_a_check.html beside this workbook."
        if problems
        else "Nothing to fix found (see annex_a_check.html beside this workbook).",
    )


def write_workbook(
    path: Path,
    lists: dict[int, list[dict]],
    period: Period,
    meta: dict,
    check: AnnexCheck,
    unavailable: list[Unavailable],
) -> Path:
    options = {**WORKBOOK_OPTIONS, "constant_memory": True}  # rows are written in order: bounded memory
    book = xlsxwriter.Workbook(str(path), options)
    try:
        header = book.add_format({"bold": True, "bg_color": "#f3f2f1", "border": 1, "text_wrap": True})
        date_format = book.add_format({"num_format": "dd/mm/yyyy"})
        _cover(book, book.add_worksheet(COVER_SHEET), period, meta, check, unavailable)
        for annex in LISTS:
            sheet = book.add_worksheet(annex.sheet_name)
            for col, text in enumerate(annex.headers):
                write_data_cell(sheet, 0, col, text, header)
                sheet.set_column(col, col, 16)
            sheet.freeze_panes(1, 0)
            rows = shaped_rows(annex.headers, lists.get(annex.number, []), period.as_at)
            for r, values in enumerate(rows[:EXCEL_MAX_DATA_ROWS], start=1):
                for col, value in enumerate(values):
                    write_data_cell(sheet, r, col, value, None, date_format)
    finally:
        book.close()
    path.chmod(0o600)
    return path

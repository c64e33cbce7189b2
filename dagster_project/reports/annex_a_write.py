"""Writing an Annex A: one workbook (a cover sheet, then a sheet per list in Ofsted's order, headers exactly as
the template), one CSV per list the data supports, and the check page. Dates are real dates in the workbook (shown
dd/mm/yyyy) and dd/mm/yyyy text in the CSVs. Every cell goes through dagster_project.cells. Pure Python."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from dagster_project.cells import WORKBOOK_OPTIONS, csv_row, csv_writer, open_owner_only, write_data_cell
from dagster_project.reports.annex_a_check import AnnexCheck
from dagster_project.reports.annex_a_lists import LISTS, AnnexList, Unavailable
from dagster_project.reports.annex_a_period import Period, age_in_years
from dagster_project.reports.annex_a_period import uk_day as day

AGE = "Age of Child (Years)"
EXCEL_MAX_DATA_ROWS = 1_048_575  # an Excel sheet's 1,048,576 rows less the header row
COVER_SHEET = "Cover"


def _cell(value: object) -> object:
    """A yes/no flag (a boolean in the warehouse) as the template's Y / N."""
    if isinstance(value, bool):
        return "Y" if value else "N"
    return value


def shaped_row(headers: tuple[str, ...], row: dict, as_at: dt.date) -> list[object]:
    """A row in the template's column order, flags as Y / N, with the age at the as-at date; headers no query
    fills stay empty."""
    values = dict(row)
    if AGE in headers:
        values[AGE] = age_in_years(row.get("Date of Birth"), as_at)
    return [_cell(values.get(header)) for header in headers]


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


class AnnexWorkbook:
    """The workbook, written as the lists stream in: the cover sheet first in the book but written last (it
    shows the check). XlsxWriter's constant_memory mode keeps one row a sheet in memory."""

    def __init__(self, path: Path):
        self.path = path
        self.book = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": True})
        header = self.book.add_format({"bold": True, "bg_color": "#f3f2f1", "border": 1, "text_wrap": True})
        self.date_format = self.book.add_format({"num_format": "dd/mm/yyyy"})
        self.cover = self.book.add_worksheet(COVER_SHEET)
        self.sheets = {}
        self.rows = {}
        for annex in LISTS:
            sheet = self.book.add_worksheet(annex.sheet_name)
            for col, text in enumerate(annex.headers):
                write_data_cell(sheet, 0, col, text, header)
                sheet.set_column(col, col, 16)
            sheet.freeze_panes(1, 0)
            self.sheets[annex.number], self.rows[annex.number] = sheet, 0

    def add_row(self, number: int, values: list[object]) -> None:
        row = self.rows[number] + 1
        if row > EXCEL_MAX_DATA_ROWS:  # the cover sheet says so; the CSV holds every row
            return
        self.rows[number] = row
        sheet = self.sheets[number]
        for col, value in enumerate(values):
            write_data_cell(sheet, row, col, value, None, self.date_format)

    def close(self, period: Period, meta: dict, check: AnnexCheck, unavailable: list[Unavailable]) -> Path:
        try:
            _cover(self.book, self.cover, period, meta, check, unavailable)
        finally:
            self.book.close()
        self.path.chmod(0o600)
        return self.path

    def abandon(self) -> None:
        self.book.close()


def write_list(
    folder: Path, annex: AnnexList, names: list[str], rows, as_at: dt.date, workbook: AnnexWorkbook, on_row
) -> Path:
    """One list's CSV and sheet from its rows (tuples named by `names`); `on_row(row dict)` sees every row."""
    path = folder / f"{annex.file_stem}.csv"
    with open_owner_only(path) as handle:
        writer = csv_writer(handle)
        writer.writerow(csv_row(annex.headers))
        for values in rows:
            row = dict(zip(names, values, strict=True))
            on_row(row)
            shaped = shaped_row(annex.headers, row, as_at)
            writer.writerow(csv_row(shaped, uk_dates=True))
            workbook.add_row(annex.number, shaped)
    return path

"""Excel workbooks with XlsxWriter: a RAG-formatted scorecard sheet (native conditional formatting), a
trend sheet with a native line chart per measure (with its target line), one sheet per breakdown; and one
workbook per team worklist. Values are written unrounded (as the marts hold them) with a number format that
shows the catalogue's decimals; suppressed cells hold "c". Every cell from data follows dagster_project.cells
(a string or a number, never a formula or a link). Pure Python."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from dagster_project.cells import WORKBOOK_OPTIONS, neutralised, write_data_cell
from dagster_project.reports.comparators_render import write_comparators_sheet
from dagster_project.reports.formatting import decimals_for, month_label
from dagster_project.reports.scorecard import Cell, ScorecardView, column_labels
from dagster_project.reports.suppression import SUPPRESSED
from dagster_project.reports.worklists import WORKBOOK_MAX_ROWS

RAG_FILLS = {"green": ("#cce2d8", "#005a30"), "amber": ("#fcd6c3", "#6e3619"), "red": ("#f6d7d2", "#942514")}


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.header = book.add_format(
            {"bold": True, "bg_color": "#f3f2f1", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.note = book.add_format({"italic": True, "font_color": "#505a5f"})
        self.family = book.add_format({"bold": True, "bg_color": "#dfe9f3"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.rag = {
            k: book.add_format({"bg_color": bg, "font_color": fg, "bold": True}) for k, (bg, fg) in RAG_FILLS.items()
        }
        self._numbers: dict[str, object] = {}

    def number(self, unit: str, decimals: int):
        places = decimals_for(unit, decimals)
        pattern = "#,##0" + ("." + "0" * places if places else "")
        key = pattern
        if key not in self._numbers:
            self._numbers[key] = self.book.add_format({"num_format": pattern, "align": "right"})
        return self._numbers[key]


def _write_cell(sheet, row: int, col: int, cell: Cell, number_format) -> None:
    if cell.suppressed:
        sheet.write_string(row, col, SUPPRESSED)
    elif cell.value is None:
        sheet.write_blank(row, col, None)
    else:
        sheet.write_number(row, col, cell.value, number_format)


def _rag_rules(
    sheet,
    first_row: int,
    last_row: int,
    col: int,
    target_col: int,
    tolerance_col: int,
    polarity_col: int,
    formats: _Formats,
) -> None:
    """Native conditional formatting: the cell against the row's target, tolerance and polarity."""
    cell = xl_rowcol_to_cell(first_row, col, row_abs=False, col_abs=True)
    target = xl_rowcol_to_cell(first_row, target_col, row_abs=False, col_abs=True)
    tol = xl_rowcol_to_cell(first_row, tolerance_col, row_abs=False, col_abs=True)
    pol = xl_rowcol_to_cell(first_row, polarity_col, row_abs=False, col_abs=True)
    ok = f"ISNUMBER({cell}),ISNUMBER({target})"
    higher, lower = f'{pol}="higher_is_better"', f'{pol}="lower_is_better"'
    rules = {
        "green": f"AND({ok},OR(AND({higher},{cell}>={target}),AND({lower},{cell}<={target})))",
        "amber": f"AND({ok},OR(AND({higher},{cell}<{target},{cell}>={target}-{tol}),"
        f"AND({lower},{cell}>{target},{cell}<={target}+{tol})))",
        "red": f"AND({ok},OR(AND({higher},{cell}<{target}-{tol}),AND({lower},{cell}>{target}+{tol})))",
    }
    for colour, formula in rules.items():
        sheet.conditional_format(
            first_row, col, last_row, col, {"type": "formula", "criteria": "=" + formula, "format": formats.rag[colour]}
        )


def write_scorecard_workbook(view: ScorecardView, path: Path, title: str) -> Path:
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    formats = _Formats(book)
    columns = column_labels(view.view)
    sheet = book.add_worksheet("Scorecard")
    sheet.write_string(0, 0, neutralised(title), formats.title)
    sheet.write_string(
        1,
        0,
        f"Extract {view.extract_date}; run {view.run_id}. RAG: conditional formatting against the "
        "target, tolerance and polarity columns. c = suppressed (1 to 5).",
        formats.note,
    )
    headings = [
        "Measure",
        "Title",
        "Unit",
        "Polarity",
        "Target",
        "Tolerance",
        *[h for _, h in columns],
        "Direction (vs -3 months)",
        "RAG (latest)",
    ]
    if view.view.month_to_date:
        headings.append(f"Month to date ({month_label(view.view.month_to_date)})")
    header_row = 3
    sheet.write_row(header_row, 0, headings, formats.header)
    row = header_row + 1
    for measure_view in view.measures:
        m = measure_view.measure
        number = formats.number(m.unit, m.decimals)
        for col, text in enumerate((m.measure, m.title, m.unit, m.polarity)):
            write_data_cell(sheet, row, col, text)
        if measure_view.target:
            sheet.write_number(row, 4, measure_view.target.target)
            sheet.write_number(row, 5, measure_view.target.tolerance)
        for offset, (attr, _) in enumerate(columns):
            _write_cell(sheet, row, 6 + offset, getattr(measure_view, attr), number)
        write_data_cell(sheet, row, 6 + len(columns), measure_view.direction)
        write_data_cell(sheet, row, 7 + len(columns), measure_view.latest.rag or "")
        if view.view.month_to_date and measure_view.month_to_date:
            _write_cell(sheet, row, 8 + len(columns), measure_view.month_to_date, number)
        row += 1
    for offset in range(len(columns)):
        _rag_rules(sheet, header_row + 1, row - 1, 6 + offset, 4, 5, 3, formats)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 3, 15)
    sheet.set_column(4, 8 + len(columns), 13)
    sheet.freeze_panes(header_row + 1, 2)

    _write_trend_sheet(book, formats, view)
    write_comparators_sheet(book, view.comparators, view.comparators_council, formats.header, formats.note)
    for measure_view in view.measures:
        if measure_view.breakdown:
            _write_breakdown_sheet(book, formats, view, measure_view)
    book.close()
    return path


def _write_trend_sheet(book, formats: _Formats, view: ScorecardView) -> None:
    sheet = book.add_worksheet("Trend")
    charts = book.add_worksheet("Charts")
    sheet.write_string(0, 0, "Month", formats.header)
    for i, cell in enumerate(view.measures[0].trend if view.measures else []):
        sheet.write_datetime(1 + i, 0, _as_datetime(cell.as_at), book.add_format({"num_format": "mmm yyyy"}))
    months = len(view.view.trend)
    for index, measure_view in enumerate(view.measures):
        m = measure_view.measure
        value_col, target_col = 1 + 2 * index, 2 + 2 * index
        write_data_cell(sheet, 0, value_col, m.measure, formats.header)
        write_data_cell(sheet, 0, target_col, f"{m.measure} target", formats.header)
        number = formats.number(m.unit, m.decimals)
        for i, cell in enumerate(measure_view.trend):
            _write_cell(sheet, 1 + i, value_col, cell, number)
            if cell.target is not None:
                sheet.write_number(1 + i, target_col, cell.target)
        chart = book.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": m.title,
                "categories": ["Trend", 1, 0, months, 0],
                "values": ["Trend", 1, value_col, months, value_col],
                "line": {"color": "#1d70b8", "width": 2.25},
                "marker": {"type": "circle", "size": 4},
            }
        )
        if measure_view.target is not None:
            chart.add_series(
                {
                    "name": "target",
                    "categories": ["Trend", 1, 0, months, 0],
                    "values": ["Trend", 1, target_col, months, target_col],
                    "line": {"color": "#505a5f", "dash_type": "dash", "width": 1.25},
                }
            )
        chart.set_title({"name": m.title, "name_font": {"size": 10}})
        chart.set_legend({"position": "bottom"})
        chart.set_x_axis({"num_format": "mmm yy", "date_axis": True})
        if m.unit == "percent":
            chart.set_y_axis({"min": 0, "max": 100})
        chart.set_size({"width": 480, "height": 260})
        charts.insert_chart(1 + (index // 2) * 14, 1 + (index % 2) * 8, chart)
    sheet.set_column(0, 0, 11)
    sheet.set_column(1, 2 * len(view.measures), 14)


def _as_datetime(date):
    import datetime as dt

    return dt.datetime(date.year, date.month, date.day)


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    base, n = name, 2
    while name in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name)
    return name


def _write_breakdown_sheet(book, formats: _Formats, view: ScorecardView, measure_view) -> None:
    m = measure_view.measure
    used = {ws.get_name() for ws in book.worksheets()}
    sheet = book.add_worksheet(_sheet_name(f"{'Area' if view.suppressed else 'Team'} {m.measure}", used))
    write_data_cell(sheet, 0, 0, m.title, formats.title)
    sheet.write_string(1, 0, "By service area" if view.suppressed else "By team", formats.note)
    # the sheet name may be cut to Excel's 31 characters
    write_data_cell(sheet, 2, 0, f"measure: {m.measure}", formats.note)
    dates = measure_view.breakdown_dates
    heads = [
        "Service area" if view.suppressed else "Team",
        *([] if view.suppressed else ["Service area"]),
        *[month_label(d) for d in dates],
    ]
    sheet.write_row(3, 0, heads, formats.header)
    first = 2 if not view.suppressed else 1
    number = formats.number(m.unit, m.decimals)
    for r, row in enumerate(measure_view.breakdown, start=4):
        # Team and service-area names come from the extract: text, never a formula or a link (issue 21).
        write_data_cell(sheet, r, 0, row.label, formats.family if row.is_total else None)
        if not view.suppressed:
            write_data_cell(sheet, r, 1, (row.group or "") if not row.is_total else "")
        for c, cell in enumerate(row.cells):
            _write_cell(sheet, r, first + c, cell, number)
            if cell.rag in formats.rag and not cell.suppressed:
                sheet.write_number(r, first + c, cell.value, formats.rag[cell.rag])
    sheet.set_column(0, 1, 28)
    sheet.set_column(first, first + len(dates), 12)


def write_worklist_workbook(worklist, path: Path, extract_date, run_id: str) -> Path:
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    formats = _Formats(book)
    used: set[str] = set()
    for section in worklist.sections:
        sheet = book.add_worksheet(_sheet_name(section.title, used))
        write_data_cell(sheet, 0, 0, f"{section.title}: {worklist.team_label}", formats.title)
        note = f"RESTRICTED. As at extract {extract_date}, run {run_id}. {section.note}"
        sheet.write_string(1, 0, note, formats.note)
        if not section.rows:
            sheet.write_string(3, 0, "Nothing to act on.")
            continue
        cut = section.cut_note(WORKBOOK_MAX_ROWS)
        if cut:
            sheet.write_string(2, 0, cut, formats.note)
        rows = section.rows[:WORKBOOK_MAX_ROWS]
        sheet.write_row(3, 0, section.headings, formats.header)
        for r, row in enumerate(rows, start=4):
            for c, heading in enumerate(section.headings):
                value = row.cells[heading]
                fmt = formats.rag.get(row.flag) if heading == section.rag_column else None
                write_data_cell(sheet, r, c, value, fmt)
        sheet.set_column(0, len(section.headings), 16)
        sheet.autofilter(3, 0, 3 + len(rows), len(section.headings) - 1)
        sheet.freeze_panes(4, 0)
    book.close()
    return path

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
from dagster_project.reports.formatting import decimals_for, month_label, service_area_label
from dagster_project.reports.scorecard import Cell, ScorecardView, column_labels
from dagster_project.reports.suppression import SUPPRESSED
from dagster_project.reports.worklists import WORKBOOK_MAX_ROWS

RAG_FILLS = {"green": ("#cce2d8", "#005a30"), "amber": ("#fcd6c3", "#6e3619"), "red": ("#f6d7d2", "#942514")}
# RAG readable without colour (issue 23): a letter beside the figure, in the cell's number format
RAG_LETTERS = {"green": "G", "amber": "A", "red": "R"}
SYNTHETIC_PREFIX = "SYNTHETIC DATA (a generated demo extract, not a council's records). "
SHEET_NAME_MAX = 31  # Excel's limit
COUNT_PARTS = ("numerator", "denominator")


def number_pattern(unit: str, decimals: int) -> str:
    """Excel number format of a figure: percentages keep the marts' 0-100 scale and show a % sign (the target
    and tolerance columns use the same scale); counts are whole numbers."""
    places = decimals_for(unit, decimals)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return pattern + '"%"' if unit == "percent" else pattern


def print_setup(sheet, header_row: int | None, synthetic: bool) -> None:
    """Every sheet prints landscape on A4, fitted to the page width, repeating its header row."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    if header_row is not None:
        sheet.repeat_rows(header_row)
    if synthetic:
        sheet.set_header("&C&B" + SYNTHETIC_PREFIX.strip())


def sheet_name(text: str, used: set[str]) -> str:
    """A readable, unique sheet name within Excel's 31 characters: characters Excel refuses made spaces, then whole
    words dropped from the end (never a word cut in half), then a number when two names are equal."""
    words = "".join(" " if ch in "[]:*?/\\'" else ch for ch in text).split()
    while len(words) > 1 and len(" ".join(words)) > SHEET_NAME_MAX:
        words.pop()
    name = " ".join(words)[:SHEET_NAME_MAX]
    base, n = name, 2
    while name.lower() in {u.lower() for u in used}:
        suffix = f" {n}"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        n += 1
    used.add(name)
    return name


def measure_sheet_text(prefix: str, measure: str) -> str:
    """ "Team workers over max caseload": the measure id in words, without the unit suffix (A3 names the id)."""
    words = measure.removesuffix("_pct").replace("_", " ")
    return f"{prefix} {words}"


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
        self.date = book.add_format({"num_format": "dd mmm yyyy", "align": "left"})
        self.banner = book.add_format({"bold": True, "bg_color": "#ffdd00", "font_color": "#0b0c0c"})
        self._numbers: dict[tuple, object] = {}

    def count(self, fte: bool = False):
        """A numerator or denominator: whole, or 1 place for an FTE sum (57.99999999999999 shows as 58.0)."""
        key = ("count", fte)
        if key not in self._numbers:
            self._numbers[key] = self.book.add_format({"num_format": "#,##0.0" if fte else "#,##0", "align": "right"})
        return self._numbers[key]

    def number(self, unit: str, decimals: int, rag: str | None = None):
        """The figure's number format; with a RAG colour, that colour and its letter beside the figure."""
        pattern = number_pattern(unit, decimals)
        key = (pattern, rag)
        if key not in self._numbers:
            spec = {"num_format": pattern, "align": "right"}
            if rag in RAG_FILLS:
                bg, fg = RAG_FILLS[rag]
                spec = {"num_format": f'{pattern} "{RAG_LETTERS[rag]}"', "align": "right", "bg_color": bg,
                        "font_color": fg, "bold": True}  # fmt: skip
            self._numbers[key] = self.book.add_format(spec)
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
    last_col: int,
    target_col: int,
    tolerance_col: int,
    polarity_col: int,
    formats: _Formats,
    unit: str,
    decimals: int,
) -> None:
    """Native conditional formatting: the cell against the row's target, tolerance and polarity; colour and
    letter (the format of `unit` with G/A/R beside the figure)."""
    cell = xl_rowcol_to_cell(first_row, col, row_abs=False, col_abs=False)
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
            first_row,
            col,
            last_row,
            last_col,
            {"type": "formula", "criteria": "=" + formula, "format": formats.number(unit, decimals, colour)},
        )


def write_scorecard_workbook(view: ScorecardView, path: Path, title: str) -> Path:
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    formats = _Formats(book)
    columns = column_labels(view.view)
    sheet = book.add_worksheet("Scorecard")
    banner = SYNTHETIC_PREFIX if view.synthetic else ""
    sheet.write_string(0, 0, neutralised(banner + title), formats.title)
    legend = " c = suppressed (1 to 5)." if view.suppressed else ""
    sheet.write_string(
        1,
        0,
        f"Extract {view.extract_date}; run {view.run_id}. RAG: colour and letter (G green, A amber, R red) by "
        f"conditional formatting against the target, tolerance and polarity columns.{legend}",
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
            sheet.write_number(row, 4, measure_view.target.target, number)
            sheet.write_number(row, 5, measure_view.target.tolerance, number)
        for offset, (attr, _) in enumerate(columns):
            _write_cell(sheet, row, 6 + offset, getattr(measure_view, attr), number)
        write_data_cell(sheet, row, 6 + len(columns), measure_view.direction)
        write_data_cell(sheet, row, 7 + len(columns), measure_view.latest.rag or "")
        if view.view.month_to_date and measure_view.month_to_date:
            _write_cell(sheet, row, 8 + len(columns), measure_view.month_to_date, number)
        row += 1
    for r, measure_view in enumerate(view.measures, start=header_row + 1):  # one rule set a row: its unit's format
        m = measure_view.measure
        _rag_rules(sheet, r, r, 6, 6 + len(columns) - 1, 4, 5, 3, formats, m.unit, m.decimals)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 3, 15)
    sheet.set_column(4, 8 + len(columns), 13)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, view.synthetic)

    _write_trend_sheet(book, formats, view)
    comparators = write_comparators_sheet(
        book, view.comparators, view.comparators_council, formats, SYNTHETIC_PREFIX.strip() if view.synthetic else None
    )
    if comparators:
        print_setup(*comparators, view.synthetic)
    for measure_view in view.measures:
        if measure_view.breakdown:
            _write_breakdown_sheet(book, formats, view, measure_view)
    book.close()
    return path


def _write_trend_sheet(book, formats: _Formats, view: ScorecardView) -> None:
    sheet = book.add_worksheet("Trend")
    charts = book.add_worksheet("Charts")
    top = 1 if view.synthetic else 0  # a synthetic run's banner is the first line
    if view.synthetic:
        for banner_sheet in (sheet, charts):
            banner_sheet.write_string(0, 0, SYNTHETIC_PREFIX.strip(), formats.banner)
    sheet.write_string(top, 0, "Month", formats.header)
    month_format = book.add_format({"num_format": "mmm yyyy"})
    for i, cell in enumerate(view.measures[0].trend if view.measures else []):
        sheet.write_datetime(top + 1 + i, 0, _as_datetime(cell.as_at), month_format)
    months = len(view.view.trend)
    for index, measure_view in enumerate(view.measures):
        m = measure_view.measure
        value_col, target_col = 1 + 2 * index, 2 + 2 * index
        write_data_cell(sheet, top, value_col, m.measure, formats.header)
        write_data_cell(sheet, top, target_col, f"{m.measure} target", formats.header)
        number = formats.number(m.unit, m.decimals)
        for i, cell in enumerate(measure_view.trend):
            _write_cell(sheet, top + 1 + i, value_col, cell, number)
            if cell.target is not None:
                sheet.write_number(top + 1 + i, target_col, cell.target, number)
        chart = book.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": m.title,
                "categories": ["Trend", top + 1, 0, top + months, 0],
                "values": ["Trend", top + 1, value_col, top + months, value_col],
                "line": {"color": "#1d70b8", "width": 2.25},
                "marker": {"type": "circle", "size": 4},
            }
        )
        if measure_view.target is not None:
            chart.add_series(
                {
                    "name": "target",
                    "categories": ["Trend", top + 1, 0, top + months, 0],
                    "values": ["Trend", top + 1, target_col, top + months, target_col],
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
    print_setup(sheet, top, view.synthetic)
    print_setup(charts, None, view.synthetic)


def _as_datetime(date):
    import datetime as dt

    return dt.datetime(date.year, date.month, date.day)


def _write_breakdown_sheet(book, formats: _Formats, view: ScorecardView, measure_view) -> None:
    m = measure_view.measure
    used = {ws.get_name() for ws in book.worksheets()}
    sheet = book.add_worksheet(sheet_name(measure_sheet_text("Area" if view.suppressed else "Team", m.measure), used))
    write_data_cell(sheet, 0, 0, (SYNTHETIC_PREFIX if view.synthetic else "") + m.title, formats.title)
    sheet.write_string(1, 0, "By service area" if view.suppressed else "By team", formats.note)
    # the sheet name may be cut to Excel's 31 characters
    write_data_cell(sheet, 2, 0, f"measure: {m.measure}", formats.note)
    dates = measure_view.breakdown_dates
    # the management workbook (unsuppressed) shows each ratio's numerator and denominator after the figures, so
    # "No team 100.0%" reads as 1 of 1 (issue 23)
    counts = not view.suppressed and m.unit != "count"
    count_heads = [f"{month_label(d)} {part}" for d in dates for part in COUNT_PARTS] if counts else []
    heads = [
        "Service area" if view.suppressed else "Team",
        *([] if view.suppressed else ["Service area"]),
        *[month_label(d) for d in dates],
        *count_heads,
    ]
    sheet.write_row(3, 0, heads, formats.header)
    first = 2 if not view.suppressed else 1
    number = formats.number(m.unit, m.decimals)
    for r, row in enumerate(measure_view.breakdown, start=4):
        # Team and service-area names come from the extract: text, never a formula or a link (issue 21).
        write_data_cell(sheet, r, 0, row.label, formats.family if row.is_total else None)
        if not view.suppressed:
            write_data_cell(sheet, r, 1, service_area_label(row.group) if row.group and not row.is_total else "")
        for c, cell in enumerate(row.cells):
            rag_format = formats.number(m.unit, m.decimals, cell.rag) if cell.rag in RAG_FILLS else number
            _write_cell(sheet, r, first + c, cell, rag_format)
            if counts:
                for part, value in enumerate((cell.numerator, cell.denominator)):
                    if value is not None:
                        column = first + len(dates) + 2 * c + part
                        sheet.write_number(r, column, value, formats.count(m.unit == "average" and part == 1))
    sheet.set_column(0, 1, 28)
    sheet.set_column(first, first + len(dates) + len(count_heads), 12)
    print_setup(sheet, 3, view.synthetic)


def write_worklist_workbook(worklist, path: Path, extract_date, run_id: str, synthetic: bool = False) -> Path:
    # Rows are written top to bottom, so XlsxWriter can stream each sheet (constant_memory, as Annex A does): at the
    # national preset the worklists hold 1.3 M rows (1.07 M of them data to fix) and this took 22% less CPU than
    # keeping every cell until the workbook closed (150 teams' workbooks: 15.5 -> 12.1 s), in less memory.
    book = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": True})
    formats = _Formats(book)
    used: set[str] = set()
    for section in worklist.sections:
        sheet = book.add_worksheet(sheet_name(section.sheet or section.title, used))
        print_setup(sheet, 3, synthetic)
        banner = SYNTHETIC_PREFIX if synthetic else ""
        write_data_cell(sheet, 0, 0, f"{banner}{section.title}: {worklist.team_label}", formats.title)
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
                fmt = formats.rag.get(section.badge(row, heading))
                write_data_cell(sheet, r, c, row.cells[heading], fmt, formats.date)
        sheet.set_column(0, len(section.headings), 16)
        sheet.autofilter(3, 0, 3 + len(rows), len(section.headings) - 1)
        sheet.freeze_panes(4, 0)
    book.close()
    return path

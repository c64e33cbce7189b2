"""PDF scorecards with fpdf2 (pure Python: nothing for a user to install): the monthly table with RAG
colours, the quarterly view, the trend charts (matplotlib PNG) and the breakdowns. A4 landscape."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from dagster_project.reports.charts import caseload_chart, trend_chart
from dagster_project.reports.formatting import count_text, month_label
from dagster_project.reports.scorecard import ScorecardView, column_labels

RAG_RGB = {"green": (204, 226, 216), "amber": (252, 214, 195), "red": (246, 215, 210)}
HEADER = FontFace(emphasis="BOLD", fill_color=(243, 242, 241))


def _latin1(text: object) -> str:
    """The PDF core fonts are Latin-1: replace the few typographic characters outside it."""
    table = str.maketrans({"−": "-", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."})
    return str(text).translate(table).encode("latin-1", "replace").decode("latin-1")


SYNTHETIC_LINE = "SYNTHETIC DATA: a generated demo extract, not a council's records."


class _Document(FPDF):
    def __init__(self, title: str, footer: str, banner: str | None = None):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.doc_title, self.doc_footer = _latin1(title), _latin1(footer)
        self.banner = _latin1(banner) if banner else None
        self.set_auto_page_break(auto=True, margin=14)
        self.set_margins(12, 12, 12)
        self.set_title(self.doc_title)

    def header(self) -> None:
        """The first line of every page when the run's data is synthetic (issue 23)."""
        if not self.banner:
            return
        self.set_xy(self.l_margin, 4)
        self.set_font("Helvetica", "B", 9)
        self.set_fill_color(255, 221, 0)
        self.cell(0, 6, self.banner, fill=True, border=1, align="C")
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("Helvetica", size=7)
        self.set_text_color(80, 90, 95)
        self.cell(0, 5, f"{self.doc_footer}    page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _heading(pdf: _Document, text: str, size: int = 13) -> None:
    pdf.set_font("Helvetica", "B", size)
    pdf.cell(0, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)


RAG_LETTERS = {"green": "G", "amber": "A", "red": "R"}


def _rag_text(cell) -> str:
    """The figure with its RAG letter beside the colour (issue 23: readable in black and white)."""
    return f"{cell.text} {RAG_LETTERS[cell.rag]}" if cell.rag in RAG_LETTERS else cell.text


def _cell_style(cell) -> FontFace | None:
    return FontFace(fill_color=RAG_RGB[cell.rag], emphasis="BOLD") if cell.rag in RAG_RGB else None


# Team rows a printed breakdown table holds (a large council's teams, four pages); beyond it the PDF points to the
# web page and the workbook, which hold every team: England's 1,500 teams made 40 pages a measure.
PDF_MAX_BREAKDOWN_ROWS = 150


def write_scorecard_pdf(
    view: ScorecardView,
    path: Path,
    title: str,
    caseloads: list[tuple[str, list[float]]] | None = None,
    band=(16, 23),
    caseloads_by: str = "team",
) -> Path:
    pdf = _Document(
        title,
        f"Extract {view.extract_date} - run {view.run_id} - every figure is a row of the published marts",
        SYNTHETIC_LINE if view.synthetic else None,
    )
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    sensitivity = "OPEN - small numbers suppressed (c = 1 to 5)" if view.suppressed else "INTERNAL - unsuppressed"
    note = f"{sensitivity}. Latest complete month {month_label(view.view.latest)}."
    if view.view.month_to_date:
        note += (
            f" The current month ({month_label(view.view.month_to_date)}) is incomplete: shown apart as month to date."
        )
    pdf.multi_cell(0, 5, _latin1(note), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    columns = column_labels(view.view)
    _heading(pdf, "Monthly scorecard (RAG: G green, A amber, R red, against the target)")
    heads = ["Measure", "Target", *[h for _, h in columns], "Direction"]
    if view.view.month_to_date:
        heads.append("Month to date")
    widths = (78, 20, *([24] * len(columns)), 24, *((22,) if view.view.month_to_date else ()))
    with pdf.table(col_widths=widths, text_align="LEFT", headings_style=HEADER, line_height=5) as table:
        table.row([_latin1(h) for h in heads])
        for family, measures in view.by_family():
            row = table.row(style=FontFace(emphasis="BOLD", fill_color=(223, 233, 243)))
            row.cell(_latin1(family), colspan=len(heads))
            for m in measures:
                row = table.row()
                row.cell(_latin1(m.measure.title))
                row.cell(_target(m))
                for attr, _ in columns:
                    cell = getattr(m, attr)
                    row.cell(_latin1(_rag_text(cell)), style=_cell_style(cell))
                row.cell(_latin1(m.direction))
                if view.view.month_to_date:
                    row.cell(_latin1(m.month_to_date.text if m.month_to_date else ""))
    # the definitions the web page shows under each title (issue 23)
    pdf.ln(2)
    _heading(pdf, "What each measure counts", size=11)
    for m in view.measures:
        pdf.set_font("Helvetica", "B", 8)
        pdf.multi_cell(0, 4, _latin1(m.measure.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=8)
        pdf.multi_cell(0, 4, _latin1(m.measure.definition), new_x="LMARGIN", new_y="NEXT")
    if view.unavailable:
        pdf.ln(2)
        _heading(pdf, "Not available from this source", size=11)
        pdf.set_font("Helvetica", size=9)
        for measure, reason in view.unavailable:
            pdf.multi_cell(0, 5, _latin1(f"{measure.title}: {reason}"), new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    _heading(pdf, "Quarterly view: quarter-end months")
    with pdf.table(
        col_widths=(90, 22, *([28] * len(view.view.quarters))), headings_style=HEADER, line_height=5
    ) as table:
        table.row(["Measure", "Target", *[month_label(d) for d in view.view.quarters]])
        for m in view.measures:
            row = table.row()
            row.cell(_latin1(m.measure.title))
            row.cell(_target(m))
            for cell in m.quarters:
                row.cell(_latin1(_rag_text(cell)), style=_cell_style(cell))

    pdf.add_page()
    _heading(pdf, "Trends: the last 13 months (dashed: target)")
    x0, y0, w, h = pdf.l_margin, pdf.get_y(), 88, 52
    for i, m in enumerate(view.measures):
        col, slot = i % 3, (i // 3) % 3
        if i and i % 9 == 0:
            pdf.add_page()
            y0 = pdf.get_y()
        x, y = x0 + col * (w + 4), y0 + slot * (h + 8)
        pdf.set_xy(x, y)
        pdf.set_font("Helvetica", "B", 8)
        pdf.cell(w, 4, _latin1(f"{m.measure.title}: {m.latest.text}"))
        pdf.image(io.BytesIO(trend_chart(m, fmt="png")), x=x, y=y + 4, w=w)

    if caseloads:
        pdf.add_page()
        _heading(pdf, f"Caseloads by {caseloads_by}, {month_label(view.view.latest)} (band {band[0]}-{band[1]})")
        # fitted into the page: a chart of many teams is taller than it is wide
        chart = io.BytesIO(caseload_chart(caseloads, band, fmt="png"))
        pdf.image(chart, w=230, h=pdf.eph - (pdf.get_y() - pdf.t_margin) - 4, keep_aspect_ratio=True)

    with_breakdown = [m for m in view.measures if m.breakdown]
    too_long = [m for m in with_breakdown if len(m.breakdown) > PDF_MAX_BREAKDOWN_ROWS]
    for m in (m for m in with_breakdown if len(m.breakdown) <= PDF_MAX_BREAKDOWN_ROWS):
        pdf.add_page()
        _heading(pdf, f"{m.measure.title}: by {'service area' if view.suppressed else 'team'}")
        dates = [month_label(d) for d in m.breakdown_dates]
        with pdf.table(col_widths=(80, *([26] * len(dates))), headings_style=HEADER, line_height=4.5) as table:
            table.row(["Service area" if view.suppressed else "Team", *dates])
            for b in m.breakdown:
                style = FontFace(emphasis="BOLD") if b.is_total else None
                row = table.row(style=style)
                row.cell(_latin1(b.label))
                for cell in b.cells:
                    text = _rag_text(cell)
                    if not view.suppressed and m.measure.unit != "count" and cell.denominator:
                        text += f" ({count_text(cell.numerator)}/{count_text(cell.denominator)})"  # issue 23
                    row.cell(_latin1(text), style=_cell_style(cell))
    if too_long:
        pdf.add_page()
        _heading(pdf, f"Breakdowns by {'service area' if view.suppressed else 'team'}")
        pdf.set_font("Helvetica", size=9)
        for m in too_long:
            text = (
                f"{m.measure.title}: {len(m.breakdown) - 1} rows, too many to print. Every row is in the web page "
                f"and in the workbook's sheet for {m.measure.measure}."
            )
            pdf.multi_cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _target(m) -> str:
    from dagster_project.reports.formatting import format_value

    return _latin1(format_value(m.target.target, m.measure.unit, m.measure.decimals)) if m.target else "none"

"""National comparators rendered: the section of the scorecards (HTML template `comparators.html.j2`, a PDF table,
a workbook sheet) and the benchmarks page (`benchmarks.html.j2`: per measure, the council's published and computed
figures over the years against England, its region and its statistical neighbours, a chart each). Pure Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt

from dagster_project.cells import write_data_cell
from dagster_project.reports.charts import LINE, figure_bytes, fit_line_chart, plain_text
from dagster_project.reports.comparators import (
    COLUMNS,
    NO_COMPARATOR,
    ComparatorView,
    comparators_note,
    year_texts,
)
from dagster_project.reports.html import environment, page_context


def write_comparators_pdf(pdf, views: list[ComparatorView], council_named: bool, latin1: Callable, heading, header):
    """The comparators table on a page of its own (fpdf2 document of pdf.py)."""
    if not views:
        return
    pdf.add_page()
    heading(pdf, "National comparators: the latest DfE year")
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(0, 4, latin1(comparators_note(council_named)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    with pdf.table(col_widths=(74, 28, 26, 24, 22, 22, 26, 28), headings_style=header, line_height=4.5) as table:
        table.row(["Measure", *[latin1(h) for _, h in COLUMNS]])
        for view in views:
            row = table.row()
            row.cell(latin1(view.measure.title))
            if not view.has_comparator:
                row.cell(latin1(NO_COMPARATOR), colspan=len(COLUMNS))
                continue
            for key, _ in COLUMNS:
                row.cell(latin1(view.texts[key]))


def write_comparators_sheet(book, views: list[ComparatorView], council_named: bool, formats, banner: str | None):
    """A 'Comparators' sheet: every DfE year of every measure (the scorecard shows the latest), as numbers in the
    measure's number format, period ends as dates. `formats`: the workbook's formats (xlsx.py); `banner`: the
    synthetic-data line that comes first, if any. Returns (sheet, header row), or None when there are no views."""
    if not views:
        return None
    sheet = book.add_worksheet("Comparators")
    top = 0
    if banner:
        sheet.write_string(0, 0, banner, formats.banner)
        top = 1
    sheet.write_string(top, 0, comparators_note(council_named), formats.note)
    headings = ["Measure", "Title", "DfE period end", "Council (this extract)", "Council (DfE)", "England", "Region",
                "Similar councils", "Quartile band"]  # fmt: skip
    header_row = top + 2
    sheet.write_row(header_row, 0, headings, formats.header)
    row = header_row + 1
    for view in views:
        if not view.has_comparator:
            for col, value in enumerate((view.measure.measure, view.measure.title, NO_COMPARATOR)):
                write_data_cell(sheet, row, col, value)
            row += 1
            continue
        for year in view.years:
            texts = year_texts(view.measure, year, suppress=True)
            computed = texts["council_computed"] if texts["council_computed"] == "c" else year.council_computed
            number = formats.number(view.measure.unit, view.measure.decimals)
            write_data_cell(sheet, row, 0, view.measure.measure)
            write_data_cell(sheet, row, 1, view.measure.title)
            write_data_cell(sheet, row, 2, year.period_end, date_format=formats.date)
            figures = (computed, year.council_published, year.england, year.region, year.statistical_neighbours)
            for col, value in enumerate(figures, start=3):
                if value is not None:
                    write_data_cell(sheet, row, col, value, number if isinstance(value, int | float) else None)
            if year.quartile_band is not None:
                write_data_cell(sheet, row, 8, year.quartile_band)
            row += 1
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 46)
    sheet.set_column(2, 8, 15)
    sheet.freeze_panes(header_row + 1, 2)
    return sheet, header_row


@dataclass(frozen=True)
class _BenchmarkSpec:
    """Everything a benchmark chart shows, so an equal chart is drawn once per process (a test worker builds the
    same extract's reports many times)."""

    labels: tuple[str, ...]
    england: tuple[float | None, ...]
    statistical_neighbours: tuple[float | None, ...]
    region: tuple[float | None, ...]
    council_published: tuple[float | None, ...]
    council_computed: tuple[float | None, ...]
    unit: str


def benchmark_chart(view: ComparatorView, suppress: bool, fmt: str = "svg") -> bytes | str:
    """The council's published (solid) and computed (dashed) figures, England, its region and similar councils."""
    years = view.years
    spec = _BenchmarkSpec(
        # short labels ("17-18", "Sep 18") so ten years fit under the chart
        labels=tuple(
            plain_text(
                f"Sep {y.period_end:%y}"
                if y.period_end.month == 9
                else f"{y.period_end.year - 2001:02d}-{y.period_end:%y}"
            )
            for y in years
        ),
        england=tuple(y.england for y in years),
        statistical_neighbours=tuple(y.statistical_neighbours for y in years),
        region=tuple(y.region for y in years),
        council_published=tuple(y.council_published for y in years),
        council_computed=tuple(
            None if year_texts(view.measure, y, suppress)["council_computed"] == "c" else y.council_computed
            for y in years
        ),
        unit=view.measure.unit,
    )
    return _draw_benchmark(spec, fmt)


@lru_cache(maxsize=64)  # a build draws one chart a measure (~20); the bound keeps a long-lived process small
def _draw_benchmark(spec: _BenchmarkSpec, fmt: str) -> bytes | str:
    return figure_bytes(benchmark_figure(spec), fmt)


def benchmark_figure(spec: _BenchmarkSpec):
    """The benchmark chart's figure, laid out and not yet saved."""
    xs = list(range(len(spec.labels)))

    def line(values):
        return [float("nan") if v is None else v for v in values]

    def shown(values):
        return any(v is not None for v in values)

    fig, ax = plt.subplots(figsize=(6.4, 2.4))
    ax.plot(xs, line(spec.england), color="#0b0c0c", linewidth=1.6, label="England")
    if shown(spec.statistical_neighbours):
        ax.plot(xs, line(spec.statistical_neighbours), color="#f47738", linewidth=1.4, label="similar councils")
    if shown(spec.region):
        ax.plot(xs, line(spec.region), color="#b1b4b6", linewidth=1.2, label="region")
    if shown(spec.council_published):
        ax.plot(xs, line(spec.council_published), color=LINE, linewidth=2, marker="o", markersize=3,
                label="council (DfE)")  # fmt: skip
    if shown(spec.council_computed):
        ax.plot(xs, line(spec.council_computed), color=LINE, linewidth=1.2, linestyle="--", marker="s", markersize=3,
                label="council (this extract)")  # fmt: skip
    ax.set_xticks(xs, spec.labels, rotation=0, fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    if spec.unit == "percent":
        ax.set_ylim(bottom=0)
        ax.set_ylabel("%")
    ax.legend(loc="best", fontsize=6.5, frameon=False, ncol=3)
    fit_line_chart(fig, ax, spec.labels, ylabel="%" if spec.unit == "percent" else "", x_size=7)
    return fig


def render_benchmarks_page(
    views: list[ComparatorView], council_named: bool, extract_date, run_id: str, synthetic: bool = False
) -> str:
    title = "Benchmarks: the council against England and similar councils"
    context = page_context(title, extract_date, run_id, synthetic)
    context.update(
        note=comparators_note(council_named),
        views=views,
        columns=COLUMNS,
        no_comparator=NO_COMPARATOR,
        year_rows=lambda view: [year_texts(view.measure, y, suppress=True) for y in reversed(view.years)],
        charts={v.measure.measure: benchmark_chart(v, suppress=True) for v in views if v.has_comparator},
    )
    return environment().get_template("benchmarks.html.j2").render(**context)

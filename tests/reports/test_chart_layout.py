"""The charts are laid out by measuring their labels, then drawn once per format (matplotlib's
`bbox_inches="tight"` drew every chart twice). Whatever the labels, nothing drawn may fall outside the figure:
matplotlib measures every drawn artist (tick labels, axis labels, legend, offset text) after a real draw and the
box must lie inside the figure; and the plot may not shrink to nothing beside a long team name. Real matplotlib."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from PIL import Image

from dagster_project.catalogue.measures import load_measures
from dagster_project.reports import comparators_render
from dagster_project.reports.charts import (
    CASELOAD_FIGURE_WIDTH,
    PNG_DPI,
    _TrendSpec,
    caseload_figure,
    figure_formats,
    plain_text,
    plot_size,
    trend_figure,
)
from dagster_project.reports.comparators import BenchmarkYear, ComparatorView
from dagster_project.reports.comparators_render import benchmark_chart, benchmark_figure

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

MONTHS = tuple(f"{m} {y}" for y in (2019, 2020) for m in ("Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep"))[:13]


def _overflow(fig: Figure, fmt: str) -> dict[str, float]:
    """Inches by which what matplotlib draws in `fmt` passes each edge of the figure (0 or less: inside), measured
    by that format's renderer after a real draw (legend placed, ticks made): Agg at the PNG's dpi, or the SVG
    renderer (text as unhinted paths) at its 72 dpi."""
    width, height = fig.get_size_inches()
    if fmt == "png":
        fig.set_dpi(PNG_DPI)
        renderer = FigureCanvasAgg(fig).get_renderer()
    else:
        fig.set_dpi(72)
        renderer = RendererSVG(width * 72, height * 72, io.StringIO(), image_dpi=72)
    fig.draw(renderer)
    box = fig.get_tightbbox(renderer)
    return {"left": -box.x0, "bottom": -box.y0, "right": box.x1 - width, "top": box.y1 - height}


def _assert_inside(fig: Figure) -> None:
    try:
        for fmt in ("png", "svg"):
            overflow = _overflow(fig, fmt)
            assert all(v <= 0 for v in overflow.values()), (fmt, overflow)
        png = np.asarray(Image.open(io.BytesIO(figure_formats(fig).png)).convert("L"))
        border = np.concatenate([png[:5].ravel(), png[-5:].ravel(), png[:, :5].ravel(), png[:, -5:].ravel()])
        assert (border == 255).all()  # nothing drawn reaches the picture's edge (a cut label would)
    finally:
        plt.close(fig)


TRENDS = {
    "percent": _TrendSpec(MONTHS, tuple(50.0 + i for i in range(13)), (85.0,) * 13, "red", "percent"),
    "small count": _TrendSpec(MONTHS, (1.0, 2.0, None, 7.0, *([4.0] * 9)), (None,) * 13, None, "count"),
    # England-sized counts: six-figure tick labels
    "large count": _TrendSpec(MONTHS, tuple(380_000.0 + 1_000 * i for i in range(13)), (None,) * 13, None, "count"),
    # millions: matplotlib puts its "1e6" offset above the axis
    "millions": _TrendSpec(MONTHS, tuple(2.5e6 + 1e4 * i for i in range(13)), (3e6,) * 13, "green", "count"),
    "every month suppressed": _TrendSpec(
        MONTHS, (None,) * 13, (85.0,) * 13, None, "percent", "every month is suppressed (1 to 5)"
    ),
}


@pytest.mark.parametrize("name", TRENDS)
def test_a_trend_chart_draws_everything_inside_the_figure(name):
    _assert_inside(trend_figure(TRENDS[name]))


LONG_NAME = "Assessment and Intervention Team North (Children in Need and Child Protection)"
HOSTILE = ("Child in Need $$ 1", r"$\frac{1}{0}$", "$", "Team\nTwo", "x" * 300, "\u202eRTL team", "=1+1")


@pytest.mark.parametrize(
    "teams",
    [
        [("A", [30.0, 31.0])],
        [(LONG_NAME, [12.0, 15.0, 27.0]), ("Team 2", [18.0, 21.0]), ("No team", [3.0])],
        [(plain_text(n), [10.0, 14.0, 22.0]) for n in HOSTILE],
        [(f"Locality team {i} (south-east and the islands)", [10.0 + i % 15, 20.0 + i % 9]) for i in range(40)],
    ],
    ids=["one short name", "a long name", "hostile names", "forty teams"],
)
def test_the_caseload_chart_fits_every_team_name_and_keeps_its_plot(teams):
    fig = caseload_figure(teams, (16, 23))
    plot_width = fig.axes[0].get_position().width * fig.get_size_inches()[0]
    # a long name widens the figure, never squeezes the plot
    assert plot_width == pytest.approx(plot_size((CASELOAD_FIGURE_WIDTH, 1))[0])
    _assert_inside(fig)


def test_the_benchmark_chart_draws_ten_years_inside_the_figure():
    spec = comparators_render._BenchmarkSpec(
        labels=tuple(f"{y - 2001:02d}-{y % 100:02d}" for y in range(2016, 2025)) + ("Sep 25",),
        england=tuple(80.0 + i for i in range(10)),
        statistical_neighbours=(*[76.0] * 9, None),
        region=(*[78.0] * 9, None),
        council_published=(*[72.0] * 9, None),
        council_computed=(*[None] * 8, 74.0, None),
        unit="percent",
    )
    _assert_inside(benchmark_figure(spec))
    large = comparators_render._BenchmarkSpec(
        **{
            **spec.__dict__,
            "unit": "count",
            "england": tuple(400_000.0 + 1_000 * i for i in range(10)),
        }
    )
    _assert_inside(benchmark_figure(large))


def test_each_format_is_drawn_once(monkeypatch):
    """The regression this layout removed: a tight bounding box drew every figure twice per save."""
    draws = _counting_draws(monkeypatch)
    formats = figure_formats(trend_figure(TRENDS["percent"]))
    assert formats.svg.startswith("<svg") and formats.png.startswith(b"\x89PNG")
    assert len(draws) == 2  # one SVG, one PNG


def _counting_draws(monkeypatch) -> list[int]:
    draws: list[int] = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or real_draw(self, renderer))
    return draws


def test_equal_benchmark_charts_are_drawn_once_per_process(monkeypatch):
    """A test worker builds the same extract's reports many times: an equal chart comes from the cache."""
    measure = next(m for m in load_measures() if m.unit == "percent")
    years = [BenchmarkYear(dt.date(2016 + i, 3, 31), 70.0 + i, 7, 10, 72.0, 80.0, 78.0, 76.0, "B") for i in range(9)]
    draws = _counting_draws(monkeypatch)
    first = benchmark_chart(ComparatorView(measure, years), suppress=False)
    again = benchmark_chart(ComparatorView(measure, list(years)), suppress=False)
    assert first == again and first.startswith("<svg")
    assert len(draws) == 1
    changed = benchmark_chart(ComparatorView(measure, [*years[:-1], replace(years[-1], england=90.0)]), suppress=False)
    assert changed != first and len(draws) == 2

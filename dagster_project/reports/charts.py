"""Charts with matplotlib: SVG text for the HTML pages (inline, so the page makes no request) and PNG bytes
for the PDF. Pure Python (matplotlib's Agg/SVG back ends, no display).

Each chart is laid out once, by measuring its labels (`text_size`, `fit_axes`), and drawn once per save:
matplotlib's `bbox_inches="tight"` (and its layout engines, measured slower still) draws the whole figure a second
time to find where the labels went: about a fifth of the reports step's CPU time (a build saves ~100 charts)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # no display, before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.textpath import TextToPath  # noqa: E402

from dagster_project.reports.formatting import month_label  # noqa: E402

RAG_COLOURS = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c", "no data": "#b1b4b6", None: "#1d70b8"}
LINE = "#1d70b8"
TARGET = "#505a5f"
plt.rcParams.update({"svg.fonttype": "path", "font.size": 9, "font.family": "DejaVu Sans"})
PNG_DPI = 150  # the PDF's charts
PAD = 0.1  # inches of white round the labels (savefig's default pad_inches for a tight box)
TICK_GAP = 0.08  # inches between the axis and its tick labels (tick length 3.5 pt + pad 3.5 pt) and a little over


def figure_bytes(fig, fmt: str) -> bytes | str:
    """The figure as inline SVG text (no XML prolog) or PNG bytes, and closed. Drawn once: the chart has placed
    its axes to fit its labels (`fit_axes`)."""
    data = _saved(fig, fmt)
    plt.close(fig)
    return data


def _saved(fig, fmt: str) -> bytes | str:
    """One save of the figure: SVG text without its XML prolog and DOCTYPE (a URL, never fetched), for inlining,
    or PNG bytes at the PDF's resolution."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=PNG_DPI if fmt == "png" else None, metadata=None)
    data = buffer.getvalue()
    if fmt != "svg":
        return data
    text = data.decode("utf-8")
    return text[text.index("<svg") :]


@dataclass(frozen=True)
class ChartFormats:
    """One chart in both formats: SVG text for the web pages, PNG bytes for the PDF."""

    svg: str
    png: bytes


def figure_formats(fig) -> ChartFormats:
    """The figure saved as SVG and as PNG, and closed: built once for both (a build shows each scorecard chart in
    its web page and in its PDF)."""
    formats = ChartFormats(svg=_saved(fig, "svg"), png=_saved(fig, "png"))
    plt.close(fig)
    return formats


@lru_cache(maxsize=1)
def _measuring() -> tuple[RendererAgg, TextToPath]:
    # The PNG's renderer (Agg at its 150 dpi: hinted glyphs) and the SVG's text-to-path (unhinted): a label is as
    # wide as the wider of the two, so it fits both formats.
    return RendererAgg(1, 1, PNG_DPI), TextToPath()


def text_size(texts, size: float | str | None = None) -> tuple[float, float]:
    """(width, height) in inches of the widest and tallest of `texts` as matplotlib draws them in either format
    (escaped `$` and all: measured as plain text, which is as wide or wider), each line of a label apart."""
    prop = FontProperties(size=size if size is not None else plt.rcParams["font.size"])
    agg, to_path = _measuring()
    width = height = 0.0
    for text in texts:
        lines = str(text).split("\n")
        for line in lines:
            line = line or " "
            width = max(
                width,
                agg.get_text_width_height_descent(line, prop, ismath=False)[0] / PNG_DPI,
                to_path.get_text_width_height_descent(line, prop, ismath=False)[0] / 72,
            )
        height = max(height, len(lines) * prop.get_size_in_points() * 1.2 / 72)
    return width, height


def plot_size(figsize: tuple[float, float]) -> tuple[float, float]:
    """(width, height) in inches of the plot matplotlib's default margins leave in a figure of `figsize`: the
    plot each chart had when a tight bounding box cropped the figure round it, kept so the charts look the same."""
    rc = plt.rcParams
    return (
        figsize[0] * (rc["figure.subplot.right"] - rc["figure.subplot.left"]),
        figsize[1] * (rc["figure.subplot.top"] - rc["figure.subplot.bottom"]),
    )


def fit_axes(fig, plot: tuple[float, float], left: float, bottom: float, right: float = PAD, top: float = PAD) -> None:
    """Size the figure to a plot of `plot` inches with `left`, `bottom`, `right`, `top` inches round it (its labels
    and a white pad), as a tight bounding box did, without drawing."""
    width, height = left + plot[0] + right, bottom + plot[1] + top
    fig.set_size_inches(width, height)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height)


def y_tick_texts(ax) -> list[str]:
    """The y axis's tick labels as they will be drawn (limits set first), without drawing."""
    low, high = ax.get_ylim()
    ticks = [t for t in ax.yaxis.get_major_locator()() if low <= t <= high]
    return ax.yaxis.get_major_formatter().format_ticks(ticks)


def plain_text(label: str) -> str:
    """A label matplotlib draws as it is: a `$` would start mathematics (`Child in Need $$ 1` raises), so
    every dollar is escaped; nothing else in plain text is interpreted (usetex stays off)."""
    return str(label).replace("$", r"\$")


@dataclass(frozen=True)
class _TrendSpec:
    """Everything a trend chart shows, so equal charts are drawn once: the committee and management views of a
    council figure are the same chart unless suppression differs."""

    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    targets: tuple[float | None, ...]
    last_rag: str | None
    unit: str
    empty_reason: str = ""  # what an empty chart says instead of drawing an empty axis


def trend_chart(measure_view, fmt: str = "svg") -> bytes | str:
    """13-month line of the council figure, the target line (as it was in force each month) and the latest
    point in its RAG colour. Suppressed or missing months are gaps."""
    cells = measure_view.trend
    spec = _TrendSpec(
        labels=tuple(plain_text(month_label(c.as_at)) for c in cells),
        values=tuple(None if (c.suppressed or c.value is None) else c.value for c in cells),
        empty_reason="every month is suppressed (1 to 5)"
        if cells and all(c.suppressed for c in cells)
        else "no figure in these months",
        targets=tuple(c.target for c in cells),
        last_rag=cells[-1].rag,
        unit=measure_view.measure.unit,
    )
    return getattr(_draw_trend(spec), fmt)


@lru_cache(maxsize=128)  # a run draws ~40 distinct charts; the bound keeps a long-lived process small
def _draw_trend(spec: _TrendSpec) -> ChartFormats:
    return figure_formats(trend_figure(spec))


def trend_figure(spec: _TrendSpec):
    """The trend chart's figure, laid out and not yet saved."""
    fig, ax = plt.subplots(figsize=(4.2, 2.0))
    if all(v is None for v in spec.values):  # an empty axis would read as a real line at 0 (issue 23)
        ax.axis("off")
        message = f"No chart: {spec.empty_reason}."
        ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=9, color="#505a5f")
        fit_axes(fig, plot_size(fig.get_size_inches()), PAD, PAD)  # the empty plot's box, as the tight box kept it
        return fig
    xs = list(range(len(spec.labels)))
    ax.plot(
        xs,
        [float("nan") if v is None else v for v in spec.values],
        color=LINE,
        linewidth=1.8,
        marker="o",
        markersize=2.5,
        label="council",
    )
    if any(t is not None for t in spec.targets):
        ax.step(
            xs,
            [float("nan") if t is None else t for t in spec.targets],
            where="mid",
            color=TARGET,
            linestyle="--",
            linewidth=1,
            label="target",
        )
    if spec.values[-1] is not None:
        ax.plot([xs[-1]], [spec.values[-1]], marker="o", markersize=7, color=RAG_COLOURS.get(spec.last_rag, LINE))
    ax.set_xticks(xs[::3], spec.labels[::3])
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    if spec.unit == "percent":
        ax.set_ylim(0, 100)
        ax.set_ylabel("%")
    else:  # counts and averages from zero too, so a small change is not drawn as a large one (issue 23)
        ax.set_ylim(bottom=0, top=max(v for v in (*spec.values, *spec.targets) if v is not None) * 1.15 or 1)
    ax.legend(loc="best", fontsize=7, frameon=False, ncol=2)
    fit_line_chart(fig, ax, spec.labels, ylabel="%" if spec.unit == "percent" else "")
    return fig


def fit_line_chart(fig, ax, x_labels, ylabel: str = "", x_size: float | str | None = None) -> None:
    """Fit a line chart's axes to its labels: y tick labels (and the y label) on the left, one row of x tick labels
    below, the first and last x labels (centred on the axis ends) inside the figure, the offset text (`1e6`) above."""
    first_last = [x_labels[0], x_labels[-1]] if x_labels else []
    x_half = text_size(first_last, x_size)[0] / 2
    x_height = text_size(x_labels or [" "], x_size)[1]
    label_height = text_size([ylabel])[1] + 4 / 72 if ylabel else 0.0  # the y label is turned; labelpad 4 pt
    plot = plot_size(fig.get_size_inches())  # the axes already have this size: the y ticks are those drawn
    y_width = text_size(y_tick_texts(ax))[0]
    offset = ax.yaxis.get_major_formatter().get_offset()
    top = PAD + (text_size([offset])[1] if offset else 0.0)
    fit_axes(fig, plot, left=PAD + max(label_height + y_width + TICK_GAP, x_half), bottom=PAD + x_height + TICK_GAP,
             right=PAD + x_half, top=top)  # fmt: skip


CASELOAD_FIGURE_WIDTH = 7.0  # inches, before a long team name widens it


def caseload_chart(
    team_caseloads: list[tuple[str, list[float]]], band: tuple[float, float], fmt: str = "svg"
) -> bytes | str:
    """Each team's workers' caseloads (one dot per worker, a box for the spread) against the council's band."""
    rows = tuple((name, tuple(values)) for name, values in team_caseloads)
    return getattr(_draw_caseload(rows, tuple(band)), fmt)


@lru_cache(maxsize=8)  # one a build (the management scorecard's web page and PDF)
def _draw_caseload(rows: tuple[tuple[str, tuple[float, ...]], ...], band: tuple[float, float]) -> ChartFormats:
    return figure_formats(caseload_figure([(name, list(values)) for name, values in rows], band))


def caseload_figure(team_caseloads: list[tuple[str, list[float]]], band: tuple[float, float]):
    """The caseload chart's figure, laid out and not yet saved."""
    names = [plain_text(name) for name, _ in team_caseloads]  # team names come from the extract
    # the plot keeps its size and a long team name widens the figure (as a tight bounding box did)
    plot = plot_size((CASELOAD_FIGURE_WIDTH, max(2.2, 0.32 * len(team_caseloads) + 0.8)))
    fig, ax = plt.subplots(figsize=plot)
    left = PAD + text_size(names)[0] + TICK_GAP
    bottom = PAD + 2 * text_size(["0"])[1] + 4 / 72 + TICK_GAP  # tick labels, the x label (labelpad 4 pt)
    fit_axes(fig, plot, left=left, bottom=bottom, right=0.25)  # right: half the last x tick label
    ax.axvspan(band[0], band[1], color="#cce2d8", label=f"caseload band {band[0]:g}–{band[1]:g}")
    ax.axvline(band[1], color="#d4351c", linewidth=1, linestyle="--", label=f"maximum {band[1]:g}")
    data = [values or [0] for _, values in team_caseloads]
    ax.boxplot(
        data,
        vert=False,
        widths=0.5,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": "#ffffff", "edgecolor": "#505a5f"},
        medianprops={"color": "#1d70b8"},
    )
    for i, values in enumerate(data, start=1):
        ax.scatter(values, [i] * len(values), s=9, color="#0b0c0c", alpha=0.55, zorder=3)
    ax.set_yticks(range(1, len(names) + 1), names)
    ax.invert_yaxis()
    ax.set_xlabel("children allocated per worker")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    return fig

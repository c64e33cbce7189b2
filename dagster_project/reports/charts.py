"""Charts with matplotlib: SVG text for the HTML pages (inline, so the page makes no request) and PNG bytes
for the PDF. Pure Python (matplotlib's Agg/SVG back ends, no display)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # no display, before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402

from dagster_project.reports.formatting import month_label  # noqa: E402

RAG_COLOURS = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c", "no data": "#b1b4b6", None: "#1d70b8"}
LINE = "#1d70b8"
TARGET = "#505a5f"
plt.rcParams.update({"svg.fonttype": "path", "font.size": 9, "font.family": "DejaVu Sans"})


def figure_bytes(fig, fmt: str) -> bytes | str:
    """The figure as inline SVG text (no XML prolog) or PNG bytes, and closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=150 if fmt == "png" else None, metadata=None)
    plt.close(fig)
    data = buffer.getvalue()
    if fmt == "svg":
        text = data.decode("utf-8")
        return text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE (a URL, never fetched) for inlining
    return data


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
    return _draw_trend(spec, fmt)


@lru_cache(maxsize=256)  # a run draws ~40 distinct charts; the bound keeps a long-lived process small
def _draw_trend(spec: _TrendSpec, fmt: str) -> bytes | str:
    fig, ax = plt.subplots(figsize=(4.2, 2.0))
    if all(v is None for v in spec.values):  # an empty axis would read as a real line at 0 (issue 23)
        ax.axis("off")
        ax.text(0.5, 0.5, f"No chart: {spec.empty_reason}.", ha="center", va="center", fontsize=9, color="#505a5f")
        return figure_bytes(fig, fmt)
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
    return figure_bytes(fig, fmt)


def caseload_chart(
    team_caseloads: list[tuple[str, list[float]]], band: tuple[float, float], fmt: str = "svg"
) -> bytes | str:
    """Each team's workers' caseloads (one dot per worker, a box for the spread) against the council's band."""
    height = max(2.2, 0.32 * len(team_caseloads) + 0.8)
    fig, ax = plt.subplots(figsize=(7.0, height))
    ax.axvspan(band[0], band[1], color="#cce2d8", label=f"caseload band {band[0]:g}–{band[1]:g}")
    ax.axvline(band[1], color="#d4351c", linewidth=1, linestyle="--", label=f"maximum {band[1]:g}")
    names = [plain_text(name) for name, _ in team_caseloads]  # team names come from the extract
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
    return figure_bytes(fig, fmt)

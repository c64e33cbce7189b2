"""The scorecard as people read it: per measure, the figures of the chosen months with RAG, direction and
suppression applied. Built from PublishedData (rows of the marts); rendered by html/xlsx/pdf. Pure Python.

Audiences: "committee" (open: council and service area, small numbers suppressed, secondary suppression
across the service areas of each month) and "management" (internal: the same unsuppressed, plus teams).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dagster_project.catalogue import Measure
from dagster_project.reports.direction import direction
from dagster_project.reports.formatting import format_value, month_label, natural_key, service_area_label
from dagster_project.reports.periods import MonthlyView, monthly_view
from dagster_project.reports.published import Figure, PublishedData
from dagster_project.reports.rag import rag
from dagster_project.reports.suppression import (
    OTHER_LABEL,
    cell_size,
    merged_value,
    primary_suppressed,
    secondary_suppression,
    too_small_to_show,
)
from dagster_project.reports.targets import Target, target_for

COMMITTEE, MANAGEMENT = "committee", "management"
FAMILY_TITLES = {
    "assessments": "Assessments",
    "visits": "Statutory visits",
    "workforce": "Workforce and caseloads",
    "front_door": "Front door",
    "supervision": "Supervision",
    "volumes": "Volumes",
}


@dataclass
class Cell:
    as_at: dt.date
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool
    text: str
    rag: str | None
    target: float | None


@dataclass
class BreakdownRow:
    key: str | None  # service area or team id (None: no team)
    label: str
    group: str | None  # the team's service area (management)
    cells: list[Cell]
    is_total: bool = False


@dataclass
class MeasureView:
    measure: Measure
    target: Target | None  # in force at the latest month
    latest: Cell
    previous: Cell
    three_months_earlier: Cell
    twelve_months_earlier: Cell
    month_to_date: Cell | None
    direction: str
    quarters: list[Cell]
    trend: list[Cell]
    breakdown: list[BreakdownRow] = field(default_factory=list)
    breakdown_dates: list[dt.date] = field(default_factory=list)


@dataclass
class ScorecardView:
    audience: str
    extract_date: dt.date
    run_id: str
    view: MonthlyView
    measures: list[MeasureView]
    unavailable: tuple[tuple[Measure, str], ...] = ()  # (measure, why the extract's source cannot support it)
    synthetic: bool = False  # the run's data is generated: every output says so (issue 23)

    @property
    def suppressed(self) -> bool:
        return self.audience == COMMITTEE

    def by_family(self) -> list[tuple[str, list[MeasureView]]]:
        families: dict[str, list[MeasureView]] = {}
        for m in self.measures:
            families.setdefault(m.measure.family, []).append(m)
        return [(FAMILY_TITLES.get(f, f.replace("_", " ").capitalize()), ms) for f, ms in families.items()]


def _cell(
    measure: Measure,
    figure: Figure | None,
    as_at: dt.date,
    targets: list[Target],
    suppress: bool,
    suppressed: bool | None = None,
) -> Cell:
    figure = figure or Figure(None, None, None)
    target = target_for(targets, measure.measure, as_at)
    hidden = (
        suppressed
        if suppressed is not None
        else suppress and primary_suppressed(measure.unit, figure.numerator, figure.denominator)
    )
    return Cell(
        as_at=as_at,
        value=figure.value,
        numerator=figure.numerator,
        denominator=figure.denominator,
        suppressed=hidden,
        text=format_value(figure.value, measure.unit, measure.decimals, hidden),
        rag=None
        if hidden
        else rag(
            figure.value, target.target if target else None, target.tolerance if target else 0.0, measure.polarity
        ),
        target=target.target if target else None,
    )


OTHER_KEY = "__other__"


def _merge_small(
    unit: str, keys: list, figures: list[list[Figure | None]], labels: dict, groups: dict
) -> tuple[list, list[list[Figure | None]]]:
    """ "No team" and the categories too small to show, summed into one "Other or unrecorded" row (last)."""
    small = [
        i
        for i, (key, row) in enumerate(zip(keys, figures, strict=True))
        if key is None or too_small_to_show(unit, [(f.numerator, f.denominator) if f else None for f in row])
    ]
    if not small:
        return keys, figures
    merged: list[Figure | None] = []
    for c in range(len(figures[0]) if figures else 0):
        parts = [figures[i][c] for i in small if figures[i][c] is not None]
        if not parts:
            merged.append(None)
            continue
        numerator = sum(f.numerator or 0.0 for f in parts)
        denominator = None if all(f.denominator is None for f in parts) else sum(f.denominator or 0.0 for f in parts)
        merged.append(Figure(numerator, denominator, merged_value(unit, numerator, denominator)))
    kept = [i for i in range(len(keys)) if i not in small]
    labels[OTHER_KEY], groups[OTHER_KEY] = OTHER_LABEL, None
    return [*(keys[i] for i in kept), OTHER_KEY], [*(figures[i] for i in kept), merged]


def _suppressed(unit: str, keys: list, figures: list[list[Figure | None]], council: dict, measure: str, dates):
    """(keys, cells row-major with the council row last, suppression flags, the size secondary suppression
    hid) of a committee breakdown."""
    rows = [*figures, [council.get((measure, d)) for d in dates]]
    flat = [f or Figure(None, None, None) for row in rows for f in row]
    primary = [primary_suppressed(unit, f.numerator, f.denominator) for f in flat]
    width = len(dates)
    # each date's column of breakdown rows adds up to the council total shown below it (the total is a
    # published figure in its own right, so it is never hidden to protect a breakdown cell)
    lines = [[r * width + c for r in range(len(keys))] for c in range(width)]
    sizes = [cell_size(unit, f.numerator, f.denominator) for f in flat]
    flags = secondary_suppression(lines, sizes, primary)
    hidden = sum(size for size, flag, first in zip(sizes, flags, primary, strict=True) if flag and not first)
    return keys, flat, flags, hidden


def _breakdown(
    measure: Measure, data: PublishedData, dates: list[dt.date], targets: list[Target], audience: str
) -> list[BreakdownRow]:
    suppress = audience == COMMITTEE
    if audience == COMMITTEE:
        keys = sorted({k[2] for k in data.by_service_area if k[0] == measure.measure}, key=lambda a: (a is None, a))
        source, labels = data.by_service_area, {a: service_area_label(a) for a in keys}
        groups = dict.fromkeys(keys)
    else:
        keys = sorted(
            {k[2] for k in data.by_team if k[0] == measure.measure},
            key=lambda t: (t is None, data.teams.get(t, ("", ""))[1] or "", natural_key(data.teams.get(t, (t, ""))[0])),
        )
        source = data.by_team
        labels = {t: data.teams.get(t, (t, None))[0] for t in keys}
        groups = {t: data.teams.get(t, (t, None))[1] for t in keys}
    # cells in row-major order: the breakdown rows then the council total, one column per date
    figures = [[source.get((measure.measure, d, k)) for d in dates] for k in keys]
    if suppress:
        # categories too small to show merged into one row, unless suppressing the rows as they are hides less
        # (suppression.py, issue 23)
        merged_keys, merged_figures = _merge_small(measure.unit, keys, figures, labels, groups)
        as_is = _suppressed(measure.unit, keys, figures, data.council, measure.measure, dates)
        merged = _suppressed(measure.unit, merged_keys, merged_figures, data.council, measure.measure, dates)
        keys, flat, flags = (merged if merged[3] <= as_is[3] else as_is)[:3]
    else:
        figures.append([data.council.get((measure.measure, d)) for d in dates])
        flat = [f or Figure(None, None, None) for row in figures for f in row]
        flags = [False] * len(flat)
    rows = []
    for r, key in enumerate([*keys, "__council__"]):
        is_total = key == "__council__"
        cells = [
            _cell(measure, flat[r * len(dates) + c], d, targets, suppress, flags[r * len(dates) + c])
            for c, d in enumerate(dates)
        ]
        rows.append(
            BreakdownRow(
                key=None if is_total else key,
                label="Council" if is_total else labels[key],
                group=None if is_total else groups[key],
                cells=cells,
                is_total=is_total,
            )
        )
    return rows


def build_scorecard(
    data: PublishedData, targets: list[Target], audience: str, as_at: dt.date | None = None
) -> ScorecardView:
    view = monthly_view(data.month_dates, as_at)
    suppress = audience == COMMITTEE
    breakdown_dates = sorted({*view.quarters, view.latest})
    measures = []
    for measure in data.measures:

        def cell(date: dt.date, m: Measure = measure) -> Cell:
            return _cell(m, data.council.get((m.measure, date)), date, targets, suppress)

        latest, earlier = cell(view.latest), cell(view.three_months_earlier)
        measures.append(
            MeasureView(
                measure=measure,
                target=target_for(targets, measure.measure, view.latest),
                latest=latest,
                previous=cell(view.previous),
                three_months_earlier=earlier,
                twelve_months_earlier=cell(view.twelve_months_earlier),
                month_to_date=cell(view.month_to_date) if view.month_to_date else None,
                # direction is judged on the marts' values; when either is suppressed it is not shown
                direction="suppressed"
                if latest.suppressed or earlier.suppressed
                else direction(latest.value, earlier.value, measure.polarity, measure.unit),
                quarters=[cell(d) for d in view.quarters],
                trend=[cell(d) for d in view.trend],
                breakdown=_breakdown(measure, data, breakdown_dates, targets, audience)
                if measure.breakdown == "team"
                else [],
                breakdown_dates=breakdown_dates if measure.breakdown == "team" else [],
            )
        )
    return ScorecardView(
        audience, data.extract_date, data.run_id, view, measures, data.unavailable, synthetic=data.synthetic
    )


def column_labels(view: MonthlyView) -> list[tuple[str, str]]:
    """(attribute, heading) of the monthly comparison columns."""
    return [
        ("latest", month_label(view.latest)),
        ("previous", month_label(view.previous)),
        ("three_months_earlier", month_label(view.three_months_earlier) + " (−3)"),
        ("twelve_months_earlier", month_label(view.twelve_months_earlier) + " (−12)"),
    ]

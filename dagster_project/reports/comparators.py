"""National comparators in the reports: the council's figures beside England, its region, its statistical
neighbours and its quartile band (marts.benchmarks), per measure. Read from the published database; nothing here
computes a comparator. The council's own computed figure is small-number suppressed on the committee's outputs
like every other council figure; the DfE's published figures are already published (and suppressed by the DfE).
Pure Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.catalogue import Measure
from dagster_project.reports.formatting import format_value
from dagster_project.reports.suppression import primary_suppressed

NO_COMPARATOR = "no national comparator"
NOT_PUBLISHED = "not published"
NOT_COVERED = "not in extract"
BANDS = {"A": "A (best quarter)", "B": "B", "C": "C", "D": "D (worst quarter)"}


@dataclass(frozen=True)
class BenchmarkYear:
    period_end: dt.date
    council_computed: float | None
    computed_numerator: float | None
    computed_denominator: float | None
    council_published: float | None
    england: float | None
    region: float | None
    statistical_neighbours: float | None
    quartile_band: str | None


@dataclass
class ComparatorView:
    measure: Measure
    years: list[BenchmarkYear] = field(default_factory=list)  # oldest first
    texts: dict[str, str] = field(default_factory=dict)  # the latest full year's figures as shown

    @property
    def has_comparator(self) -> bool:
        return bool(self.years)

    @property
    def latest(self) -> BenchmarkYear | None:
        return self.years[-1] if self.years else None


COLUMNS = (
    ("year", "DfE year"),
    ("council_computed", "Council (this extract)"),
    ("council_published", "Council (DfE)"),
    ("england", "England"),
    ("region", "Region"),
    ("statistical_neighbours", "Similar councils"),
    ("quartile_band", "Quartile band"),
)


def load_benchmarks(database: Path) -> dict[str, list[BenchmarkYear]]:
    """marts.benchmarks by measure, oldest year first; empty for a database published before it existed."""
    with duckdb.connect(str(database), read_only=True) as conn:
        exists = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = 'benchmarks'"
        ).fetchone()[0]
        if not exists:
            return {}
        rows = conn.execute(
            """
            select measure_id, period_end, council_computed, computed_numerator, computed_denominator,
                   council_published, england, region, statistical_neighbours, quartile_band
            from marts.benchmarks order by measure_id, period_end
            """
        ).fetchall()
    out: dict[str, list[BenchmarkYear]] = {}
    for measure_id, *values in rows:
        out.setdefault(measure_id, []).append(BenchmarkYear(*values))
    return out


def year_label(period_end: dt.date) -> str:
    """The DfE's period: 'year to 31 Mar 2018' (CIN census, SSDA903) or 'at 30 Sep 2025' (workforce)."""
    if period_end.month == 9:
        return f"at 30 Sep {period_end.year}"
    return f"{period_end.year - 1}-{str(period_end.year)[2:]} (to 31 Mar)"


def _computed_suppressed(measure: Measure, year: BenchmarkYear) -> bool:
    return primary_suppressed(measure.unit, year.computed_numerator, year.computed_denominator)


def year_texts(measure: Measure, year: BenchmarkYear, suppress: bool) -> dict[str, str]:
    """One DfE year's figures as shown: rounded like the measure; no figure is never a blank or a 0."""

    def shown(value: float | None, missing: str) -> str:
        return missing if value is None else format_value(value, measure.unit, measure.decimals)

    computed = (
        format_value(None, measure.unit, measure.decimals, suppressed=True)
        if suppress and _computed_suppressed(measure, year)
        else shown(year.council_computed, NOT_COVERED)
    )
    return {
        "year": year_label(year.period_end),
        "council_computed": computed,
        "council_published": shown(year.council_published, NOT_PUBLISHED),
        "england": shown(year.england, NOT_PUBLISHED),
        "region": shown(year.region, "—"),
        "statistical_neighbours": shown(year.statistical_neighbours, "—"),
        "quartile_band": BANDS.get(year.quartile_band or "", "—"),
    }


def latest_full_year(years: list[BenchmarkYear]) -> BenchmarkYear | None:
    """The council's latest full year: the latest DfE year the extract covers (a computed figure) and the DfE has
    published (an England figure); when the extract covers none of them, the latest year the DfE published."""
    published = [y for y in years if y.england is not None]
    covered = [y for y in published if y.council_computed is not None]
    return (covered or published or [None])[-1]


def build_comparators(
    measures: tuple[Measure, ...], benchmarks: dict[str, list[BenchmarkYear]], suppress: bool
) -> list[ComparatorView]:
    views = []
    for measure in measures:
        years = [y for y in benchmarks.get(measure.measure, []) if y.england is not None or y.council_published]
        view = ComparatorView(measure, years)
        latest = latest_full_year(years)
        view.texts = (
            year_texts(measure, latest, suppress)
            if latest
            else {key: (NO_COMPARATOR if key == "year" else "") for key, _ in COLUMNS}
        )
        views.append(view)
    return views


HOW_TO_SET = (
    "England only: set CSC_LA_CODE to the council's DfE three-digit LA number (e.g. CSC_LA_CODE=884) to show its "
    "region, its ten statistical neighbours and its quartile band."
)
NOTE = (
    "The DfE's published figures for the council's latest full year (the latest DfE year this extract covers, else "
    "the latest the DfE has published; years to 31 March, the workforce at 30 September), beside the council's own "
    "figure computed from this extract for the same period where the extract covers it. Similar councils: the mean "
    "of the council's ten DfE statistical neighbours that have a figure. "
    "Quartile band: A is the best quarter of councils in England, D the worst, by the indicator's polarity (as the "
    "DfE's LA Interactive Tool shows it). Source: DfE, Open Government Licence v3.0."
)


def comparators_note(council_named: bool) -> str:
    return NOTE if council_named else f"{NOTE} {HOW_TO_SET}"


def council_named(benchmarks: dict[str, list[BenchmarkYear]]) -> bool:
    """Whether the database's comparators are for a named council (CSC_LA_CODE set when it was published)."""
    return any(y.council_published is not None for years in benchmarks.values() for y in years)


def comparator_targets(benchmarks: dict[str, list[BenchmarkYear]]) -> dict[str, list[tuple]]:
    """What `england` / `statistical_neighbours` targets resolve from (reports/targets.py)."""
    return {
        measure: [(y.period_end, y.england, y.statistical_neighbours) for y in years]
        for measure, years in benchmarks.items()
    }

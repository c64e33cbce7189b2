"""The comparators beside a council's published figure, computed as the DfE's LA Interactive Tool computes them.

- Statistical-neighbour average: the mean of the ten neighbours' values that year, over the neighbours that have
  a value (LAIT `mean(values_num, na.rm = TRUE)`); no neighbour with a value gives no average.
- Quartile band: the quartiles of every council's value that year (councils only: not England, not the regions),
  by R's default quantile (type 7: linear interpolation between order statistics); then, for an indicator whose
  DfE polarity is Low, A when the value is at or below the lower quartile, B up to the median, C up to the upper
  quartile, D above it; for High the other way round (A above the upper quartile). An indicator with no polarity
  ('-') or marked no-quartile gets no band (LAIT `calculate_quartile_band`).
- Region: the council's region in the statistical-neighbour file; a London council falls back to London as a
  whole when its inner/outer London figure is missing in the indicator's latest year (LAIT `clean_ldn_region`).
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from dagster_project.benchmarks.snapshot import ENGLAND, FIRST_NON_COUNCIL, Council, Snapshot
from dagster_project.catalogue import Measure

BANDS_LOW_IS_GOOD = ("A", "B", "C", "D")
POLARITY = {"High": "higher_is_better", "Low": "lower_is_better"}


def neighbour_mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def quartiles(values: list[float | None]) -> tuple[float, float, float, float, float] | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return tuple(float(q) for q in np.quantile(present, [0, 0.25, 0.5, 0.75, 1], method="linear"))


def quartile_band(value: float | None, bounds: tuple[float, ...] | None, polarity: str) -> str | None:
    """A (best) to D, by the DfE polarity (High or Low); None without a value, bounds or polarity."""
    if value is None or bounds is None or polarity not in POLARITY:
        return None
    _, q1, q2, q3, _ = bounds
    position = 0 if value <= q1 else 1 if value <= q2 else 2 if value <= q3 else 3
    return BANDS_LOW_IS_GOOD[position] if polarity == "Low" else BANDS_LOW_IS_GOOD[3 - position]


def period_end(year: int, period: str) -> dt.date:
    """The date the DfE's figure for `year` refers to: 31 March of that year, or 30 September (workforce)."""
    return dt.date(year, 9, 30) if period == "at_30_september" else dt.date(year, 3, 31)


@dataclass(frozen=True)
class BenchmarkRow:
    measure_id: str
    dfe_indicator: str
    period_end: dt.date
    council_published: float | None
    england: float | None
    region: float | None
    statistical_neighbours: float | None
    quartile_band: str | None
    polarity: str
    source: str


def _region_name(snapshot: Snapshot, council: Council, indicator: str) -> str:
    if not council.region.startswith("London"):
        return council.region
    years = sorted(y for (i, y) in snapshot.values if i == indicator)
    numbers = {name: number for number, name in snapshot.areas.items()}
    latest = snapshot.values.get((indicator, years[-1]), {}) if years else {}
    return council.region if latest.get(numbers.get(council.region)) is not None else "London"


def benchmark_rows(snapshot: Snapshot, measures: tuple[Measure, ...], council: Council | None) -> list[BenchmarkRow]:
    """One row per (measure with a DfE indicator, year the snapshot holds). Without a council: England only."""
    numbers = {name: number for number, name in snapshot.areas.items()}
    rows = []
    for measure in measures:
        if measure.dfe is None:
            continue
        if measure.dfe.indicator not in snapshot.indicators:
            raise ValueError(
                f"the DfE snapshot has no indicator {measure.dfe.indicator} (measure {measure.measure}): refresh it "
                "with `csc benchmarks import <LAIT data folder>`"
            )
        indicator = snapshot.indicators[measure.dfe.indicator]
        region = numbers.get(_region_name(snapshot, council, indicator.indicator)) if council else None
        years = sorted(y for (i, y) in snapshot.values if i == indicator.indicator)
        for year in years:
            by_area = snapshot.values[(indicator.indicator, year)]
            published = band = neighbours = regional = None
            if council:
                published = by_area.get(council.la_number)
                regional = by_area.get(region) if region is not None else None
                neighbours = neighbour_mean([by_area.get(n) for n in council.neighbours])
                if not indicator.no_quartile:
                    councils = [v for number, v in by_area.items() if number < FIRST_NON_COUNCIL]
                    band = quartile_band(published, quartiles(councils), indicator.polarity)
            rows.append(
                BenchmarkRow(
                    measure.measure,
                    indicator.indicator,
                    period_end(year, measure.dfe.period),
                    published,
                    by_area.get(ENGLAND),
                    regional,
                    neighbours,
                    band,
                    POLARITY.get(indicator.polarity, "neutral"),
                    snapshot.source,
                )
            )
    return rows

"""The statistical-neighbour average and the quartile band, recomputed here from the DfE's documented method and
the shipped snapshot's raw rows, for three councils and three indicators, every year; and the pinned figures.

The method (LAIT, the DfE's LA Interactive Tool, user guide and `calculate_quartile_band`): the neighbours' average
is the plain mean of those of the council's ten statistical neighbours that have a value that year; the quartiles
are R's default sample quantiles (type 7: for p, h = (n - 1) p, the value at floor(h) plus (h - floor(h)) times the
step to the next, over the sorted values) of every council's value that year (England and the regions excluded);
A is the best quarter: for an indicator where low is good, at or below the lower quartile A, up to the median B, up
to the upper quartile C, above D; where high is good the other way round.
"""

from __future__ import annotations

import csv
import datetime as dt
import math

import pytest

from dagster_project.benchmarks.comparators import benchmark_rows
from dagster_project.benchmarks.council import UnknownCouncilError, resolve_council
from dagster_project.benchmarks.snapshot import SNAPSHOT_DIR, load_snapshot
from dagster_project.catalogue import load_measures

pytestmark = pytest.mark.fast

COUNCILS = (884, 301, 370)  # Herefordshire (West Midlands), Barking and Dagenham (outer London), Barnsley
MEASURE_OF = {
    "Continue_Assess_Comp": "assessments_in_time_pct",  # High is good
    "ReReferral": "re_referrals_pct",  # Low is good
    "Work_Force_AvgNumCase_SW": "average_caseload",  # Low is good
}


def _raw():
    """The snapshot's rows read as plain CSV, independently of the code under test."""
    with (SNAPSHOT_DIR / "values.csv").open(encoding="utf-8") as handle:
        values = {}
        for row in csv.DictReader(handle):
            values.setdefault((row["indicator"], int(row["year"])), {})[int(row["la_number"])] = (
                float(row["value"]) if row["value"] else None
            )
    with (SNAPSHOT_DIR / "statistical_neighbours.csv").open(encoding="utf-8") as handle:
        neighbours = {int(r["la_number"]): [int(r[f"sn{i}"]) for i in range(1, 11)] for r in csv.DictReader(handle)}
    with (SNAPSHOT_DIR / "indicators.csv").open(encoding="utf-8") as handle:
        polarity = {r["indicator"]: r["polarity"] for r in csv.DictReader(handle)}
    return values, neighbours, polarity


def type7(sorted_values: list[float], p: float) -> float:
    h = (len(sorted_values) - 1) * p
    low = math.floor(h)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (h - low) * (sorted_values[high] - sorted_values[low])


def expected_band(value, councils, polarity):
    if value is None:
        return None
    xs = sorted(v for v in councils if v is not None)
    q1, q2, q3 = type7(xs, 0.25), type7(xs, 0.5), type7(xs, 0.75)
    quarter = 1 if value <= q1 else 2 if value <= q2 else 3 if value <= q3 else 4  # 1 = lowest values
    return "ABCD"[quarter - 1] if polarity == "Low" else "DCBA"[quarter - 1]


def _rows(la_number):
    return {
        (r.dfe_indicator, r.period_end.year): r
        for r in benchmark_rows(load_snapshot(), load_measures(), resolve_council(str(la_number)))
    }


CASES = [(la, indicator) for la in COUNCILS for indicator in MEASURE_OF]


@pytest.mark.parametrize(("la_number", "indicator"), CASES)
def test_neighbour_mean_and_quartile_band_follow_the_dfe_method(la_number, indicator):
    values, neighbours, polarity = _raw()
    rows = _rows(la_number)
    years = sorted(y for (i, y) in values if i == indicator)
    assert len(years) == 10
    banded = 0
    for year in years:
        by_area = values[(indicator, year)]
        row = rows[(indicator, year)]
        sn_values = [by_area.get(n) for n in neighbours[la_number] if by_area.get(n) is not None]
        expected_mean = sum(sn_values) / len(sn_values) if sn_values else None
        assert row.statistical_neighbours == pytest.approx(expected_mean, abs=1e-9), (la_number, indicator, year)
        councils = [v for n, v in by_area.items() if n < 970]
        band = expected_band(by_area.get(la_number), councils, polarity[indicator])
        assert row.quartile_band == band, (la_number, indicator, year)
        assert row.council_published == by_area.get(la_number)
        assert row.england == by_area.get(970)
        banded += band is not None
    assert banded >= 7  # the councils published most years: the bands were really compared


def test_the_pinned_figures():
    """Issue 22 "Done when": Herefordshire (884) 69.7% of assessments within 45 working days in the year to 31 March
    2018 against England 82.7%; England 85.7% in 2025, re-referrals 22.6%, average caseload 15.2 (30 Sept 2025)."""
    rows = _rows(884)
    assert (rows[("Continue_Assess_Comp", 2018)].council_published, rows[("Continue_Assess_Comp", 2018)].england) == (
        69.7,
        82.7,
    )
    assert rows[("Continue_Assess_Comp", 2018)].period_end == dt.date(2018, 3, 31)
    assert rows[("Continue_Assess_Comp", 2025)].england == 85.7
    assert rows[("ReReferral", 2025)].england == 22.6
    assert rows[("Work_Force_AvgNumCase_SW", 2025)].england == 15.2
    assert rows[("Work_Force_AvgNumCase_SW", 2025)].period_end == dt.date(2025, 9, 30)


def test_the_pinned_children_in_need_rates():
    """Issue 22's children in need per 10,000 (the DfE's CIN, at 31 March), read by hand from LAIT's
    bds_long_0.parquet (commit 2e30e39): Herefordshire (884) 379.6 and England 345.4 at 31 March 2018; 457 and 330.3
    at 31 March 2025."""
    rows = _rows(884)
    for year, council, england in ((2018, 379.6, 345.4), (2025, 457.0, 330.3)):
        row = rows[("CIN", year)]
        assert (row.measure_id, row.period_end) == ("children_in_need_rate_per_10k", dt.date(year, 3, 31))
        assert (row.council_published, row.england) == (council, england)


def test_hand_worked_band_and_mean_for_herefordshire_2025():
    """Worked from the published figures: Herefordshire's ten neighbours' re-referral rates in 2025."""
    values, neighbours, _ = _raw()
    by_area = values[("ReReferral", 2025)]
    sn = [by_area[n] for n in neighbours[884] if by_area.get(n) is not None]
    row = _rows(884)[("ReReferral", 2025)]
    assert row.statistical_neighbours == pytest.approx(sum(sn) / len(sn))
    assert row.region == by_area[984]  # West Midlands
    assert row.council_published == 14.8 and row.quartile_band == "A"  # 14.8% is among the lowest quarter


def test_a_london_council_without_an_inner_outer_figure_falls_back_to_london():
    values, _, _ = _raw()
    rows = _rows(301)  # Barking and Dagenham: London (Outer)
    for (indicator, year), row in rows.items():
        latest = max(y for (i, y) in values if i == indicator)
        expected_area = 988 if values[(indicator, latest)].get(988) is not None else 986
        assert row.region == values[(indicator, year)].get(expected_area), (indicator, year)


def test_without_a_council_only_england_is_shown():
    rows = benchmark_rows(load_snapshot(), load_measures(), None)
    assert rows and all(r.council_published is None and r.region is None for r in rows)
    assert all(r.statistical_neighbours is None and r.quartile_band is None for r in rows)
    assert any(r.england is not None for r in rows)


def test_a_measure_without_a_dfe_indicator_has_no_row():
    names = {r.measure_id for r in benchmark_rows(load_snapshot(), load_measures(), None)}
    assert "cp_visits_in_time_pct" not in names and "assessments_in_time_pct" in names


@pytest.mark.parametrize("code", ["999", "88", "abc", "884x"])
def test_an_unknown_code_is_refused_in_one_line(code):
    with pytest.raises(UnknownCouncilError) as refused:
        resolve_council(code)
    assert "\n" not in str(refused.value) and "CSC_LA_CODE" in str(refused.value)


def test_unset_means_england_only(monkeypatch):
    monkeypatch.delenv("CSC_LA_CODE", raising=False)
    assert resolve_council() is None
    monkeypatch.setenv("CSC_LA_CODE", " 884 ")
    assert resolve_council().name == "Herefordshire"


def test_quartiles_interpolate_as_r_type_7_worked_by_hand():
    """Councils 1, 2, 4, 8 (a missing value ignored): h = 3p; Q1 = 1 + 0.75 x (2 - 1) = 1.75, median = 2 + 0.5 x 2 = 3,
    Q3 = 4 + 0.25 x 4 = 5. Low is good: 1.75 is A (at the quartile), 1.76 B, 3 B, 5 C, 5.01 D; high is good mirrors."""
    from dagster_project.benchmarks.comparators import quartile_band, quartiles

    bounds = quartiles([8, None, 1, 4, 2])
    assert bounds == (1.0, 1.75, 3.0, 5.0, 8.0)
    assert [quartile_band(v, bounds, "Low") for v in (1.75, 1.76, 3, 5, 5.01)] == ["A", "B", "B", "C", "D"]
    assert [quartile_band(v, bounds, "High") for v in (1.75, 1.76, 3, 5, 5.01)] == ["D", "C", "C", "B", "A"]
    assert quartile_band(3, bounds, "-") is None and quartile_band(None, bounds, "Low") is None


@pytest.mark.parametrize("indicator", list(MEASURE_OF))
def test_every_years_quartiles_equal_the_type_7_ones(indicator):
    from dagster_project.benchmarks.comparators import quartiles

    values, _, _ = _raw()
    for (name, year), by_area in values.items():
        if name != indicator:
            continue
        xs = sorted(v for n, v in by_area.items() if n < 970 and v is not None)
        expected = (xs[0], type7(xs, 0.25), type7(xs, 0.5), type7(xs, 0.75), xs[-1])
        assert quartiles([v for n, v in by_area.items() if n < 970]) == pytest.approx(expected), year


def test_every_catalogue_indicator_is_in_the_shipped_snapshot():
    from dagster_project.catalogue import dfe_indicators

    snapshot = load_snapshot()
    assert set(dfe_indicators()) == set(snapshot.indicators)
    assert {i for (i, _) in snapshot.values} == set(snapshot.indicators)

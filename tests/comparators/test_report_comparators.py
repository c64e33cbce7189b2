"""The comparators as the reports show them: the latest full year, suppression of the council's own small figures
on the committee's outputs, "no national comparator" and "not in extract" instead of a blank or a 0."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.catalogue import load_measures
from dagster_project.reports.comparators import (
    NO_COMPARATOR,
    NOT_COVERED,
    BenchmarkYear,
    build_comparators,
    latest_full_year,
    year_label,
)

pytestmark = pytest.mark.fast

D = dt.date
MEASURES = {m.measure: m for m in load_measures()}


def year(end, computed=None, numerator=None, denominator=None, published=None, england=None, band=None):
    return BenchmarkYear(end, computed, numerator, denominator, published, england, 80.0, 81.0, band)


def test_the_latest_full_year_is_the_latest_the_extract_covers_and_the_dfe_published():
    years = [
        year(D(2017, 3, 31), 70.0, 7, 10, 69.0, 80.0),
        year(D(2018, 3, 31), 71.0, 71, 100, 69.7, 82.7),
        year(D(2019, 3, 31), None, None, None, 82.9, 83.1),  # published, the extract ends before it
        year(D(2020, 3, 31), 75.0, 75, 100, None, None),  # computed, not yet published
    ]
    assert latest_full_year(years).period_end == D(2018, 3, 31)
    assert latest_full_year([y for y in years if y.council_computed is None]).period_end == D(2019, 3, 31)
    assert latest_full_year([]) is None


def test_a_small_computed_figure_is_suppressed_for_the_committee_only():
    measure = MEASURES["assessments_in_time_pct"]
    benchmarks = {"assessments_in_time_pct": [year(D(2018, 3, 31), 60.0, 3, 5, 69.7, 82.7, "D")]}
    (committee,) = build_comparators((measure,), benchmarks, suppress=True)
    (management,) = build_comparators((measure,), benchmarks, suppress=False)
    assert committee.texts["council_computed"] == "c"
    assert management.texts["council_computed"] == "60.0%"
    assert committee.texts["council_published"] == "69.7%" and committee.texts["england"] == "82.7%"
    assert committee.texts["quartile_band"] == "D (worst quarter)"
    assert committee.texts["year"] == "2017-18 (to 31 Mar)"


def test_no_comparator_and_no_computed_figure_are_said_in_words():
    measures = (MEASURES["cp_visits_in_time_pct"], MEASURES["average_caseload"])
    benchmarks = {"average_caseload": [year(D(2025, 9, 30), None, None, None, 13.6, 15.2, "A")]}
    visits, caseload = build_comparators(measures, benchmarks, suppress=True)
    assert not visits.has_comparator and visits.texts["year"] == NO_COMPARATOR
    assert caseload.texts["council_computed"] == NOT_COVERED and caseload.texts["england"] == "15.2"
    assert year_label(D(2025, 9, 30)) == "at 30 Sep 2025"


def test_england_only_says_how_to_set_the_council():
    from dagster_project.reports.comparators import comparators_note, council_named

    assert "set CSC_LA_CODE" in comparators_note(False) and "CSC_LA_CODE" not in comparators_note(True)
    england_only = {"re_referrals_pct": [BenchmarkYear(D(2025, 3, 31), None, None, None, None, 22.6, None, None, None)]}
    assert not council_named(england_only)
    assert council_named({"re_referrals_pct": [year(D(2025, 3, 31), published=14.8, england=22.6)]})

"""The conformance comparison: measures with expectations must match; measures without are reported."""

from __future__ import annotations

import pytest

from tests.transform.scorecard_compare import differences, measures_without_expectations

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

EXPECTED = {("month", "2020-03-31", "a_pct"): (1.0, 2.0, 50.0), ("week", "2020-03-29", "a_pct"): (0.0, 0.0, None)}


def test_an_extra_measure_is_reported_not_failed():
    actual = {**EXPECTED, ("month", "2020-03-31", "new_count"): (3.0, 1.0, 3.0)}
    assert differences(EXPECTED, actual) == []
    assert measures_without_expectations(EXPECTED, actual) == ["new_count"]


def test_a_missing_row_an_extra_row_or_a_wrong_cell_of_a_covered_measure_fails():
    missing = {k: v for k, v in EXPECTED.items() if k[0] == "month"}
    assert differences(EXPECTED, missing) == ["missing row ('week', '2020-03-29', 'a_pct')"]
    extra = {**EXPECTED, ("month", "2020-02-29", "a_pct"): (0.0, 0.0, None)}
    assert differences(EXPECTED, extra) == ["unexpected row ('month', '2020-02-29', 'a_pct')"]
    wrong = {**EXPECTED, ("month", "2020-03-31", "a_pct"): (1.0, 2.0, 50.1)}
    assert len(differences(EXPECTED, wrong)) == 1

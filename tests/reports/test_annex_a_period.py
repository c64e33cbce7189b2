"""The Annex A period and the age column, worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.reports.annex_a_period import Period, age_in_years, months_before

pytestmark = pytest.mark.fast

D = dt.date


def test_six_months_to_wed_10_jan_2024_run_from_tue_11_jul_2023():
    period = Period(D(2024, 1, 10))
    assert (period.start, period.end) == (D(2023, 7, 11), D(2024, 1, 10))


def test_six_months_to_31_dec_start_on_1_jul():
    # 31 Dec less six months is 30 Jun (June has 30 days); the period starts the day after
    assert Period(D(2023, 12, 31)).start == D(2023, 7, 1)


def test_a_shorter_month_takes_its_last_day():
    assert months_before(D(2024, 8, 31), 6) == D(2024, 2, 29)  # leap year
    assert months_before(D(2023, 8, 31), 6) == D(2023, 2, 28)
    assert months_before(D(2024, 3, 15), 12) == D(2023, 3, 15)


def test_months_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        Period(D(2024, 1, 10), 0)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (D(2005, 9, 20), D(2024, 1, 10), 18),  # aged 17 at the period's start, 18 from 20 Sep 2023
        (D(2005, 9, 20), D(2023, 9, 19), 17),  # the day before the 18th birthday
        (D(2005, 9, 20), D(2023, 9, 20), 18),  # the birthday itself
        (D(2008, 2, 29), D(2023, 2, 28), 14),  # born on 29 Feb: a year completes on 1 Mar in other years
        (D(2008, 2, 29), D(2023, 3, 1), 15),
        (D(2024, 1, 10), D(2024, 1, 10), 0),
    ],
)
def test_age_in_completed_years(born, on, age):
    assert age_in_years(born, on) == age


def test_no_age_without_a_date_of_birth_or_before_birth():
    assert age_in_years(None, D(2024, 1, 10)) is None
    assert age_in_years(D(2024, 2, 1), D(2024, 1, 10)) is None

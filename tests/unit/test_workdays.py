"""The working-day calendar: wd and add_wd exactly as docs/measures.md defines them."""

import datetime as dt

import numpy as np
import pytest

from dagster_project.workdays import add_wd, calendar_frame, is_working_day, wd

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def d(s: str) -> np.datetime64:
    return np.datetime64(s, "D")


def test_same_day_is_zero_working_days():
    assert wd("2019-03-04", "2019-03-04") == 0


def test_start_day_is_day_zero_next_working_day_is_one():
    assert wd("2019-03-04", "2019-03-05") == 1  # Mon -> Tue


def test_weekend_not_counted():
    assert wd("2019-03-08", "2019-03-11") == 1  # Fri -> Mon
    assert wd("2019-03-08", "2019-03-10") == 0  # Fri -> Sun


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2019-04-18", "2019-04-23", 1),  # Thu before Easter -> Tue after: Good Fri + Easter Mon out
        ("2019-12-24", "2019-12-27", 1),  # Christmas Day and Boxing Day
        ("2020-12-24", "2020-12-29", 1),  # Boxing Day on Saturday: observed Mon 28th
        ("2022-09-16", "2022-09-20", 1),  # state funeral 2022-09-19 (one-off)
        ("2023-05-05", "2023-05-09", 1),  # coronation 2023-05-08 (one-off)
        ("2022-06-01", "2022-06-06", 1),  # platinum jubilee 2-3 June 2022
    ],
)
def test_bank_holidays_including_one_off_days(a, b, expected):
    assert wd(a, b) == expected


def test_add_wd_is_inverse_of_wd_and_lands_on_working_day():
    starts = np.arange(d("2018-01-01"), d("2024-01-01"))
    for n in (1, 10, 20, 45):
        due = add_wd(starts, n)
        assert np.all(wd(starts, due) == n)
        assert np.all(is_working_day(due))
        # and it is the first such day: the day before has fewer working days
        assert np.all(wd(starts, due - 1) == n - 1)


def test_add_wd_from_weekend_and_holiday():
    assert add_wd("2019-03-09", 1) == d("2019-03-11")  # Sat -> Mon
    assert add_wd("2019-12-25", 1) == d("2019-12-27")  # Christmas -> 27th (Boxing Day out)
    assert add_wd("2019-12-20", 10) == d("2020-01-08")  # 23,24,27,30,31 Dec, 2,3,6,7,8 Jan


def test_add_wd_rejects_n_below_one():
    with pytest.raises(ValueError):
        add_wd("2019-03-04", 0)


def test_calendar_frame_numbers_give_wd():
    frame = calendar_frame("2019-01-01", "2020-12-31")
    number = dict(zip(frame.calendar_date, frame.working_day_number, strict=True))
    a, b = dt.date(2019, 4, 10), dt.date(2019, 12, 30)
    assert number[b] - number[a] == wd(a, b)


def test_dates_outside_calendar_raise():
    with pytest.raises(ValueError):
        wd("1890-01-01", "2019-01-01")

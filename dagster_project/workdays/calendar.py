"""Working days per docs/measures.md, "Shared rules".

* Working days are Monday-Friday excluding England and Wales bank holidays, from the maintained
  `holidays` package (subdivision ENG, which carries the one-off days such as 2022-09-19 and
  2023-05-08), never a hand-typed list.
* `wd(a, b)` = number of working days d with a < d <= b (the start day is day 0).
* `add_wd(a, n)` = the working day d with wd(a, d) = n, i.e. the n-th working day after a.

Vectorised with numpy's business-day functions so the generator can use them on millions of dates.
The same calendar is materialised as a table for dbt (`calendar_frame`), so there is one calendar.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays
import numpy as np
import pandas as pd

# Years the calendar covers. Wide enough for any plausible case-management history; dates outside
# raise rather than silently counting holidays as working days.
FIRST_YEAR = 1990
LAST_YEAR = 2060

DateLike = dt.date | str | np.datetime64


@functools.cache
def bank_holidays(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> np.ndarray:
    """England and Wales bank holidays as a sorted numpy datetime64[D] array."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days.keys()), dtype="datetime64[D]")


@functools.cache
def _busday_calendar() -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100", holidays=bank_holidays())


def _as_day(x) -> np.ndarray:
    arr = np.asarray(x, dtype="datetime64[D]")
    lo, hi = np.datetime64(f"{FIRST_YEAR}-01-01"), np.datetime64(f"{LAST_YEAR}-12-31")
    valid = arr[~np.isnat(arr)] if arr.ndim else (arr if not np.isnat(arr) else np.array([], "datetime64[D]"))
    if np.size(valid) and (valid.min() < lo or valid.max() > hi):
        raise ValueError(f"date outside the working-day calendar ({lo} to {hi})")
    return arr


def is_working_day(d):
    """True where d is Monday-Friday and not an England and Wales bank holiday."""
    return np.is_busday(_as_day(d), busdaycal=_busday_calendar())


def wd(a, b):
    """Working days d with a < d <= b. Vectorised; negative when b < a."""
    a, b = _as_day(a), _as_day(b)
    # busday_count counts [begin, end): shift both by one day to count (a, b].
    return np.busday_count(a + 1, b + 1, busdaycal=_busday_calendar())


def add_wd(a, n):
    """The n-th working day after a (n >= 1): the working day d with wd(a, d) = n."""
    a = _as_day(a)
    n = np.asarray(n)
    if np.any(n < 1):
        raise ValueError("add_wd needs n >= 1")
    # Roll a non-working start back to the previous working day w: no working day lies in (w, a],
    # so the n-th working day after w is the n-th after a.
    return np.busday_offset(a, n, roll="backward", busdaycal=_busday_calendar())


def subtract_wd(a, n):
    """The n-th working day before a (n >= 1): the working day d with wd(d, a) = n when a is a working day, else the
    n-th before the next working day after a."""
    a = _as_day(a)
    n = np.asarray(n)
    if np.any(n < 1):
        raise ValueError("subtract_wd needs n >= 1")
    return np.busday_offset(a, -n, roll="forward", busdaycal=_busday_calendar())


def calendar_frame(first: DateLike, last: DateLike) -> pd.DataFrame:
    """One row per calendar day: date, is_working_day, working_day_number.

    working_day_number = working days d with first < d <= date, so for any two days in the frame
    wd(a, b) = number(b) - number(a), and add_wd(a, n) = the first working day whose number is
    number(a) + n. This is the table dbt joins against.
    """
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1, dtype="datetime64[D]")
    working = is_working_day(days)
    number = np.cumsum(working) - working[0]
    return pd.DataFrame(
        {
            "calendar_date": pd.to_datetime(days).date,
            "is_working_day": working,
            "working_day_number": number.astype("int64"),
        }
    )

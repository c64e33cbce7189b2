"""Which reporting dates a scorecard shows. Pure Python.

Only complete months and weeks are "latest": the extract's own partial period (is_complete_period false) is
shown apart as "month to date" and never compared. Monthly view: the latest complete month, the month
before, 3 and 12 months earlier, and a 13-month trend. Quarterly view: the last 5 quarter-end months
(March, June, September, December).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

QUARTER_END_MONTHS = (3, 6, 9, 12)


def month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def months_before(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 - months
    return month_end(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class MonthlyView:
    latest: dt.date
    previous: dt.date
    three_months_earlier: dt.date
    twelve_months_earlier: dt.date
    trend: tuple[dt.date, ...]  # 13 month-ends, oldest first
    quarters: tuple[dt.date, ...]  # up to 5 quarter-end months, oldest first
    month_to_date: dt.date | None  # the extract's partial month, shown apart


def latest_complete(dates: Iterable[tuple[dt.date, bool]], as_at: dt.date | None = None) -> dt.date | None:
    """The latest complete period end (on or before `as_at` when given)."""
    complete = [d for d, is_complete in dates if is_complete and (as_at is None or d <= as_at)]
    return max(complete) if complete else None


def partial_period(dates: Iterable[tuple[dt.date, bool]]) -> dt.date | None:
    partial = [d for d, is_complete in dates if not is_complete]
    return max(partial) if partial else None


def monthly_view(month_dates: Iterable[tuple[dt.date, bool]], as_at: dt.date | None = None) -> MonthlyView:
    """`month_dates`: (as_at_date, is_complete_period) of the month rows. `as_at`: report as at this month
    (its month-end or any day in it); default the latest complete month."""
    month_dates = list(month_dates)
    if as_at is not None:
        as_at = month_end(as_at.year, as_at.month)
    latest = latest_complete(month_dates, as_at)
    if latest is None:
        raise ValueError("no complete month in the data" + (f" on or before {as_at}" if as_at else ""))
    trend = tuple(months_before(latest, n) for n in range(12, -1, -1))
    quarter_ends = [d for d in (months_before(latest, n) for n in range(0, 15)) if d.month in QUARTER_END_MONTHS]
    partial = partial_period(month_dates)
    # the month to date belongs to the view only when it follows the latest complete month
    month_to_date = partial if partial is not None and partial > latest and as_at is None else None
    return MonthlyView(
        latest=latest,
        previous=months_before(latest, 1),
        three_months_earlier=months_before(latest, 3),
        twelve_months_earlier=months_before(latest, 12),
        trend=trend,
        quarters=tuple(sorted(quarter_ends[:5])),
        month_to_date=month_to_date,
    )

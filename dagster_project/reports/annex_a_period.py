"""The Annex A period and the derived values computed in Python: the period before the as-at date and a child's
age in completed years. Pure Python."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

DEFAULT_MONTHS = 6  # Ofsted's ILACS handbook asks for the six months before the inspection


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter: 31 Aug -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Period:
    """The days an Annex A covers, both ends included: the `months` months up to and including `as_at`."""

    as_at: dt.date
    months: int = DEFAULT_MONTHS

    def __post_init__(self):
        if self.months < 1:
            raise ValueError(f"--months must be at least 1, not {self.months}")

    @property
    def start(self) -> dt.date:
        return months_before(self.as_at, self.months) + dt.timedelta(days=1)

    @property
    def end(self) -> dt.date:
        return self.as_at


def uk_day(value: dt.date) -> str:
    """A date as Annex A writes it in text: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def age_in_years(date_of_birth: dt.date | None, on: dt.date) -> int | None:
    """Completed years on `on` (a child born on 29 February completes a year on 1 March in other years). None
    without a date of birth or before it (an unborn child)."""
    if date_of_birth is None or date_of_birth > on:
        return None
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday

"""The check of an Annex A before it is sent: rows per list, blanks in each column Ofsted's template requires,
dates outside the period or after the as-at date, and children on a CP plan (list 7) or looked after (list 8) who
are not in list 6 (children in need), where Ofsted expects every such child. Pure Python."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dagster_project.reports.annex_a_lists import LISTS_BY_NUMBER, Unavailable
from dagster_project.reports.annex_a_period import Period

# Columns Ofsted's template requires (not blank), of those this warehouse fills; the template's own list marks the
# rest as may-be-blank (Social Finance liia-tools-pipeline, Annex_A_schema.yml `canbeblank: false`).
REQUIRED = {
    1: ("Child Unique ID", "Sex", "Ethnicity", "Date of Contact", "Contact Source"),
    3: (
        "Child Unique ID",
        "Sex",
        "Ethnicity",
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ),  # fmt: skip
    4: (
        "Child Unique ID",
        "Sex",
        "Ethnicity",
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Allocated Team",
        "Allocated Worker",
    ),  # fmt: skip
    6: (
        "Child Unique ID",
        "Sex",
        "Ethnicity",
        "Does the Child have a Disability",
        "Primary Need Code",
        "Case Status",
        "Allocated Team",
        "Allocated Worker",
    ),  # fmt: skip
    7: (
        "Child Unique ID",
        "Sex",
        "Ethnicity",
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ),  # fmt: skip
    8: (
        "Child Unique ID",
        "Sex",
        "Ethnicity",
        "Does the Child have a Disability",
        "Date Started to be Looked After",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Number of Placements in the Last 12 months",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Allocated Team",
        "Allocated Worker",
    ),  # fmt: skip
}
# The date that puts a record in its list: it must fall inside the period.
PERIOD_DATES = {1: "Date of Contact", 3: "Date of referral"}


@dataclass
class ListCheck:
    number: int
    title: str
    rows: int | None  # None: the list is not available from this source
    unavailable_reason: str | None = None
    blanks: dict[str, int] = field(default_factory=dict)  # required column -> blank cells (only those with any)
    out_of_period: int = 0  # rows whose list date falls outside the period
    after_as_at: int = 0  # date cells after the as-at date


@dataclass
class AnnexCheck:
    period: Period
    lists: list[ListCheck]
    missing_from_list_6: dict[int, list[str]]  # list 7 / 8 -> child ids not in list 6

    @property
    def problems(self) -> int:
        return sum(
            sum(c.blanks.values()) + c.out_of_period + c.after_as_at for c in self.lists if c.rows is not None
        ) + sum(len(ids) for ids in self.missing_from_list_6.values())


def check_annex(period: Period, lists: dict[int, list[dict]], unavailable: list[Unavailable]) -> AnnexCheck:
    whole = {u.list_number: u.reason for u in unavailable if u.header is None}
    checks = []
    for number, annex in LISTS_BY_NUMBER.items():
        if number not in lists:
            checks.append(ListCheck(number, annex.title, None, whole.get(number, "not produced by this version")))
            continue
        rows = lists[number]
        check = ListCheck(number, annex.title, len(rows))
        for header in REQUIRED.get(number, ()):
            blank = sum(1 for row in rows if row.get(header) in (None, ""))
            if blank:
                check.blanks[header] = blank
        key = PERIOD_DATES.get(number)
        if key:
            check.out_of_period = sum(1 for row in rows if not (period.start <= row[key] <= period.end))
        check.after_as_at = sum(
            1 for row in rows for value in row.values() if isinstance(value, dt.date) and value > period.end
        )
        checks.append(check)
    in_need = {row["Child Unique ID"] for row in lists.get(6, [])}
    missing = {
        number: sorted({row["Child Unique ID"] for row in lists[number]} - in_need)
        for number in (7, 8)
        if number in lists
    }
    return AnnexCheck(period, checks, missing)

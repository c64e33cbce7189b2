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
    5: (
        "Child Unique ID",
        "Sex",
        "Ethnicity",
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
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
    # lists 5 and 9 (filled from the optional files): the same pattern, the project's choice, not yet checked
    # against the schema's canbeblank flags
    9: ("Child Unique ID", "Sex", "Ethnicity", "Eligibility Category", "LA in Touch", "Latest Date of Contact"),
}
# The date that puts a record in its list: it must fall inside the period.
PERIOD_DATES = {
    1: "Date of Contact",
    3: "Date of referral",
    5: "Strategy discussion initiating Section 47 Enquiry Start Date",
}


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


class ListChecker:
    """One list's check, fed row by row (a list is never held whole: at national size list 1 has a million rows)."""

    def __init__(self, number: int, period: Period):
        self.period = period
        self.check = ListCheck(number, LISTS_BY_NUMBER[number].title, 0)
        self.required = REQUIRED.get(number, ())
        self.period_date = PERIOD_DATES.get(number)
        self.children: set[str] = set()

    def add(self, row: dict) -> None:
        check = self.check
        check.rows += 1
        for header in self.required:
            if row.get(header) in (None, ""):
                check.blanks[header] = check.blanks.get(header, 0) + 1
        if self.period_date and not (self.period.start <= row[self.period_date] <= self.period.end):
            check.out_of_period += 1
        check.after_as_at += sum(1 for v in row.values() if isinstance(v, dt.date) and v > self.period.end)
        if check.number in (6, 7, 8):
            self.children.add(row["Child Unique ID"])


def check_annex(period: Period, checkers: dict[int, ListChecker], unavailable: list[Unavailable]) -> AnnexCheck:
    """The whole Annex A's check from each produced list's checker; lists not produced are named with the reason."""
    whole = {u.list_number: u.reason for u in unavailable if u.header is None}
    for number, checker in checkers.items():  # blanks in the template's column order
        blanks = checker.check.blanks
        checker.check.blanks = {h: blanks[h] for h in REQUIRED.get(number, ()) if h in blanks}
    checks = [
        checkers[number].check
        if number in checkers
        else ListCheck(number, annex.title, None, whole.get(number, "not produced by this version"))
        for number, annex in LISTS_BY_NUMBER.items()
    ]
    in_need = checkers[6].children if 6 in checkers else set()
    missing = {number: sorted(checkers[number].children - in_need) for number in (7, 8) if number in checkers}
    return AnnexCheck(period, checks, missing)

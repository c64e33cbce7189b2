"""Annex A lists 5 and 9 and list 8's review, health and missing columns from the optional files
section47_enquiries, cla_reviews, cla_health, missing_episodes and care_leavers: the hand-made Annex A extract
(tests/reports/annex_a_extract.py, worked in test_annex_a_hand_made.py, where none of these files is present and
what they fill is named unavailable) with the five files added (CASE_FILES in tests/reports/annex_a_optional_files.py,
in one run with the other optional files: none of them feeds a column worked here), worked by hand from
docs/annex-a.md. As at Wed 10 Jan 2024; the period is Tue 11 Jul 2023 to Wed 10 Jan 2024.

List 5, enquiries whose strategy discussion is in the period, in date order: S1 C11 11 Jul 2023 (the first day; S0 on
10 Jul is the day before: not listed), S2 C1 4 Dec, S5 C10 11 Dec, S3 C3 18 Dec (ICPC deemed unnecessary: no
conference), S4 C10 10 Jan 2024 (the last day; its conference is not held yet). Enquiries in the 12 months to this
one's strategy discussion, this one included: S1 2 (S0), S2 1, S5 1, S3 1, S4 2 (S5). ICPCs of those enquiries held by
the as-at date: S1 1 (S0 had none), S2 1, S5 1, S3 0, S4 1 (S5's; its own is not held yet). Allocation at the as-at
date as in list 6 (C1 "Child in Need" W1, C3 "Child in Need" W2; C10 and C11 never allocated).

List 8 (C12 looked after 1 May-20 Sep 2023, C8 from 1 Dec 2023, C7 from 28 Dec 2023):
- Latest statutory review in the current period of care: C12 RV4 1 Jun 2023; C8 RV3 10 Jan 2024 (the last day; RV1
  on 20 Nov is before C8's care began); C7 none.
- Last health assessment / dental check on or before the as-at date, any time: C8 20 Dec 2023 (HC1; HC2 in 2022 is
  older) and 1 Jun 2023 (HC3, before care); C7 none and 5 Jan 2024; C12 none.
- Missing (M) and absent (A) episodes started in the 12 months to 10 Jan 2024 while looked after: C8 X1 and X3 (two
  missing, X3 still open) and X2 (absent): 2 and 1; the last missing one, X3, is open, so no return interview yet
  (blank, blank). C7: X5 only (X4 began before C7's care): 1 and 0, offered Y, accepted N. C12: X6 only (X7 began
  after C12's care ended): 1 and 0, offered N, accepted blank.

List 9, young people with a care-leaver record by the as-at date, aged under 26, by their latest record, in order of
its date: C12 CL2 20 Oct 2023 (CL1 is older): FORMER_RELEVANT, in touch, accommodation B2 = type B, not suitable
(suffix 2), activity F2; C6 CL3 10 Jan 2024 (the last day): ELIGIBLE, not in touch, no accommodation or activity.
Neither has an allocation.
"""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from dagster_project.reports.annex_a_lists import LISTS_BY_NUMBER
from tests.reports.test_annex_a_hand_made import CHILD, DISABLED, C

LIST_5 = (
    ("Strategy discussion initiating Section 47 Enquiry Start Date",
     "Was an Initial Child Protection Conference deemed unnecessary?", "Date of Initial Child Protection Conference",
     "Did the Initial Child Protection Conference Result in a Child Protection Plan",
     "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
     "Allocated Team", "Allocated Worker"),
    [("C11", "11/07/2023", "N", "25/07/2023", "N", "2", "1", "", ""),
     ("C1", "04/12/2023", "N", "06/12/2023", "Y", "1", "1", "Child in Need", "W1"),
     ("C10", "11/12/2023", "N", "04/01/2024", "Y", "1", "1", "", ""),
     ("C3", "18/12/2023", "Y", "", "", "1", "0", "Child in Need", "W2"),
     ("C10", "10/01/2024", "N", "", "", "2", "1", "", "")],
)  # fmt: skip
MISSING = "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
ABSENT = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
OFFERED = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
ACCEPTED = "Did the child accept a Return Interview after their last missing episode (Y/N)?"
LIST_8 = (
    ("Date of Latest Statutory Review", "Date of Last Health Assessment", "Date of Last Dental Check", MISSING, ABSENT,
     OFFERED, ACCEPTED),
    [("C12", "01/06/2023", "", "", "1", "0", "N", ""),
     ("C8", "10/01/2024", "20/12/2023", "01/06/2023", "2", "1", "", ""),
     ("C7", "", "", "05/01/2024", "1", "0", "Y", "N")],
)  # fmt: skip

LIST_9 = (
    ("Allocated Team", "Allocated Worker", "Eligibility Category", "LA in Touch", "Latest Date of Contact",
     "Type of Accommodation", "Suitability of Accommodation", "Activity Status"),
    [("C12", "", "", "FORMER_RELEVANT", "YES", "20/10/2023", "B", "Not suitable", "F2"),
     ("C6", "", "", "ELIGIBLE", "NO", "10/01/2024", "", "", "")],
)  # fmt: skip


@pytest.fixture(scope="module")
def annex(annex_a_with_optional_files):
    return annex_a_with_optional_files.annex  # one run with the CP, legal status and pathway files too


def _csv(annex, number: int) -> list[dict]:
    with open(annex.folder / f"{LISTS_BY_NUMBER[number].file_stem}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(("number", "expected"), [(5, LIST_5), (8, LIST_8), (9, LIST_9)])
def test_each_list_takes_its_columns_from_the_optional_files(annex, number, expected):
    columns, rows = expected
    keys = (*CHILD, "Does the Child have a Disability", *columns)
    want = [dict(zip(keys, (*C[row[0]], DISABLED[row[0]], *row[1:]), strict=True)) for row in rows]
    assert [{k: r[k] for k in keys} for r in _csv(annex, number)] == want


def test_the_cover_no_longer_names_what_the_files_fill(annex):
    book = openpyxl.load_workbook(annex.workbook, read_only=True)
    cover = [c for row in book["Cover"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    (first,) = book["List 5"].iter_rows(min_row=2, max_row=2, values_only=True)
    assert first[0] == "C11" and first[6] == dt.datetime(2023, 7, 11)  # a real date in the workbook
    book.close()
    # the shared extract holds cp_reviews and pathway_plan_reviews too: without them the cover names their columns
    # (test_annex_a_hand_made.py, test_annex_a_legal_pathway.py)
    for header in (*LIST_8[0], "Date of latest review conference"):
        assert header not in cover, header
    assert not any("section 47" in c.lower() and "not available" in c.lower() for c in cover)
    assert any(c.startswith("Date of Last IRO Visit") for c in cover)  # no IRO contact file: still named
    assert "Allocated Personal Advisor" not in cover and "Latest Pathway Plan Review Date" not in cover
    assert not any("care leavers file" in c for c in cover)
    by_number = {c.number: c for c in annex.check.lists}
    assert by_number[5].rows == 5 and by_number[5].out_of_period == 0
    # C10 and C11 were never allocated: their three enquiries have no team or worker
    assert by_number[5].blanks == {"Allocated Team": 3, "Allocated Worker": 3}
    assert by_number[9].rows == 2 and by_number[9].blanks == {}

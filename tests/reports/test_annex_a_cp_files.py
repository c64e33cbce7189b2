"""Annex A list 7 from the optional files cp_reviews and cp_categories: the hand-made Annex A extract
(tests/reports/annex_a_extract.py, worked in test_annex_a_hand_made.py, where neither file is present and the
review column is named unavailable) with both files added (CP_FILES in tests/reports/annex_a_optional_files.py, in
one run with the other optional files: none of them feeds a column worked here), worked by hand from docs/annex-a.md.

As at Wed 10 Jan 2024, CP plans open in the period: P1 C1 6 Dec, P2 C2 20 Dec, P10 and P8 C10 4 Jan (ended 8 Jan),
P7 C9 5 Jan (ended 8 Jan).

- Date of latest review conference: P1 5 Jan (V1); P2 none (V2 is on the plan's start day: its initial conference);
  P8 8 Jan (V5, on the plan's last day); P10 none; P7 none (V4 on 9 Jan is after the plan ended). V3 reviews P6,
  which ended before the period (not listed).
- Categories: P1 NEG from 6 Dec, PHY from 5 Jan: initial NEG, latest PHY. P2 EMO only. P8 SAB only (the file wins
  over plans.csv's EMO). P10 and P7 have no row: both columns show the plan's own category, as without the file.
"""

from __future__ import annotations

import csv

import openpyxl
import pytest

from dagster_project.reports.annex_a_lists import LISTS
from tests.reports.test_annex_a_hand_made import CHILD, C

COLUMNS = ("Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse",
           "Date of latest review conference", "Child Protection Plan End Date")  # fmt: skip
LIST_7 = [
    ("C1", "06/12/2023", "NEG", "PHY", "05/01/2024", ""),
    ("C2", "20/12/2023", "EMO", "EMO", "", ""),
    ("C10", "04/01/2024", "EMO", "EMO", "", "08/01/2024"),  # P10
    ("C10", "04/01/2024", "SAB", "SAB", "08/01/2024", "08/01/2024"),  # P8
    ("C9", "05/01/2024", "NEG", "NEG", "", "08/01/2024"),
]  # fmt: skip


@pytest.fixture(scope="module")
def annex(annex_a_with_optional_files):
    return annex_a_with_optional_files.annex  # one run with the case, legal status and pathway files too


def test_list_7_takes_review_dates_and_categories_from_the_optional_files(annex):
    (list_7,) = [a for a in LISTS if a.number == 7]
    with open(annex.folder / f"{list_7.file_stem}.csv", encoding="utf-8", newline="") as f:
        got = list(csv.DictReader(f))
    keys = (*CHILD, *COLUMNS)
    assert [{k: r[k] for k in keys} for r in got] == [
        dict(zip(keys, (*C[row[0]], *row[1:]), strict=True)) for row in LIST_7
    ]
    # the column is filled, so the cover no longer names it; the extract still lacks the EPO file
    book = openpyxl.load_workbook(annex.workbook, read_only=True)
    cover = [c for row in book["Cover"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    book.close()
    assert "Date of latest review conference" not in cover
    assert any(c.startswith("Subject to Emergency Protection Order") for c in cover)

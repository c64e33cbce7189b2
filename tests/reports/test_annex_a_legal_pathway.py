"""Annex A list 8's legal status columns from the optional file legal_statuses and list 9's adviser and pathway plan
review columns from the optional file pathway_plan_reviews: the hand-made Annex A extract (tests/reports/
annex_a_extract.py, worked in test_annex_a_hand_made.py, where neither file is present: list 8 takes the legal status
from the episodes there) with both files and a care leavers file added (LEGAL_PATHWAY_FILES and CASE_FILES' care
leavers in tests/reports/annex_a_optional_files.py, in one run with the other optional files: none of them feeds a
column worked here), worked by hand from docs/annex-a.md. As at Wed 10 Jan 2024.

List 8 (C12 looked after 1 May-20 Sep 2023, episode E4 C2; C8 from 1 Dec 2023, E1 C2 then E2 C1 from 20 Dec; C7 from
28 Dec 2023, E3 V2):
- C12: statuses overlapping the period of care are LS1 (C2 from 1 May) and LS2 (E1 1 Jul-20 Sep); LS0 ended in 2020,
  before it, and LS3 started 1 Oct, after care ended: the period's last is LS2, E1 from 01/07/2023 (the episodes say C2
  from 01/05/2023).
- C8: LS6, E1 from 5 Jan 2024, is open at the as-at date (the episodes say C1 from 20/12/2023: the change to E1 came
  without a new episode).
- C7, still looked after: no status is open at the as-at date (LS7, C2 in Jan 2023, ended before this period of care
  began; LS8, C2 from 28 Dec, ended 2 Jan), so the episodes' V2 from 28/12/2023.

List 9 (care leavers C12, latest record CL2 20 Oct 2023, and C6, CL3 10 Jan 2024): C12's latest pathway plan review
on or before the as-at date is PR5, 2 Oct 2023, with no adviser allocated then (N; the earlier reviews had one); C6 has
no review: both blank. PR6 is C1's, who has no care-leaver record (not in list 9).
"""

from __future__ import annotations

import csv

import openpyxl
import pytest

from dagster_project.reports.annex_a import build_annex_a
from dagster_project.reports.annex_a_lists import LISTS_BY_NUMBER, unavailable
from dagster_project.settings import Paths
from tests.orchestration.conftest import copy_of_good_run
from tests.reports.annex_a_extract import EXTRACT_DATE
from tests.reports.test_annex_a_hand_made import CHILD, C

LIST_8 = (
    ("Date Started to be Looked After", "Start date of current legal status", "Child's Legal Status"),
    [("C12", "01/05/2023", "01/07/2023", "E1"), ("C8", "01/12/2023", "05/01/2024", "E1"),
     ("C7", "28/12/2023", "28/12/2023", "V2")],
)  # fmt: skip
LIST_9 = (
    ("Allocated Personal Advisor", "Latest Pathway Plan Review Date", "Latest Date of Contact"),
    [("C12", "N", "02/10/2023", "20/10/2023"), ("C6", "", "", "10/01/2024")],
)  # fmt: skip


@pytest.fixture(scope="module")
def annex(annex_a_with_optional_files):
    return annex_a_with_optional_files.annex  # one run with the case and CP files too


def _csv(annex, number: int) -> list[dict]:
    with open(annex.folder / f"{LISTS_BY_NUMBER[number].file_stem}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(("number", "expected"), [(8, LIST_8), (9, LIST_9)], ids=["list-8", "list-9"])
def test_legal_status_and_pathway_columns_come_from_the_optional_files(annex, number, expected):
    columns, rows = expected
    keys = (*CHILD, *columns)
    want = [dict(zip(keys, (*C[row[0]], *row[1:]), strict=True)) for row in rows]
    assert [{k: r[k] for k in keys} for r in _csv(annex, number)] == want


def test_the_cover_no_longer_names_the_adviser_and_pathway_plan_columns(annex):
    book = openpyxl.load_workbook(annex.workbook, read_only=True)
    cover = [c for row in book["Cover"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    book.close()
    assert "Allocated Personal Advisor" not in cover and "Latest Pathway Plan Review Date" not in cover
    assert any(c.startswith("Unaccompanied Asylum Seeking Child (UASC), or formerly") for c in cover)  # still none


def test_without_the_pathway_file_its_columns_are_named_with_the_file(annex_a_with_optional_files, tmp_path):
    contract = {"care_leavers.csv", "pathway_plan_reviews.csv", "legal_statuses.csv"}
    readers = contract
    named = {
        (u.list_number, u.header): u.reason
        for u in unavailable(contract, readers, frozenset({"pathway_plan_reviews.csv", "legal_statuses.csv"}))
    }
    reason = "no pathway plan review file: the extract does not hold pathway_plan_reviews.csv (an optional export file)"
    assert named[(9, "Allocated Personal Advisor")] == reason
    assert named[(9, "Latest Pathway Plan Review Date")] == reason
    # an absent legal_statuses.csv empties no column: list 8 takes the legal status from the episodes
    assert not any("legal_statuses" in r for r in named.values())
    # The built Annex A of an extract with a care leavers file but no pathway file names both columns on its cover
    # (this was asserted in test_annex_a_case_files.py while its extract lacked the file). Annex A reads which
    # optional files the extract holds from its landing-zone folder: on a copy of the shared run, without the file
    # there, both columns are named and left empty, though the warehouse holds C12's reviews (PR5: N, 02/10/2023).
    root = copy_of_good_run(annex_a_with_optional_files.paths.raw_dir.parent, tmp_path)  # run_pipeline's layout
    copy = Paths(raw_dir=root / "raw", data_dir=root / "data")
    (copy.raw_dir / EXTRACT_DATE / "pathway_plan_reviews.csv").unlink()
    outputs = build_annex_a(copy)
    book = openpyxl.load_workbook(outputs.workbook, read_only=True)
    cover = [[c for c in row if isinstance(c, str)] for row in book["Cover"].iter_rows(values_only=True)]
    book.close()
    on_cover = {row[0]: row[-1] for row in cover if len(row) == 2}  # column -> reason
    assert on_cover["Allocated Personal Advisor"] == reason
    assert on_cover["Latest Pathway Plan Review Date"] == reason
    columns = ("Child Unique ID", "Allocated Personal Advisor", "Latest Pathway Plan Review Date")
    assert [tuple(r[c] for c in columns) for r in _csv(outputs, 9)] == [("C12", "", ""), ("C6", "", "")]

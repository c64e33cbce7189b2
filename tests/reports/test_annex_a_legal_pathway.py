"""Annex A list 8's legal status columns from the optional file legal_statuses and list 9's adviser and pathway plan
review columns from the optional file pathway_plan_reviews: the hand-made Annex A extract (tests/reports/
annex_a_extract.py, worked in test_annex_a_hand_made.py, where neither file is present: list 8 takes the legal status
from the episodes there) with both files and a care leavers file added, worked by hand from docs/annex-a.md. As at
Wed 10 Jan 2024.

List 8 (C12 looked after 1 May-20 Sep 2023, episode E4 C2; C8 from 1 Dec 2023, E1 C2 then E2 C1 from 20 Dec; C7 from
28 Dec 2023, E3 V2):
- C12: statuses overlapping the period of care are LS1 (C2 from 1 May) and LS2 (E1 1 Jul-20 Sep); LS0 ended in 2020,
  before it, and LS3 started 1 Oct, after care ended: the period's last is LS2, E1 from 01/07/2023 (the episodes say C2
  from 01/05/2023).
- C8: LS6, E1 from 5 Jan 2024, is open at the as-at date (the episodes say C1 from 20/12/2023: the change to E1 came
  without a new episode).
- C7, still looked after: no status is open at the as-at date (LS7, C2 in Jan 2023, ended before this period of care
  began; LS8, C2 from 28 Dec, ended 2 Jan), so the episodes' V2 from 28/12/2023.

List 9 (care leavers C12, latest record 20 Oct 2023, and C6, 10 Jan 2024): C12's latest pathway plan review on or
before the as-at date is PR5, 2 Oct 2023, with no adviser allocated then (N; the earlier reviews had one); C6 has no
review: both blank. PR6 is C1's, who has no care-leaver record (not in list 9).
"""

from __future__ import annotations

import csv

import openpyxl
import pytest

from dagster_project.reports.annex_a import build_annex_a
from dagster_project.reports.annex_a_lists import LISTS_BY_NUMBER, unavailable
from tests.reports.annex_a_extract import EXTRACT_DATE, write_annex_a_extract
from tests.reports.test_annex_a_hand_made import CHILD, C

FILES = {
    "legal_statuses.csv": "legal_status_id,child_id,legal_status,start_date,end_date\n"
    "LS0,C12,V2,2020-01-01,2020-06-01\nLS1,C12,C2,2023-05-01,2023-07-01\nLS2,C12,E1,2023-07-01,2023-09-20\n"
    "LS3,C12,V2,2023-10-01,\nLS4,C8,C2,2023-12-01,2023-12-20\nLS5,C8,C1,2023-12-20,2024-01-05\n"
    "LS6,C8,E1,2024-01-05,\nLS7,C7,C2,2023-01-01,2023-02-01\nLS8,C7,C2,2023-12-28,2024-01-02\n",
    "pathway_plan_reviews.csv": "pathway_plan_review_id,child_id,review_date,personal_adviser_allocated\n"
    "PR1,C12,2021-10-01,N\nPR2,C12,2022-04-01,Y\nPR3,C12,2022-10-03,Y\nPR4,C12,2023-04-03,Y\nPR5,C12,2023-10-02,N\n"
    "PR6,C1,2023-12-01,Y\n",
    "care_leavers.csv": "care_leaver_record_id,child_id,eligibility,contact_date,in_touch,activity,accommodation\n"
    "CL1,C12,FORMER_RELEVANT,2023-10-20,YES,F2,B2\nCL2,C6,ELIGIBLE,2024-01-10,NO,,\n",
}
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
def annex(tmp_path_factory):
    from tests.pipeline.run_pipeline import run_pipeline

    root = tmp_path_factory.mktemp("annex_a_legal_pathway")
    write_annex_a_extract(root / "raw")
    for name, text in FILES.items():
        (root / "raw" / EXTRACT_DATE / name).write_text(text, encoding="utf-8")
    outcome, paths = run_pipeline(root, EXTRACT_DATE, CSC_DQ_BLOCK_SHARE="1")  # defective rows on purpose
    assert outcome.success, f"{outcome.failed_step}: {outcome.error}"
    return build_annex_a(paths)


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


def test_without_the_pathway_file_its_columns_are_named_with_the_file():
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

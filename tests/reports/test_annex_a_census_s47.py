"""Annex A list 5 from a source without strategy discussions (a CIN census import: its `S47ActualStartDate`, the
census's date of the strategy discussion, fills `s47_start_date`; no enquiry or conference outcome): the enquiry
starts on `s47_start_date` (docs/annex-a.md, list 5). The hand-made Annex A extract with a section47_enquiries.csv
whose source descriptor declares those columns not provided. As at Wed 10 Jan 2024 (period from Tue 11 Jul 2023):

- G2 C11 started Mon 10 Jul 2023, the day before the period: not listed, but counted in C11's 12 months;
- G3 C11 started Tue 11 Jul 2023 (the first day): listed; enquiries 2 (G2, G3), conferences 0 (neither had one);
- G1 C1 started Tue 5 Dec 2023, conference Wed 6 Dec: listed; 1 and 1; the outcome column is blank (not provided).
"""

from __future__ import annotations

import csv

import pytest

from dagster_project.reports.annex_a import build_annex_a
from dagster_project.reports.annex_a_lists import LISTS_BY_NUMBER
from dagster_project.sources.descriptor import SourceDescriptor, write_descriptor
from tests.reports.annex_a_extract import EXTRACT_DATE, write_annex_a_extract

ENQUIRIES = (
    "s47_id,child_id,referral_id,strategy_discussion_date,s47_start_date,outcome,icpc_not_required,icpc_date,"
    "icpc_outcome\n"
    "G1,C1,R1,,2023-12-05,,N,2023-12-06,\nG2,C11,R19,,2023-07-10,,Y,,\nG3,C11,R20,,2023-07-11,,N,,\n"
)
COLUMNS = ("Child Unique ID", "Strategy discussion initiating Section 47 Enquiry Start Date",
           "Was an Initial Child Protection Conference deemed unnecessary?",
           "Date of Initial Child Protection Conference",
           "Did the Initial Child Protection Conference Result in a Child Protection Plan",
           "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months")  # fmt: skip
LIST_5 = [
    ("C11", "11/07/2023", "N", "", "", "2", "0"),
    ("C1", "05/12/2023", "N", "06/12/2023", "", "1", "1"),
]


@pytest.fixture(scope="module")
def annex(tmp_path_factory):
    from tests.pipeline.run_pipeline import run_pipeline

    root = tmp_path_factory.mktemp("annex_a_census_s47")
    write_annex_a_extract(root / "raw")
    folder = root / "raw" / EXTRACT_DATE
    (folder / "section47_enquiries.csv").write_text(ENQUIRIES, encoding="utf-8")
    not_provided = ("strategy_discussion_date", "outcome", "icpc_outcome")
    write_descriptor(folder, SourceDescriptor(missing_columns={"section47_enquiries": not_provided}))
    outcome, paths = run_pipeline(root, EXTRACT_DATE, CSC_DQ_BLOCK_SHARE="1")  # defective rows on purpose
    assert outcome.success, f"{outcome.failed_step}: {outcome.error}"
    return build_annex_a(paths)


def test_an_enquiry_without_a_strategy_discussion_starts_on_its_s47_start_date(annex):
    with open(annex.folder / f"{LISTS_BY_NUMBER[5].file_stem}.csv", encoding="utf-8", newline="") as f:
        got = [tuple(r[c] for c in COLUMNS) for r in csv.DictReader(f)]
    assert got == LIST_5
    assert next(c for c in annex.check.lists if c.number == 5).out_of_period == 0

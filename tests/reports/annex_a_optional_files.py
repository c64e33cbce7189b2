# ruff: noqa: E501  (CSV rows are data: one line each)
"""The optional "rest of the case" files added to the hand-made Annex A extract (tests/reports/annex_a_extract.py),
all in one extract, so the three modules that work them by hand share one nightly run and one Annex A (the
`annex_a_with_optional_files` fixture in tests/reports/conftest.py):

- CASE_FILES (section47_enquiries, cla_reviews, cla_health, missing_episodes, care_leavers): lists 5 and 9 and list
  8's review, health and missing columns, worked in test_annex_a_case_files.py;
- CP_FILES (cp_reviews, cp_categories): list 7's review dates and categories, worked in test_annex_a_cp_files.py;
- LEGAL_PATHWAY_FILES (legal_statuses, pathway_plan_reviews): list 8's legal status and list 9's adviser and pathway
  plan review, worked in test_annex_a_legal_pathway.py, on CASE_FILES' care leavers (C12 latest 20 Oct 2023, C6).

No file is in two groups, and each group's columns are drawn from its own files only (docs/annex-a.md), so each
module's hand-working holds with the others' files present. What an absent file leaves unavailable is worked on
the extract without any of them (test_annex_a_hand_made.py) and, for the pathway file, in
test_annex_a_legal_pathway.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.reports.annex_a_extract import EXTRACT_DATE, write_annex_a_extract

CASE_FILES = {
    "section47_enquiries.csv": "s47_id,child_id,referral_id,strategy_discussion_date,s47_start_date,outcome,"
    "icpc_not_required,icpc_date,icpc_outcome\n"
    "S0,C11,R19,2023-07-10,2023-07-10,NFA,Y,,\n"
    "S1,C11,R20,2023-07-11,2023-07-11,ICPC,N,2023-07-25,NO_PLAN\n"
    "S2,C1,R1,2023-12-04,2023-12-04,ICPC,N,2023-12-06,CP_PLAN\n"
    "S3,C3,R3,2023-12-18,2023-12-19,CIN,Y,,\n"
    "S4,C10,R21,2024-01-10,2024-01-10,,N,,\n"
    "S5,C10,R16,2023-12-11,2023-12-11,ICPC,N,2024-01-04,CP_PLAN\n",
    "cla_reviews.csv": "review_id,child_id,review_date,participation\n"
    "RV1,C8,2023-11-20,PN1\nRV2,C8,2024-01-04,PN1\nRV3,C8,2024-01-10,PN5\nRV4,C12,2023-06-01,PN1\n",
    "cla_health.csv": "health_check_id,child_id,check_type,check_date\n"
    "HC1,C8,HEALTH_ASSESSMENT,2023-12-20\nHC2,C8,HEALTH_ASSESSMENT,2022-05-01\nHC3,C8,DENTAL_CHECK,2023-06-01\n"
    "HC4,C7,DENTAL_CHECK,2024-01-05\n",
    "missing_episodes.csv": "missing_episode_id,child_id,missing_or_absent,start_date,end_date,"
    "return_interview_offered,return_interview_accepted\n"
    "X1,C8,M,2023-12-10,2023-12-11,Y,Y\nX2,C8,A,2023-12-15,2023-12-15,N,\nX3,C8,M,2024-01-08,,,\n"
    "X4,C7,M,2023-12-20,2023-12-21,Y,N\nX5,C7,M,2023-12-30,2024-01-02,Y,N\nX6,C12,M,2023-06-10,2023-06-12,N,\n"
    "X7,C12,M,2023-10-01,2023-10-02,Y,Y\n",
    "care_leavers.csv": "care_leaver_record_id,child_id,eligibility,contact_date,in_touch,activity,accommodation\n"
    "CL1,C12,RELEVANT,2023-06-01,YES,G5,C1\nCL2,C12,FORMER_RELEVANT,2023-10-20,YES,F2,B2\n"
    "CL3,C6,ELIGIBLE,2024-01-10,NO,,\n",
}
CP_FILES = {
    "cp_reviews.csv": "cp_review_id,child_id,cp_plan_id,review_date\n"
    "V1,C1,P1,2024-01-05\nV2,C2,P2,2023-12-20\nV3,C9,P6,2023-05-01\nV4,C9,P7,2024-01-09\nV5,C10,P8,2024-01-08\n",
    "cp_categories.csv": "cp_category_id,cp_plan_id,category,category_start_date\n"
    "K1,P1,NEG,2023-12-06\nK2,P1,PHY,2024-01-05\nK3,P2,EMO,2023-12-20\nK4,P8,SAB,2024-01-04\n",
}
LEGAL_PATHWAY_FILES = {
    "legal_statuses.csv": "legal_status_id,child_id,legal_status,start_date,end_date\n"
    "LS0,C12,V2,2020-01-01,2020-06-01\nLS1,C12,C2,2023-05-01,2023-07-01\nLS2,C12,E1,2023-07-01,2023-09-20\n"
    "LS3,C12,V2,2023-10-01,\nLS4,C8,C2,2023-12-01,2023-12-20\nLS5,C8,C1,2023-12-20,2024-01-05\n"
    "LS6,C8,E1,2024-01-05,\nLS7,C7,C2,2023-01-01,2023-02-01\nLS8,C7,C2,2023-12-28,2024-01-02\n",
    "pathway_plan_reviews.csv": "pathway_plan_review_id,child_id,review_date,personal_adviser_allocated\n"
    "PR1,C12,2021-10-01,N\nPR2,C12,2022-04-01,Y\nPR3,C12,2022-10-03,Y\nPR4,C12,2023-04-03,Y\nPR5,C12,2023-10-02,N\n"
    "PR6,C1,2023-12-01,Y\n",
}
GROUPS = (CASE_FILES, CP_FILES, LEGAL_PATHWAY_FILES)
OPTIONAL_FILES = {name: text for group in GROUPS for name, text in group.items()}
assert len(OPTIONAL_FILES) == sum(map(len, GROUPS)), "a file in two groups: one group's rows would be lost"


def write_optional_files_extract(raw_dir: Path) -> None:
    """The hand-made Annex A extract with every optional file above."""
    write_annex_a_extract(raw_dir)
    for name, text in OPTIONAL_FILES.items():
        (raw_dir / EXTRACT_DATE / name).write_text(text, encoding="utf-8")

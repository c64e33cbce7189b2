# ruff: noqa: E501  (CSV rows are data: one line each)
"""The hand-made extract (tests/pipeline/hand_made_extract.py, extract date Wed 10 Jan 2024) with the rows the Annex A
edges need added (the working is in test_annex_a_hand_made.py):

- C11 (names planted: they must never reach Annex A) is referred on Mon 10 Jul 2023, the day before the six-month
  period (R19, no further action, closed that day), and again on Tue 11 Jul 2023, its first day (R20);
- C10 is referred again on Wed 10 Jan 2024, the period's last day (R21; R16 was on 20 Nov 2023);
- C12, born 20 Sep 2005, turns 18 inside the period and leaves care that day (E4, looked after from 1 May 2023);
- C9 was allocated to W1 in team T1 from 1 Feb to 1 Jul 2023 (L10): no allocation is open at the as-at date.
"""

from tests.pipeline.hand_made_extract import EXTRACT_DATE, FILES

PLANTED_NAMES = ("Plantedforename", "Plantedsurname")

ADDED = {
    "children.csv": "C11,Plantedforename,Plantedsurname,F,2016-05-05,,WBRI,N,ZZ99 9ZZ,\n"
    "C12,Kit,Quill,M,2005-09-20,,BAFR,N,ZZ99 8YY,\n",
    "referrals.csv": "R19,C11,,2023-07-10,3A,N1,Y,2023-07-10,RC8,T1,W1\n"
    "R20,C11,,2023-07-11,5A,N1,N,,,T1,W1\n"
    "R21,C10,,2024-01-10,3A,N2,N,,,T1,W1\n",
    "cla_episodes.csv": "E4,C12,2023-05-01,2023-09-20,S,C2,U1,E8,N\n",
    "allocations.csv": "L10,C9,W1,T1,2023-02-01,2023-07-01\n",
}


# This Annex A is the one of an extract without the optional "rest of the case" files (list 5 named unavailable,
# list 7's review column and list 8's review, health and missing columns named unavailable, the plans file's category
# in both category columns); tests/reports/annex_a_optional_files.py adds them all, for test_annex_a_case_files.py,
# test_annex_a_cp_files.py and test_annex_a_legal_pathway.py.
LEFT_OUT = (
    "cp_reviews.csv",
    "cp_categories.csv",
    "section47_enquiries.csv",
    "cla_reviews.csv",
    "cla_health.csv",
    "missing_episodes.csv",
    "care_leavers.csv",
)


def write_annex_a_extract(raw_dir) -> None:
    folder = raw_dir / EXTRACT_DATE
    folder.mkdir(parents=True)
    for name, text in FILES.items():
        if name not in LEFT_OUT:
            (folder / name).write_text(text + ADDED.get(name, ""), encoding="utf-8")

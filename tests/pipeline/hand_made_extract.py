# ruff: noqa: E501  (CSV headers are data: one line each)
"""A small hand-made extract (extract date Wed 2024-01-10) with defective rows of every exclusion kind.

Every expected figure in test_hand_made_extract.py was worked out by hand from these rows and the
KPI definitions (the working is in the comments there), not computed by the pipeline's SQL.
Bank holidays that matter: 25, 26 Dec 2023 and 1 Jan 2024.
"""

EXTRACT_DATE = "2024-01-10"

FILES = {
    "teams.csv": """team_id,team_name,service_area
T1,Assessment,ASSESSMENT
T2,Child in Need,CIN
""",
    # W2 is part-time agency and leaves on 5 Jan; W3 is a team manager (not case-holding);
    # W4 joins on 20 Dec.
    "workers.csv": """worker_id,worker_name,role,team_id,fte,employment_type,start_date,end_date
W1,Ann Example,SW,T1,1.0,PERMANENT,2020-01-01,
W2,Bob Exämple,SW,T2,0.5,AGENCY,2020-01-01,2024-01-05
W3,Cat Example,TM,T1,1.0,PERMANENT,2015-01-01,
W4,Dan Example,SP,T2,1.0,PERMANENT,2023-12-20,
""",
    "children.csv": """child_id,forename,surname,sex,date_of_birth,expected_date_of_birth,ethnicity,disabled,postcode,date_of_death
C1,Amy,Zed,F,2015-02-01,,WBRI,N,ZZ99 1AA,
C2,Ben,Zed,M,2016-03-02,,WBRI,N,ZZ99 1AA,
C3,Cal,Yew,M,2012-04-03,,MWBC,U,ZZ99 2BB,
C4,Dee,Xu,F,2010-05-04,,CHNE,N,ZZ99 3CC,
C5,Eve,Ward,F,2019-06-05,,BAFR,Y,,
C6,Fin,Vale,M,2008-07-06,,WIRI,N,ZZ99 4DD,
C7,Gus,Ure,M,2013-08-07,,AIND,N,ZZ99 5EE,
C8,Hal,Tor,M,2011-09-08,,OOTH,N,ZZ99 6FF,
C9,Ivy,Sol,F,2014-10-09,,WBRI,N,ZZ99 7GG,
C10,Jon,Rue,M,2017-11-10,,WBRI,N,ZZ99 8HH,
""",
    # K7 is dated after the extract date (excluded). K8: Fri 22 Dec -> Wed 27 Dec is 1 working day.
    "contacts.csv": """contact_id,child_id,contact_date,contact_source,decision_date,outcome
K1,C1,2023-12-04,3A,2023-12-04,REFERRAL
K2,C2,2023-12-08,2B,2023-12-11,REFERRAL
K3,C3,2023-12-14,5A,2023-12-18,NFA
K4,C7,2023-12-20,3A,,
K5,C1,2024-01-08,3A,2024-01-08,REFERRAL
K6,C8,2024-01-09,2B,2024-01-10,EARLY_HELP
K7,C8,2024-02-01,2B,,
K8,C8,2023-12-22,1A,2023-12-27,INFO_ADVICE
""",
    # R3 appears twice, identical (one kept). R7 twice with different content (both excluded).
    # R8 orphan child, R9 blank source, R10 text in a date, R11 code outside the list (all excluded).
    # R12 only has formatting problems (UK date, lower case, spaces, 'n'): it counts.
    "referrals.csv": """referral_id,child_id,contact_id,referral_date,referral_source,primary_need_code,nfa,closure_date,closure_reason,team_id,worker_id
R14,C6,,2022-12-01,3A,N1,N,,,T1,W1
R15,C9,,2023-01-20,3A,N1,N,,,T1,W1
R16,C10,,2023-11-20,3A,N1,N,,,T1,W1
R00,C5,,2023-01-08,3A,N1,N,,,T1,W1
R0,C4,,2023-01-09,3A,N1,N,,,T1,W1
R13,C7,,2023-06-01,3A,N1,N,,,T1,W1
R1,C1,K1,2023-12-04,3A,N1,N,,,T1,W1
R2,C2,K2,2023-12-11,2B,N1,Y,2023-12-12,RC8,T1,W1
R3,C3,,2023-12-18,5A,N1,N,,,T1,W2
R3,C3,,2023-12-18,5A,N1,N,,,T1,W2
R4,C1,K5,2024-01-08,3A,N1,N,,,T1,W1
R5,C4,,2024-01-09,1A,,N,,,T1,
R6,C5,,2024-01-09,3A,,Y,,,T1,W1
R12,C6,,09/01/2024, 3a ,,n,,,T1,W1
R7,C2,,2024-01-03,2B,,Y,,,T1,W1
R7,C2,,2024-01-04,2B,,Y,,,T1,W1
R8,C99,,2024-01-05,2B,,N,,,T1,W1
R9,C2,,2024-01-05,,,N,,,T1,W1
R10,C2,,unknown,2B,,N,,,T1,W1
R11,C2,,2024-01-05,ZZ,,Y,,,T1,W1
""",
    # A8 hangs off the excluded R7 (excluded in turn); A9 is authorised before it started (excluded).
    "assessments.csv": """assessment_id,referral_id,child_id,start_date,authorised_date,child_seen,outcome,factors,team_id,worker_id
A00,R00,C5,2023-01-09,2023-03-13,Y,SUPPORT,,T1,W1
A0,R0,C4,2023-01-10,2023-03-13,Y,SUPPORT,2A|3A,T1,W1
A13,R13,C7,2023-06-02,,Y,,,T1,W1
A1,R1,C1,2023-12-04,2023-12-04,Y,SUPPORT,,T1,W1
A2,R2,C2,2023-12-11,2023-12-20,Y,NFA,,T1,W1
A3,R3,C3,2023-12-19,,Y,,,T1,W2
A4,R4,C1,2024-01-08,,Y,,,T1,W1
A6,R6,C5,2024-01-09,2024-01-10,Y,NFA,,T1,W1
A8,R7,C2,2024-01-05,2024-01-08,Y,NFA,,T1,W1
A9,R5,C4,2024-01-10,2024-01-09,Y,SUPPORT,,T1,W1
""",
    # P4 ends exactly on 31 Dec (not open then). P9 ends before it starts (excluded).
    # C9: a CP plan in Feb-Jun 2023, then a repeat CP plan P7 from 5 Jan 2024. C10: two CP plans starting the
    # same day, 4 Jan 2024 (overlapping: flagged, kept; the second is not a repeat). P7, P8, P10 end on 8 Jan.
    "plans.csv": """plan_id,child_id,referral_id,plan_type,start_date,end_date,category_of_abuse
P1,C1,R1,CP,2023-12-06,,NEG
P2,C2,R2,CP,2023-12-20,,EMO
P3,C3,R3,CIN,2023-12-19,,
P4,C6,R14,CIN,2023-12-01,2023-12-31,
P5,C4,R5,CIN,2024-01-09,,
P9,C3,R3,CP,2023-12-10,2023-12-01,PHY
P6,C9,R15,CP,2023-02-01,2023-06-30,NEG
P7,C9,R15,CP,2024-01-05,2024-01-08,NEG
P8,C10,R16,CP,2024-01-04,2024-01-08,EMO
P10,C10,R16,CP,2024-01-04,2024-01-08,EMO
""",
    # C8: a legal-status-only change (L) on 20 Dec does not reset the placement start (1 Dec).
    "cla_episodes.csv": """episode_id,child_id,start_date,end_date,reason_new_episode,legal_status,placement_type,reason_ceased,placement_intended_until_18
E1,C8,2023-12-01,2023-12-20,S,C2,U1,X1,N
E2,C8,2023-12-20,,L,C1,U1,,N
E3,C7,2023-12-28,,S,V2,K2,,N
""",
    # V3: child not seen, so it does not count.
    "visits.csv": """visit_id,child_id,visit_date,visit_type,child_seen,seen_alone,worker_id,recorded_date
V1,C1,2023-12-13,CP,Y,Y,W1,2023-12-13
V2,C1,2024-01-03,CP,Y,,W1,2024-01-04
V3,C2,2024-01-09,CP,N,,W1,2024-01-09
V4,C3,2024-01-02,CIN,Y,N,W2,2024-01-02
V5,C8,2023-12-08,CLA,Y,Y,W3,2023-12-08
""",
    # L1 is in another team than its worker (flagged, kept); L3 stays open after W2 leaves
    # (flagged, kept); L9 points to a worker who does not exist (excluded).
    "allocations.csv": """allocation_id,child_id,worker_id,team_id,start_date,end_date
L1,C1,W1,T2,2023-12-04,
L2,C2,W1,T1,2023-12-11,
L3,C3,W2,T2,2023-12-18,
L4,C8,W3,T1,2023-12-01,
L5,C7,W4,T2,2023-12-28,
L9,C6,W99,T1,2023-12-01,
""",
    "supervisions.csv": """supervision_id,worker_id,supervisor_id,supervision_date,supervision_type
S1,W1,W3,2023-12-01,INDIVIDUAL
S2,W1,W3,2023-12-20,GROUP
S3,W2,W3,2023-12-15,INDIVIDUAL
S4,W1,W3,2024-01-10,INDIVIDUAL
""",
    # Optional files. Working days from the strategy
    # discussion to the conference: Q1 2, Q2 7, Q8 16 (December); Q4 13, Q5 15, Q6 16 (January). Q3 ended without a
    # conference; Q7 is an orphan (child C99), excluded.
    "section47_enquiries.csv": """s47_id,child_id,referral_id,strategy_discussion_date,s47_start_date,outcome,icpc_not_required,icpc_date,icpc_outcome
Q1,C1,R1,2023-12-04,2023-12-04,ICPC,N,2023-12-06,CP_PLAN
Q2,C2,R2,2023-12-11,2023-12-11,ICPC,N,2023-12-20,CP_PLAN
Q3,C3,R3,2023-12-18,2023-12-18,CIN,Y,,
Q8,C6,R14,2023-11-20,2023-11-21,ICPC,N,2023-12-12,NO_PLAN
Q4,C9,R15,2023-12-14,2023-12-14,ICPC,N,2024-01-05,CP_PLAN
Q5,C10,R16,2023-12-11,2023-12-11,ICPC,N,2024-01-04,CP_PLAN
Q6,C4,R0,2023-12-07,2023-12-07,ICPC,N,2024-01-03,NO_PLAN
Q7,C99,R0,2024-01-02,2024-01-02,ICPC,N,2024-01-08,CP_PLAN
""",
    # C8's period of care starts Fri 1 Dec (first review due 3 Jan), C7's Thu 28 Dec (due 26 Jan). V3 is before C8's
    # period; V5 is an orphan (child C99), excluded.
    "cla_reviews.csv": """review_id,child_id,review_date,participation
V1,C8,2024-01-04,PN1
V2,C7,2024-01-09,PN1
V3,C8,2023-11-20,PN1
V4,C8,2024-01-10,PN5
V5,C99,2024-01-05,PN1
""",
    # L2 is C4's later follow-up (not in touch); L5 says C8 died; L8 is an orphan (child C99), excluded.
    "care_leavers.csv": """care_leaver_record_id,child_id,eligibility,contact_date,in_touch,activity,accommodation
L1,C4,FORMER_RELEVANT,2023-03-01,YES,F2,B1
L2,C4,FORMER_RELEVANT,2023-12-15,NO,,
L3,C5,RELEVANT,2023-06-01,YES,G5,C1
L4,C6,FORMER_RELEVANT,2023-01-05,YES,F4,X2
L5,C8,FORMER_RELEVANT,2023-12-20,DIED,,
L6,C9,FORMER_RELEVANT,2024-01-09,YES,P1,D1
L8,C99,FORMER_RELEVANT,2023-12-01,YES,F1,B1
""",
    # X2 is away without authorisation (A); X4 is still missing; X5 began before C7's care did; X6 is an orphan
    # (child C99) and X7 ends before it starts (both excluded).
    "missing_episodes.csv": """missing_episode_id,child_id,missing_or_absent,start_date,end_date,return_interview_offered,return_interview_accepted
X1,C8,M,2023-12-10,2023-12-11,Y,Y
X2,C8,A,2023-12-15,2023-12-15,N,
X3,C7,M,2023-12-30,2024-01-02,N,
X4,C8,M,2024-01-08,,,
X5,C7,M,2023-12-20,2023-12-21,Y,N
X6,C99,M,2024-01-05,2024-01-06,Y,Y
X7,C7,M,2024-01-05,2024-01-03,Y,Y
""",
    # Nobody here has been looked after for 12 months, so the health measures are 0 of 0; HC3 is an orphan (excluded).
    "cla_health.csv": """health_check_id,child_id,check_type,check_date
HC1,C8,HEALTH_ASSESSMENT,2023-12-20
HC2,C7,dental_check,2024-01-05
HC3,C99,HEALTH_ASSESSMENT,2024-01-02
""",
    # C9's CP plan P6 (1 Feb-30 Jun 2023) had its first review due 1 May (1 Feb + 3 months) and held that day (a bank
    # holiday, but the due date is a calendar date). CR2 is on P1's start day (its initial conference: no review);
    # CR3 on P8's last day; CR4 is an orphan (child C99), excluded. P6's category changed from NEG to PHY at CR1.
    "cp_reviews.csv": """cp_review_id,child_id,cp_plan_id,review_date
CR1,C9,P6,2023-05-01
CR2,C1,P1,2023-12-06
CR3,C10,P8,2024-01-08
CR4,C99,P1,2023-12-20
""",
    "cp_categories.csv": """cp_category_id,cp_plan_id,category,category_start_date
CC1,P6,NEG,2023-02-01
CC2,P6,PHY,2023-05-01
CC3,P1,NEG,2023-12-06
""",
}


def write_extract(raw_dir) -> None:
    folder = raw_dir / EXTRACT_DATE
    folder.mkdir(parents=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")

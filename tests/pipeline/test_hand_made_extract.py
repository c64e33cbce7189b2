"""The real pipeline on a hand-made extract: scorecard figures worked out by hand.

Working (wd = working days a < d <= b; bank holidays 25, 26 Dec 2023 and 1 Jan 2024):

December 2023 (month, as at Sun 31 Dec)
- assessments: A1 same day (0 wd), A2 11->20 Dec (7 wd): 2 of 2 in time.
- overdue open assessments: A13 (referral 1 Jun, still open) only; A3 is 7 wd from its referral.
- CP: C1 last seen 13 Dec, due add_wd(13 Dec, 10) = 29 Dec -> overdue; C2 plan from 20 Dec, no visit,
  due 8 Jan -> in time: 1 of 2.
- CIN: only C3 (P4 of C6 ends on 31 Dec so is not open): due 19 Jan -> 1 of 1.
- CLA: C8 placement from 1 Dec (the 20 Dec change is legal status only), seen 8 Dec, due 19 Jan;
  C7 from 28 Dec, first visit due 4 Jan: 2 of 2.
- caseload: W1 2 (C1, C2), W2 1 (C3), W4 1 (C7); W3 is a team manager. 4 / (1 + 0.5 + 1) = 1.6;
  nobody over 23 of 3 employed.
- unallocated: every child on a plan or looked after has an open allocation: 0.
- contacts with a decision: K1 (0 wd), K2 Fri->Mon (1), K3 Thu->Mon (2), K8 Fri 22->Wed 27 Dec (1):
  3 of 4 within 1 wd; K1, K2 became referrals: 2 of 4. K4 awaits a decision.
- referrals: R1, R2 (NFA), R3 (its exact duplicate counts once): NFA 1 of 3; none is a re-referral.
- supervision: W1's last individual supervision 1 Dec (+28 = 29 Dec, late; the 20 Dec one was a
  group); W2 15 Dec; W4 started 20 Dec: 2 of 3.
- children on plans, as at 31 Dec: CP C1 (P1), C2 (P2): 2; CIN C3 (P3; P4 ends that day): 1; looked after
  C8 (E2), C7 (E3): 2.
- repeat CP plans: children whose CP plan started in December: C1 (6 Dec), C2 (20 Dec); neither had an earlier CP
  plan (P9 of C3 is excluded): 0 of 2.
- agency workers: case-holding workers employed W1 (permanent), W2 (agency), W4 (permanent); W3 is a team
  manager: 1 of 3.
- children in need, as at 31 Dec: open referrals (not no further action, not closed) R14 (C6), R15 (C9), R16 (C10),
  R00 (C5), R0 (C4), R13 (C7), R1 (C1), R3 (C3); C2's referral R2 was no further action (closed 12 Dec) but C2 is on
  CP plan P2; C8 has no referral but is looked after (E2): all ten children, C1 to C10, each once: 10.

- initial child protection conferences held in December: Q1 (4 -> 6 Dec, 2 wd), Q2 (11 -> 20 Dec, 7 wd), Q8 (Mon
  20 Nov -> Tue 12 Dec, 16 wd: late); Q3 ended without one: 2 of 3 within 15 wd.
- care leavers, latest follow-up in the 365 days to 31 Dec (after 31 Dec 2022): C4 L2 (15 Dec, not in touch;
  L1 is earlier), C5 L3 (in touch, C1 suitable, G5 not in EET), C6 L4 (5 Jan 2023: in touch, X2 not suitable,
  F4 in EET); C8 died (L5): left out. In touch 2 of 3, suitable 1 of 3, EET 1 of 3.
- missing from care (M episodes begun while looked after): looked after in December C8 (from 1 Dec), C7 (from
  28 Dec): 2. Went missing: C8 (X1, 10 Dec), C7 (X3, 30 Dec): 2 of 2, count 2. X2 is away without
  authorisation (A); X5 (C7, 20 Dec) began before C7's care did. Ended in December: X1 (offered): 1 of 1.

January 2024 (month, partial, as at Wed 10 Jan)
- assessments: A6 9->10 Jan (1 wd): 1 of 1 (A8 hangs off the excluded R7; A9 authorised before start).
- overdue: A13 still; A3 is 14 wd, A4 2 wd from referral: 1.
- CP: C1 seen 3 Jan, due 17 Jan -> in time; C2 not seen (V3 child not seen), due 8 Jan -> overdue: 1 of 2.
- CIN: C3 seen 2 Jan, C4 plan from 9 Jan: 2 of 2.
- CLA: C8 due 19 Jan in time; C7 due 4 Jan overdue: 1 of 2.
- caseload: W2 left on 5 Jan. W1 2, W4 1: 3 / 2.0 = 1.5; 0 of 2 over max.
- unallocated: C4 (CIN plan from 9 Jan, no allocation): 1. C3's allocation to W2 is still open.
- contacts: K5 (0 wd, referral), K6 (1 wd, early help): 2 of 2 in 1 wd; 1 of 2 referral. K7 is future.
- referrals: R4, R5, R6 (NFA), R12 (UK date, lower case: counts). NFA 1 of 4. Re-referrals: R4 (R1 on
  4 Dec), R5 (R0 exactly 12 months before, 9 Jan 2023) yes; R6 (R00 on 8 Jan 2023, 12 months and a
  day) and R12 (R14 Dec 2022) no: 2 of 4. Excluded: R7 x2 (same key, different content), R8 (orphan),
  R9 (blank source), R10 (text date), R11 (code ZZ).
- supervision: W1 supervised on 10 Jan itself, W4 within 28 days of starting: 2 of 2.
- children on plans, as at 10 Jan: CP C1, C2 (P7 of C9 and P8/P10 of C10 ended on 8 Jan): 2; CIN C3, C4: 2;
  looked after C8, C7: 2.
- repeat CP plans: children whose CP plan started 1-10 Jan: C9 (P7, 5 Jan; C9 had P6 from 1 Feb 2023, ended
  30 Jun: a repeat, counted "ever", not only in the period) and C10 (P8 and P10 both on 4 Jan: the second plan
  starts on the same day, not earlier, so not a repeat; C10 counts once): 1 of 2.
- agency workers: W2 (the agency worker) left on 5 Jan; W1, W4 permanent: 0 of 2.
- children in need, as at 10 Jan: the same ten (R4 and R5 add referrals for C1 and C4, who count once; R6 of C5
  is no further action): 10.

- conferences held 1-10 Jan: Q4 (14 Dec -> 5 Jan: 15-22 Dec 6, 27-29 Dec 9, 2-5 Jan 13 wd), Q5 (11 Dec -> 4 Jan,
  exactly 15 wd: in time), Q6 (Thu 7 Dec -> Wed 3 Jan, 16 wd: late); Q7 is an orphan, excluded: 2 of 3.
- looked-after reviews held 1-10 Jan: C8's period of care starts Fri 1 Dec (E1 S, E2 L continues it): first
  review due on the 20th working day after it (4-8 Dec 5, 11-15 10, 18-22 15, 27-29 Dec 18, 2 Jan 19, 3 Jan 20) =
  Wed 3 Jan, so V1 on 4 Jan is late; V4 (10 Jan) is C8's second review, due 3 months after V1 (4 Apr): in time.
  C7's period starts 28 Dec: V2 (9 Jan) is due by 26 Jan: in time. V3 (20 Nov, before C8's care) is in no period;
  V5 is an orphan, excluded: 2 of 3. (December: no review held.)
- care leavers, after 10 Jan 2023: C4 L2 (not in touch), C5 L3 (in touch, suitable, not EET), C9 L6 (9 Jan: in
  touch, D1 suitable, P1 in EET); C6's L4 (5 Jan 2023) is now more than 365 days old; C8 died. In touch 2 of 3,
  suitable 2 of 3, EET 1 of 3.
- missing from care: looked after 1-10 Jan C8, C7: 2. Went missing: C8 (X4, 8 Jan, still missing): 1 of 2,
  count 1; X6 is an orphan and X7 ends before it starts (both excluded). Ended 1-10 Jan: X3 (30 Dec -> 2 Jan,
  not offered): 0 of 1.

March 2023 (month): A0 authorised exactly 45 wd after its referral (in time), A00 46 wd (late): 1 of 2.

February 2023 (month): C9's first CP plan P6 starts on 1 Feb: repeat CP plans 0 of 1; children on a CP plan 1.
Children in need at 28 Feb: open referrals R14 (C6), R15 (C9, also on P6), R00 (C5), R0 (C4): 4.
"""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from dagster_project.catalogue import load_measures
from dagster_project.catalogue.render import SEED_COLUMNS
from dagster_project.transform.dbt_environment import PARTIAL_PARSE_FILE
from dagster_project.transform.project import dbt_project

EXPECTED = {
    ("2023-12-31", "assessments_in_time_pct"): (2, 2, 100.0),
    ("2023-12-31", "overdue_open_assessments"): (1, 1, 1.0),
    ("2023-12-31", "cp_visits_in_time_pct"): (1, 2, 50.0),
    ("2023-12-31", "cin_visits_in_time_pct"): (1, 1, 100.0),
    ("2023-12-31", "cla_visits_in_time_pct"): (2, 2, 100.0),
    ("2023-12-31", "average_caseload"): (4, 2.5, 1.6),
    ("2023-12-31", "workers_over_max_caseload_pct"): (0, 3, 0.0),
    ("2023-12-31", "unallocated_children"): (0, 1, 0.0),
    ("2023-12-31", "contacts_decided_in_1wd_pct"): (3, 4, 75.0),
    ("2023-12-31", "contacts_to_referral_pct"): (2, 4, 50.0),
    ("2023-12-31", "referrals_nfa_pct"): (1, 3, 100 / 3),
    ("2023-12-31", "re_referrals_pct"): (0, 3, 0.0),
    ("2023-12-31", "supervision_in_time_pct"): (2, 3, 200 / 3),
    ("2024-01-10", "assessments_in_time_pct"): (1, 1, 100.0),
    ("2024-01-10", "overdue_open_assessments"): (1, 1, 1.0),
    ("2024-01-10", "cp_visits_in_time_pct"): (1, 2, 50.0),
    ("2024-01-10", "cin_visits_in_time_pct"): (2, 2, 100.0),
    ("2024-01-10", "cla_visits_in_time_pct"): (1, 2, 50.0),
    ("2024-01-10", "average_caseload"): (3, 2.0, 1.5),
    ("2024-01-10", "workers_over_max_caseload_pct"): (0, 2, 0.0),
    ("2024-01-10", "unallocated_children"): (1, 1, 1.0),
    ("2024-01-10", "contacts_decided_in_1wd_pct"): (2, 2, 100.0),
    ("2024-01-10", "contacts_to_referral_pct"): (1, 2, 50.0),
    ("2024-01-10", "referrals_nfa_pct"): (1, 4, 25.0),
    ("2024-01-10", "re_referrals_pct"): (2, 4, 50.0),
    ("2024-01-10", "supervision_in_time_pct"): (2, 2, 100.0),
    ("2023-12-31", "children_cp_count"): (2, 1, 2.0),
    ("2023-12-31", "children_cin_plan_count"): (1, 1, 1.0),
    ("2023-12-31", "children_looked_after_count"): (2, 1, 2.0),
    ("2023-12-31", "cp_plans_repeat_pct"): (0, 2, 0.0),
    ("2023-12-31", "agency_workers_pct"): (1, 3, 100 / 3),
    ("2024-01-10", "children_cp_count"): (2, 1, 2.0),
    ("2024-01-10", "children_cin_plan_count"): (2, 1, 2.0),
    ("2024-01-10", "children_looked_after_count"): (2, 1, 2.0),
    ("2024-01-10", "cp_plans_repeat_pct"): (1, 2, 50.0),
    ("2024-01-10", "agency_workers_pct"): (0, 2, 0.0),
    ("2023-12-31", "icpc_within_15wd_pct"): (2, 3, 200 / 3),
    ("2024-01-10", "icpc_within_15wd_pct"): (2, 3, 200 / 3),
    ("2024-01-10", "cla_reviews_in_time_pct"): (2, 3, 200 / 3),
    ("2023-12-31", "care_leavers_in_touch_pct"): (2, 3, 200 / 3),
    ("2023-12-31", "care_leavers_suitable_accommodation_pct"): (1, 3, 100 / 3),
    ("2023-12-31", "care_leavers_eet_pct"): (1, 3, 100 / 3),
    ("2024-01-10", "care_leavers_in_touch_pct"): (2, 3, 200 / 3),
    ("2024-01-10", "care_leavers_suitable_accommodation_pct"): (2, 3, 200 / 3),
    ("2024-01-10", "care_leavers_eet_pct"): (1, 3, 100 / 3),
    ("2023-12-31", "cla_went_missing_count"): (2, 1, 2.0),
    ("2023-12-31", "cla_went_missing_pct"): (2, 2, 100.0),
    ("2023-12-31", "cla_missing_return_interview_offered_pct"): (1, 1, 100.0),
    ("2024-01-10", "cla_went_missing_count"): (1, 1, 1.0),
    ("2024-01-10", "cla_went_missing_pct"): (1, 2, 50.0),
    ("2024-01-10", "cla_missing_return_interview_offered_pct"): (0, 1, 0.0),
    # cp_reviews_in_time_pct at 31 May 2023: P6 (C9) open since 1 Feb, so for 3 months from 1 May; its first
    # review on its due date, 1 May: in time. At 10 Jan 2024 no CP plan is 3 months old: no figure.
    ("2023-05-31", "cp_reviews_in_time_pct"): (1, 1, 100.0),
    ("2023-03-31", "assessments_in_time_pct"): (1, 2, 50.0),
    ("2023-02-28", "cp_plans_repeat_pct"): (0, 1, 0.0),
    ("2023-02-28", "children_cp_count"): (1, 1, 1.0),
    ("2023-02-28", "children_in_need_count"): (4, 1, 4.0),
    ("2023-12-31", "children_in_need_count"): (10, 1, 10.0),
    ("2024-01-10", "children_in_need_count"): (10, 1, 10.0),
}


@pytest.fixture(scope="module")
def published(hand_made_run):
    return hand_made_run  # tests/pipeline/conftest.py: shared with test_benchmarks_published.py


@pytest.mark.parametrize(("key", "expected"), list(EXPECTED.items()), ids=[f"{d}-{m}" for d, m in EXPECTED])
def test_month_figures_match_hand_working(published, key, expected):
    as_at, measure = key
    with duckdb.connect(str(published.published_database), read_only=True) as conn:
        row = conn.execute(
            """
            select numerator, denominator, value from marts.scorecard
            where period_type = 'month' and as_at_date = cast(? as date) and measure = ?
            """,
            [as_at, measure],
        ).fetchone()
    assert row is not None, f"no scorecard row for {key}"
    numerator, denominator, value = row
    assert (numerator, denominator) == (expected[0], expected[1])
    assert value == pytest.approx(expected[2], abs=1e-9)


def test_the_measure_catalogue_is_published_with_every_field(published):
    with duckdb.connect(str(published.published_database), read_only=True) as conn:
        published_rows = conn.execute("select * from marts.measures").fetchall()
        columns = [r[0] for r in conn.execute("describe marts.measures").fetchall()]
        in_scorecard = {r[0] for r in conn.execute("select distinct measure from marts.scorecard").fetchall()}
    # every plain field of the catalogue (the DfE comparator is published in marts.benchmarks instead)
    catalogue = [tuple(getattr(m, c) for c in SEED_COLUMNS) for m in load_measures()]
    assert columns == list(SEED_COLUMNS) == [f.name for f in dataclasses.fields(load_measures()[0]) if f.name != "dfe"]
    assert sorted(published_rows, key=str) == sorted(catalogue, key=str)
    assert in_scorecard == {row[0] for row in catalogue}


def test_every_exclusion_kind_is_kept_with_its_reason(published):
    """Excluded rows are kept and counted, never silently dropped."""
    with duckdb.connect(str(published.warehouse), read_only=True) as conn:
        schema = conn.execute(
            "select table_schema from information_schema.tables where table_name = 'int_records_excluded'"
        ).fetchone()[0]
        excluded = conn.execute(f"select source_file, record_key from {schema}.int_records_excluded").fetchall()
    keys = {(f, k) for f, k in excluded}
    for expected in [
        ("referrals.csv", "R7"),
        ("referrals.csv", "R8"),
        ("referrals.csv", "R9"),
        ("referrals.csv", "R10"),
        ("referrals.csv", "R11"),
        ("assessments.csv", "A8"),
        ("assessments.csv", "A9"),
        ("plans.csv", "P9"),
        ("contacts.csv", "K7"),
        ("allocations.csv", "L9"),
        ("section47_enquiries.csv", "Q7"),
        ("care_leavers.csv", "L8"),
        ("cla_reviews.csv", "V5"),
        ("missing_episodes.csv", "X6"),
        ("missing_episodes.csv", "X7"),
        ("cla_health.csv", "HC3"),
        ("cp_reviews.csv", "CR4"),
    ]:
        assert expected in keys, f"{expected} not recorded as excluded"
    assert ("referrals.csv", "R12") not in keys  # formatting problems only: counted
    with duckdb.connect(str(published.warehouse), read_only=True) as conn:
        schema = conn.execute(
            "select table_schema from information_schema.tables where table_name = 'int_referrals_validated'"
        ).fetchone()[0]
        counted = conn.execute(f"select referral_id from {schema}.int_referrals_validated").fetchall()
    counted = sorted(r[0] for r in counted)
    assert counted.count("R3") == 1  # exact duplicate rows: one is kept
    assert "R12" in counted
    assert not {"R7", "R8", "R9", "R10", "R11"} & set(counted)


def test_a_new_data_folders_first_dbt_step_reuses_the_parse_make_setup_saved(published):
    """dbt runs from the data folder with the profile's paths relative to it, so the staging step of a data folder's
    first run reuses dbt/target's parse instead of re-parsing the project (~3 s a run; dbt_environment.py)."""
    # dbt rewrites its saved parse whenever it parses (the new one holds that parse's time and invocation id), and
    # its file log keeps warnings only (dbt_vars.QUIET_ARTIFACTS): the step's copy equal to make setup's, byte for
    # byte, is the proof that the step parsed nothing.
    step_parse = published.data_dir / "dbt" / "staging_dbt_assets" / PARTIAL_PARSE_FILE
    assert step_parse.read_bytes() == (dbt_project.manifest_path.parent / PARTIAL_PARSE_FILE).read_bytes()

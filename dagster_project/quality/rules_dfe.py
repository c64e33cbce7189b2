"""DfE statutory-return validation in the registry: which project rules evaluate which DfE CIN census /
SSDA903 rule (`TAGS`), and the DfE rules ported as rules of their own (`dfe_rules`).

How the DfE's returns map onto the export contract:
  CIN census  ChildIdentifiers -> children; CINdetails -> referrals (one CIN episode per referral,
              `ReferralNFA` -> nfa, `CINclosureDate`/`ReasonForClosure` -> closure_date/closure_reason);
              Assessments -> assessments (by referral_id); CINplanDates -> plans with plan_type CIN;
              ChildProtectionPlans -> plans with plan_type CP. The census `ReferenceDate` is the extract date.
  SSDA903     Header -> children; Episodes -> cla_episodes (DECOM/DEC start/end, RNE, LS, PLACE, REC);
              SWEpisodes -> allocations of looked-after children. The collection year's end is the extract date.

Which records count: a ported DfE rule never excludes a record. The exclusions are the closed list of
the KPI definitions (duplicates, orphans, required/unparseable values, codes outside their list, end
before start, dates after the extract date), all of which are contract rules already tagged here; every
other DfE rule, Error or Query, is a consistency problem that is kept and flagged. These flags change
no figure, so they never block a run nor count toward the WARN share (`Rule.may_block` False): they are
reported in dq_results, the summary and the failures store.

Rules comparing with last year's return (903 202-204, 502, 503*, 562, NoE) compare with the PREVIOUS
EXTRACT (`<<prev:file>>`, rules.py): the most recent extract date before the run's target still in the raw
layer; for an imported SSDA903 return, last year's imported return. Without one they are not applicable
(applicability.previous_extract_not_applicable), never passed.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import dataclasses

from dagster_project.contract.model import load_contract
from dagster_project.quality.dfe import cin, ssda903
from dagster_project.quality.rule import Rule

CP = "s.plan_type = 'CP'"
CIN_PLAN = "s.plan_type = 'CIN'"

# Project rules (mostly generated from the contract) that evaluate a DfE rule: rule id -> DfE rules.
TAGS = {
    "children.duplicate_row": cin("8510") + ssda903("INT32"),
    "children.duplicate_key": cin("8510") + ssda903("INT32"),
    "children.child_id.required": cin("8500"),
    "children.child_id.id_format": cin("1570", "1580"),
    "children.sex.required": cin("4180") + ssda903("101"),
    "children.sex.invalid_code": cin("4180") + ssda903("101"),
    "children.ethnicity.required": cin("4220") + ssda903("103"),
    "children.ethnicity.invalid_code": cin("4220") + ssda903("103"),
    "children.disabled.invalid_code": cin("8540"),
    "children.date_of_birth.in_future": cin("8520") + ssda903("301"),
    "children.date_of_birth.not_a_date": ssda903("102"),
    "children.date_of_birth.us_date": ssda903("102"),
    "children.date_of_death.in_future": cin("8545Q"),
    "children.date_of_death_before_date_of_birth": cin("8535Q"),
    "children.birth_dates_inconsistent": cin("8525Q"),
    "children.dob_out_of_range": ssda903("351"),
    "referrals.referral_date.required": cin("8600"),
    "referrals.referral_date.in_future": cin("8600"),
    "referrals.referral_source.required": cin("8866"),
    "referrals.referral_source.invalid_code": cin("8866"),
    "referrals.primary_need_code.invalid_code": cin("8650"),
    "referrals.nfa.required": cin("8568"),
    "referrals.nfa.invalid_flag": cin("8568"),
    "referrals.closure_date.in_future": cin("8620"),
    "referrals.closure_reason.invalid_code": cin("8640"),
    "referrals.closure_date_before_referral_date": cin("8630"),
    "referrals.closure_date_without_closure_reason": cin("8805"),
    "referrals.closure_reason_without_closure_date": cin("8810"),
    "assessments.start_date.in_future": cin("8736"),
    "assessments.authorised_date.in_future": cin("8696"),
    "assessments.authorised_before_start": cin("8608"),
    "assessments.started_before_referral": cin("1103"),
    "plans.start_date.required": cin("4010", scope=CIN_PLAN) + cin("8720", scope=CP),
    "plans.start_date.in_future": cin("4010", scope=CIN_PLAN) + cin("8720", scope=CP),
    "plans.end_date.in_future": cin("4013", scope=CIN_PLAN) + cin("8930", scope=CP),
    "plans.end_date_before_start_date": cin("4011", scope=CIN_PLAN) + cin("8925", scope=CP),
    "plans.category_of_abuse.invalid_code": cin("8905"),
    "plans.category_of_abuse_mismatch": cin("8905", scope=CP),
    "plans.overlapping_cp_plans": cin("8940"),
    "plans.overlapping_cin_plans": cin("4014"),
    "plans.cin_alongside_cp": cin("4016", "4017"),
    "cla_episodes.child_id.orphan": ssda903("INT03"),
    # 141/147 flag a date that is not DD/MM/YYYY (a US-order date too); 141/143/144/146/147 accept a blank value,
    # so the project's `required` rules carry no DfE code.
    "cla_episodes.start_date.not_a_date": ssda903("141"),
    "cla_episodes.start_date.us_date": ssda903("141"),
    "cla_episodes.end_date.us_date": ssda903("147"),
    "cla_episodes.start_date.in_future": ssda903("354"),
    "cla_episodes.end_date.not_a_date": ssda903("147"),
    "cla_episodes.end_date.in_future": ssda903("385"),
    "cla_episodes.end_date_before_start_date": ssda903("356"),
    "cla_episodes.end_date_without_reason_ceased": ssda903("148"),
    "cla_episodes.reason_ceased_without_end_date": ssda903("148"),
    "cla_episodes.reason_new_episode.invalid_code": ssda903("143"),
    "cla_episodes.legal_status.invalid_code": ssda903("144"),
    "cla_episodes.placement_type.invalid_code": ssda903("146"),
    "cla_episodes.reason_ceased.invalid_code": ssda903("149"),
    # Both rows of an overlap are flagged: an open one is 142 (an episode follows it but it has not ended), an
    # ended one 501 (the next starts before its end); per child this is the validator's pair but for an ended
    # episode that starts inside a still-open one (501 extra: the validator needs the earlier end date).
    "cla_episodes.overlapping_episodes": ssda903("142", scope="s.end_date is null")
    + ssda903("501", scope="s.end_date is not null"),
    "allocations.start_date.required": ssda903("SW04STG1"),
    "allocations.start_date.not_a_date": ssda903("SW04STG1"),
    "allocations.start_date.in_future": ssda903("SW06STG2"),
    "allocations.end_date.not_a_date": ssda903("SW05STG1"),
    "allocations.end_date.in_future": ssda903("SW07STG2"),
    "allocations.end_date_before_start_date": ssda903("SW18STG2"),
    # issue 24: the census's ICPC after the extract date; a CP review with no date
    "section47_enquiries.icpc_date.in_future": cin("8715"),
    "cp_reviews.review_date.required": cin("8842Q"),
}

# SSDA903 missing.csv (missing_episodes) and reviews.csv (cla_reviews), issue 24: the contract's own checks on these
# optional files evaluate the DfE's date, code and blank-field rules. 564-566 and 167 flag a blank field only when
# another is filled (the validator's own condition, as a scope). A lower-case code is no DfE error (the validator
# capitalises every value it reads). 570/571: the extract date is the collection year's end.
TAGS |= {
    "missing_episodes.start_date.required": ssda903("1004") + ssda903("564", scope="s.missing_or_absent in ('M', 'A')"),
    "missing_episodes.start_date.not_a_date": ssda903("1004"),
    "missing_episodes.start_date.us_date": ssda903("1004"),
    "missing_episodes.end_date.not_a_date": ssda903("1005"),
    "missing_episodes.end_date.us_date": ssda903("1005"),
    "missing_episodes.missing_or_absent.invalid_code": ssda903("1006"),
    "missing_episodes.missing_or_absent.required": ssda903("565", scope="s.start_date_text is not null")
    + ssda903("566", scope="s.end_date_text is not null"),
    "missing_episodes.end_date_before_start_date": ssda903("567"),
    "missing_episodes.start_date.in_future": ssda903("570"),
    "missing_episodes.end_date.in_future": ssda903("571"),
    "cla_reviews.review_date.required": ssda903("166") + ssda903("167", scope="s.participation_text is not null"),
    "cla_reviews.review_date.not_a_date": ssda903("166"),
    "cla_reviews.review_date.us_date": ssda903("166"),
    "cla_reviews.participation.required": ssda903("167", scope="s.review_date_text is not null"),
    "cla_reviews.participation.invalid_code": ssda903("167"),
}

# SQL fragments reused by the ported rules.
REFERRAL = "<<stg:referrals>> p where p.referral_id = s.referral_id"
CHILD = "<<stg:children>> c where c.child_id = s.child_id"
# The census rule "started more than 45 working days before the reference date": the working day 45
# working days before the extract date (44 before the last working day when the extract date is not one).
FORTY_FIVE_WD_BEFORE_EXTRACT = (
    "(select max(w.calendar_date) from <<ref:working_days>> w where w.is_working_day and w.working_day_number <= "
    "(select e.working_day_number - 45 + case when e.is_working_day then 0 else 1 end "
    "from <<ref:working_days>> e where e.calendar_date = <<extract_date>>))"
)
# Episodes of one child in the 903's order (start date), each with its neighbours' values: computed once
# per rule (an uncorrelated subquery), not once per row.
# Every window a rule orders rows in ends with the row's source line: duplicate rows (same key, same dates) would
# otherwise be ordered arbitrarily, and the dbt models and the one-pass check could count different rows
# (seen at the national preset). tests/quality/test_registry.py checks it.
EPISODES_IN_ORDER = (
    "(select o.*, row_number() over w as episode_number, lag(o.end_date) over w as previous_end, "
    "lag(o.reason_ceased) over w as previous_reason, lag(o.legal_status) over w as previous_legal_status, "
    "lag(o.placement_type) over w as previous_placement, lag(o.placement_type, 2) over w as placement_before_previous, "
    "lead(o.start_date) over w as next_start "
    "from <<stg:cla_episodes>> o "
    "window w as (partition by o.child_id order by o.start_date, o.episode_id, o.source_line))"
)


def _episodes_where(condition: str) -> str:
    return f"s.episode_id in (select q.episode_id from {EPISODES_IN_ORDER} q where {condition})"


LOOKED_AFTER_AT_EXTRACT = (
    "exists (select 1 from <<stg:cla_episodes>> e where e.child_id = s.child_id "
    "and e.start_date <= <<extract_date>> and (e.end_date is null or e.end_date > <<extract_date>>))"
)


def _rule(id_: str, description: str, predicate: str, dfe, kind: str = "inconsistent_fields") -> Rule:
    file = id_.split(".")[0]
    return Rule(
        id=id_, file=file, description=description, dimension="consistency", severity="medium", action="flag",
        defect_kind=kind, predicate=predicate, dfe=dfe, may_block=False,
    )  # fmt: skip


def cin_census_rules() -> list[Rule]:
    return [
        _rule("assessments.open_over_45_working_days",
              "assessment not authorised and started more than 45 working days before the extract date",
              f"s.authorised_date is null and s.start_date < {FORTY_FIVE_WD_BEFORE_EXTRACT}", cin("8670Q")),
        _rule("referrals.closed_with_open_assessment", "referral closed while one of its assessments is not authorised",
              "s.closure_date is not null and exists (select 1 from <<stg:assessments>> a "
              "where a.referral_id = s.referral_id and a.authorised_date is null and a.authorised_date_text is null)",
              cin("8867"), "case_activity"),
        _rule("referrals.activity_after_closure",
              "referral closed before an assessment started or was authorised, or a CIN plan started or ended, "
              "or a CP plan ended, on the same referral",
              "s.closure_date is not null and (exists (select 1 from <<stg:assessments>> a "
              "where a.referral_id = s.referral_id and (a.start_date > s.closure_date "
              "or a.authorised_date > s.closure_date)) or exists (select 1 from <<stg:plans>> pl "
              "where pl.referral_id = s.referral_id and (pl.end_date > s.closure_date "
              "or (pl.plan_type = 'CIN' and pl.start_date > s.closure_date))))", cin("8565"), "case_activity"),
        _rule("referrals.more_than_one_open_episode",
              "child has more than one open referral (no closure date) that is not NFA: flags the open ones",
              "s.closure_date_text is null and (select count(*) from <<stg:referrals>> o where o.child_id = s.child_id "
              "and o.closure_date_text is null and o.nfa = false) > 1", cin("8815"), "overlapping_episodes"),
        _rule("referrals.overlapping_episodes",
              "referral starts on or after another referral of the child and before that one closed "
              "(or, open and not NFA, before the extract date)",
              "exists (select 1 from <<stg:referrals>> o where o.child_id = s.child_id "
              "and o.referral_id <> s.referral_id and s.referral_date >= o.referral_date "
              "and ((o.closure_date is not null and s.referral_date < o.closure_date) or "
              "(o.closure_date_text is null and o.nfa = false and s.referral_date < <<extract_date>>)))",
              cin("8820"), "overlapping_episodes"),
        _rule("referrals.open_episode_not_latest",
              "open referral that is not NFA is not the child's latest referral",
              "s.closure_date_text is null and s.nfa = false and exists (select 1 from <<stg:referrals>> o "
              "where o.child_id = s.child_id and (o.referral_date > s.referral_date "
              # two referrals on the latest day: the first in the return is the latest (the validator's idxmax)
              "or (o.referral_date = s.referral_date and o.source_line < s.source_line)))", cin("8816"),
              "overlapping_episodes"),
        _rule("assessments.more_than_one_open", "another assessment of the same referral is also not authorised",
              "s.authorised_date_text is null and exists (select 1 from <<stg:assessments>> o "
              "where o.referral_id = s.referral_id and o.assessment_id <> s.assessment_id "
              "and o.authorised_date_text is null)", cin("8896"), "overlapping_plans"),
        _rule("assessments.starts_during_another",
              "assessment starts on or after another assessment of the same referral started and before it was "
              "authorised (or while it is still open); exact duplicates (same start and authorisation) excepted",
              "exists (select 1 from <<stg:assessments>> o where o.referral_id = s.referral_id "
              "and o.assessment_id <> s.assessment_id and s.start_date >= o.start_date "
              "and not (o.start_date = s.start_date and o.authorised_date is not distinct from s.authorised_date) "
              "and ((o.authorised_date is not null and s.start_date <= o.authorised_date) "
              "or (o.authorised_date is null and s.start_date <= <<extract_date>>)))", cin("8863Q"),
              "overlapping_plans"),
        _rule("plans.cp_started_before_referral", "CP plan starts before its referral date",
              f"{CP} and exists (select 1 from {REFERRAL} and s.start_date < p.referral_date)", cin("1105")),
        _rule("plans.cin_started_before_referral", "CIN plan starts before its referral date",
              f"{CIN_PLAN} and exists (select 1 from {REFERRAL} and s.start_date < p.referral_date)", cin("4015")),
        _rule("referrals.primary_need_missing_after_assessment",
              "referral not NFA has an authorised assessment but no primary need code",
              "s.nfa = false and s.primary_need_code_text is null and exists (select 1 from <<stg:assessments>> a "
              "where a.referral_id = s.referral_id and a.authorised_date is not null)", cin("8610")),
        _rule("referrals.closed_after_assessment_without_assessment",
              "closure reason RC8/RC9 (closed after assessment) but the referral has no assessment",
              "s.closure_reason in ('RC8', 'RC9') and not exists (select 1 from <<stg:assessments>> a "
              "where a.referral_id = s.referral_id)", cin("8825Q")),
        _rule("referrals.closed_died_without_death_date",
              "closure reason RC2 (died) but the child has no date of death",
              f"s.closure_reason = 'RC2' and exists (select 1 from {CHILD} and c.date_of_death_text is null)",
              cin("8585Q")),
        _rule("referrals.after_death", "referral dated after the child's date of death",
              f"exists (select 1 from {CHILD} and s.referral_date > c.date_of_death)", cin("8555Q")),
        _rule("referrals.more_than_40_weeks_before_birth",
              "referral more than 280 days before the child's date of birth or expected date of birth",
              f"exists (select 1 from {CHILD} and (s.referral_date < c.date_of_birth - interval 280 day "
              "or s.referral_date < c.expected_date_of_birth - interval 280 day))", cin("8606"), "inconsistent_fields"),
        _rule("plans.cin_on_nfa_referral", "CIN plan on a referral marked no further action",
              f"{CIN_PLAN} and exists (select 1 from {REFERRAL} and p.nfa)", cin("4000"), "case_activity"),
        _rule("plans.cp_on_nfa_referral", "CP plan on a referral marked no further action",
              f"{CP} and exists (select 1 from {REFERRAL} and p.nfa)", cin("8832"), "case_activity"),
        _rule("assessments.on_nfa_referral",
              "assessment on a referral marked no further action (enquiries have a rule of their own)",
              f"exists (select 1 from {REFERRAL} and p.nfa)", cin("8831"), "case_activity"),
        _rule("plans.on_referral_closed_after_assessment",
              "CIN or CP plan on a referral closed as RC8/RC9 (closed after assessment; enquiries: own rule)",
              f"exists (select 1 from {REFERRAL} and p.closure_reason in ('RC8', 'RC9'))", cin("2990"),
              "case_activity"),
        _rule("plans.more_than_one_open_cin_plan", "another CIN plan of the same referral has no end date either",
              f"{CIN_PLAN} and s.end_date_text is null and exists (select 1 from <<stg:plans>> o "
              "where o.referral_id = s.referral_id and o.plan_type = 'CIN' and o.plan_id <> s.plan_id "
              "and o.end_date_text is null)", cin("4004"), "overlapping_plans"),
        _rule("plans.more_than_one_open_cp_plan", "the child has another CP plan without an end date",
              f"{CP} and s.end_date_text is null and exists (select 1 from <<stg:plans>> o "
              "where o.child_id = s.child_id and o.plan_type = 'CP' and o.plan_id <> s.plan_id "
              "and o.end_date_text is null)", cin("8935"), "overlapping_cp_plans"),
        _rule("plans.open_cin_and_cp_plan", "a CIN plan and a CP plan of the same referral both without an end date",
              "s.end_date_text is null and exists (select 1 from <<stg:plans>> o where o.referral_id = s.referral_id "
              "and o.plan_type <> s.plan_type and o.end_date_text is null "
              "and (case when s.plan_type = 'CIN' then s.start_date_text else o.start_date_text end) is not null)",
              cin("4001"), "cin_plan_alongside_cp"),
        _rule("plans.cp_same_day", "CP plan starts and ends on the same day",
              f"{CP} and s.end_date = s.start_date", cin("8840")),
        _rule("plans.cin_same_day", "CIN plan starts and ends on the same day",
              f"{CIN_PLAN} and s.end_date = s.start_date", cin("4012Q")),
        _rule("plans.starts_after_death", "plan starts after the child's date of death",
              f"exists (select 1 from {CHILD} and s.start_date > c.date_of_death)",
              cin("4008", scope=CIN_PLAN) + cin("8915", scope=CP)),
        _rule("plans.ends_after_death", "plan ends after the child's date of death",
              f"exists (select 1 from {CHILD} and s.end_date > c.date_of_death)",
              cin("4009Q", scope=CIN_PLAN) + cin("8920", scope=CP)),
        _rule("children.unborn_sex_not_u", "unborn child (expected date of birth only) with sex other than U",
              "s.date_of_birth_text is null and s.expected_date_of_birth is not null and s.sex <> 'U'", cin("8750")),
        _rule("children.expected_birth_out_of_range",
              "expected date of birth not between 30 days before and 9 months after the extract date",
              "s.expected_date_of_birth <= <<extract_date>> - interval 30 day "
              "or s.expected_date_of_birth >= <<extract_date>> + interval 9 month", cin("8530Q")),
        _rule("children.over_25_open_case", "child over 25 at the extract date with a referral open then or closed "
              "after their 25th birthday",
              "s.date_of_birth < <<extract_date>> - interval 25 year and exists (select 1 from <<stg:referrals>> r "
              "where r.child_id = s.child_id and (r.closure_date_text is null "
              "or r.closure_date > s.date_of_birth + interval 25 year))", cin("8775Q"), "dob_out_of_range"),
        _rule("assessments.factors_on_open_assessment", "assessment factors recorded on an assessment not authorised",
              "s.authorised_date_text is null and s.factors is not null", cin("8614")),
        _rule("assessments.factor_21_with_others", "factor 21 (no factors identified) combined with other factors",
              "list_contains(string_split(s.factors, '|'), '21') and len(string_split(s.factors, '|')) > 1",
              cin("8869")),
        _rule("assessments.factor_repeated", "the same assessment factor code appears twice",
              "len(string_split(s.factors, '|')) > len(list_distinct(string_split(s.factors, '|')))", cin("8898")),
        _rule("assessments.factor_18a", "assessment factor 18A is no longer used (use 18B or 18C)",
              "list_contains(string_split(s.factors, '|'), '18A')", cin("8945Q")),
        _rule("assessments.factor_19a", "assessment factor 19A is no longer used (use 19B or 19C)",
              "list_contains(string_split(s.factors, '|'), '19A')", cin("8950Q")),
    ]  # fmt: skip


def ssda903_rules() -> list[Rule]:
    return [
        _rule("cla_episodes.continuation_not_contiguous",
              "episode continues a period of care (reason P, L, T, U or B) but does not start the day the child's "
              "previous episode ended", _episodes_where(
                  "q.reason_new_episode in ('P', 'L', 'T', 'U', 'B') and q.episode_number > 1 "
                  "and (q.previous_end is null or q.start_date is null or q.previous_end <> q.start_date)"),
              ssda903("433"), "episode_sequence"),
        _rule("cla_episodes.new_period_not_s",
              "previous episode ceased the period of care (reason other than X1) but this episode's reason is not S",
              _episodes_where("q.reason_new_episode <> 'S' and q.previous_reason <> 'X1'"),
              ssda903("432"), "episode_sequence"),
        _rule("cla_episodes.x1_without_continuation",
              "reason ceased X1 (new episode) with no episode starting that day, or another reason with one",
              _episodes_where("q.end_date is not null and ((q.reason_ceased = 'X1' and "
                              "(q.next_start is null or q.next_start <> q.end_date)) "
                              "or (q.reason_ceased <> 'X1' and q.next_start = q.end_date))"),
              ssda903("388"), "episode_sequence"),
        _rule("cla_episodes.legal_status_change_not_reflected",
              "reason L (legal status change only) but the legal status is unchanged or the placement type changed "
              "(placement provider, postcode and URN are not in the extract)",
              _episodes_where("q.reason_new_episode = 'L' and q.episode_number > 1 and "
                              "(q.previous_legal_status = q.legal_status or q.previous_placement <> q.placement_type)"),
              ssda903("434"), "episode_sequence"),
        _rule("cla_episodes.placement_change_not_reflected",
              "reason P or T (placement change) but the legal status changed (an unchanged placement cannot be shown: "
              "provider, postcode and URN are not in the extract)",
              _episodes_where("q.reason_new_episode in ('P', 'T') and q.episode_number > 1 "
                              "and q.previous_legal_status <> q.legal_status"),
              ssda903("435"), "episode_sequence"),
        _rule("cla_episodes.both_changes_not_reflected",
              "reason B or U (placement and legal status change) but the legal status is unchanged",
              _episodes_where("q.reason_new_episode in ('B', 'U') and q.episode_number > 1 "
                              "and q.previous_legal_status = q.legal_status"),
              ssda903("436"), "episode_sequence"),
        _rule("cla_episodes.less_than_a_day", "episode starts and ends on the same day (under 24 hours)",
              "s.end_date = s.start_date", ssda903("355")),
    ]  # fmt: skip


def _episode_age_rules() -> list[Rule]:
    """903 rules on an episode and the child's age (date of birth stays in staging for validation only)."""
    # max(): a duplicated child_id (a defect excluded elsewhere) must not break the scalar subquery.
    dob = "(select max(c.date_of_birth) from <<stg:children>> c where c.child_id = s.child_id)"
    temporary = "('T0', 'T1', 'T2', 'T3', 'T4')"

    def placement_min_age(code: str, years: int, dfe: str) -> Rule:
        # As the DfE's check: ended episodes only.
        return _rule(
            f"cla_episodes.{code.lower()}_under_{years}",
            f"placement {code} for a child under {years} at the episode's start",
            f"s.placement_type = '{code}' and s.end_date is not null and s.start_date < {dob} + interval {years} year",
            ssda903(dfe),
            "dob_out_of_range",
        )

    def temporary_max_days(code: str, days: int, dfe: str) -> Rule:
        return _rule(
            f"cla_episodes.{code.lower()}_over_{days}_days",
            f"temporary placement {code} lasting more than {days} days",
            f"s.placement_type = '{code}' and s.end_date > s.start_date + interval {days} day",
            ssda903(dfe),
            "episode_sequence",
        )

    return [
        _rule("cla_episodes.started_at_18_or_over", "child started to be looked after (RNE S) at 18 or over",
              f"s.reason_new_episode = 'S' and s.start_date >= {dob} + interval 18 year", ssda903("352"),
              "dob_out_of_range"),
        _rule("cla_episodes.before_14_october_1991", "episode starts before 14 October 1991 (Children Act 1989)",
              "s.start_date < date '1991-10-14'", ssda903("353")),
        # In a return (data from <<data_start>>), the first episode in the data is the child's first ever
        # only when it starts in the collection year: one open at 1 April began in an earlier return.
        _rule("cla_episodes.first_episode_not_s", "the child's first episode has a reason for new episode other "
              "than S (in a statutory return: a first episode starting in its collection year)",
              _episodes_where("q.episode_number = 1 and q.reason_new_episode <> 'S' "
                              "and q.start_date >= coalesce(<<data_start>>, q.start_date)"), ssda903("357"),
              "episode_sequence"),
        _rule("cla_episodes.youth_justice_under_10", "legal status J1, J2 or J3 for a child under 10",
              f"s.legal_status in ('J1', 'J2', 'J3') and {dob} + interval 10 year >= s.start_date", ssda903("358"),
              "dob_out_of_range"),
        placement_min_age("K3", 16, "371"),
        placement_min_age("R5", 10, "372"),
        placement_min_age("S1", 4, "373"),
        placement_min_age("P3", 14, "374"),
        temporary_max_days("T1", 42, "375"),
        temporary_max_days("T3", 21, "376"),
        temporary_max_days("T4", 7, "379"),
        _rule("cla_episodes.temporary_placement_starts_period",
              "temporary placement (T0-T4) on an episode whose reason is not P or B",
              f"s.placement_type in {temporary} and s.reason_new_episode not in ('P', 'B')", ssda903("380"),
              "episode_sequence"),
        _rule("cla_episodes.temporary_placement_ends_period", "period of care ends with a temporary placement",
              f"s.placement_type in {temporary} and s.reason_ceased <> 'X1'", ssda903("381"), "episode_sequence"),
        _rule("cla_episodes.respite_in_temporary_placement", "respite (V3/V4) in a temporary placement",
              f"s.legal_status in ('V3', 'V4') and s.placement_type in {temporary}", ssda903("382")),
        _rule("cla_episodes.adopted_at_18", "ceased adopted (E11/E12) at 18 or over",
              f"s.reason_ceased in ('E11', 'E12') and s.end_date >= {dob} + interval 18 year", ssda903("386"),
              "dob_out_of_range"),
        _rule("cla_episodes.independent_living_under_14", "ceased to independent living (E5/E6) under 14",
              f"s.reason_ceased in ('E5', 'E6') and s.end_date < {dob} + interval 14 year", ssda903("387"),
              "dob_out_of_range"),
        _rule("cla_episodes.adult_services_under_16", "ceased to adult social care (E7) under 16",
              f"s.reason_ceased = 'E7' and s.end_date < {dob} + interval 16 year", ssda903("389"),
              "dob_out_of_range"),
        _rule("cla_episodes.sgo_after_18", "ceased to a special guardianship order (E45-E48) after turning 18",
              f"s.reason_ceased in ('E45', 'E46', 'E47', 'E48') and s.end_date > {dob} + interval 18 year",
              ssda903("407"), "dob_out_of_range"),
        _rule("cla_episodes.adoption_placement_without_placement_order",
              "placed for adoption (A5/A6) without legal status E1 (placement order)",
              "s.placement_type in ('A5', 'A6') and s.legal_status <> 'E1'", ssda903("408")),
        _rule("cla_episodes.new_period_same_day", "reason S (started to be looked after) but the previous episode "
              "ended on or after this start", _episodes_where("q.reason_new_episode = 'S' and q.start_date <= "
              "q.previous_end"), ssda903("431"), "episode_sequence"),
        _rule("cla_episodes.episode_after_death_or_18", "ceased as died (E2) or 18+ (E15) but a later episode "
              "exists", _episodes_where("q.reason_ceased in ('E2', 'E15') and q.next_start is not null"),
              ssda903("437"), "episode_sequence"),
        _rule("cla_episodes.e1_before_december_2005", "legal status E1 on an episode starting before 1 December 2005",
              "s.legal_status = 'E1' and s.start_date < date '2005-12-01'", ssda903("446")),
        _rule("cla_episodes.stayed_with_carers_under_18", "ceased E17 (stayed with carers at 18) under 18",
              f"s.reason_ceased = 'E17' and s.end_date < {dob} + interval 18 year", ssda903("460"),
              "dob_out_of_range"),
        _rule("cla_episodes.after_adoption", "episode of a child who ceased to be looked after adopted (E11/E12) "
              "before, other than that first adoption episode", "exists (select 1 from <<stg:cla_episodes>> a "
              "where a.child_id = s.child_id and a.reason_ceased in ('E11', 'E12') and (a.start_date < s.start_date "
              "or (a.start_date = s.start_date and a.episode_id < s.episode_id)))", ssda903("199"), "episode_sequence"),
        _rule("cla_episodes.adoption_not_after_foster", "placed for adoption (A3/A4) straight after a placement "
              "that was neither foster (U1-U6) nor adoption (A3-A6)", _episodes_where(
                  "q.placement_type in ('A3', 'A4') and q.episode_number > 1 and q.previous_placement not in "
                  "('A3', 'A4', 'A5', 'A6', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6')"), ssda903("336"),
              "episode_sequence"),
        _rule("cla_episodes.respite_in_long_term_foster", "respite (V3/V4) in a long-term foster placement (U1/U4)",
              "s.legal_status in ('V3', 'V4') and s.placement_type in ('U1', 'U4')", ssda903("384")),
        _rule("cla_episodes.adopted_without_adoption_placement", "ceased adopted (E11/E12) from a placement other "
              "than an adoption placement (A3-A6)", "s.reason_ceased in ('E11', 'E12') and s.placement_type not in "
              "('A3', 'A4', 'A5', 'A6')", ssda903("390")),
        _rule("cla_episodes.sgo_former_carers_not_foster", "ceased to a special guardianship order by former foster "
              "carers (E45/E46) from a placement other than foster care (U1-U6)", "s.reason_ceased in ('E45', 'E46') "
              "and s.placement_type not in ('U1', 'U2', 'U3', 'U4', 'U5', 'U6')", ssda903("516")),
        _rule("cla_episodes.respite_over_17_days", "short-term respite (V3) episode over 17 days (open: to the "
              "extract date)", "s.legal_status = 'V3' and coalesce(s.end_date, <<extract_date>>) > s.start_date "
              "+ interval 17 day", ssda903("365"), "episode_sequence"),
        _rule("cla_episodes.respite_not_new_period", "short-term respite (V3) on an episode whose reason is not S",
              "s.legal_status = 'V3' and s.reason_new_episode <> 'S'", ssda903("366"), "episode_sequence"),
        _rule("cla_episodes.open_over_18_not_v2_k2", "episode open at the extract date of a young person over 18 "
              "who is not accommodated under V2 in a K2 home", f"s.end_date_text is null and {dob} + interval 18 year "
              "< <<extract_date>> and not (s.legal_status = 'V2' and s.placement_type = 'K2')", ssda903("359"),
              "dob_out_of_range"),
        _rule("cla_episodes.first_episode_before_birth", "the child's first episode starts before the date of birth",
              f"{_episodes_where('q.episode_number = 1')} and s.start_date < {dob}", ssda903("302"),
              "dob_out_of_range"),
    ]  # fmt: skip


def retired_code_rules() -> list[Rule]:
    """A code the DfE retired, on an episode still running after the retirement date (contract `retired`)."""
    source = load_contract().code_list_sources["placement_type"]
    parts = [
        f"(s.placement_type = '{code}' and coalesce(s.end_date, <<extract_date>>) >= date '{day}')"
        for code, day in sorted(source.retired.items())
    ]
    return [
        _rule("cla_episodes.placement_type_retired",
              f"placement type retired by the DfE ({', '.join(sorted(source.retired))}) on an episode running after "
              "its retirement", " or ".join(parts), ssda903("146"), "invalid_code"),
    ]  # fmt: skip


def social_worker_rules() -> list[Rule]:
    # The 903's social worker episodes are the allocations of looked-after children.
    looked_after = "exists (select 1 from <<stg:cla_episodes>> e where e.child_id = s.child_id)"
    return [
        _rule("allocations.earlier_still_open",
              "looked-after child's allocation is still open although a later allocation has started",
              f"s.end_date_text is null and {looked_after} and exists (select 1 from <<stg:allocations>> o "
              "where o.child_id = s.child_id and o.allocation_id <> s.allocation_id and (o.start_date > s.start_date "
              "or (o.start_date = s.start_date and o.allocation_id > s.allocation_id)))",
              ssda903("SW08STG2"), "allocation_sequence"),
        _rule("allocations.none_open_for_looked_after",
              "child looked after at the extract date whose latest allocation has ended",
              f"s.end_date is not null and {LOOKED_AFTER_AT_EXTRACT} and not exists "
              "(select 1 from <<stg:allocations>> o where o.child_id = s.child_id "
              "and o.allocation_id <> s.allocation_id and (o.start_date > s.start_date "
              "or (o.start_date = s.start_date and o.allocation_id > s.allocation_id)))",
              ssda903("SW17STG2"), "allocation_sequence"),
        _rule("allocations.same_start_day", "looked-after child has another allocation starting the same day",
              f"{looked_after} and exists (select 1 from <<stg:allocations>> o where o.child_id = s.child_id "
              "and o.allocation_id < s.allocation_id and o.start_date = s.start_date)",
              ssda903("SW19STG2"), "allocation_sequence"),
        _rule("allocations.less_than_a_day", "looked-after child's allocation starts and ends on the same day",
              f"s.end_date = s.start_date and {looked_after}", ssda903("SW09STG2"), "allocation_sequence"),
    ]  # fmt: skip


# Factor codes of the census's AssessmentFactorsList (cin2024_25 rule 8897Q's list).
ASSESSMENT_FACTORS = (
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C",
    "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18A",
    "18B", "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A",
)  # fmt: skip
# The census year's first day (the reference date a year back, plus a day), rolled forward to a working day:
# the validator's `collection_start - england_working_days(1)`.
CENSUS_START_WORKING_DAY = (
    "(select min(w.calendar_date) from <<ref:working_days>> w where w.is_working_day "
    "and w.calendar_date >= <<extract_date>> - interval 1 year + interval 1 day)"
)


def _sex_not_recorded(alias: str) -> str:
    return f"(({alias}.sex is null or {alias}.sex = 'U') and {alias}.expected_date_of_birth_text is null)"


def cin_census_more_rules() -> list[Rule]:
    factor_list = "[" + ", ".join(f"'{f}'" for f in ASSESSMENT_FACTORS) + "]"
    return [
        _rule("children.sex_not_recorded_over_2_percent",
              "child (not unborn) without a sex, or with sex U, while more than 2% of the children have none "
              "(the DfE's query is on the return's share; each such child is flagged)",
              f"{_sex_not_recorded('s')} and (select count(*) from <<stg:children>> c where {_sex_not_recorded('c')}) "
              "> 0.02 * (select count(*) from <<stg:children>>)", cin("2886Q")),
        _rule("referrals.nfa_before_census_year",
              "referral marked no further action although dated before the census year's first working day (the "
              "census year ends on the extract date); on a case-management export only one still open at its start",
              f"s.nfa is not false and s.referral_date < {CENSUS_START_WORKING_DAY} "
              # a census holds only this year's episodes: every one is checked, as the validator does
              f"and ({CENSUS_START} is not null or s.closure_date_text is null "
              "or s.closure_date >= <<extract_date>> - interval 1 year + interval 1 day)", cin("8569Q"),
              "case_activity"),
        _rule("assessments.no_factors_single_assessment_not_closed_rc8",
              "the referral's only assessment has factor 21 (no factors identified) but the referral is not "
              "closed RC8 or RC9 (closed after assessment)",
              "list_contains(string_split(s.factors, '|'), '21') and not exists (select 1 from <<stg:assessments>> "
              "o where o.referral_id = s.referral_id and o.assessment_id <> s.assessment_id) and exists "
              f"(select 1 from {REFERRAL} and (p.closure_reason is null or p.closure_reason not in ('RC8', 'RC9')))",
              cin("8873Q"), "case_activity"),
        _rule("assessments.completed_without_factors",
              "authorised assessment (in a census return: authorised in the census year) without assessment factors, "
              "or with a code outside the census's factor list",
              f"s.authorised_date >= coalesce({CENSUS_START}, s.authorised_date) and (s.factors is null or "
              f"not list_has_all({factor_list}, string_split(s.factors, '|')))", cin("8897Q")),
    ]  # fmt: skip


# Runs of a child's consecutive episodes under one legal status (each starting no later than the previous one
# ended): first start and last end (open: the extract date), per episode. Computed once per rule.
LEGAL_STATUS_SPELLS = (
    "(select g.episode_id, g.legal_status, min(g.start_date) over p as spell_start, "
    "max(coalesce(g.end_date, <<extract_date>>)) over p as spell_end from (select b.*, sum(b.new_spell) over "
    "(partition by b.child_id order by b.start_date, b.episode_id, b.source_line) as spell from (select o.*, case when "
    "lag(o.legal_status) over w = o.legal_status and lag(o.end_date) over w >= o.start_date then 0 else 1 end "
    "as new_spell from <<stg:cla_episodes>> o where o.start_date is not null "
    "window w as (partition by o.child_id order by o.start_date, o.episode_id, o.source_line)) b) g "
    "window p as (partition by g.child_id, g.spell))"
)
# The collection year (1 April - 31 March) an episode's start falls in, named by its first year. In a statutory
# return (data from <<data_start>>) an episode open at 1 April counts in the return's year, as the DfE's
# validator counts every episode of the return.
COLLECTION_YEAR = "year(greatest(o.start_date, coalesce(<<data_start>>, o.start_date)) - interval 3 month)"


def _legal_status_limit(code: str, days: int, what: str, dfe: str) -> Rule:
    return _rule(
        f"cla_episodes.{code.lower()}_over_{days}_days",
        f"{what} (legal status {code}) lasting more than {days} days over consecutive episodes (open: to the "
        "extract date)",
        f"s.legal_status = '{code}' and s.episode_id in (select q.episode_id from {LEGAL_STATUS_SPELLS} q "
        f"where q.legal_status = '{code}' and q.spell_end > q.spell_start + interval {days} day)",
        ssda903(dfe),
        "episode_sequence",
    )


def episode_more_rules() -> list[Rule]:
    # Each collection year touched by a V3 episode: its days in that year (start and end cut to the year).
    v3_days = (
        "(select v.episode_id, v.child_id, y.year_start, date_diff('day', greatest(v.start_date, y.year_start), "
        "least(coalesce(v.end_date, <<extract_date>>), cast(y.year_start + interval 1 year - interval 1 day as date)))"
        " as day_count from <<stg:cla_episodes>> v, (select make_date(cast(n.year_number as integer), 4, 1) as "
        "year_start from (select unnest(range(1991, 2101)) as year_number) as n) as y "
        "where v.legal_status = 'V3' and v.start_date is not null "
        # a statutory return: only its collection year (the days before 1 April are last year's return)
        "and y.year_start >= coalesce(<<data_start>>, y.year_start) "
        "and y.year_start <= coalesce(v.end_date, <<extract_date>>) "
        "and y.year_start + interval 1 year > v.start_date)"
    )
    return [
        _rule("cla_episodes.adoption_by_foster_carers_wrong_reason",
              "placed for adoption with current foster carers (A3/A5) from 1 April 2015 on an episode whose reason "
              "for new episode is not S, T or U", "s.placement_type in ('A3', 'A5') and s.start_date >= "
              "date '2015-04-01' and (s.reason_new_episode is null or s.reason_new_episode not in ('S', 'T', 'U'))",
              ssda903("217"), "episode_sequence"),
        _rule("children.looked_after_sex_unknown", "looked-after child whose sex is recorded as unknown (U)",
              "s.sex = 'U' and exists (select 1 from <<stg:cla_episodes>> e where e.child_id = s.child_id)",
              ssda903("232")),
        _legal_status_limit("L1", 3, "police protection", "361"),
        _legal_status_limit("L2", 21, "emergency protection order", "362"),
        _legal_status_limit("L3", 7, "child assessment order", "363"),
        _legal_status_limit("J2", 21, "PACE detention", "364"),
        _rule("cla_episodes.respite_over_75_days_a_year",
              "short-term respite (V3) episodes of one child totalling more than 75 days in a collection year "
              "(April-March; open: to the extract date)",
              f"s.legal_status = 'V3' and s.episode_id in (select d.episode_id from (select e.episode_id, "
              "sum(e.day_count) over (partition by e.child_id, e.year_start) as year_days from "
              f"{v3_days} e where e.day_count > 0) d where d.year_days > 75)", ssda903("367"), "episode_sequence"),
        _rule("cla_episodes.more_than_two_holiday_placements",
              "more than two temporary placements for the foster carers' holiday (T3) starting in one collection "
              "year", f"s.placement_type = 'T3' and s.episode_id in (select c.episode_id from (select o.episode_id,"
              f" count(*) over (partition by o.child_id, {COLLECTION_YEAR}) as n from <<stg:cla_episodes>> o "
              "where o.placement_type = 'T3' and o.start_date is not null) c where c.n > 2)", ssda903("377"),
              "episode_sequence"),
        _rule("cla_episodes.placed_with_parents_under_s20", "placed with parents (P1) under a single period of "
              "accommodation (section 20, V2)", "s.placement_type = 'P1' and s.legal_status = 'V2'",
              ssda903("378")),
        _rule("cla_episodes.no_return_after_temporary_placement",
              "episode after a temporary placement (T0-T4) whose reason is not P or whose placement type is not the "
              "one before the temporary placement (postcode part absent)", _episodes_where(
                  "q.episode_number > 2 and q.previous_placement in ('T0', 'T1', 'T2', 'T3', 'T4') and "
                  "(q.reason_new_episode is distinct from 'P' "
                  "or q.placement_type is distinct from q.placement_before_previous)"),
              ssda903("383"), "episode_sequence"),
        _rule("cla_episodes.respite_v3_and_v4_same_year",
              "respite under both V3 and V4 for one child in one collection year (by episode start)",
              "s.legal_status in ('V3', 'V4') and s.episode_id in (select c.episode_id from (select o.episode_id, "
              f"count(distinct o.legal_status) over (partition by o.child_id, {COLLECTION_YEAR}) as n "
              "from <<stg:cla_episodes>> o where o.legal_status in ('V3', 'V4') and o.start_date is not null) c "
              "where c.n = 2)", ssda903("426"), "episode_sequence"),
    ]  # fmt: skip


# Allocations of one child in the 903's order (start, then end), each with the previous one's end and whether
# it stands for a first contact: SW_REASON is not in the contract; an allocation starting on one of the
# child's referral dates stands for FCONTA (the first allocation of new work on the child).
ALLOCATIONS_IN_ORDER = (
    "(select a.allocation_id, a.start_date, row_number() over w as allocation_number, lag(a.end_date) over w "
    "as previous_end, lag(a.end_date_text) over w as previous_end_text, coalesce(a.start_date in (select "
    "r.referral_date from <<stg:referrals>> r where r.child_id = a.child_id), false) as first_contact "
    "from <<stg:allocations>> a where a.start_date is not null "
    "window w as (partition by a.child_id order by a.start_date, a.end_date nulls last, a.allocation_id, "
    "a.source_line))"
)


def _allocations_where(condition: str) -> str:
    looked_after = "exists (select 1 from <<stg:cla_episodes>> e where e.child_id = s.child_id)"
    return (
        f"{looked_after} and s.allocation_id in (select q.allocation_id from {ALLOCATIONS_IN_ORDER} q where "
        f"q.allocation_number > 1 and {condition})"
    )


def social_worker_more_rules() -> list[Rule]:
    march_31 = "make_date(year(s.end_date), 3, 31)"
    return [
        _rule("allocations.not_within_7_days_of_previous",
              "looked-after child's allocation that is not a first contact (does not start on a referral date) "
              "starts more than 7 days before or after the previous allocation ended, or while it is still open",
              _allocations_where("not q.first_contact and (q.previous_end_text is null or q.previous_end is null "
                                 "or q.start_date < q.previous_end - interval 7 day "
                                 "or q.start_date > q.previous_end + interval 7 day)"),
              ssda903("SW10STG2", "SW10aSTG2"), "allocation_sequence"),
        _rule("allocations.first_contact_before_previous_ended",
              "looked-after child's allocation starting on a referral date (a first contact) on or before the "
              "previous allocation's end", _allocations_where("q.first_contact and q.start_date <= q.previous_end"),
              ssda903("SW10bSTG2"), "allocation_sequence"),
        _rule("allocations.ended_before_31_march_none_after",
              "child looked after on 31 March whose latest allocation ended in the 5 days up to that 31 March",
              f"s.end_date between {march_31} - interval 5 day and {march_31} and not exists (select 1 from "
              "<<stg:allocations>> o where o.child_id = s.child_id and o.allocation_id <> s.allocation_id and "
              "(o.start_date > s.start_date or (o.start_date = s.start_date and o.allocation_id > s.allocation_id)))"
              f" and exists (select 1 from <<stg:cla_episodes>> e where e.child_id = s.child_id and e.start_date <= "
              f"{march_31} and (e.end_date_text is null or e.end_date > {march_31}))",
              ssda903("SW11bSTG2"), "allocation_sequence"),
    ]  # fmt: skip


# The previous extract (rules.py `<<prev:file>>`: raw values as delivered, trimmed and parsed here as staging
# parses them). For an imported SSDA903 return it is last year's imported return.
def _prev_date(column: str) -> str:
    parsed = (f"try_strptime(trim(p.{column}), '{layout}')" for layout in ("%Y-%m-%d", "%d/%m/%Y"))
    return f"cast(coalesce({', '.join(parsed)}) as date)"


PREV_CHILD = "nullif(trim(p.child_id), '')"
# The previous extract's episodes of the row's child, each with its rank from the latest (by start date).
PREV_EPISODES = (
    f"(select {PREV_CHILD} as child_id, {_prev_date('start_date')} as start_date, "
    f"{_prev_date('end_date')} as end_date, nullif(trim(p.end_date), '') as end_date_text, "
    "nullif(upper(trim(p.reason_new_episode)), '') as reason_new_episode, "
    "nullif(upper(trim(p.legal_status)), '') as legal_status, nullif(upper(trim(p.placement_type)), '') "
    f"as placement_type, row_number() over (partition by {PREV_CHILD} order by {_prev_date('start_date')} desc "
    "nulls last, p._source_line) as from_latest from <<prev:cla_episodes>> p)"
)
PREVIOUS_EXTRACT_DATE = "(select max(c._extract_date) from <<prev:children>> c)"


def _continuing_episode(condition: str) -> str:
    """Rows that are the episode continuing the previous extract's open episode pe of the child (this extract's
    first episode still running after pe started; for a 903 return, the child's first episode of the year)
    and where `condition` holds."""
    return (
        f"s.episode_id in (select f.episode_id from (select o.episode_id, o.start_date, o.reason_new_episode, "
        "o.legal_status, o.placement_type, pe.start_date as open_start, pe.reason_new_episode as open_rne, "
        "pe.legal_status as open_legal_status, pe.placement_type as open_placement, pe.from_latest, "
        "row_number() over (partition by o.child_id, pe.start_date "
        "order by o.start_date, o.episode_id, o.source_line) as n "
        f"from <<stg:cla_episodes>> o inner join {PREV_EPISODES} pe on o.child_id = pe.child_id "
        "where pe.end_date_text is null and pe.start_date is not null and o.start_date is not null "
        "and (o.end_date_text is null or o.end_date > pe.start_date)) f where f.n = 1 and " + condition + ")"
    )


def previous_extract_rules() -> list[Rule]:
    prev_child = (
        f"(select {PREV_CHILD} as child_id, nullif(upper(trim(p.sex)), '') as sex, {_prev_date('date_of_birth')}"
        " as date_of_birth, nullif(upper(trim(p.ethnicity)), '') as ethnicity from <<prev:children>> p)"
    )

    def changed(column: str, what: str, code: str) -> Rule:
        return _rule(f"children.{column}_differs_from_previous_extract",
                     f"{what} differs from the previous extract's for the same child",
                     f"exists (select 1 from {prev_child} pc where pc.child_id = s.child_id "
                     f"and pc.{column} is distinct from s.{column})", ssda903(code), "child_mismatch")  # fmt: skip

    def continuing_differs(column: str, open_column: str, what: str, code: str) -> Rule:
        return _rule(f"cla_episodes.{column}_differs_from_previous_open_episode",
                     f"{what} of the episode continuing the previous extract's open episode (the child's latest "
                     "there) differs from that episode's",
                     _continuing_episode(f"f.from_latest = 1 and f.{column} is distinct from f.{open_column}"),
                     ssda903(code), "episode_sequence")  # fmt: skip

    before_previous = f"s.start_date <= {PREVIOUS_EXTRACT_DATE}"
    return [
        changed("sex", "sex", "202"),
        changed("date_of_birth", "date of birth", "203"),
        changed("ethnicity", "ethnicity", "204"),
        _rule("cla_episodes.start_differs_from_previous_open_episode",
              "the previous extract ended with an open episode but the episode continuing it here starts on another "
              "date", _continuing_episode("f.start_date <> f.open_start"), ssda903("502"), "episode_sequence"),
        continuing_differs("reason_new_episode", "open_rne", "reason for new episode", "503A"),
        continuing_differs("legal_status", "open_legal_status", "legal status", "503B"),
        _rule("cla_episodes.placement_type_differs_from_previous_open_episode",
              "placement type of the episode continuing the previous extract's open episode (the child's latest "
              "there) differs from that episode's (H5 recoded K3, the retired code's successor, excepted)",
              _continuing_episode("f.from_latest = 1 and f.placement_type is distinct from f.open_placement "
                                  "and not (f.open_placement = 'H5' and f.placement_type = 'K3')"),
              ssda903("503D"), "episode_sequence"),
        _rule("cla_episodes.running_at_previous_extract_not_its_latest",
              "the child's latest episode starting on or before the previous extract's date does not start when the "
              "previous extract's latest episode of the child starts (a missing continuous episode)",
              f"{before_previous} and exists (select 1 from <<prev:cla_episodes>>) and s.episode_id = (select "
              "max_by(o.episode_id, o.start_date) from <<stg:cla_episodes>> o where o.child_id = s.child_id and "
              f"o.start_date <= {PREVIOUS_EXTRACT_DATE}) and not exists (select 1 from {PREV_EPISODES} pe where "
              "pe.child_id = s.child_id and pe.from_latest = 1 and pe.start_date = s.start_date)",
              ssda903("562"), "episode_sequence"),
        _rule("cla_episodes.no_episodes_in_previous_extract",
              "episode starting on or before the previous extract's date of a child with no episode in the "
              "previous extract", f"{before_previous} and exists (select 1 from <<prev:cla_episodes>>) and not "
              f"exists (select 1 from <<prev:cla_episodes>> p where {PREV_CHILD} = s.child_id)", ssda903("NoE"),
              "episode_sequence"),
    ]  # fmt: skip


# SSDA903 OC3 (care leavers) -> care_leavers (issue 24, optional): IN_TOUCH, ACTIV, ACCOM are in_touch, activity,
# accommodation; the 903's 0 ("not applicable") for ACTIV/ACCOM is an empty value. The OC3 holds one row per care
# leaver per return (the contact around the birthday in the collection year); the contract may hold several contacts
# per child, so each rule judges EVERY row, against the collection year its contact date falls in (1 April - 31
# March; an imported return's contact date is the birthday in the return's year, so that is the return's year).
TAGS |= {
    "care_leavers.in_touch.required": ssda903("131", "153"),  # blank IN_TOUCH beside 0/coded ACTIV, ACCOM: 153 too
    "care_leavers.in_touch.invalid_code": ssda903("131"),
    "care_leavers.activity.invalid_code": ssda903("132"),
    "care_leavers.accommodation.invalid_code": ssda903("133"),
}
# max(): a duplicated child row (a defect) must not make the scalar subquery return two rows, as `dob` above
LEAVER_DOB = "(select max(c.date_of_birth) from <<stg:children>> c where c.child_id = s.child_id)"
CONTACT_YEAR_START = "make_date(year(s.contact_date - interval 3 month), 4, 1)"
CONTACT_YEAR_END = "make_date(year(s.contact_date - interval 3 month) + 1, 3, 31)"
LEAVER_EPISODES = "<<stg:cla_episodes>> e where e.child_id = s.child_id"
# Each child's latest episode (by start date), the one the 903 calls final.
LATEST_EPISODES = (
    "(select o.child_id, o.reason_ceased, row_number() over (partition by o.child_id order by o.start_date desc, "
    "o.episode_id desc, o.source_line desc) as from_latest from <<stg:cla_episodes>> o where o.start_date is not null)"
)


def _age_at_year_end(years: int) -> str:
    return f"{LEAVER_DOB} + interval {years} year <= {CONTACT_YEAR_END}"


def _days_looked_after_since(years: int) -> str:
    """Days the child was looked after (V3/V4 short breaks left out) from their `years`th birthday on; an open
    episode counts to the extract date (the validator's collection end)."""
    since = f"greatest(e.start_date, {LEAVER_DOB} + interval {years} year)"
    return (
        f"(select coalesce(sum(greatest(date_diff('day', {since}, coalesce(e.end_date, <<extract_date>>)), 0)), 0) "
        f"from {LEAVER_EPISODES} and e.start_date is not null and e.legal_status not in ('V3', 'V4') "
        "and (e.end_date is not null or e.end_date_text is null))"
    )


def ssda903_care_leaver_rules() -> list[Rule]:
    """SSDA903 OC3 rules on care_leavers (see the block comment above)."""
    died_before = ("exists (select 1 from <<stg:care_leavers>> o where o.child_id = s.child_id and o.in_touch = "
                   "'DIED' and o.contact_date < s.contact_date)")  # fmt: skip
    prev_died = (f"exists (select 1 from <<prev:care_leavers>> p where {PREV_CHILD} = s.child_id and "
                 f"upper(trim(p.in_touch)) = 'DIED' and {_prev_date('contact_date')} < s.contact_date)")  # fmt: skip
    looked_after_on = ("exists (select 1 from {episodes} and e.start_date <= {day} and (e.end_date > {day} or "
                       "e.end_date_text is null))")  # fmt: skip
    birthday = (f"(case when {_age_at_year_end(18)} then {LEAVER_DOB} + interval 18 year "
                f"else {LEAVER_DOB} + interval 17 year end)")  # fmt: skip
    left_after = "exists (select 1 from {episodes} and e.end_date >= {dob} + interval {years} year)"
    return [
        _rule("care_leavers.activity_or_accommodation_died_or_home",
              "care leaver who died or went home to parents (in touch DIED/RHOM) with an activity or accommodation",
              "s.in_touch in ('DIED', 'RHOM') and (s.activity is not null or s.accommodation is not null)",
              ssda903("344")),
        _rule("care_leavers.in_touch_without_activity_or_accommodation",
              "care leaver in touch (YES) without an activity or an accommodation (the 903's 0)",
              "s.in_touch = 'YES' and (s.activity is null or s.accommodation is null)", ssda903("345")),
        _rule("care_leavers.under_17_in_collection_year",
              "care leaver not yet 17 at the end of the collection year of the contact",
              f"not ({_age_at_year_end(17)})", ssda903("391")),
        _rule("care_leavers.foster_carer_accommodation_at_17",
              "care leaver whose 17th birthday falls in the collection year of the contact living with former "
              "foster carers (accommodation Z1/Z2)",
              f"s.accommodation in ('Z1', 'Z2') and {LEAVER_DOB} + interval 17 year between {CONTACT_YEAR_START} "
              f"and {CONTACT_YEAR_END}", ssda903("3001")),
        _rule("care_leavers.foyer_under_18",
              "care leaver under 18 at the start of the collection year of the contact in a Foyer (accommodation "
              "T1/T2)", f"s.accommodation in ('T1', 'T2') and {LEAVER_DOB} + interval 18 year > {CONTACT_YEAR_START}",
              ssda903("347")),
        _rule("care_leavers.alive_after_died_contact",
              "care leaver contact not DIED after an earlier contact recorded the young person as having died",
              f"s.in_touch is distinct from 'DIED' and {died_before}", ssda903("348")),
        _rule("care_leavers.alive_after_died_in_previous_extract",
              "care leaver contact not DIED after the previous extract recorded the young person as having died "
              "(at an earlier contact)", f"s.in_touch is distinct from 'DIED' and {prev_died}", ssda903("348"),
              "child_mismatch"),
        _rule("care_leavers.died_in_care", "care leaver information for a child whose episode ended in death (E2)",
              f"exists (select 1 from {LEAVER_EPISODES} and e.reason_ceased = 'E2')", ssda903("1000")),
        _rule("care_leavers.not_relevant_or_former_relevant",
              "care leaver whose care (V3/V4 short breaks left out) was under 91 days from age 14 or none from age "
              "16, or whose final episode ended in adoption (E11/E12); a case-management extract only (whole "
              "histories)",
              f"<<data_start>> is null and ({_days_looked_after_since(14)} < 91 or {_days_looked_after_since(16)} < 1 "
              f"or exists (select 1 from {LATEST_EPISODES} l where l.child_id = s.child_id and l.from_latest = 1 and "
              "l.reason_ceased in ('E11', 'E12')))", ssda903("1001")),
        _rule("care_leavers.never_looked_after",
              "care leaver with no episode of care; a case-management extract only (whole histories)",
              f"<<data_start>> is null and not exists (select 1 from {LEAVER_EPISODES})", ssda903("1002")),
        _rule("care_leavers.looked_after_on_17th_or_18th_birthday",
              "care leaver aged 17 or 18 at the end of the collection year of the contact who was looked after on "
              "their latest birthday by then (17th or 18th)",
              f"{_age_at_year_end(17)} and not ({_age_at_year_end(19)}) and "
              + looked_after_on.format(episodes=LEAVER_EPISODES, day=birthday), ssda903("1007")),
        _rule("care_leavers.no_episodes_after_open_in_previous_extract",
              "care leaver with no episode here whose latest episode in the previous extract was open",
              f"not exists (select 1 from {LEAVER_EPISODES}) and exists (select 1 from {PREV_EPISODES} pe where "
              "pe.child_id = s.child_id and pe.from_latest = 1 and pe.start_date is not null and "
              "pe.end_date_text is null)", ssda903("1010"), "child_mismatch"),
        _rule("care_leavers.final_episode_transferred",
              "care leaver whose final episode ended in a transfer to another local authority (E3)",
              f"exists (select 1 from {LATEST_EPISODES} l where l.child_id = s.child_id and l.from_latest = 1 and "
              "l.reason_ceased = 'E3')", ssda903("1011")),
        _rule("care_leavers.left_care_after_17th_or_18th_birthday",
              "care leaver aged 17 (18) at the end of the collection year of the contact with an episode ending on "
              "or after their 17th (18th) birthday",
              f"({_age_at_year_end(17)} and not ({_age_at_year_end(18)}) and "
              + left_after.format(episodes=LEAVER_EPISODES, dob=LEAVER_DOB, years=17) + ") or ("
              f"{_age_at_year_end(18)} and not ({_age_at_year_end(19)}) and "
              + left_after.format(episodes=LEAVER_EPISODES, dob=LEAVER_DOB, years=18) + ")", ssda903("1016")),
    ]  # fmt: skip


# A child's periods of care as the DfE's 903 validator builds them (rules 577/578): episodes in start order, a new
# period where an episode starts after the previous one's end (an open previous episode continues the period), the
# period's end the end of its last episode (open: NULL). Computed once per rule.
CARE_PERIODS = (
    "(select b.child_id, min(b.start_date) as period_start, "
    "list(b.end_date order by b.start_date desc, b.source_line desc)[1] as period_end "
    "from (select a.*, sum(a.new_period) over (partition by a.child_id order by a.start_date, a.source_line) "
    "as period from (select o.child_id, o.start_date, o.end_date, o.source_line, case when lag(o.start_date) over w "
    "is null or o.start_date > lag(o.end_date) over w then 1 else 0 end as new_period from <<stg:cla_episodes>> o "
    "where o.child_id is not null and o.start_date is not null "
    "window w as (partition by o.child_id order by o.start_date, o.source_line)) a) b group by b.child_id, b.period)"
)
# Missing episodes of one child in the validator's 574 order (end, or start while open; then start), each with the
# one before it.
MISSING_IN_ORDER = (
    "(select o.source_line, o.start_date, lag(o.source_line) over w as previous_line, lag(o.end_date) over w "
    "as previous_end from <<stg:missing_episodes>> o where o.child_id is not null "
    "window w as (partition by o.child_id order by coalesce(o.end_date, o.start_date) nulls last, "
    "o.start_date nulls last, o.source_line))"
)


def _outside_every_period(outside: str) -> str:
    """The child has periods of care and the row is `outside` (a condition on period p) each of them."""
    periods = f"{CARE_PERIODS} p where p.child_id = s.child_id"
    return f"exists (select 1 from {periods}) and not exists (select 1 from {periods} and not ({outside}))"


def ssda903_missing_review_rules() -> list[Rule]:
    """903 rules on missing.csv (missing_episodes) and reviews.csv (cla_reviews) that are not contract checks (those
    are tagged in TAGS). The date of birth the validator reads from those files is the child's (children)."""
    dob = "(select max(c.date_of_birth) from <<stg:children>> c where c.child_id = s.child_id)"
    episodes = "<<stg:cla_episodes>> e where e.child_id = s.child_id"

    def late(column: str) -> str:  # a pandas comparison with a missing date is false
        return f"coalesce({column}, false)"

    return [
        _rule("missing_episodes.end_date_before_collection_year",
              "missing episode ended before the collection year (an imported 903 return)",
              "s.end_date < <<data_start>>", ssda903("571")),
        _rule("missing_episodes.overlapping",
              "missing episode follows (in end-date order) another of the child that is still open or ends after "
              "this one starts", f"s.source_line in (select q.source_line from {MISSING_IN_ORDER} q where "
              "q.previous_line is not null and (q.previous_end is null or q.start_date < q.previous_end))",
              ssda903("574"), "overlapping_episodes"),
        _rule("missing_episodes.open_after_episode_ended",
              "missing episode without an end date that started during an episode of care that has ended",
              f"s.end_date_text is null and exists (select 1 from {episodes} and e.end_date is not null "
              "and s.start_date between e.start_date and e.end_date)", ssda903("575"), "case_activity"),
        _rule("missing_episodes.outside_period_of_care",
              "missing episode outside every period of care of the child: open while the period has ended or "
              "started before it, or ending after the period ended or before it began",
              "s.start_date is not null and " + _outside_every_period(
                  f"(s.end_date is null and (p.period_end is not null or {late('s.start_date < p.period_start')})) "
                  f"or {late('s.end_date > p.period_end')} or {late('s.end_date < p.period_start')}"),
              ssda903("577"), "case_activity"),
        _rule("missing_episodes.started_outside_period_of_care",
              "missing episode starting before every period of care of the child began or after it ended",
              _outside_every_period(f"{late('s.start_date < p.period_start')} or "
                                    f"{late('s.start_date > p.period_end')}"), ssda903("578"), "case_activity"),
        _rule("missing_episodes.not_during_an_episode",
              "looked-after child's missing episode that starts during none of the child's episodes of care",
              f"exists (select 1 from {episodes}) and not exists (select 1 from {episodes} and "
              "s.start_date >= e.start_date and (s.start_date <= e.end_date or e.end_date is null))",
              ssda903("581"), "case_activity"),
        _rule("missing_episodes.before_birth", "missing episode starting on or before the child's date of birth",
              f"s.start_date <= {dob}", ssda903("586"), "dob_out_of_range"),
        _rule("cla_episodes.ceased_at_18_while_missing_not_e8",
              "episode ending on the child's 18th birthday, the day a missing episode of the child ended, with a "
              "reason ceased other than E8",
              f"s.end_date = {dob} + interval 18 year and s.reason_ceased is distinct from 'E8' and exists (select 1 "
              "from <<stg:missing_episodes>> m where m.child_id = s.child_id and m.end_date = s.end_date)",
              ssda903("580"), "case_activity"),
        _rule("cla_reviews.pn0_aged_4_or_over",
              "review participation PN0 (child under 4) but the child was over 4 at the review",
              f"s.participation = 'PN0' and s.review_date > {dob} + interval 4 year", ssda903("440"),
              "dob_out_of_range"),
        _rule("cla_reviews.participation_for_4_or_over_under_4",
              "review participation PN1-PN7 (child 4 or over) but the child was under 4 at the review",
              "s.participation in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7') "
              f"and s.review_date < {dob} + interval 4 year", ssda903("441"), "dob_out_of_range"),
    ]  # fmt: skip


# The census year of an imported CIN census (issue 26): the year ending on its ReferenceDate (the extract date), as
# the validator's census period (`make_census_period`: the reference date a year back, plus a day; 1 April for a
# census made on 31 March). NULL for a case-management export (no <<data_start>>): it holds each child's whole
# history, and records closed in earlier years are not errors there.
CENSUS_START = (
    "(case when <<data_start>> is not null then cast(<<extract_date>> - interval 1 year + interval 1 day as date) end)"
)


def census_year_rules() -> list[Rule]:
    """DfE CIN rules bounding a date below by the census year: evaluable on a census (a return), not on a history."""
    return [
        _rule("referrals.closure_date_before_census_year", "referral closed before the census year (a census return)",
              f"s.closure_date < {CENSUS_START}", cin("8620")),
        _rule("children.date_of_death_before_census_year",
              "child's date of death before the census year (a census return)",
              f"s.date_of_death < {CENSUS_START}", cin("8545Q")),
        _rule("assessments.authorised_before_census_year",
              "assessment authorised before the census year (a census return)",
              f"s.authorised_date < {CENSUS_START}", cin("8696")),
        _rule("assessments.open_started_before_census_year",
              "assessment not authorised that started before the census year (a census return)",
              f"s.authorised_date_text is null and s.start_date < {CENSUS_START}", cin("8736")),
        _rule("plans.ended_before_census_year", "plan ended before the census year (a census return)",
              f"s.end_date < {CENSUS_START}", cin("4013", scope=CIN_PLAN) + cin("8930", scope=CP)),
    ]  # fmt: skip


# Section 47 enquiries, initial conferences, CP reviews and categories (issue 24's optional files): the census's
# Section47 -> section47_enquiries (one row per enquiry, on its referral), Reviews/CPPreviewDate -> cp_reviews,
# Initial/LatestCategoryOfAbuse -> the plan's first and last cp_categories rows. The census's second place for a
# conference, CINdetails.DateOfInitialCPC (one whose enquiry began in an earlier year), is not held: a conference
# is on its enquiry. A rule reading one of these files is not applicable when the extract does not hold it.
S47_REFERRAL = "<<stg:referrals>> p where p.referral_id = s.referral_id"
# An enquiry not concluded: no conference date and a conference not marked as not required.
S47_OPEN = "{a}.icpc_date is null and {a}.icpc_not_required is not true"
# The census year a CP plan count covers: the year ending on the extract date (a census's own year).
YEAR_TO_EXTRACT = "cast(<<extract_date>> - interval 1 year + interval 1 day as date)"
FIFTEEN_WD_BEFORE_EXTRACT = FORTY_FIVE_WD_BEFORE_EXTRACT.replace("- 45 +", "- 15 +")
# A CP plan's latest category: its cp_categories row starting last (one without a date counts as the latest, as
# the census importer writes an undated change of category), then the last in the file.
LATEST_CATEGORY = (
    "(select k.category from <<stg:cp_categories>> k where k.cp_plan_id = s.plan_id "
    "order by k.category_start_date desc nulls first, k.source_line desc limit 1)"
)
# 8890's pair: enquiry `a` starts on or after enquiry `b` of the same referral started, and before b's conference
# (or, b still open, by the extract date); two enquiries with the same start and conference are one recorded twice.
# Enquiry {a} starts while {b} (another enquiry of the same referral: the caller joins them) is ongoing.
S47_STARTS_DURING = (
    "{a}.s47_start_date >= {b}.s47_start_date "
    "and not ({a}.s47_start_date = {b}.s47_start_date and {a}.icpc_date is not distinct from {b}.icpc_date) "
    "and ({a}.s47_start_date <= {b}.icpc_date or ({a}.s47_start_date <= <<extract_date>> and {b}.icpc_date is null "
    "and {b}.icpc_not_required is not true))"
)


def cin_section47_rules() -> list[Rule]:
    """DfE CIN census rules on section 47 enquiries, initial conferences, CP reviews and categories (issue 24)."""
    return [
        _rule("section47_enquiries.icpc_before_referral", "initial conference dated before its referral",
              f"exists (select 1 from {S47_REFERRAL} and s.icpc_date < p.referral_date)", cin("1104")),
        _rule("section47_enquiries.started_before_referral", "section 47 enquiry starts before its referral",
              f"exists (select 1 from {S47_REFERRAL} and s.s47_start_date < p.referral_date)", cin("2889")),
        _rule("section47_enquiries.without_assessment", "section 47 enquiry on a referral with no assessment",
              "not exists (select 1 from <<stg:assessments>> a where a.referral_id = s.referral_id)", cin("2991Q"),
              "case_activity"),
        _rule("section47_enquiries.started_after_icpc",
              "section 47 enquiry starts after its initial conference, or has a conference but no start date",
              "s.s47_start_date > s.icpc_date or (s.icpc_date is not null and s.s47_start_date_text is null)",
              cin("8615")),
        _rule("section47_enquiries.no_icpc_after_15_working_days",
              "section 47 enquiry started more than 15 working days before the extract date, with no initial "
              "conference and the conference not marked as not required",
              f"s.icpc_date is null and s.icpc_not_required = false and s.s47_start_date < {FIFTEEN_WD_BEFORE_EXTRACT}",
              cin("8675Q")),
        _rule("section47_enquiries.icpc_before_census_year",
              "initial conference dated before the census year (a census return)",
              f"s.icpc_date < {CENSUS_START}", cin("8715")),
        _rule("section47_enquiries.open_started_outside_census_year",
              "section 47 enquiry with no conference yet (and one required) that started before the census year (a "
              "census return) or after the extract date",
              f"s.icpc_date is null and s.icpc_not_required = false and (s.s47_start_date < {CENSUS_START} "
              "or s.s47_start_date > <<extract_date>>)", cin("8740")),
        _rule("section47_enquiries.more_than_one_open",
              "another section 47 enquiry of the same referral is not concluded either (no conference, one required)",
              f"{S47_OPEN.format(a='s')} and exists (select 1 from <<stg:section47_enquiries>> o "
              f"where o.referral_id = s.referral_id and o.s47_id <> s.s47_id and {S47_OPEN.format(a='o')})",
              cin("8839"), "overlapping_plans"),
        _rule("section47_enquiries.not_concluded_on_closed_referral",
              "referral closed while its section 47 enquiry has no conference and is not marked conference not "
              "required, or has a conference although marked not required",
              f"exists (select 1 from {S47_REFERRAL} and p.closure_date_text is not null) and "
              f"(({S47_OPEN.format(a='s')}) or (s.icpc_date is not null and s.icpc_not_required))",
              cin("8868"), "case_activity"),
        _rule("section47_enquiries.icpc_at_weekend", "initial conference dated on a Saturday or Sunday",
              "dayofweek(s.icpc_date) in (0, 6)", cin("8875")),
        _rule("section47_enquiries.starts_during_another",
              "section 47 enquiry starts while another enquiry of the same referral is ongoing (flags both)",
              # the same referral, another enquiry, either way round: the join keys outside the `or`, so that DuckDB
              # joins on them (inside each side it compared every pair: 1.06 s of a large preset's 6.5 s of rules)
              "exists (select 1 from <<stg:section47_enquiries>> o where o.referral_id = s.referral_id "
              f"and o.s47_id <> s.s47_id and (({S47_STARTS_DURING.format(a='s', b='o')}) "
              f"or ({S47_STARTS_DURING.format(a='o', b='s')})))",
              cin("8890"), "overlapping_plans"),
        _rule("section47_enquiries.on_referral_closed_after_assessment",
              "section 47 enquiry on a referral closed as RC8/RC9 (closed after assessment)",
              f"exists (select 1 from {S47_REFERRAL} and p.closure_reason in ('RC8', 'RC9'))", cin("2990"),
              "case_activity"),
        _rule("section47_enquiries.on_nfa_referral", "section 47 enquiry on a referral marked no further action",
              f"exists (select 1 from {S47_REFERRAL} and p.nfa)", cin("8831"), "case_activity"),
        _rule("cp_reviews.on_or_before_plan_start", "CP review dated on or before its plan's start",
              "exists (select 1 from <<stg:plans>> pl where pl.plan_id = s.cp_plan_id "
              "and s.review_date <= pl.start_date)", cin("8841")),
        _rule("cp_reviews.during_cin_plan",
              "CP review held while a CIN plan of the child is open (on or after its start, before its end or with "
              "none), other than on the CP plan's last day",
              "exists (select 1 from <<stg:plans>> c where c.child_id = s.child_id and c.plan_type = 'CIN' "
              "and s.review_date >= c.start_date and (c.end_date_text is null or s.review_date < c.end_date)) "
              "and not exists (select 1 from <<stg:plans>> pl where pl.plan_id = s.cp_plan_id "
              "and pl.end_date = s.review_date)", cin("4003"), "cin_plan_alongside_cp"),
        _rule("plans.cp_latest_category_missing",
              "CP plan whose latest category of abuse (its last cp_categories row) is missing or not a census code",
              f"{CP} and coalesce({LATEST_CATEGORY} not in ('NEG', 'PHY', 'SAB', 'EMO', 'MUL'), true)", cin("8910")),
        _rule("plans.cp_not_started_at_icpc",
              "CP plan starting in the year to the extract date on a day no initial conference of its referral "
              "(one required) was held",
              f"{CP} and s.start_date >= {YEAR_TO_EXTRACT} and s.start_date <= <<extract_date>> "
              "and not exists (select 1 from <<stg:section47_enquiries>> q where q.referral_id = s.referral_id "
              "and q.icpc_not_required is not true and q.icpc_date = s.start_date)", cin("2885")),
        _rule("plans.more_cp_plans_than_icpcs",
              "CP plan starting in the year to the extract date while more CP plans started in that year than "
              "initial conferences were held (the DfE's query is on the return's counts; each such plan is flagged)",
              f"{CP} and s.start_date >= {YEAR_TO_EXTRACT} and s.start_date <= <<extract_date>> and "
              f"(select count(*) from <<stg:plans>> o where o.plan_type = 'CP' and o.start_date >= {YEAR_TO_EXTRACT} "
              "and o.start_date <= <<extract_date>>) > (select count(*) from <<stg:section47_enquiries>> q "
              f"where q.icpc_date >= {YEAR_TO_EXTRACT} and q.icpc_date <= <<extract_date>>)", cin("2883")),
    ]  # fmt: skip


# The child fields of the returns (issue 24: optional files child_identifiers, child_disabilities, uasc_statuses).
# The UPN check letter (DfE "Unique Pupil Numbers (UPNs)" guidance and CIN rule 1510): characters 2 to 13, each
# times its position, summed, modulo 23, read in the DfE's 23-letter table (no I, O or S). try_cast: the database
# may work the sum before the rule's guard (12 digits) has been applied.
UPN_CHECK_LETTER = (
    "substr('ABCDEFGHJKLMNPQRTUVWXYZ', (("
    + " + ".join(f"{i} * try_cast(substr(s.upn, {i}, 1) as integer)" for i in range(2, 14))
    + ") % 23) + 1, 1)"
)
# CIN rule 1530: the post-April-1998 LA codes and the 'pseudo LA' codes a UPN's characters 2-4 may hold (the DfE
# rule's own list, cin2023_24 onwards).
UPN_LA_CODES = (
    [f"{n:03d}" for first, last in ((1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373),
                                    (380, 384), (390, 394), (660, 681), (701, 708), (800, 803), (805, 808),
                                    (810, 813), (820, 823), (835, 839), (850, 852), (855, 857), (865, 896),
                                    (935, 938), (940, 941)) for n in range(first, last + 1)]
    + ["420", "815", "816", "825", "826", "830", "831", "840", "841", "845", "846", "860", "861", "908", "909",
       "916", "919", "921", "925", "926", "928", "929", "931", "933", "942", "943"]
)  # fmt: skip
UPN_UNKNOWN_903 = "('UN1', 'UN2', 'UN3', 'UN4', 'UN5')"  # the SSDA903 UPN field's unknown codes (rule 168)
LOOKED_AFTER_CHILD = "exists (select 1 from <<stg:cla_episodes>> e where e.child_id = s.child_id)"
# The collection year of the extract: an imported return's own (<<data_start>>), else the year from 1 April that
# holds the extract date.
COLLECTION_START = (
    "coalesce(<<data_start>>, make_date(cast(year(<<extract_date>> - interval 3 month) as integer), 4, 1))"
)
CHILD_DOB = "(select max(c.date_of_birth) from <<stg:children>> c where c.child_id = s.child_id)"
NOT_NFA_REFERRAL = "exists (select 1 from <<stg:referrals>> r where r.child_id = s.child_id and r.nfa = false)"
# A rule of another file asking whether a child has identifiers: only when the extract holds the file with rows (the
# pipeline skips it when the file is absent, applicability.py; a harness building the models alone would not).
HOLDS_IDENTIFIERS = "exists (select 1 from <<stg:child_identifiers>>)"

# Contract rules of the child-field files that evaluate a DfE rule.
TAGS |= {
    "uasc_statuses.child_id.orphan": ssda903("INT09"),
    "uasc_statuses.duplicate_row": ssda903("INT36"),
    "uasc_statuses.duplicate_key": ssda903("INT36"),
    "uasc_statuses.uasc_ceased_date.not_a_date": ssda903("104"),
    "uasc_statuses.uasc_ceased_date.us_date": ssda903("104"),
    "child_disabilities.disability.invalid_code": cin("8540"),
}


def child_fields_rules() -> list[Rule]:
    """CIN census ChildIdentifiers (UPN, FormerUPN, UPNunknown) and Disabilities; SSDA903 header UPN and the UASC
    file. The UPNs stay in staging for these checks only (contract PERSONAL_KEPT_IN_STAGING)."""
    # rule 168: 13 characters, a letter (not I, O or S), 11 digits, a digit or a letter
    upn_903 = "(length(upper(s.upn)) = 13 and regexp_full_match(upper(s.upn), '[A-HJ-NP-RT-Z][0-9]+[0-9A-Z]'))"
    la_codes = ", ".join(f"'{c}'" for c in UPN_LA_CODES)
    prev_ids = (
        "(select nullif(trim(p.child_id), '') as child_id, "
        "coalesce(nullif(upper(trim(p.upn)), ''), nullif(upper(trim(p.upn_unknown)), '')) as upn_field "
        "from <<prev:child_identifiers>> p)"
    )
    upn_field = "coalesce(upper(s.upn), s.upn_unknown)"  # what the 903's UPN item holds
    return [
        _rule("child_identifiers.upn_check_letter_wrong",
              "UPN's first character is not the check letter worked from characters 2 to 13",
              f"length(s.upn) = 13 and regexp_full_match(substr(s.upn, 2), '[0-9]+') "
              f"and substr(s.upn, 1, 1) <> {UPN_CHECK_LETTER}", cin("1510")),
        _rule("child_identifiers.upn_duplicated", "another child of the extract has the same UPN",
              "s.upn is not null and exists (select 1 from <<stg:child_identifiers>> o where o.upn = s.upn "
              "and o.source_line <> s.source_line)", cin("1520")),
        _rule("child_identifiers.upn_la_code_unknown", "UPN's characters 2-4 are not a recognised LA code",
              f"length(s.upn) = 13 and substr(s.upn, 2, 3) not in ({la_codes})", cin("1530")),
        _rule("child_identifiers.upn_not_numeric", "UPN's characters 5-12 are not all digits",
              "s.upn is not null and not regexp_full_match(substr(s.upn, 5, 8), '[0-9]+')", cin("1540")),
        _rule("child_identifiers.upn_last_character_invalid",
              "UPN's 13th character is neither a digit nor a letter of the DfE's table (no I, O or S)",
              "length(s.upn) = 13 and not regexp_full_match(substr(s.upn, 13, 1), '[0-9A-HJ-NP-RT-Z]')",
              cin("1550")),
        _rule("child_identifiers.former_upn_malformed",
              "former UPN is not a letter followed by 12 digits",
              "s.former_upn is not null and not (length(s.former_upn) = 13 "
              "and regexp_full_match(s.former_upn, '[A-Za-z][0-9]+'))", cin("1560Q")),
        _rule("children.school_age_without_upn",
              "child of school age (6 by the 31 August after the census date) on a referral going further, with "
              "neither a UPN nor a reason UN2-UN7 it is unknown (child_identifiers)",
              f"s.date_of_birth <= <<extract_date>> + interval 4 month + interval 31 day - interval 6 year "
              f"and {NOT_NFA_REFERRAL} and {HOLDS_IDENTIFIERS} and not exists (select 1 "
              "from <<stg:child_identifiers>> i where i.child_id = s.child_id and (i.upn is not null "
              "or i.upn_unknown in ('UN2', 'UN3', 'UN4', 'UN5', 'UN6', 'UN7')))", cin("8770Q")),
        _rule("child_identifiers.un7_with_referral_going_further",
              "UPN unknown reason UN7 (referral with no further action) but the child has a referral going further "
              "(or none)",
              "s.upn_unknown = 'UN7' and (exists (select 1 from <<stg:referrals>> r where r.child_id = s.child_id "
              "and r.nfa is distinct from true) or not exists (select 1 from <<stg:referrals>> r "
              "where r.child_id = s.child_id))", cin("8772")),
        _rule("child_disabilities.fewer_than_8_none",
              "the return holds 7 or fewer disability rows coded NONE (the DfE queries the return; every row is "
              "flagged)",
              "(select count(*) from <<stg:child_disabilities>> d where d.disability = 'NONE') <= 7", cin("2887Q")),
        _rule("child_disabilities.one_code_per_child_only",
              "no child of the return has more than one disability code (each disability row is flagged)",
              "s.disability <> 'NONE' and (select max(k.n) from (select count(*) as n "
              "from <<stg:child_disabilities>> d where d.disability <> 'NONE' group by d.child_id) k) <= 1",
              cin("2888Q")),
        _rule("child_disabilities.none_with_other_codes",
              "disability code other than NONE for a child who also has NONE",
              "s.disability <> 'NONE' and exists (select 1 from <<stg:child_disabilities>> o "
              "where o.child_id = s.child_id and o.disability = 'NONE')", cin("8790")),
        _rule("child_disabilities.code_repeated", "the child has the same disability code on another row",
              "exists (select 1 from <<stg:child_disabilities>> o where o.child_id = s.child_id "
              "and o.disability = s.disability and o.source_line <> s.source_line)", cin("8794")),
        # SSDA903: the header's UPN item is the UPN, or the reason it is unknown (UN1-UN5); the header holds the
        # looked-after children only (a DfE scope may not read another file: 444 is a rule of its own)
        _rule("child_identifiers.upn_duplicated_looked_after",
              "looked-after child with the same UPN as another looked-after child of the extract",
              f"s.upn is not null and {LOOKED_AFTER_CHILD} and exists (select 1 from <<stg:child_identifiers>> o "
              "where o.upn = s.upn and o.source_line <> s.source_line and exists (select 1 from "
              "<<stg:cla_episodes>> e where e.child_id = o.child_id))", ssda903("444")),
        _rule("child_identifiers.upn_not_valid_903",
              "looked-after child's UPN is not a letter (not I, O or S) and 12 digits (or 11 and a letter), or its "
              "unknown reason is not one the SSDA903 takes (UN1-UN5)",
              f"{LOOKED_AFTER_CHILD} and ((s.upn is not null and not {upn_903}) "
              f"or (s.upn is null and s.upn_unknown is not null and s.upn_unknown not in {UPN_UNKNOWN_903}))",
              ssda903("168")),
        _rule("child_identifiers.school_age_un1",
              "looked-after child of school age (4 by the 31 August before the collection year) with UPN unknown "
              "reason UN1 (not yet of school age)",
              f"s.upn is null and s.upn_unknown = 'UN1' and {LOOKED_AFTER_CHILD} and {CHILD_DOB} + interval 4 year "
              f"<= make_date(cast(year({COLLECTION_START}) as integer) - 1, 8, 31)", ssda903("209")),
        _rule("child_identifiers.un4_looked_after_over_a_week",
              "UPN unknown reason UN4 (newly arrived) for a child looked after at the extract date who was already "
              "looked after a week before",
              "s.upn is null and s.upn_unknown = 'UN4' and exists (select 1 from <<stg:cla_episodes>> e "
              "where e.child_id = s.child_id and e.start_date <= <<extract_date>> - interval 7 day "
              "and (e.end_date is null or e.end_date > <<extract_date>> - interval 7 day)) "
              "and exists (select 1 from <<stg:cla_episodes>> e where e.child_id = s.child_id "
              "and e.start_date <= <<extract_date>> and (e.end_date is null or e.end_date > <<extract_date>>))",
              ssda903("210")),
        _rule("cla_episodes.child_upn_missing",
              "episode (legal status other than V3/V4) of a child with neither a UPN nor a reason it is unknown "
              "(child_identifiers)",
              f"s.legal_status not in ('V3', 'V4') and {HOLDS_IDENTIFIERS} "
              # a child of the extract (an orphan episode is another rule's: the 903's header lacks the child)
              "and exists (select 1 from <<stg:children>> c where c.child_id = s.child_id) and not exists (select 1 "
              "from <<stg:child_identifiers>> i where i.child_id = s.child_id "
              "and (i.upn is not null or i.upn_unknown_text is not null))",
              ssda903("442")),
        _rule("child_identifiers.upn_differs_from_previous_extract",
              "looked-after child's UPN (or unknown reason) differs from the previous extract's, other than UN1 or "
              "empty becoming UN2-UN5, or an unknown reason becoming a UPN",
              f"{LOOKED_AFTER_CHILD} and exists (select 1 from {prev_ids} pi where pi.child_id = s.child_id "
              f"and pi.upn_field is distinct from {upn_field} "
              f"and not ((pi.upn_field = 'UN1' or pi.upn_field is null) and {upn_field} in ('UN2', 'UN3', 'UN4', "
              f"'UN5')) and not ((pi.upn_field is null or pi.upn_field like 'UN%') and {upn_field} is not null "
              f"and {upn_field} not like 'UN%'))", ssda903("208"), "child_mismatch"),
        # SSDA903 UASC file
        _rule("uasc_statuses.ceased_before_collection_year",
              "date UASC status ceased is before the collection year (an imported return)",
              "s.uasc_ceased_date < <<data_start>>", ssda903("104")),
        _rule("uasc_statuses.ceased_after_18th_birthday", "date UASC status ceased is after the child's 18th birthday",
              f"s.uasc_ceased_date > {CHILD_DOB} + interval 18 year", ssda903("304")),
        _rule("uasc_statuses.under_11",
              "UASC (status not ceased before the collection year) under 11 at the extract date",
              f"(s.uasc_ceased_date is null or s.uasc_ceased_date >= {COLLECTION_START}) "
              f"and {CHILD_DOB} > <<extract_date>> - interval 11 year", ssda903("231")),
        _rule("uasc_statuses.not_uasc_in_previous_extract",
              "child UASC here but not in the previous extract, which holds the child",
              "exists (select 1 from <<prev:children>> pc where nullif(trim(pc.child_id), '') = s.child_id) "
              "and not exists (select 1 from <<prev:uasc_statuses>> pu where nullif(trim(pu.child_id), '') = "
              "s.child_id)", ssda903("205D"), "child_mismatch"),
    ]  # fmt: skip


def dfe_rules() -> list[Rule]:
    rules = [*cin_census_rules(), *cin_census_more_rules(), *census_year_rules(), *ssda903_rules(),
             *_episode_age_rules(), *episode_more_rules(), *retired_code_rules(), *social_worker_rules(),
             *social_worker_more_rules(), *previous_extract_rules(),
             *ssda903_care_leaver_rules(), *ssda903_missing_review_rules(),
             *cin_section47_rules(), *child_fields_rules()]  # fmt: skip
    for rule in rules:  # a ported DfE rule is kept and flagged, never excluded (module docstring)
        assert rule.action == "flag" and rule.dfe, rule.id
    return rules


def tag(rules: list[Rule]) -> list[Rule]:
    """Attach TAGS to the rules they name; every tag must name an existing rule."""
    ids = {r.id for r in rules}
    unknown = sorted(set(TAGS) - ids)
    if unknown:
        raise ValueError(f"DfE tags name no rule: {unknown}")
    return [dataclasses.replace(r, dfe=r.dfe + TAGS[r.id]) if r.id in TAGS else r for r in rules]

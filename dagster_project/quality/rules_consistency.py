"""Cross-field and cross-file rules (docs/measures.md "Which records count"; catalogue of every rule:
docs/data-quality-rules.md). Exclusions first, then flags: consistency problems the measure rules already
handle are kept and reported. Pure Python: no Dagster imports.

Closure reason xor closure date: the contract says closure_reason is "set exactly when closure_date is
set", i.e. each is a required value whenever the other is present. A missing required value excludes
the row (docs/measures.md), and with only one of the two we cannot tell whether the CIN episode is
open, so both directions exclude (CIN census 8805 / 8810). The same holds for cla_episodes
reason_ceased / end_date. DfE codes are tagged in rules_dfe.py.
"""

from __future__ import annotations

from dagster_project.contract.model import Contract
from dagster_project.quality.rule import Rule

OPEN_END = "date '9999-12-31'"


def _end_before_start(file: str, start: str, end: str) -> Rule:
    return Rule(
        id=f"{file}.{end}_before_{start}", file=file, description=f"{end} is before {start}",
        dimension="consistency", severity="high", action="exclude", defect_kind="end_before_start",
        predicate=f"s.{end} < s.{start}",
    )  # fmt: skip


def _pair_rules(file: str, date: str, reason: str) -> list[Rule]:
    return [
        Rule(
            id=f"{file}.{date}_without_{reason}", file=file, description=f"{date} is set but {reason} is empty",
            dimension="completeness", severity="high", action="exclude",
            defect_kind="closure_date_without_reason",
            predicate=f"s.{date}_text is not null and s.{reason}_text is null",
        ),
        Rule(
            id=f"{file}.{reason}_without_{date}", file=file, description=f"{reason} is set but {date} is empty",
            dimension="consistency", severity="high", action="exclude",
            defect_kind="closure_reason_without_date",
            predicate=f"s.{reason}_text is not null and s.{date}_text is null",
        ),
    ]  # fmt: skip


def _overlaps(other: str = "o") -> str:
    return (
        f"{other}.start_date < coalesce(s.end_date, {OPEN_END}) "
        f"and s.start_date < coalesce({other}.end_date, {OPEN_END})"
    )


def exclusion_rules() -> list[Rule]:
    return [
        _end_before_start("workers", "start_date", "end_date"),
        _end_before_start("children", "date_of_birth", "date_of_death"),
        _end_before_start("contacts", "contact_date", "decision_date"),
        _end_before_start("referrals", "referral_date", "closure_date"),
        _end_before_start("plans", "start_date", "end_date"),
        _end_before_start("cla_episodes", "start_date", "end_date"),
        _end_before_start("visits", "visit_date", "recorded_date"),
        _end_before_start("allocations", "start_date", "end_date"),
        # a conference dated before the strategy discussion that led to it
        _end_before_start("section47_enquiries", "strategy_discussion_date", "icpc_date"),
        # a child back before they went missing or away
        _end_before_start("missing_episodes", "start_date", "end_date"),
        # a legal status ending before it began
        _end_before_start("legal_statuses", "start_date", "end_date"),
        Rule(
            id="assessments.authorised_before_start", file="assessments",
            description="assessment authorised before it started",
            dimension="consistency", severity="high", action="exclude", defect_kind="authorised_before_start",
            predicate="s.authorised_date < s.start_date",
        ),
        Rule(
            id="assessments.authorised_before_referral", file="assessments",
            description="assessment authorised before its referral date",
            dimension="consistency", severity="high", action="exclude", defect_kind="authorised_before_referral",
            predicate="exists (select 1 from <<stg:referrals>> p "
            "where p.referral_id = s.referral_id and s.authorised_date < p.referral_date)",
        ),
        *_pair_rules("referrals", "closure_date", "closure_reason"),
        *_pair_rules("cla_episodes", "end_date", "reason_ceased"),
    ]  # fmt: skip


def flag_rules() -> list[Rule]:
    def flag(id_, file, description, kind, predicate, dimension="consistency") -> Rule:
        return Rule(
            id=id_, file=file, description=description, dimension=dimension, severity="medium",
            action="flag", defect_kind=kind, predicate=predicate,
        )  # fmt: skip

    def plan_overlap(own_type: str, other_type: str) -> str:
        return (
            f"s.plan_type = '{own_type}' and exists (select 1 from <<stg:plans>> o where o.child_id = s.child_id "
            f"and o.plan_type = '{other_type}' and o.plan_id <> s.plan_id and {_overlaps()})"
        )

    return [
        flag("plans.overlapping_cp_plans", "plans", "child has another CP plan open over the same days",
             "overlapping_cp_plans", plan_overlap("CP", "CP")),
        flag("plans.overlapping_cin_plans", "plans", "child has another CIN plan open over the same days",
             "overlapping_plans", plan_overlap("CIN", "CIN")),
        flag("plans.cin_alongside_cp", "plans", "CIN plan open while the child is on a CP plan",
             "cin_plan_alongside_cp", plan_overlap("CIN", "CP")),
        flag("plans.category_of_abuse_mismatch", "plans", "category_of_abuse missing on a CP plan or set on a CIN plan",
             "inconsistent_fields",
             "(s.plan_type = 'CP' and s.category_of_abuse_text is null) "
             "or (s.plan_type = 'CIN' and s.category_of_abuse_text is not null)"),
        flag("cla_episodes.overlapping_episodes", "cla_episodes", "child has another looked-after episode open "
             "over the same days", "overlapping_episodes",
             "exists (select 1 from <<stg:cla_episodes>> o where o.child_id = s.child_id "
             f"and o.episode_id <> s.episode_id and {_overlaps()})"),
        # a child has one legal status at a time (a change ends the previous status the day the next starts)
        flag("legal_statuses.overlapping_statuses", "legal_statuses", "child has another legal status open over the "
             "same days", "overlapping_legal_statuses",
             "exists (select 1 from <<stg:legal_statuses>> o where o.child_id = s.child_id "
             f"and o.legal_status_id <> s.legal_status_id and {_overlaps()})"),
        flag("allocations.open_to_departed_worker", "allocations",
             "allocation open at the extract date to a worker who has left", "allocation_to_departed_worker",
             "(s.end_date is null or s.end_date > <<extract_date>>) and exists (select 1 from <<stg:workers>> w "
             "where w.worker_id = s.worker_id and w.end_date <= <<extract_date>>)"),
        flag("allocations.team_mismatch", "allocations", "allocation team differs from the worker's team",
             "allocation_team_mismatch",
             "exists (select 1 from <<stg:workers>> w where w.worker_id = s.worker_id and w.team_id <> s.team_id)"),
        flag("assessments.started_before_referral", "assessments", "assessment started before its referral date",
             "assessment_before_referral",
             "exists (select 1 from <<stg:referrals>> p where p.referral_id = s.referral_id "
             "and s.start_date < p.referral_date)"),
        flag("assessments.child_differs_from_referral", "assessments", "child_id differs from its referral's child",
             "child_mismatch",
             "exists (select 1 from <<stg:referrals>> p where p.referral_id = s.referral_id "
             "and p.child_id <> s.child_id)"),
        flag("visits.worker_not_employed", "visits", "visit by a worker not employed on the visit date",
             "visit_by_departed_worker",
             "exists (select 1 from <<stg:workers>> w where w.worker_id = s.worker_id "
             "and (s.visit_date < w.start_date or s.visit_date >= w.end_date))"),
        flag("visits.before_birth", "visits", "visit dated before the child's birth (pre-birth work is real)",
             "visit_before_birth",
             "exists (select 1 from <<stg:children>> c where c.child_id = s.child_id "
             "and s.visit_date < c.date_of_birth)", dimension="accuracy"),
        flag("children.dob_out_of_range", "children", "date of birth more than 26 years before the extract date",
             "dob_out_of_range", "s.date_of_birth < <<extract_date>> - interval 26 year", dimension="accuracy"),
        flag("children.birth_dates_inconsistent", "children",
             "exactly one of date_of_birth and expected_date_of_birth must be set", "inconsistent_fields",
             "(s.date_of_birth_text is null) = (s.expected_date_of_birth_text is null)"),
        flag("contacts.decision_without_outcome", "contacts", "decision_date and outcome must be set together",
             "inconsistent_fields", "(s.decision_date_text is null) <> (s.outcome_text is null)"),
        flag("missing_episodes.interview_accepted_not_offered", "missing_episodes",
             "return_interview_accepted is set but no return interview was offered", "inconsistent_fields",
             "s.return_interview_accepted_text is not null and s.return_interview_offered is distinct from 'Y'"),
    ]  # fmt: skip


def consistency_rules(contract: Contract) -> list[Rule]:
    return [*exclusion_rules(), *flag_rules()]

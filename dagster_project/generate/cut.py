"""Cutting the one timeline at an extract date: records that start after it do not exist yet; end dates,
decisions, authorisations and closures after it are not known yet (NULL), and so are the codes that
depend on them (closure_reason, reason_ceased, outcome, ...)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.generate.child_fields import under_school_age

# file -> (date that makes the record exist, {later date column: columns NULLed with it (itself included)})
RULES: dict[str, tuple[str | None, dict[str, tuple[str, ...]]]] = {
    "children": ("_first", {"date_of_death": ("date_of_death",)}),
    "teams": (None, {}),
    "workers": ("start_date", {"end_date": ("end_date",)}),
    "allocations": ("start_date", {"end_date": ("end_date",)}),
    "contacts": ("contact_date", {"decision_date": ("decision_date", "outcome")}),
    "referrals": (
        "referral_date",
        {"closure_date": ("closure_date", "closure_reason"), "_assessed_on": ("_assessed_on", "primary_need_code")},
    ),  # fmt: skip
    "assessments": ("start_date", {"authorised_date": ("authorised_date", "outcome", "factors")}),
    "plans": ("start_date", {"end_date": ("end_date",)}),
    "cla_episodes": ("start_date", {"end_date": ("end_date", "reason_ceased")}),
    "visits": ("recorded_date", {}),  # a visit exists once written up (recorded_date >= visit_date)
    "supervisions": ("supervision_date", {}),
    # optional files (Options.optional_files)
    "section47_enquiries": (
        "s47_start_date",
        {"icpc_date": ("icpc_date", "icpc_outcome"), "_outcome_on": ("_outcome_on", "outcome")},
    ),  # fmt: skip
    "cla_reviews": ("review_date", {}),
    "care_leavers": ("contact_date", {}),
    # a return interview is recorded once the child is back
    "missing_episodes": (
        "start_date",
        {"end_date": ("end_date", "return_interview_offered", "return_interview_accepted")},
    ),  # fmt: skip
    "cla_health": ("check_date", {}),
    "cp_reviews": ("review_date", {}),
    "cp_categories": ("category_start_date", {}),
    # the child fields (child_fields.py): known from the child's first appearance
    "child_identifiers": ("_first", {}),
    "child_disabilities": ("_first", {}),
    "uasc_statuses": ("_first", {"uasc_ceased_date": ("uasc_ceased_date",)}),
    "legal_statuses": ("start_date", {"end_date": ("end_date",)}),
    "pathway_plan_reviews": ("review_date", {}),
}


def _days(s: pd.Series) -> np.ndarray:
    return s.to_numpy().astype("datetime64[D]")


def cut(name: str, df: pd.DataFrame, extract_date: np.datetime64) -> pd.DataFrame:
    exists, later = RULES[name]
    if exists is not None:
        df = df[_days(df[exists]) <= extract_date]
    df = df.copy()
    for date_col, cols in later.items():
        unknown = _days(df[date_col]) > extract_date  # NaT compares False: stays NaT
        for c in cols:
            df[c] = df[c].where(~unknown, None) if df[c].dtype == object else df[c].mask(unknown)
    if name == "section47_enquiries":  # "ICPC not required" is decided with the enquiry's outcome
        df["icpc_not_required"] = df.icpc_not_required.where(df.outcome.notna(), "N")
    if name == "child_identifiers":  # no UPN before school age: UN1 (child_fields.py)
        young = under_school_age(df._dob.to_numpy(), extract_date)
        df["upn"] = df.upn.where(~young, None)
        df["former_upn"] = df.former_upn.where(~young, None)
        df["upn_unknown"] = df.upn_unknown.where(~young, "UN1")
    if name == "children":
        # Not born yet: no date of birth or forename, an expected date instead.
        unborn = _days(df.date_of_birth) > extract_date
        # DfE CIN census: an unborn child's sex is U (8750) and the expected date lies within 9 months of
        # the census date (8530Q); a pre-birth referral can come up to 40 weeks ahead, so clip.
        latest_expected = extract_date + np.timedelta64(270, "D")
        df["expected_date_of_birth"] = df.expected_date_of_birth.where(unborn).clip(upper=pd.Timestamp(latest_expected))
        df["sex"] = df.sex.where(~unborn, "U")
        df["date_of_birth"] = df.date_of_birth.mask(unborn)
        df["forename"] = df.forename.where(~unborn, None)
    return df.reset_index(drop=True)

"""Same arguments -> the same bytes; a later extract date -> a later snapshot of the same council."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dagster_project.contract.model import load_contract
from dagster_project.generate.extract import Options, generate
from tests.generate.checks import all_files, parse

C = load_contract()
# code columns that are only known once the date next to them is (NULL before it)
DEPENDS_ON = {
    ("contacts", "outcome"): "decision_date",
    ("referrals", "closure_reason"): "closure_date",
    ("assessments", "outcome"): "authorised_date",
    ("assessments", "factors"): "authorised_date",
    ("cla_episodes", "reason_ceased"): "end_date",
    ("section47_enquiries", "icpc_outcome"): "icpc_date",
    ("missing_episodes", "return_interview_offered"): "end_date",
    ("missing_episodes", "return_interview_accepted"): "end_date",
}
# columns known from a date the file does not carry: once known they never change
KNOWN_ONCE = {("referrals", "primary_need_code"), ("section47_enquiries", "outcome")}
EXISTS_FROM = {"workers": "start_date", "allocations": "start_date", "contacts": "contact_date",
               "referrals": "referral_date", "assessments": "start_date", "plans": "start_date",
               "cla_episodes": "start_date", "visits": "recorded_date", "supervisions": "supervision_date",
               "section47_enquiries": "s47_start_date", "cla_reviews": "review_date",
               "care_leavers": "contact_date", "missing_episodes": "start_date",
               "cla_health": "check_date",
               "cp_reviews": "review_date", "cp_categories": "category_start_date",
               "legal_statuses": "start_date", "pathway_plan_reviews": "review_date"}  # fmt: skip
# (child_identifiers, child_disabilities and uasc_statuses exist from the child's first appearance: a date the files
# do not carry)


def test_same_arguments_same_bytes(tmp_path):
    def run(out, seed=5):
        return generate(Options(out=out, extract_date=dt.date(2018, 7, 16), seed=seed, scale=0.15, quiet=True,
                                defect_rate=0.02, optional_files=True))  # fmt: skip

    a, b, c = run(tmp_path / "a"), run(tmp_path / "b"), run(tmp_path / "c", seed=6)
    for export in C.files.values():
        assert (a.folder / export.file_name).read_bytes() == (b.folder / export.file_name).read_bytes(), export.name
    assert a.manifest.read_bytes() == b.manifest.read_bytes()
    assert a.defects > 0
    assert (a.folder / "visits.csv").read_bytes() != (c.folder / "visits.csv").read_bytes(), "the seed matters"


@pytest.fixture(scope="module")
def pair(series):
    early, late = series
    return all_files(early.folder), all_files(late.folder)


@pytest.mark.parametrize("name", list(C.files))
def test_later_extract_extends_the_earlier_one(pair, name):
    a_all, b_all = pair
    e1 = np.datetime64("2019-03-01", "D")
    export = C.files[name]
    pk = export.primary_key
    a = a_all[name].set_index(pk)
    b = b_all[name].set_index(pk)
    missing = a.index.difference(b.index)
    assert missing.empty, f"{name}: records vanished from the later extract: {list(missing[:5])}"
    b_same = b.loc[a.index]
    dates = [c.name for c in export.columns if c.type == "date"]
    if name == "children":  # born in between: name and date of birth arrive together
        born_since = a.date_of_birth.isna()
        a, b_same = a[~born_since], b_same[~born_since]
    for col in [c.name for c in export.columns if c.name != pk]:
        av, bv = a[col], b_same[col]
        if col in dates:
            later = parse(bv) > e1
            assert (av[later].isna()).all(), f"{name}.{col}: a date after the earlier extract was already there"
            assert av[~later].equals(bv[~later]), f"{name}.{col} changed"
        elif (name, col) in DEPENDS_ON:
            later = parse(b_same[DEPENDS_ON[(name, col)]]) > e1
            assert av[later].isna().all(), f"{name}.{col} known before its date"
            assert av[~later].equals(bv[~later]), f"{name}.{col} changed"
        elif (name, col) in KNOWN_ONCE:
            known = av.notna()
            assert av[known].equals(bv[known]), f"{name}.{col} changed once known"
        elif name == "child_identifiers":  # at school age a UPN (or another reason) takes UN1's place, then stays
            settled = (a.upn_unknown != "UN1").to_numpy()
            assert av[settled].equals(bv[settled]), f"{name}.{col} changed"
            assert bv[~settled].notna().any() or col != "upn_unknown", f"{name}.{col}"
        elif (name, col) == ("section47_enquiries", "icpc_not_required"):  # decided with the enquiry's outcome
            known = a.outcome.notna()
            assert av[known].equals(bv[known]) and (av[~known] == "N").all(), f"{name}.{col}"
        else:
            assert av.equals(bv), f"{name}.{col} changed"
    if name in EXISTS_FROM:
        new = b.loc[b.index.difference(a.index)]
        assert (parse(new[EXISTS_FROM[name]]) > e1).all(), f"{name}: an old record appeared only later"
        quiet = (
            "workers",
            "cla_episodes",
            "plans",
            "section47_enquiries",
            "care_leavers",
            "missing_episodes",
            "cla_health",
        )  # may see none in a week
        assert len(new) > 0 or name in quiet, f"{name}: nothing happened in a week?"
    assert len(pd.Index(b.index)) >= len(a.index)

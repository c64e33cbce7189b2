"""The optional files legal_statuses and pathway_plan_reviews are generated consistently with the episodes and the
care leavers of the same extract (generate/legal_statuses.py, generate/pathway_plan_reviews.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dagster_project.contract.model import load_contract
from tests.generate.checks import all_files, parse

pytestmark = pytest.mark.fast
EXTRACT = np.datetime64("2019-03-01")


@pytest.fixture(scope="module")
def files(council_clean):
    return all_files(council_clean.folder)


def test_a_legal_status_runs_from_the_episode_that_changed_it_to_the_next_change(files):
    statuses, episodes = files["legal_statuses"], files["cla_episodes"]
    assert set(statuses.legal_status) <= set(load_contract().codes("legal_status"))
    s = statuses.assign(start=parse(statuses.start_date), end=parse(statuses.end_date))
    s = s.sort_values(["child_id", "start"]).reset_index(drop=True)
    assert (s.end.isna() | (s.start < s.end)).all()
    # one status at a time: each starts on or after the previous one of the child ended (which is not open)
    previous_end = s.groupby("child_id").end.shift()
    later = s.child_id.duplicated()
    assert previous_end[later].notna().all() and (s.start[later] >= previous_end[later]).all()
    # every status starts with an episode of that status on that day, and the previous episode of the period (the one
    # ending that day) had another status or there was none
    e = episodes.assign(start=parse(episodes.start_date), end=parse(episodes.end_date))
    starts = s.merge(e, on=["child_id", "start"], suffixes=("", "_episode"))
    assert len(starts) == len(s) and (starts.legal_status == starts.legal_status_episode).all()
    before = s.merge(e, left_on=["child_id", "start"], right_on=["child_id", "end"], suffixes=("", "_before"))
    assert (before.legal_status != before.legal_status_before).all()
    # every episode falls inside one status of its own code
    inside = e.merge(s, on="child_id", suffixes=("", "_status"))
    inside = inside[
        (inside.start_status <= inside.start) & (inside.end_status.isna() | (inside.start < inside.end_status))
    ]
    assert len(inside) == len(e) and (inside.legal_status == inside.legal_status_status).all()
    # open exactly while the child's latest episode is open
    assert s.end.isna().sum() == e.end.isna().sum() > 0
    assert s.child_id.duplicated().any(), "some children change legal status"


def test_pathway_plans_are_reviewed_about_every_six_months_from_16_for_care_leavers(files):
    reviews, leavers, episodes = files["pathway_plan_reviews"], files["care_leavers"], files["cla_episodes"]
    dob = files["children"].set_index("child_id").date_of_birth
    r = reviews.assign(date=parse(reviews.review_date)).sort_values(["child_id", "date"])
    born = parse(dob.reindex(r.child_id))
    age = (r.date.to_numpy().astype("datetime64[D]") - born).astype("timedelta64[D]").astype(int) / 365.25
    assert (age >= 16).all() and (age < 21).all(), "from the 16th to the 21st birthday"
    assert (r.date.to_numpy() <= EXTRACT).all()
    # the young people are care leavers: care ended at 16 or later (those not followed up yet included), or, for some
    # who leave after the extract date, it has not ended yet and they are 16 or older ("eligible")
    e = episodes.assign(end=parse(episodes.end_date).astype("datetime64[ns]"))
    left = e.groupby("child_id").end.agg(lambda d: pd.NaT if d.isna().any() else d.max())
    ended = left.reindex(r.child_id.unique()).to_numpy().astype("datetime64[D]")
    ended = np.where(np.isnat(ended), EXTRACT, ended)
    left_at = (ended - parse(dob.reindex(r.child_id.unique()))).astype("timedelta64[D]").astype(int) / 365.25
    assert (left_at >= 16).all()
    assert set(leavers.child_id) & set(r.child_id), "the care leavers file's young people have pathway plans"
    weekday = (r.date.to_numpy().astype("datetime64[D]").view("int64") + 3) % 7
    assert (weekday < 5).all(), "reviews are held on weekdays"
    gaps = r.groupby("child_id").date.diff().dt.days.dropna()
    assert gaps.between(160, 230).all() and (gaps > 183).any() and (gaps <= 183).mean() > 0.8
    # an adviser from the plan's start for most; once allocated, still allocated
    allocated = r.personal_adviser_allocated == "Y"
    assert set(r.personal_adviser_allocated) == {"Y", "N"} and 0.85 < allocated.mean() < 0.99
    first_y = r[allocated].groupby("child_id").date.min()
    after_first_y = r.date >= first_y.reindex(r.child_id).to_numpy()
    assert allocated[after_first_y].all()
    assert len(pd.unique(r.child_id)) > 50

"""The optional file cla_health is generated realistically and consistently with the required files: checks
only while the child is looked after, the first health assessment soon after care starts, then about yearly
(six-monthly under 5), dental checks about yearly, most children of the OC2 cohort up to date but not all."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dagster_project.contract.model import load_contract
from tests.generate.checks import all_files, parse
from tests.generate.conftest import EXTRACT

pytestmark = pytest.mark.fast
C = load_contract()


@pytest.fixture(scope="module")
def files(council_clean):
    return all_files(council_clean.folder)


@pytest.fixture(scope="module")
def health(files):
    h = files["cla_health"]
    return h.assign(date=parse(h.check_date))


@pytest.fixture(scope="module")
def episodes(files):
    return files["cla_episodes"].assign(start=lambda e: parse(e.start_date), end=lambda e: parse(e.end_date))


def test_checks_fall_while_the_child_is_looked_after(health, episodes):
    assert set(health.check_type) == set(C.codes("health_check_type"))
    joined = health.merge(episodes, on="child_id")
    covers = (joined.start <= joined.date) & (joined.end.isna() | (joined.date < joined.end))
    assert covers.groupby(joined.health_check_id).any().all()
    assert (health.date.to_numpy() <= np.datetime64(EXTRACT)).all()


def test_checks_follow_their_timescales_with_some_slippage(health, files):
    dob = parse(files["children"].set_index("child_id").date_of_birth.reindex(health.child_id))
    age_days = (health.date.to_numpy().astype("datetime64[D]") - dob).astype(int)
    health = health.assign(age=age_days / 365.25)
    ordered = health.sort_values(["child_id", "check_type", "date"])
    gaps = ordered.groupby(["child_id", "check_type"]).date.diff().dt.days
    ordered = ordered.assign(gap=gaps)
    older = ordered[(ordered.check_type == "HEALTH_ASSESSMENT") & (ordered.age >= 6)].gap.dropna()
    younger = ordered[(ordered.check_type == "HEALTH_ASSESSMENT") & (ordered.age < 4.5)].gap.dropna()
    dental = ordered[ordered.check_type == "DENTAL_CHECK"].gap.dropna()
    assert 300 <= older.median() <= 380 and 150 <= younger.median() <= 200 and 300 <= dental.median() <= 380
    assert (older > 366).mean() > 0.05, "some assessments are late"


def test_most_but_not_all_of_the_oc2_cohort_are_up_to_date(health, episodes):
    day = np.datetime64(EXTRACT)
    year_ago = (pd.Timestamp(EXTRACT) - pd.DateOffset(months=12)).to_datetime64().astype("datetime64[D]")
    open_now = episodes[(episodes.start <= day) & (episodes.end.isna() | (episodes.end > day))].child_id
    first_start = episodes.groupby("child_id").start.min()
    cohort = [c for c in open_now.unique() if first_start[c] <= year_ago]
    assert len(cohort) > 50
    latest = health[health.date <= day].groupby(["child_id", "check_type"]).date.max().unstack()
    latest = latest.reindex(cohort)
    assessed = (year_ago < latest.HEALTH_ASSESSMENT).mean()
    dental = (year_ago < latest.DENTAL_CHECK).mean()
    assert 0.8 < assessed < 0.99 and 0.65 < dental < 0.95 and dental < assessed

"""The optional file missing_episodes is generated realistically and consistently with the required files:
episodes only while the child is looked after, clustered on a minority of older children, mostly short, some
open at the extract date, a return interview offered after most."""

from __future__ import annotations

import numpy as np
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
def missing(files):
    m = files["missing_episodes"]
    return m.assign(start=parse(m.start_date), end=parse(m.end_date))


def test_episodes_fall_while_the_child_is_looked_after(files, missing):
    episodes = files["cla_episodes"].assign(start=lambda e: parse(e.start_date), end=lambda e: parse(e.end_date))
    joined = missing.merge(episodes, on="child_id", suffixes=("", "_cla"))
    # looked after on the day the child went missing (an episode of care covers it), and back by the end of care
    covers = (joined.start_cla <= joined.start) & (joined.end_cla.isna() | (joined.start <= joined.end_cla))
    assert covers.groupby(joined.missing_episode_id).any().all()
    last_end = episodes.groupby("child_id").end.max().where(episodes.groupby("child_id").end.count() ==
                                                            episodes.groupby("child_id").size())  # fmt: skip
    ended_care = last_end.reindex(missing.child_id).to_numpy().astype("datetime64[D]")
    closed = ~np.isnat(ended_care) & ~np.isnat(missing.end.to_numpy())
    assert (missing.end.to_numpy()[closed] <= ended_care[closed]).all()
    # aged 10 or more
    dob = parse(files["children"].set_index("child_id").date_of_birth.reindex(missing.child_id))
    assert ((missing.start.to_numpy() - dob).astype(int) >= 10 * 365).all()


def test_episodes_cluster_on_a_minority_and_are_mostly_short(files, missing):
    looked_after = files["cla_episodes"].child_id.nunique()
    per_child = missing.groupby("child_id").size().sort_values(ascending=False)
    assert 0.03 < len(per_child) / looked_after < 0.25, "a minority of children looked after go missing"
    top_fifth = per_child.iloc[: max(1, len(per_child) // 5)].sum() / per_child.sum()
    assert top_fifth > 0.4, "a few children account for many episodes"
    ended = missing[~np.isnat(missing.end.to_numpy())]
    days = (ended.end - ended.start).dt.days
    assert days.min() >= 0 and days.median() <= 1 and (days <= 7).mean() > 0.8 and days.max() <= 30
    # one episode at a time per child
    ordered = missing.sort_values(["child_id", "start"])
    previous_end = ordered.groupby("child_id").end.shift()
    assert not (ordered.start <= previous_end).any()
    assert set(missing.missing_or_absent) == set(C.codes("missing_or_absent"))


def test_open_episodes_and_return_interviews(missing):
    open_ = np.isnat(missing.end.to_numpy())
    assert open_.sum() >= 1, "some children are missing on the extract date"
    assert (missing.start.to_numpy()[open_] <= np.datetime64(EXTRACT)).all()
    # recorded once the child is back
    assert missing.return_interview_offered[open_].isna().all()
    assert missing.return_interview_accepted[open_].isna().all()
    offered = missing.return_interview_offered[~open_]
    assert offered.notna().all() and 0.7 < (offered == "Y").mean() < 0.95
    # accepted or refused only when one was offered
    assert missing.return_interview_accepted[missing.return_interview_offered != "Y"].isna().all()
    assert missing.return_interview_accepted[missing.return_interview_offered == "Y"].isin(["Y", "N"]).all()

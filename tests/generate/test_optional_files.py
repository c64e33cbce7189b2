"""The optional files are generated consistently with the required ones, and asking for them changes nothing
in the required files (so extracts without them stay exactly as before)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dagster_project.contract.model import load_contract
from dagster_project.generate.extract import Options, generate
from dagster_project.workdays.calendar import wd
from tests.generate.checks import all_files, parse

pytestmark = pytest.mark.fast
C = load_contract()


@pytest.fixture(scope="module")
def files(council_clean):
    return all_files(council_clean.folder)


def test_asking_for_the_optional_files_changes_no_required_file(tmp_path):
    def run(out, optional):
        return generate(Options(out=out, extract_date=dt.date(2019, 3, 1), scale=0.1, quiet=True, defect_rate=0.02,
                                optional_files=optional))  # fmt: skip

    without, with_ = run(tmp_path / "without", False), run(tmp_path / "with", True)
    held = sorted(p.name for p in without.folder.glob("*.csv"))
    assert held == sorted(C.required_file_names)
    for name in held:
        assert (without.folder / name).read_bytes() == (with_.folder / name).read_bytes(), name
    optional = {f.file_name for f in C.files.values() if f.optional}
    assert optional <= {p.name for p in with_.folder.glob("*.csv")}
    manifest = pd.read_csv(with_.manifest, dtype=str)
    required_defects = manifest[~manifest.file.isin(optional)].reset_index(drop=True)
    assert required_defects.equals(pd.read_csv(without.manifest, dtype=str))
    assert manifest.file.isin(optional).any(), "defects are injected into the optional files too"


def test_a_conference_follows_its_strategy_discussion(files):
    s47, plans = files["section47_enquiries"], files["plans"]
    sd, start, icpc = parse(s47.strategy_discussion_date), parse(s47.s47_start_date), parse(s47.icpc_date)
    assert (sd <= start).all()
    held = ~np.isnat(icpc)
    assert (start[held] <= icpc[held]).all()
    # every CP plan started at an initial conference of its referral's enquiry
    cp = plans[plans.plan_type == "CP"]
    conferences = set(zip(s47.referral_id[held], s47.icpc_date[held], strict=True))
    assert all(pair in conferences for pair in zip(cp.referral_id, cp.start_date, strict=True))
    assert set(s47.icpc_outcome[held].dropna()) == {"CP_PLAN", "NO_PLAN"}
    # realistic timeliness: most, not all, conferences within 15 working days of the strategy discussion
    within = (wd(sd[held], icpc[held]) <= 15).mean()
    assert 0.65 <= within <= 0.95, within
    # "ICPC not required" exactly when the enquiry ended without a conference
    assert ((s47.icpc_not_required == "Y") == s47.outcome.isin(["CIN", "NFA"])).all()
    assert s47.icpc_date[s47.icpc_not_required == "Y"].isna().all()


def _periods(episodes: pd.DataFrame) -> pd.DataFrame:
    """Periods of care: episodes of a child joined where one starts the day the previous ended."""
    e = episodes.assign(start=parse(episodes.start_date), end=parse(episodes.end_date))
    e = e.sort_values(["child_id", "start"]).reset_index(drop=True)
    prev_end = e.groupby("child_id").end.shift()
    e["period"] = (~(e.start == prev_end)).cumsum()
    last = ("end", lambda s: s.iloc[-1])  # an open last episode leaves the period open
    return e.groupby("period").agg(child_id=("child_id", "first"), start=("start", "min"), end=last)


def test_reviews_follow_the_statutory_timescales_with_some_slippage(files):
    periods = _periods(files["cla_episodes"])
    reviews = files["cla_reviews"].assign(date=lambda r: parse(r.review_date))
    joined = reviews.merge(periods, on="child_id")
    inside = (joined.date > joined.start) & (joined.end.isna() | (joined.date < joined.end))
    assert inside.groupby(joined.review_id).any().all(), "every review falls within a period of care"
    first = joined[inside].sort_values("date").groupby(["child_id", "start"]).first().reset_index()
    first_in_time = (wd(first.start.to_numpy(), first.date.to_numpy()) <= 20).mean()
    assert 0.8 <= first_in_time < 1.0, first_in_time
    gaps = joined[inside].sort_values("date").groupby(["child_id", "start"]).date.diff().dt.days.dropna()
    assert gaps.between(1, 230).all() and (gaps > 183).any() and (gaps <= 183).mean() > 0.85
    assert set(reviews.participation) <= set(C.codes("review_participation"))


def test_care_leavers_aged_out_of_care(files):
    leavers, episodes = files["care_leavers"], files["cla_episodes"]
    dob = files["children"].set_index("child_id").date_of_birth
    left = episodes.assign(end=parse(episodes.end_date)).groupby("child_id").end.max()
    contact = parse(leavers.contact_date)
    born = parse(dob.reindex(leavers.child_id))
    ended = left.reindex(leavers.child_id).to_numpy().astype("datetime64[D]")
    assert (ended < contact).all(), "followed up only after care ended"
    age_left = (ended - born).astype("timedelta64[D]").astype(int) / 365.25
    assert (age_left >= 16).all()
    age = (contact - born).astype("timedelta64[D]").astype(int) / 365.25
    # followed up within two months after each birthday: a 17-year-old is "relevant", an older one "former relevant"
    assert ((leavers.eligibility == "RELEVANT") == (age < 17.9)).all() and (age < 22).all()
    in_touch = leavers.in_touch == "YES"
    assert 0.8 < in_touch.mean() < 0.97
    assert leavers.activity[~in_touch].isna().all() and leavers.activity[in_touch].notna().all()
    assert leavers.accommodation[in_touch].str[-1].isin(["1", "2"]).all()


def test_cp_reviews_follow_the_statutory_timescales_with_some_slippage(files):
    plans = files["plans"].assign(start=lambda p: parse(p.start_date), end=lambda p: parse(p.end_date))
    reviews = files["cp_reviews"].assign(date=lambda r: parse(r.review_date))
    joined = reviews.merge(plans, left_on="cp_plan_id", right_on="plan_id", suffixes=("", "_plan"))
    assert len(joined) == len(reviews), "every review is of a plan"
    assert (joined.plan_type == "CP").all() and (joined.child_id == joined.child_id_plan).all()
    assert ((joined.date > joined.start) & (joined.end.isna() | (joined.date < joined.end))).all()
    weekday = (joined.date.to_numpy().astype("datetime64[D]").view("int64") + 3) % 7
    assert (weekday < 5).all(), "conferences are held on weekdays"
    joined = joined.sort_values(["plan_id", "date"])
    previous = joined.groupby("plan_id").date.shift()
    first = previous.isna()
    # due 3 calendar months after the start, then 6 months after the previous review
    due = np.where(first, joined.start + pd.DateOffset(months=3), previous + pd.DateOffset(months=6))
    in_time = joined.date.to_numpy() <= due
    assert 0.9 <= in_time.mean() < 1.0, in_time.mean()
    assert joined.groupby("plan_id").size().max() >= 3, "a plan open over a year has had several reviews"
    # plans open long enough have had a first review (at most 42 days late)
    extract = np.datetime64("2019-03-01")
    old_enough = plans[(plans.plan_type == "CP") & plans.end.isna()
                       & (plans.start + pd.DateOffset(months=3, days=43) < pd.Timestamp(extract))]  # fmt: skip
    assert old_enough.plan_id.isin(reviews.cp_plan_id).all()


def test_cp_categories_start_with_the_plan_and_sometimes_change_at_a_review(files):
    plans, categories, reviews = files["plans"], files["cp_categories"], files["cp_reviews"]
    cp = plans[plans.plan_type == "CP"].set_index("plan_id")
    assert set(categories.cp_plan_id) == set(cp.index), "every CP plan has a category, no CIN plan has one"
    assert set(categories.category) <= set(C.codes("category_of_abuse"))
    ordered = categories.sort_values(["cp_plan_id", "category_start_date"])
    initial = ordered.groupby("cp_plan_id").first()
    assert (initial.category_start_date == cp.start_date.reindex(initial.index)).all()
    assert (initial.category == cp.category_of_abuse.reindex(initial.index)).all()
    later = ordered[ordered.duplicated("cp_plan_id")]
    assert 0 < len(later) < 0.3 * len(cp), len(later)
    # a change is decided at a review conference of that plan and names another category
    assert set(zip(later.cp_plan_id, later.category_start_date, strict=True)) <= set(
        zip(reviews.cp_plan_id, reviews.review_date, strict=True)
    )
    assert (later.category.to_numpy() != initial.category.reindex(later.cp_plan_id).to_numpy()).all()

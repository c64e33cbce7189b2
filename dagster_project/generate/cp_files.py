"""The optional child protection files `cp_reviews` and `cp_categories`, simulated from the timeline's CP plans
(`plans` rows with plan_type CP): a review conference within 3 months of the plan's start (its initial
conference), then every 6 months while the plan is open, with realistic slippage (Working Together to Safeguard
Children); the plan's category of abuse (plans.category_of_abuse) from its start, sometimes changed at a review.
Each file has its own random streams, so building them changes nothing in the other files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.generate.dates import plus_days, roll_to_working_day
from dagster_project.generate.optional_files import last_observed_day
from dagster_project.generate.rng import stream

FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
REVIEW_LATE_SHARE = 0.04  # per review; the DfE publishes about 90% of children's plans reviewed in time
CATEGORY_CHANGE_SHARE = 0.08  # of the reviews held: the conference changes the plan's category
CATEGORIES = np.array(["NEG", "PHY", "SAB", "EMO", "MUL"], dtype=object)


def _plus_months(d: np.ndarray, months: int) -> np.ndarray:
    """The same day `months` calendar months later (the month's last day when it has no such day)."""
    out = (pd.DatetimeIndex(d) + pd.DateOffset(months=months)).to_numpy()
    return out.astype("datetime64[D]")


def _cp_plans(plans: pd.DataFrame, horizon: np.datetime64) -> pd.DataFrame:
    cp = plans[plans.plan_type.to_numpy() == "CP"]
    start = cp.start_date.to_numpy().astype("datetime64[D]")
    end = cp.end_date.to_numpy().astype("datetime64[D]")
    last = last_observed_day(end, horizon)
    return pd.DataFrame({"plan_id": cp.plan_id.to_numpy(), "child": cp.child.to_numpy(), "start": start,
                         "last": last, "category": cp.category_of_abuse.to_numpy()})  # fmt: skip


def cp_reviews(plans: pd.DataFrame, horizon: np.datetime64, seed: int) -> pd.DataFrame:
    """One row per review conference held before the plan ended (child, cp_plan_id, review_date)."""
    rng = stream(seed, "optional", "cp_reviews")
    cp = _cp_plans(plans, horizon)
    last = cp["last"].to_numpy()
    parts, previous, k = [], cp.start.to_numpy(), 0
    alive = np.arange(len(cp))
    while len(alive):
        due = _plus_months(previous, FIRST_REVIEW_MONTHS if k == 0 else LATER_REVIEW_MONTHS)
        late = rng.random(len(alive)) < REVIEW_LATE_SHARE
        held = np.where(late, plus_days(due, rng.integers(1, 43, len(alive))),
                        plus_days(due, -rng.integers(1, 22, len(alive))))  # fmt: skip
        # a conference is held on a working day: a review due at a weekend is held on the Friday before
        weekday = (held.view("int64") + 3) % 7  # 0 = Monday
        held = np.where(late, roll_to_working_day(held), plus_days(held, -np.maximum(weekday - 4, 0)))
        held = np.maximum(held, plus_days(previous, 1))
        keep = held < last[alive]
        alive, held = alive[keep], held[keep]
        parts.append(pd.DataFrame({"child": cp.child.to_numpy()[alive], "cp_plan_id": cp.plan_id.to_numpy()[alive],
                                   "review_date": held}))  # fmt: skip
        previous, k = held, k + 1
    return pd.concat(parts, ignore_index=True)[["child", "cp_plan_id", "review_date"]]


def cp_categories(plans: pd.DataFrame, reviews: pd.DataFrame, horizon: np.datetime64, seed: int) -> pd.DataFrame:
    """The initial category on each CP plan's start date (its plans.category_of_abuse), and a change of category
    decided at some of its review conferences (cp_plan_id, category, category_start_date)."""
    rng = stream(seed, "optional", "cp_categories")
    cp = _cp_plans(plans, horizon)
    initial = pd.DataFrame({"cp_plan_id": cp.plan_id, "category": cp.category, "category_start_date": cp.start})
    changed = reviews[rng.random(len(reviews)) < CATEGORY_CHANGE_SHARE]
    changed = changed.sort_values(["cp_plan_id", "review_date"]).drop_duplicates("cp_plan_id")  # one change a plan
    was = initial.set_index("cp_plan_id").category.reindex(changed.cp_plan_id).to_numpy()
    # another category than the initial one: shift by 1..4 places in the list of five
    position = np.array([int(np.flatnonzero(code == CATEGORIES)[0]) for code in was], dtype=np.int64)
    new = CATEGORIES[(position + rng.integers(1, len(CATEGORIES), len(changed))) % len(CATEGORIES)]
    later = pd.DataFrame({"cp_plan_id": changed.cp_plan_id.to_numpy(), "category": new,
                          "category_start_date": changed.review_date.to_numpy().astype("datetime64[D]")})  # fmt: skip
    return pd.concat([initial, later], ignore_index=True)

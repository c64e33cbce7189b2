"""The optional file `pathway_plan_reviews` (issue 24), simulated for the young people `care_leavers` follows (their
care ended at 16 or later): a pathway plan from the later of their 16th birthday and the start of their last period
of care, reviewed about every 6 months (the Care Leavers (England) Regulations 2010 set at most six months between
reviews) until their 21st birthday, some reviews late; a personal adviser allocated from the plan's start for most,
only some weeks after they left care for the rest. Its own random stream, so building it changes nothing in the
other files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.generate.dates import plus_days, roll_to_working_day
from dagster_project.generate.rng import stream

REVIEW_EVERY_DAYS = 182
REVIEW_LATE_SHARE = 0.12  # held 1-45 days after it was due; the others 0-14 days early
ADVISER_FROM_START_SHARE = 0.85  # the others get one 0-90 days after care ended


def birthday(birth: np.ndarray, years: int) -> np.ndarray:
    """The day `years` after each date of birth (29 February rolls to 1 March)."""
    year_start = birth.astype("datetime64[Y]")
    return (year_start + np.timedelta64(years, "Y")).astype("datetime64[D]") + (
        birth - year_start.astype("datetime64[D]")
    )


def pathway_plan_reviews(
    periods: pd.DataFrame, leavers: pd.DataFrame, dob: np.ndarray, horizon: np.datetime64, seed: int
) -> pd.DataFrame:
    """periods: one row per period of care (child, start, end); leavers: the care_leavers rows (child). One row per
    review: child, review_date, personal_adviser_allocated (Y/N)."""
    rng = stream(seed, "optional", "pathway_plan_reviews")
    end = periods.end.to_numpy().astype("datetime64[D]")
    last_period = pd.DataFrame({"child": periods.child.to_numpy(), "start": periods.start.to_numpy(), "left": end})
    last_period = last_period[~np.isnat(end) & last_period.child.isin(leavers.child)]
    last_period = last_period.sort_values(["child", "left"], kind="stable").drop_duplicates("child", keep="last")
    child = last_period.child.to_numpy()
    birth = dob[child].astype("datetime64[D]")
    left = last_period.left.to_numpy().astype("datetime64[D]")
    plan_start = np.maximum(birthday(birth, 16), last_period.start.to_numpy().astype("datetime64[D]"))
    until = np.minimum(birthday(birth, 21), horizon + np.timedelta64(1, "D"))  # last day + 1
    adviser_from = np.where(rng.random(len(child)) < ADVISER_FROM_START_SHARE, plan_start,
                            plus_days(left, rng.integers(0, 91, len(child))))  # fmt: skip
    parts, previous, alive = [], plan_start, np.arange(len(child))
    while len(alive):
        due = plus_days(previous, REVIEW_EVERY_DAYS)
        late = rng.random(len(alive)) < REVIEW_LATE_SHARE
        held = np.where(late, plus_days(due, rng.integers(1, 46, len(alive))),
                        plus_days(due, -rng.integers(0, 15, len(alive))))  # fmt: skip
        held = roll_to_working_day(held)
        keep = held < until[alive]
        alive, held = alive[keep], held[keep]
        parts.append(pd.DataFrame({"_young_person": alive, "review_date": held}))
        previous = held
    reviews = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["_young_person", "review_date"])
    who = reviews._young_person.to_numpy().astype(int)
    allocated = reviews.review_date.to_numpy().astype("datetime64[D]") >= adviser_from[who]
    return pd.DataFrame({
        "child": child[who],
        "review_date": reviews.review_date.to_numpy().astype("datetime64[D]"),
        "personal_adviser_allocated": np.where(allocated, "Y", "N").astype(object),
    })  # fmt: skip

"""The optional file `missing_episodes` (issue 24), simulated from the periods of care of the same timeline:
episodes fall only while the child is looked after, cluster on a minority of older children (a few go missing
again and again), are mostly short (most children are back within a day), and a return interview is offered
after most. Its own random stream, so building it changes nothing in the other files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.generate.dates import plus_days
from dagster_project.generate.optional_files import care_periods
from dagster_project.generate.rng import choice_by_weight, stream

YEAR = 365.25
# Share of children looked after at each age who ever go missing or away in a period of care.
PRONE_SHARE_BY_AGE = ((13, 0.5), (10, 0.15))  # (from age, share); younger children never do here
EPISODES_PER_YEAR_MEDIAN = 3.0  # among children who do; lognormal, so a few go missing every few weeks
EPISODES_PER_YEAR_SIGMA = 1.0
MISSING_SHARE = 0.7  # M (missing) rather than A (away from placement without authorisation)
DURATION_DAYS = {"0": 45, "1": 25, "short": 20, "long": 10}  # back the same day / next day / 2-7 / 8-30 days
OFFERED_SHARE = {"M": 0.88, "A": 0.6}  # of ended episodes: a return interview was offered
ACCEPTED_SHARE = 0.6  # of offers


def missing_episodes(periods: pd.DataFrame, dob: np.ndarray, horizon: np.datetime64, seed: int) -> pd.DataFrame:
    """periods: one row per period of care (child, start, end). One row per episode, with the child."""
    rng = stream(seed, "optional", "missing_episodes")
    child, start, end, last, birth = care_periods(periods, dob, horizon)
    # the part of each period from the child's 10th birthday, and the share of children prone at that age
    from_10 = np.maximum(start, plus_days(birth, int(10 * YEAR)))
    span = (last - from_10).astype("int64")
    age_at = ((from_10 - birth).astype("int64") / YEAR).astype(int)
    share = np.select([age_at >= a for a, _ in PRONE_SHARE_BY_AGE], [s for _, s in PRONE_SHARE_BY_AGE], 0.0)
    prone = (span > 0) & (rng.random(len(child)) < share)
    rate = EPISODES_PER_YEAR_MEDIAN * np.exp(EPISODES_PER_YEAR_SIGMA * rng.standard_normal(len(child)))
    count = np.where(prone, rng.poisson(rate * np.maximum(span, 0) / YEAR), 0)
    count = np.where(prone, np.maximum(count, 1), 0)  # a prone child goes missing at least once
    period = np.repeat(np.arange(len(child)), count)
    begun = plus_days(from_10[period], (rng.random(len(period)) * span[period]).astype("int64"))
    length = choice_by_weight(rng, DURATION_DAYS, len(period))
    days = np.select(
        [length == "0", length == "1", length == "short"],
        [0, 1, rng.integers(2, 8, len(period))], rng.integers(8, 31, len(period)),
    )  # fmt: skip
    back = plus_days(begun, days)
    ended = np.where(np.isnat(end[period]), back, np.minimum(back, end[period]))  # back by the end of care
    rows = pd.DataFrame({"period": period, "start_date": begun, "end_date": ended}).sort_values(
        ["period", "start_date"], kind="stable"
    )
    # one episode at a time: drop an episode starting before the child's previous one ended
    previous_end = rows.groupby("period").end_date.transform(lambda s: s.cummax().shift())
    rows = rows[~(rows.start_date <= previous_end)].reset_index(drop=True)
    n = len(rows)
    kind = np.where(rng.random(n) < MISSING_SHARE, "M", "A").astype(object)
    offered = rng.random(n) < np.where(kind == "M", OFFERED_SHARE["M"], OFFERED_SHARE["A"])
    accepted = rng.random(n) < ACCEPTED_SHARE
    return pd.DataFrame({
        "child": child[rows.period.to_numpy()],
        "missing_or_absent": kind,
        "start_date": rows.start_date.to_numpy().astype("datetime64[D]"),
        "end_date": rows.end_date.to_numpy().astype("datetime64[D]"),
        "return_interview_offered": np.where(offered, "Y", "N").astype(object),
        "return_interview_accepted": np.where(offered, np.where(accepted, "Y", "N"), None).astype(object),
    })  # fmt: skip

"""The optional file `cla_health` (issue 24): health assessments and dental checks of children looked after,
simulated from the periods of care of the same timeline. The first health assessment is due within 20 working
days of care starting, then every 6 months under 5 and every 12 months from 5 (Promoting the health and
well-being of looked-after children, 2015); a dental check within 3 months, then yearly. Most are held around
their due date, some late, a few missed (the next is then due from the missed date). Checks fall only while the
child is looked after. Its own random stream, so building it changes nothing in the other files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.generate.dates import plus_days, plus_wd, roll_to_working_day
from dagster_project.generate.optional_files import care_periods
from dagster_project.generate.rng import stream

UNDER_FIVE_DAYS = int(5 * 365.25)
LATE_SHARE = {"HEALTH_ASSESSMENT": 0.12, "DENTAL_CHECK": 0.25}  # held 1-60 days after the due date
MISSED_SHARE = {"HEALTH_ASSESSMENT": 0.07, "DENTAL_CHECK": 0.18}  # not held at all (counted from the due date)


def _chain(rng, check_type: str, child, start, last, birth) -> pd.DataFrame:
    """One check after another per period of care, each due from the previous one (held or missed)."""
    parts = []
    alive = np.arange(len(child))
    previous = start
    first = True
    while len(alive):
        if check_type == "HEALTH_ASSESSMENT":
            under_five = (previous[alive] - birth[alive]).astype("int64") < UNDER_FIVE_DAYS
            due = plus_wd(previous[alive], 20) if first else plus_days(previous[alive], np.where(under_five, 182, 365))
        else:
            due = plus_days(previous[alive], 91 if first else 365)
        late = rng.random(len(alive)) < LATE_SHARE[check_type]
        held = np.where(
            late, plus_days(due, rng.integers(1, 61, len(alive))), plus_days(due, -rng.integers(0, 29, len(alive)))
        )  # fmt: skip
        held = roll_to_working_day(np.maximum(held, plus_days(previous[alive], 1)))
        missed = rng.random(len(alive)) < MISSED_SHARE[check_type]
        keep = held < last[alive]
        recorded = keep & ~missed
        parts.append(pd.DataFrame({"child": child[alive][recorded], "check_date": held[recorded]}))
        previous = previous.copy()
        previous[alive] = np.where(missed, due, held)
        alive = alive[keep]
        first = False
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["child", "check_date"])
    out.insert(1, "check_type", check_type)
    return out


def cla_health(periods: pd.DataFrame, dob: np.ndarray, horizon: np.datetime64, seed: int) -> pd.DataFrame:
    """periods: one row per period of care (child, start, end). One row per check held, with the child."""
    rng = stream(seed, "optional", "cla_health")
    child, start, _, last, birth = care_periods(periods, dob, horizon)
    checks = [_chain(rng, kind, child, start, last, birth) for kind in ("HEALTH_ASSESSMENT", "DENTAL_CHECK")]
    out = pd.concat(checks, ignore_index=True)
    out["check_date"] = out.check_date.to_numpy().astype("datetime64[D]")
    return out.sort_values(["check_date", "child", "check_type"], kind="stable").reset_index(drop=True)

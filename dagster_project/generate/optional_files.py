"""The optional export files (`optional: true` in the contract), simulated from the same timeline as the
required ones: a section 47 enquiry starts at its strategy discussion and, for a child protection plan, ends in
the initial conference that starts the plan; looked-after reviews follow the statutory timescales (20 working
days, then 3 months, then every 6 months) with realistic slippage; care leavers are the young people whose care
ended at 16 or later, followed up around each birthday to 21. Each file has its own random streams, so
building them changes nothing in the required files.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from dagster_project.generate.dates import NAT, plus_days, plus_wd, roll_to_working_day
from dagster_project.generate.rng import choice_by_weight, stream
from dagster_project.workdays import subtract_wd

# Working days from strategy discussion to initial conference: most within the 15-day standard, some late.
ICPC_ON_TIME_SHARE = 0.78
NON_CP_S47_SHARE = 0.12  # assessed referrals without a CP plan that still had a section 47 enquiry
REVIEW_LATE_SHARE = 0.10
IN_TOUCH = {"YES": 0.89, "NO": 0.05, "REFU": 0.025, "NREQ": 0.02, "RHOM": 0.01, "DIED": 0.005}
ACTIVITY = {"F1": 8, "P1": 2, "F2": 18, "P2": 5, "F4": 15, "P4": 6, "F5": 3, "P5": 2, "G4": 9, "G5": 26, "G6": 6}
SUITABLE = ["B1", "C1", "D1", "E1", "G1", "H1", "K1", "R1", "T1", "U1", "V1", "W1", "Y1", "Z1"]
UNSUITABLE = ["B2", "C2", "D2", "E2", "G2", "H2", "K2", "R2", "S2", "T2", "U2", "V2", "W2", "X2", "Y2", "Z2"]
SUITABLE_SHARE = 0.96  # of those in touch: about 88% of all care leavers, as the DfE publishes


def _days_before(d: np.ndarray, working_days: np.ndarray) -> np.ndarray:
    """About `working_days` working days before d (5 working days a week), on a weekday."""
    back = plus_days(d, -(working_days * 7 // 5))
    weekday = (back.astype("datetime64[D]").view("int64") + 3) % 7  # 0 = Monday
    return plus_days(back, -np.maximum(weekday - 4, 0))


def section47_enquiries(ref: dict, horizon: np.datetime64, seed: int) -> pd.DataFrame:
    rng = stream(seed, "optional", "section47")
    referral_date = ref["referral_date"]
    cp = np.flatnonzero(~np.isnat(ref["cp_start"]) & (ref["cp_start"] <= horizon))
    icpc = ref["cp_start"][cp]
    late = rng.random(len(cp)) >= ICPC_ON_TIME_SHARE
    gap = np.where(late, rng.integers(16, 31, len(cp)), rng.integers(3, 16, len(cp)))
    sd_cp = np.maximum(_days_before(icpc, gap), referral_date[cp])
    # not on a referral closed after assessment (RC8/RC9): the DfE's rule 2990 forbids an enquiry on one
    closed_after_assessment = pd.Series(ref["closure_reason"]).isin(["RC8", "RC9"]).to_numpy()
    other = np.flatnonzero(ref["has_assessment"] & np.isnat(ref["cp_start"]) & ~np.isnat(ref["a_start"])
                           & ~closed_after_assessment)  # fmt: skip
    other = other[rng.random(len(other)) < NON_CP_S47_SHARE]
    sd_other = roll_to_working_day(plus_days(ref["a_start"][other], rng.integers(0, 6, len(other))))
    outcome_other = choice_by_weight(rng, {"CIN": 0.6, "NFA": 0.25, "ICPC": 0.15}, len(other))
    held = outcome_other == "ICPC"
    icpc_other = np.where(held, plus_wd(sd_other, rng.integers(5, 21, len(other))), NAT)
    rows = pd.DataFrame({
        "ref": np.r_[cp, other],
        "strategy_discussion_date": np.r_[sd_cp, sd_other],
        "outcome": np.r_[np.full(len(cp), "ICPC", dtype=object), outcome_other],
        "icpc_date": np.r_[icpc, icpc_other].astype("datetime64[D]"),
        "icpc_outcome": np.r_[np.full(len(cp), "CP_PLAN", dtype=object), np.where(held, "NO_PLAN", None)],
    })  # fmt: skip
    sd = rows.strategy_discussion_date.to_numpy().astype("datetime64[D]")
    start = plus_days(sd, np.where(rng.random(len(rows)) < 0.85, 0, 1))
    icpc_all = rows.icpc_date.to_numpy().astype("datetime64[D]")
    start = np.where(np.isnat(icpc_all), start, np.minimum(start, icpc_all))
    # the enquiry itself starts at most 15 working days before its conference (a later one awaits its conference
    # past the DfE's query 8675Q at any extract date before it): the strategy discussion may come earlier
    held_any = ~np.isnat(icpc_all)
    start[held_any] = np.maximum(start[held_any], subtract_wd(icpc_all[held_any], 15))
    outcome_on = plus_days(start, rng.integers(2, 11, len(rows)))
    outcome_on = np.where(np.isnat(icpc_all), outcome_on, np.minimum(outcome_on, icpc_all))
    rows["s47_start_date"] = start
    rows["_outcome_on"] = outcome_on
    rows["icpc_not_required"] = np.where(rows.outcome.isin(["CIN", "NFA"]), "Y", "N").astype(object)
    rows = rows[start <= horizon].reset_index(drop=True)
    return rows[["ref", "strategy_discussion_date", "s47_start_date", "outcome", "icpc_not_required", "icpc_date",
                 "icpc_outcome", "_outcome_on"]]  # fmt: skip


class CarePeriods(NamedTuple):
    """Periods of care as arrays, one element per period: the child, the first day, the end (NaT while open), the
    last day the extract sees and the child's date of birth."""

    child: np.ndarray
    start: np.ndarray
    end: np.ndarray
    last: np.ndarray
    birth: np.ndarray


def last_observed_day(end: np.ndarray, horizon: np.datetime64) -> np.ndarray:
    """A period's last day the extract sees: its end, or the horizon when it is open or ends later."""
    return np.where(np.isnat(end), horizon, np.minimum(end, horizon))


def care_periods(periods: pd.DataFrame, dob: np.ndarray, horizon: np.datetime64) -> CarePeriods:
    """periods: one row per period of care (child, start, end)."""
    child = periods.child.to_numpy()
    start = periods.start.to_numpy().astype("datetime64[D]")
    end = periods.end.to_numpy().astype("datetime64[D]")
    return CarePeriods(child, start, end, last_observed_day(end, horizon), dob[child].astype("datetime64[D]"))


def cla_reviews(periods: pd.DataFrame, dob: np.ndarray, horizon: np.datetime64, seed: int) -> pd.DataFrame:
    """periods: one row per period of care (child, start, end)."""
    rng = stream(seed, "optional", "cla_reviews")
    care = care_periods(periods, dob, horizon)
    child, start, last = care.child, care.start, care.last
    parts, previous, k = [], start, 0
    alive = np.arange(len(start))
    while len(alive):
        step = 20 if k == 0 else (91 if k == 1 else 182)
        due = plus_wd(previous, step) if k == 0 else plus_days(previous, step)
        late = rng.random(len(alive)) < REVIEW_LATE_SHARE
        held = np.where(late, plus_days(due, rng.integers(1, 41, len(alive))),
                        plus_days(due, -rng.integers(0, 15, len(alive))))  # fmt: skip
        held = roll_to_working_day(np.maximum(held, plus_days(previous, 1)))
        keep = held < last[alive]
        alive, held = alive[keep], held[keep]
        parts.append(pd.DataFrame({"child": child[alive], "review_date": held, "_period": alive}))
        previous, k = held, k + 1
    reviews = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["child", "review_date"])
    age = (reviews.review_date.to_numpy().astype("datetime64[D]") - dob[reviews.child.to_numpy()]).astype(int)
    participation = choice_by_weight(rng, {"PN1": 45, "PN2": 8, "PN3": 3, "PN4": 10, "PN5": 12, "PN6": 14,
                                           "PN7": 8}, len(reviews))  # fmt: skip
    reviews["participation"] = np.where(age < 4 * 365, "PN0", participation).astype(object)
    return reviews[["child", "review_date", "participation"]]


# How a period of care ends that makes no care leaver: died, transferred to another authority, adopted (DfE 903
# rules 1000, 1011, 1001).
NOT_A_CARE_LEAVER = ["E2", "E3", "E11", "E12"]


def birthdays(birth: np.ndarray, years: int) -> np.ndarray:
    """Each date of birth's `years`th birthday (a 29 February birthday on 28 February in other years)."""
    month = birth.astype("datetime64[M]")
    day = (birth - month.astype("datetime64[D]")).astype("int64")
    first = (month + np.timedelta64(12 * years, "M")).astype("datetime64[D]")
    last = (month + np.timedelta64(12 * years + 1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(first + day.astype("timedelta64[D]"), last)


def _leaves_a_care_leaver(periods: pd.DataFrame, episodes: pd.DataFrame, dob: np.ndarray) -> np.ndarray:
    """Per period: whether its end makes the child a care leaver: looked after (V3/V4 short breaks left out) at
    least 91 days from 14 and a day from 16 in the period (the DfE's relevant / former relevant child, 903 rule
    1001) and not ended by death, transfer or adoption."""
    birth = dob[episodes.child.to_numpy()].astype("datetime64[D]")
    start = episodes.start_date.to_numpy().astype("datetime64[D]")
    end = episodes.end_date.to_numpy().astype("datetime64[D]")
    counted = ~np.isnat(end) & ~np.isin(episodes.legal_status.to_numpy(), ["V3", "V4"])

    def days_from(years: int) -> pd.Series:
        days = (end - np.maximum(start, birthdays(birth, years))).astype("timedelta64[D]").astype("int64")
        return pd.Series(np.where(counted, np.maximum(days, 0), 0)).groupby(episodes.ref.to_numpy()).sum()

    ref = periods.ref.to_numpy()
    from_14 = days_from(14).reindex(ref, fill_value=0).to_numpy()
    from_16 = days_from(16).reindex(ref, fill_value=0).to_numpy()
    last_reason = episodes.groupby("ref").reason_ceased.last().reindex(ref).to_numpy()
    return (from_14 >= 91) & (from_16 >= 1) & ~np.isin(last_reason.astype(str), NOT_A_CARE_LEAVER)


def care_leavers(periods: pd.DataFrame, episodes: pd.DataFrame, dob: np.ndarray, horizon: np.datetime64,
                 seed: int) -> pd.DataFrame:  # fmt: skip
    """A follow-up around each birthday from the 17th to the 21st after care ended at 16 or later (a period of
    care that makes a care leaver, `_leaves_a_care_leaver`; episodes: the periods' episodes, by `ref`)."""
    rng = stream(seed, "optional", "care_leavers")
    end = periods.end.to_numpy().astype("datetime64[D]")
    child = periods.child.to_numpy()
    left = ~np.isnat(end)
    leaver = left & _leaves_a_care_leaver(periods, episodes, dob)
    leavers = pd.DataFrame({"child": child[leaver], "left": end[leaver]}).sort_values("left")
    leavers = leavers.drop_duplicates("child", keep="last")
    birth_l = dob[leavers.child.to_numpy()].astype("datetime64[D]")
    parts = []
    for years in range(17, 22):
        birthday = birthdays(birth_l, years)
        contact = plus_days(birthday, rng.integers(0, 61, len(birthday)))
        ok = (birthday > leavers.left.to_numpy().astype("datetime64[D]")) & (contact <= horizon)
        parts.append(pd.DataFrame({"child": leavers.child.to_numpy()[ok], "contact_date": contact[ok], "years": years,
                                   "eligibility": "RELEVANT" if years < 18 else "FORMER_RELEVANT"}))  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    n = len(out)
    in_touch = choice_by_weight(rng, IN_TOUCH, n)
    yes = in_touch == "YES"
    suitable = rng.random(n) < SUITABLE_SHARE
    accommodation = np.where(
        suitable, np.array(SUITABLE, dtype=object)[rng.integers(0, len(SUITABLE), n)],
        np.array(UNSUITABLE, dtype=object)[rng.integers(0, len(UNSUITABLE), n)],
    )  # fmt: skip
    out["in_touch"] = in_touch
    out["activity"] = np.where(yes, choice_by_weight(rng, ACTIVITY, n), None)
    # No Foyer (T) under 18 nor former foster carers (Z) around the 17th birthday (DfE 903 rules 347, 3001): those
    # rows take another code of the same suitability, drawn last so that no other value changes.
    years = out.pop("years").to_numpy()
    banned = np.char.startswith(accommodation.astype(str), "T") & (years <= 18)
    banned |= np.char.startswith(accommodation.astype(str), "Z") & (years == 17)
    for codes in (SUITABLE, UNSUITABLE):
        allowed = np.array([c for c in codes if c[0] not in "TZ"], dtype=object)
        swap = banned & np.isin(accommodation, codes)
        accommodation[swap] = allowed[rng.integers(0, len(allowed), int(swap.sum()))]
    out["accommodation"] = np.where(yes, accommodation, None)
    # no contact after one that found the young person had died (DfE 903 rule 348)
    died = out.contact_date.where(out.in_touch == "DIED").groupby(out.child).transform("min")
    out = out[~(out.contact_date > died)]
    return out[["child", "eligibility", "contact_date", "in_touch", "activity", "accommodation"]]

"""Children, referrals and what follows them (assessment, CIN / CP plans, care), simulated as ONE
timeline over the whole frame (warm-up + history + horizon), independent of the extract date.

Each child is a chain of referrals: a referral runs its course (NFA, assessment, plan or care), closes,
and may be followed by a re-referral. The chain is simulated in rounds (round k = every child's k-th
referral), vectorised over all children in the round."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dagster_project.contract.model import load_contract
from dagster_project.generate.calendar import Frame
from dagster_project.generate.dates import NAT, earlier, plus_days, plus_wd, roll_to_working_day, uniform_dates
from dagster_project.generate.presets import Preset
from dagster_project.generate.rng import choice_by_weight, stream

# CIN census referral sources (DfE "Characteristics of children in need"): police 6 ~29%, schools ~20%,
# health 3A-3F ~14%, LA services 5A-5D ~10%, individuals 1A-1D ~8%, other/unknown the rest.
SOURCE_WEIGHTS = {
    "6": 29, "2A": 18, "2B": 2, "3A": 3, "3B": 2, "3C": 1, "3D": 2, "3E": 3, "3F": 3, "5A": 4, "5B": 3,
    "5C": 2, "5D": 1, "1A": 4, "1B": 1, "1C": 1, "1D": 2, "4": 2, "7": 4, "8": 6, "9": 1, "10": 6,
}  # fmt: skip
NEED_WEIGHTS = {"N1": 57, "N2": 10, "N3": 4, "N4": 12, "N5": 9, "N6": 2, "N7": 0.5, "N8": 3, "N9": 2, "N0": 0.5}
ABUSE_WEIGHTS = {"NEG": 48, "EMO": 38, "PHY": 7, "SAB": 4, "MUL": 3}
ETHNICITY_WEIGHTS = {
    "WBRI": 74, "WIRI": 0.5, "WIRT": 0.5, "WOTH": 5, "WROM": 0.5, "MWBC": 2, "MWBA": 1, "MWAS": 1, "MOTH": 2,
    "AIND": 1, "APKN": 2, "ABAN": 0.5, "AOTH": 1, "BCRB": 1, "BAFR": 3, "BOTH": 0.5, "CHNE": 0.3, "OOTH": 2,
    "REFU": 1, "NOBT": 1.2,
}  # fmt: skip
FACTOR_CODES = [
    "1A", "1B", "1C", "2A", "2B", "3A", "3B", "3C", "4A", "4B", "5A", "5B", "5C", "6A", "6B", "6C", "7A", "8B",
    "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18B", "18C",
    "19B", "20", "21", "22A", "23A", "24A",
]  # fmt: skip
# Current CIN census factor codes: 18A and 19A are retired (DfE 8945Q / 8950Q), and 21 ("no factors
# identified") stands alone (DfE 8869).
NO_FACTORS = "21"

NFA_AT_REFERRAL = 0.07  # "referred inappropriately": closed with no further action, no assessment
VIA_CONTACT = 0.95  # referrals that came through a front-door contact
CP_STEP_DOWN = 0.40  # CP plans followed by a CIN plan
CP_TO_CARE = 0.10  # CP plans ending with the child coming into care
RE_REFER_SHORT, RE_REFER_LONG = 0.37, 0.15  # chance of another referral after a short / long episode
MEAN_GAP_DAYS = 120  # closure -> next referral


@dataclass
class Casework:
    children: dict  # child arrays, index = internal child number
    referrals: dict  # one entry per referral (all rounds), arrays
    contacts: dict  # non-referral contacts (referral contacts are derived from referrals)


def _check_codes() -> None:
    c = load_contract()
    for weights, lst in ((SOURCE_WEIGHTS, "referral_source"), (NEED_WEIGHTS, "primary_need_code"),
                         (ABUSE_WEIGHTS, "category_of_abuse"), (ETHNICITY_WEIGHTS, "ethnicity")):  # fmt: skip
        unknown = set(weights) - set(c.codes(lst))
        if unknown:
            raise ValueError(f"weights for codes outside the contract list {lst}: {unknown}")


def _route_probabilities(p: Preset, seed: int) -> dict[str, float]:
    """Per assessed referral: chance of CIN plan / CP plan / care, from the preset's stocks (Little's law)."""
    assessed_per_year = p.referrals_per_year * (1 - NFA_AT_REFERRAL)
    cp_starts = p.cp_stock / 1.0  # CP plans last 6-18 months: mean ~1 year
    cla_years = float(np.mean(_cla_durations(stream(seed, "cla-mean"), np.full(20000, 8.0))))
    cla_starts = max(1.15 * p.cla_stock / cla_years - CP_TO_CARE * cp_starts, 0)
    step_down_stock = CP_STEP_DOWN * cp_starts * (150 / 365)
    cin_starts = max(p.cin_plan_stock - step_down_stock, 0) / (200 / 365)
    probs = {"CP": cp_starts, "CLA": cla_starts, "CIN": cin_starts}
    probs = {k: v / assessed_per_year for k, v in probs.items()}
    rest = 1 - sum(probs.values())
    if rest < 0.1:
        raise ValueError("preset stocks are too high for its referral volume")
    probs["NFA"], probs["EARLY_HELP"] = rest * 0.65, rest * 0.35
    return probs


def _cla_durations(rng: np.random.Generator, age_years: np.ndarray) -> np.ndarray:
    """Care durations in years: a third short stays, the rest long; capped at the 18th birthday."""
    n = len(age_years)
    short = rng.random(n) < 0.35
    years = np.where(short, rng.lognormal(np.log(90 / 365), 0.8, n), rng.lognormal(np.log(3.0), 0.7, n))
    return np.maximum(np.minimum(years, 18 - age_years), 2 / 365)


def _new_children(rng: np.random.Generator, first_dates: np.ndarray) -> dict:
    n = len(first_dates)
    band = rng.choice(6, size=n, p=[0.03, 0.12, 0.18, 0.27, 0.30, 0.10])
    lo = np.array([0, 0, 1, 5, 10, 16])[band]
    hi = np.array([0, 1, 5, 10, 16, 17.7])[band]
    age_days = ((lo + rng.random(n) * (hi - lo)) * 365.25).astype(np.int64)
    unborn = band == 0
    age_days[unborn] = -rng.integers(14, 180, unborn.sum())  # due 2 weeks to 6 months after the referral
    dob = plus_days(first_dates, -age_days)
    # Sex is known once born (an unborn child's is U at the extract date: cut.py); a looked-after child's sex
    # is never unknown (DfE 903 232). The first draw is kept so that the other draws stay as they were.
    rng.random(n)
    sex = np.where(rng.random(n) < 0.52, "M", "F").astype(object)
    return {
        "dob": dob,
        "sex": sex,
        "ethnicity": choice_by_weight(rng, ETHNICITY_WEIGHTS, n),
        "disabled": rng.choice(np.array(["N", "Y", "U"], dtype=object), size=n, p=[0.87, 0.10, 0.03]),
    }


def simulate(frame: Frame, preset: Preset, seed: int) -> Casework:
    _check_codes()
    probs = _route_probabilities(preset, seed)
    sim_years = (frame.horizon - frame.sim_start).astype(int) / 365.25
    # New children arrive so that all referrals (re-referrals included, ~1.4 per child) match the preset.
    rng = stream(seed, "children")
    n_new = rng.poisson(preset.referrals_per_year * sim_years / 1.40)
    first = roll_to_working_day(np.sort(uniform_dates(rng, frame.sim_start, frame.horizon, n_new)))
    children = _new_children(rng, first)

    rounds = []
    child = np.arange(n_new)
    ref_date = first
    k = 0
    while len(child):
        ep = _episode(stream(seed, "episode", k), frame, probs, ref_date, children["dob"][child],
                      children["disabled"][child])  # fmt: skip
        ep["child"] = child
        ep["round"] = np.full(len(child), k)
        rounds.append(ep)
        r = stream(seed, "re-referral", k)
        long_episode = np.isin(ep["route"], ["CP", "CLA"])
        again = r.random(len(child)) < np.where(long_episode, RE_REFER_LONG, RE_REFER_SHORT)
        nxt = roll_to_working_day(plus_days(ep["closure"], 7 + r.exponential(MEAN_GAP_DAYS, len(child)).astype(int)))
        age18 = plus_days(children["dob"][child], 17 * 365)
        ok = again & ~np.isnat(ep["closure"]) & (nxt <= frame.horizon) & (nxt < age18)
        child, ref_date = child[ok], nxt[ok]
        k += 1
    referrals = {key: np.concatenate([ep[key] for ep in rounds]) for key in rounds[0]}
    contacts = _other_contacts(stream(seed, "contacts"), frame, preset, referrals, children)
    return Casework(children=children, referrals=referrals, contacts=contacts)


def _episode(rng, frame: Frame, probs: dict, r: np.ndarray, dob: np.ndarray, disabled: np.ndarray) -> dict:
    """One referral each: what happened to it, all dates in the full timeline (NaT = never)."""
    n = len(r)
    horizon = frame.horizon
    out: dict[str, np.ndarray] = {"referral_date": r}
    out["source"] = choice_by_weight(rng, SOURCE_WEIGHTS, n)
    out["via_contact"] = rng.random(n) < VIA_CONTACT
    out["contact_lag"] = np.where(rng.random(n) < 0.7, 0, rng.integers(1, 4, n))
    nfa = rng.random(n) < NFA_AT_REFERRAL
    out["nfa"] = nfa
    # Assessment: working days from referral to authorisation, median drifting from ~35 to ~25 over
    # the first 3 years of history (worse early, better later), then flat.
    drift = np.clip(frame.years_since_start(r) / 3, 0, 1)
    median = 35 - 10 * drift
    start_off = np.where(rng.random(n) < 0.45, 0, rng.integers(1, 5, n))
    days = np.clip(np.rint(rng.lognormal(np.log(median), 0.42)), start_off + 1, 160).astype(np.int64)
    has_asmt = ~nfa
    out["has_assessment"] = has_asmt
    out["a_start"] = np.where(has_asmt, plus_wd(r, start_off), NAT)
    auth = np.where(has_asmt, plus_wd(r, days), NAT)
    out["a_auth"] = auth
    out["a_seen"] = np.where(rng.random(n) < 0.95, "Y", "N").astype(object)
    drawn = [rng.choice(FACTOR_CODES, size=rng.integers(1, 5), replace=False) for _ in range(997)]
    pool = np.array([NO_FACTORS if NO_FACTORS in codes else "|".join(codes) for codes in drawn] + [""] * 60,
                    dtype=object)  # fmt: skip
    out["factors"] = pool[rng.integers(0, len(pool), n)]
    out["need"] = choice_by_weight(rng, NEED_WEIGHTS, n)

    route_keys = np.array(list(probs), dtype=object)
    route = route_keys[rng.choice(len(route_keys), n, p=np.array(list(probs.values())))]
    route = np.where(nfa, "NFA_REFERRAL", route).astype(object)
    out["route"] = route
    # Factor 21 ("no factors identified") only on a referral closed after its assessment (RC8/RC9), closed the
    # day the assessment is authorised (DfE 8873Q); a completed assessment always has factors (8897Q).
    closed_after_assessment = np.isin(route, ["NFA", "EARLY_HELP"])
    with_factors = np.array([p for p in pool if p and p != NO_FACTORS], dtype=object)
    replacement = with_factors[np.arange(n) % len(with_factors)]
    no_factors = out["factors"] == NO_FACTORS
    out["factors"] = np.where((no_factors & ~closed_after_assessment) | (out["factors"] == ""), replacement,
                              out["factors"])  # fmt: skip
    supported = np.isin(route, ["CP", "CLA", "CIN"])
    out["a_outcome"] = np.select([supported, route == "EARLY_HELP"], ["SUPPORT", "EARLY_HELP"], "NFA").astype(object)

    # The 18th birthday itself (a care-leaver exit E17 before it is a DfE 903 error, 460).
    age18 = (pd.to_datetime(dob) + pd.DateOffset(years=18)).to_numpy().astype("datetime64[D]")
    eighteen_minus = plus_days(age18, -1)
    # CIN plan straight after assessment.
    cin = route == "CIN"
    cin_dur = np.clip(rng.lognormal(np.log(150), 0.6, n), 30, 1000).astype(np.int64)
    out["cin_start"] = np.where(cin, auth, NAT)
    cin_end = earlier(plus_days(auth, cin_dur), eighteen_minus)
    out["cin_end"] = np.where(cin, np.where(cin_end > auth, cin_end, plus_days(auth, 14)), NAT)  # 18 soon
    # CP plan after the initial conference, 6-18 months.
    cp = route == "CP"
    cp_start = plus_days(auth, rng.integers(0, 15, n))
    cp_end = earlier(plus_days(cp_start, rng.integers(183, 548, n)), eighteen_minus)
    cp_end = np.where(cp_end <= cp_start, plus_days(cp_start, 30), cp_end)
    # the conference that starts the plan is held on a working day (DfE CIN rule 8875): a start at a weekend or on
    # a bank holiday moves to the next working day; the end stays, so the rest of the case is unchanged
    out["cp_start"] = np.where(cp, roll_to_working_day(cp_start), NAT)
    out["cp_end"] = np.where(cp, cp_end, NAT)
    out["abuse"] = choice_by_weight(rng, ABUSE_WEIGHTS, n)
    after_cp = rng.random(n)
    step_down = cp & (after_cp < CP_STEP_DOWN)
    to_care = cp & (after_cp >= CP_STEP_DOWN) & (after_cp < CP_STEP_DOWN + CP_TO_CARE)
    sd_end = earlier(plus_days(cp_end, np.clip(rng.lognormal(np.log(120), 0.5, n), 30, 600).astype(np.int64)),
                     eighteen_minus)  # fmt: skip
    out["cin2_start"] = np.where(step_down & (sd_end > cp_end), cp_end, NAT)
    out["cin2_end"] = np.where(step_down & (sd_end > cp_end), sd_end, NAT)
    # Care: straight from the referral (often before the assessment is authorised) or after a CP plan.
    direct_care = route == "CLA"
    span = np.maximum((auth - r).astype(int), 1)
    care_start = np.where(direct_care, plus_days(r, (rng.random(n) * span).astype(np.int64)), cp_end)
    care = direct_care | to_care
    care_start = np.where(care, np.where(care_start < dob, dob, care_start), NAT)  # unborn: at birth
    age_at = np.where(care, (care_start - dob).astype(int) / 365.25, 0.0)
    care_years = _cla_durations(rng, np.clip(age_at, 0, 17.99))
    care_end = plus_days(care_start, np.maximum((care_years * 365.25).astype(np.int64), 1))
    care = care & (care_start < age18)
    out["cla_start"] = np.where(care, care_start, NAT)
    out["cla_end"] = np.where(care, earlier(care_end, age18), NAT)
    out["cla_to_18"] = care & (out["cla_end"] >= age18)  # ceased at 18, not the day before (DfE 903 460)

    # Closure of the referral (CIN episode) after the last service ends.
    service_end = np.select(
        [nfa, route == "NFA", route == "EARLY_HELP", cin, step_down & ~np.isnat(out["cin2_end"]), care, cp],
        # A short stay in care can end before the assessment is authorised: the case stays open until both
        # are done (DfE 8565: no activity after closure). NaT (still in care) stays NaT.
        [
            plus_wd(r, rng.integers(0, 4, n)),
            auth,
            auth,
            out["cin_end"],
            out["cin2_end"],
            np.maximum(out["cla_end"], auth),
            cp_end,
        ],
        NAT,
    )
    lag = np.where(nfa | (out["factors"] == NO_FACTORS), 0, rng.integers(0, 21, n))
    closure = plus_days(service_end, lag)
    closure = np.where(closure < service_end, service_end, closure)
    reason = np.select(
        [nfa, route == "NFA", route == "EARLY_HELP", care & out["cla_to_18"], care],
        # NFA at referral: no assessment, so not RC8/RC9 "closed after assessment" (DfE 8825Q).
        ["RC7", "RC8", "RC9", "RC6", "RC1"],
        "RC7",
    ).astype(object)
    care_exit = rng.choice(
        np.array(["RC1", "RC4", "RC3", "RC7", "RC5"], dtype=object), n, p=[0.15, 0.2, 0.05, 0.5, 0.1]
    )
    reason = np.where(care & ~out["cla_to_18"], care_exit, reason)
    reason = np.where((reason == "RC7") & (rng.random(n) < 0.06), "RC5", reason)
    open_at_horizon = np.isnat(closure) | (closure > horizon)
    out["closure"] = np.where(open_at_horizon, NAT, closure)
    out["closure_reason"] = np.where(open_at_horizon, None, reason)
    return out


def _other_contacts(rng, frame: Frame, preset: Preset, referrals: dict, children: dict) -> dict:
    """Contacts that did not become referrals (plus their new contact-only children)."""
    years = (frame.horizon - frame.keep_from).astype(int) / 365.25
    n = rng.poisson(preset.referrals_per_year * years * (preset.contacts_per_referral - VIA_CONTACT))
    known = rng.random(n) < 0.4  # about a child already known (contacts before a referral)
    recent = np.flatnonzero(referrals["referral_date"] >= frame.keep_from + np.timedelta64(300, "D"))
    pick = recent[rng.integers(0, len(recent), n)]
    before = plus_days(referrals["referral_date"][pick], -rng.integers(10, 300, n))
    date = np.where(known, before, uniform_dates(rng, frame.keep_from, frame.horizon, n))
    child = np.where(known, referrals["child"][pick], -1)
    keep = (date >= frame.keep_from) & (date <= frame.horizon)
    date, child, known = roll_to_working_day(date[keep]), child[keep], known[keep]
    new = ~known
    first_new = len(children["dob"])
    child[new] = first_new + np.arange(new.sum())
    extra = _new_children(rng, date[new])
    for key, arr in extra.items():
        children[key] = np.concatenate([children[key], arr])
    m = len(date)
    lag = np.select([rng.random(m) < 0.5, rng.random(m) < 0.75], [0, 1], rng.integers(2, 11, m))
    return {
        "child": child,
        "contact_date": date,
        "source": choice_by_weight(rng, SOURCE_WEIGHTS, m),
        "decision_date": plus_wd(date, lag),
        "outcome": rng.choice(np.array(["EARLY_HELP", "INFO_ADVICE", "NFA"], dtype=object), m, p=[0.3, 0.4, 0.3]),
    }

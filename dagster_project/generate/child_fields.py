"""The optional files of the child fields both returns carry (issue 24): `child_identifiers` (the Unique Pupil
Number, a former UPN, or why the UPN is not known), `child_disabilities` (the CIN census disability codes,
consistent with `children.disabled`) and `uasc_statuses` (unaccompanied asylum-seeking children: a small share of
the looked-after, mostly boys who came into care at 14 to 17). Each has its own random stream, so building them
changes nothing in the other files.

A UPN (DfE, "Unique Pupil Numbers (UPNs): guidance for schools and local authorities"): a check letter, the
3-digit LA code, the 4-digit school (DfE establishment number), the 2-digit year of allocation and a 3-digit
serial. The check letter is worked from the 12 characters after it: each digit times its position (2 to 13),
summed, modulo 23, read in the DfE's 23-letter table (no I, O or S).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.generate.dates import plus_days
from dagster_project.generate.rng import choice_by_weight, stream

YEAR = 365.25
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # remainder 0..22 (DfE UPN guidance)
OWN_LA = "884"  # the council's own LA code; a few children came from other councils' schools
OTHER_LAS = ("330", "885", "886", "938")
FROM_ELSEWHERE_SHARE = 0.08
# Age from which a child has a UPN or a reason other than UN1: reception starts at 4 (the DfE's rule 209 treats a
# child 4 by the 31 August before the collection year as of school age).
SCHOOL_AGE = 4
UPN_SHARE = 0.93  # of school-age children; the rest have a reason it is not known
UNKNOWN_REASONS = {"UN2": 3, "UN3": 4, "UN5": 2}  # never attended / educated otherwise / sources disagree
FORMER_UPN_SHARE = 0.03
# children.disabled Y: one to three codes (CIN census Disability, N00099), weighted roughly as the census's own mix
DISABILITY_WEIGHTS = {"MOB": 6, "HAND": 3, "PC": 5, "INC": 3, "COMM": 14, "LD": 18, "HEAR": 3, "VIS": 3, "BEH": 20,
                      "CON": 6, "AUT": 24, "DDA": 4}  # fmt: skip
CODES_PER_DISABLED_CHILD = {1: 0.6, 2: 0.3, 3: 0.1}
# UASC: share of the children first seen shortly before coming into care at 14-17, by sex: about 9% of the children
# looked after, nine in ten of them boys (England, 31 March 2024: 7,380 of 83,630 looked after; most boys)
UASC_SHARE = {"M": 1.0, "F": 0.1}
ARRIVAL_DAYS = 365  # a UASC comes into care within this many days of first contact


def upn_check_letter(twelve: str) -> str:
    """The check letter of a UPN whose characters 2 to 13 are `twelve` (all digits: a permanent UPN)."""
    return CHECK_LETTERS[sum(int(d) * position for position, d in enumerate(twelve, start=2)) % 23]


def upns(la: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Permanent UPNs: LA code + 9 digits from `numbers` (distinct numbers give distinct UPNs) + check letter."""
    # an odd multiplier not divisible by 5 permutes 0..10^9-1: distinct, and not in child-id order
    body = np.char.add(la.astype(str), np.char.zfill(((numbers * 37_493 + 1_234_567) % 10**9).astype(str), 9))
    return np.array([upn_check_letter(b) + b for b in body.tolist()], dtype=object)


def child_identifiers(children: pd.DataFrame, seed: int) -> pd.DataFrame:
    """children: the timeline's children (child_id, date_of_birth, _first). One row per child: a UPN for most,
    otherwise the reason it is not known. The cut (cut.py) blanks the UPNs of a child under school age at the
    extract date (UN1), so the same timeline gives each extract its own."""
    rng = stream(seed, "optional", "child_identifiers")
    n = len(children)
    has_upn = rng.random(n) < UPN_SHARE
    la = np.where(rng.random(n) < FROM_ELSEWHERE_SHARE, np.array(OTHER_LAS)[rng.integers(0, len(OTHER_LAS), n)],
                  OWN_LA)  # fmt: skip
    number = children.child_id.astype("int64").to_numpy()
    former = has_upn & (rng.random(n) < FORMER_UPN_SHARE)
    return pd.DataFrame({
        "child_id": children.child_id.to_numpy(),
        "upn": np.where(has_upn, upns(la, number), None),
        "former_upn": np.where(former, upns(la, number + 500_000_000), None),  # another number: nobody's UPN
        "upn_unknown": np.where(has_upn, None, choice_by_weight(rng, UNKNOWN_REASONS, n)),
        "_first": children._first.to_numpy(),
        "_dob": children.date_of_birth.to_numpy(),
    })  # fmt: skip


def under_school_age(dob: np.ndarray, on: np.datetime64) -> np.ndarray:
    """Not born, or under SCHOOL_AGE years on `on` (no UPN yet: UN1)."""
    dob = dob.astype("datetime64[D]")
    return np.isnat(dob) | ((on - dob).astype("int64") < SCHOOL_AGE * YEAR)


def child_disabilities(children: pd.DataFrame, seed: int) -> pd.DataFrame:
    """children: the timeline's children (child_id, disabled, _first). NONE for N, one to three codes for Y, no row
    for U (not known)."""
    rng = stream(seed, "optional", "child_disabilities")
    disabled = children.disabled.to_numpy()
    count = np.where(disabled == "Y", choice_by_weight(rng, CODES_PER_DISABLED_CHILD, len(children)).astype(int),
                     np.where(disabled == "N", 1, 0))  # fmt: skip
    row = np.repeat(np.arange(len(children)), count)
    codes = np.array(list(DISABILITY_WEIGHTS), dtype=object)
    p = np.array(list(DISABILITY_WEIGHTS.values()), dtype=float)
    # distinct codes per child: each child's codes are the first `count` of a weighted shuffle
    keys = -np.log(rng.random((len(children), len(codes)))) / p  # exponential race: smaller key first
    ranked = codes[np.argsort(keys, axis=1)]
    within = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    code = np.where(disabled[row] == "Y", ranked[row, within], "NONE")
    return pd.DataFrame({
        "child_id": children.child_id.to_numpy()[row], "disability": code.astype(object),
        "_first": children._first.to_numpy()[row],
    })  # fmt: skip


def uasc_statuses(children: pd.DataFrame, periods: pd.DataFrame, child_ids: np.ndarray, seed: int) -> pd.DataFrame:
    """periods: one row per period of care (child index, start). A child first seen shortly before a first period
    of care starting at 14 to 17 is UASC with a share by sex, from first seen; the status ceases at the 18th
    birthday or a little before (unknown until then)."""
    rng = stream(seed, "optional", "uasc_statuses")
    first = periods.sort_values("start", kind="stable").drop_duplicates("child")
    ids = child_ids[first.child.to_numpy()]
    kids = children.set_index("child_id").reindex(ids)
    dob = kids.date_of_birth.to_numpy().astype("datetime64[D]")
    start = first.start.to_numpy().astype("datetime64[D]")
    age = (start - dob).astype("int64") / YEAR
    share = np.where(kids.sex.to_numpy() == "M", UASC_SHARE["M"], UASC_SHARE["F"])
    first_seen = kids._first.to_numpy().astype("datetime64[D]")
    arrived = (start - first_seen).astype("int64") <= ARRIVAL_DAYS  # known to the council only shortly before care
    uasc = ~np.isnat(dob) & (age >= 14) & (age < 17.9) & arrived & (rng.random(len(ids)) < share)
    # the 18th birthday as the calendar has it (29 February -> 28 February), as the DfE's rule 304 reads it
    eighteen = (pd.to_datetime(dob) + pd.DateOffset(years=18)).to_numpy().astype("datetime64[D]")
    # a few stop being UASC before 18 (leave to remain, or found to be over 18): some weeks before the birthday
    early = rng.random(len(ids)) < 0.1
    ceased = np.where(early, plus_days(eighteen, -rng.integers(30, 200, len(ids))), eighteen)
    ceased = np.maximum(ceased, plus_days(start, 1))
    return pd.DataFrame({
        "child_id": ids[uasc], "uasc_ceased_date": ceased[uasc].astype("datetime64[D]"), "_first": first_seen[uasc],
    })  # fmt: skip

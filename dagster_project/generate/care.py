"""Looked-after episodes, SSDA903 style: a period of care starts with reason_new_episode S; each later row
(P placement change, L legal status change, T/U/B both) starts the day the previous one ended."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.generate.dates import NAT, group_positions, plus_days
from dagster_project.generate.rng import choice_by_weight, stream

# No age is drawn here, so no age-bound codes: J1-J3 (youth justice, 10 and over: DfE 903 358) and S1
# (residential school, 4 and over: 373) are left out. Nor are the short-term statuses whose length the DfE
# limits (police protection L1 72 hours, emergency protection order L2 21 days: DfE 903 361, 362), as
# episode lengths are not drawn with regard to them.
FIRST_LEGAL = {"V2": 46, "C2": 36, "C1": 8}
NEXT_LEGAL = {"V2": "C2", "C2": "C1", "C1": "E1", "E1": "C1", "L1": "V2", "L2": "C2", "L3": "C2", "J1": "V2",
              "J2": "V2", "J3": "V2", "D1": "E1", "V3": "V2", "V4": "V2"}  # fmt: skip
PLACEMENTS = {"U1": 8, "U2": 4, "U3": 42, "U4": 8, "U5": 5, "U6": 15, "K2": 8, "R1": 3, "P1": 4, "H5": 2,
              "Z1": 1}  # fmt: skip
# Retired 903 placement codes and their successors (K3 supported accommodation, Z11 other placement).
RECODED_PLACEMENTS = {"H5": "K3", "Z1": "Z11"}
PLACEMENT_CODES_RETIRED = np.datetime64("2025-04-01")
CHANGES = {"P": 55, "L": 20, "T": 10, "U": 10, "B": 5}
# E7 (to adult social care) only at 18: under 16 it is a DfE 903 error (389).
EXIT_AT_18 = {"E17": 30, "E5": 47, "E8": 20, "E7": 3}
EXIT_OTHER = {"E4A": 35, "E13": 10, "E45": 15, "E11": 8, "E12": 4, "E41": 4, "E47": 3, "E8": 10, "E3": 3,
              "E16": 2, "E2": 3}  # fmt: skip
LONG_TERM_PLACEMENTS = ("U1", "U3", "U4")


def episodes(periods: pd.DataFrame, horizon: np.datetime64, seed: int) -> pd.DataFrame:
    """periods: ref, child, start, end (NaT = open at horizon), to_18. One row per episode."""
    rng = stream(seed, "care")
    p_start = periods.start.to_numpy().astype("datetime64[D]")
    p_end = periods.end.to_numpy().astype("datetime64[D]")
    last = np.where(np.isnat(p_end), horizon, p_end)
    dur = np.maximum((last - p_start).astype(int), 1)
    extra = np.minimum(rng.poisson(0.9 * dur / 365.25), 12)
    extra = np.where(dur < 3, 0, extra)
    period = np.repeat(np.arange(len(periods)), extra + 1)
    frac = np.where(group_positions(period) == 0, -1.0, rng.random(len(period)))
    order = np.lexsort((frac, period))
    period, frac = period[order], frac[order]
    day = np.where(frac < 0, 0, 1 + (frac * (dur[period] - 1)).astype(np.int64))
    start = plus_days(p_start[period], day)
    keep = np.r_[True, (period[1:] != period[:-1]) | (day[1:] != day[:-1])]  # no two rows on one day
    period, start = period[keep], start[keep]
    k = group_positions(period)
    n = len(period)
    is_last = np.r_[period[1:] != period[:-1], True]
    end = np.where(is_last, p_end[period], np.r_[start[1:], NAT])

    rne = np.where(k == 0, "S", choice_by_weight(rng, CHANGES, n)).astype(object)
    legal = choice_by_weight(rng, FIRST_LEGAL, n)
    place = choice_by_weight(rng, PLACEMENTS, n)
    long_term = rng.random(n) < 0.45
    until18 = np.where(np.isin(place, LONG_TERM_PLACEMENTS) & long_term & (k > 0), "Y", "N").astype(object)
    adoption = rng.choice(np.array(["A5", "A6"], dtype=object), n)
    for step in range(1, int(k.max(initial=0)) + 1):  # a few passes over positions, each vectorised
        i = np.flatnonzero(k == step)
        prev = i - 1
        # Placed for adoption under a placement order (E1): the legal status only changes with the placement
        # (an A5/A6 placement needs E1, DfE 903 408).
        rne[i] = np.where((legal[prev] == "E1") & (rne[i] == "L"), "P", rne[i])
        # DfE 903 RNE: L legal status only; P and T placement only (T: same carers); B and U both.
        legal_change = np.isin(rne[i], ["L", "U", "B"])
        legal[i] = np.where(legal_change, np.vectorize(NEXT_LEGAL.get, otypes=[object])(legal[prev]), legal[prev])
        place_change = rne[i] != "L"
        # Placed for adoption with the current foster carers (A5) only on a change of placement without a change
        # of carers or with one of legal status (reason T or U; DfE 903 217), otherwise with others (A6).
        with_carers = np.where(np.isin(rne[i], ["T", "U"]), adoption[i], "A6")
        new_place = np.where(legal[i] == "E1", with_carers, place[i])
        place[i] = np.where(place_change, new_place, place[prev])
        until18[i] = np.where(place_change, np.where(np.isin(place[i], LONG_TERM_PLACEMENTS), until18[i], "N"),
                              until18[prev])  # fmt: skip
    # Placed with parents (P1) is never a single period of accommodation under section 20 (V2; DfE 903 378):
    # in a period of care with such an episode, P1 becomes a foster placement (U3) throughout, so that reasons
    # for new episodes keep their meaning.
    with_parents_s20 = np.unique(period[(place == "P1") & (legal == "V2")])
    place = np.where(np.isin(period, with_parents_s20) & (place == "P1"), "U3", place)
    # SSDA903 PLACE codes retired from 2025-26 are recoded on episodes still running by then (DfE 146).
    for retired, current in RECODED_PLACEMENTS.items():
        running = np.isnat(end) | (end >= PLACEMENT_CODES_RETIRED)
        place = np.where((place == retired) & running, current, place)
    exit_code = np.where(periods.to_18.to_numpy()[period], choice_by_weight(rng, EXIT_AT_18, n),
                         choice_by_weight(rng, EXIT_OTHER, n))  # fmt: skip
    # Exits consistent with the last placement: adopted (E11/E12) only from an adoption placement (DfE 903
    # 390), a special guardianship order by former foster carers (E45/E46) only from foster care (516).
    adopted = np.isin(exit_code, ["E11", "E12"]) & ~np.isin(place, ["A3", "A4", "A5", "A6"])
    exit_code = np.where(adopted, "E4A", exit_code)
    by_former_carers = np.isin(exit_code, ["E45", "E46"]) & ~np.isin(place, ["U1", "U2", "U3", "U4", "U5", "U6"])
    exit_code = np.where(by_former_carers, "E47", exit_code)
    reason = np.where(is_last, np.where(np.isnat(end), None, exit_code), "X1").astype(object)
    df = pd.DataFrame({
        "ref": periods.ref.to_numpy()[period], "child": periods.child.to_numpy()[period], "start_date": start,
        "end_date": end, "reason_new_episode": rne, "legal_status": legal, "placement_type": place,
        "reason_ceased": reason, "placement_intended_until_18": until18,
    })  # fmt: skip
    return df[df.start_date.to_numpy() <= horizon].reset_index(drop=True)

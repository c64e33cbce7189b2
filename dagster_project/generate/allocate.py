"""Allocating children to workers: every stretch of work on a referral (assessment, plan team, care,
leaving care) goes to a worker of the right service area employed on its first day; when that worker
leaves, the child is reallocated the same day to a colleague in post (allocations end / start)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.generate.dates import NAT
from dagster_project.generate.rng import stream
from dagster_project.generate.workforce import CASE_HOLDING

FAR = np.datetime64("2200-01-01", "D")  # stands for "open" while comparing


def segments(ref: dict, dob: np.ndarray, horizon: np.datetime64) -> pd.DataFrame:
    """Stretches of work per referral: (referral, child, area, start, end) with NaT end = open."""
    r, closure, auth, route = ref["referral_date"], ref["closure"], ref["a_auth"], ref["route"]
    care_start = ref["cla_start"]
    care = ~np.isnat(care_start)
    n = len(r)
    idx = np.arange(n)
    assess_only = np.isin(route, ["NFA", "EARLY_HELP"])
    # Without a plan in between, the assessment's worker keeps the child until care starts (also after the
    # authorisation: an unborn child comes into care at birth), so allocations run on (DfE 903 SW10).
    has_plan = np.isin(route, ["CP", "CIN"])
    seg1_end = np.where(assess_only, closure, np.where(care & ((care_start < auth) | ~has_plan), care_start, auth))
    parts = [
        (idx, np.where(ref["nfa"], "MASH", "ASSESSMENT"), r, np.where(ref["nfa"], closure, seg1_end)),
    ]
    plan_area = np.where(route == "CP", "CP_COURT", "CIN")
    plan_area = np.where((plan_area == "CIN") & (ref["disabled"] == "Y"), "DISABLED_CHILDREN", plan_area)
    parts.append((idx[has_plan], plan_area[has_plan], auth[has_plan],
                  np.where(care, care_start, closure)[has_plan]))  # fmt: skip
    leaver = ref["cla_to_18"] & ~np.isnat(ref["cla_end"])
    # A care leaver's social worker hands over to the personal adviser on leaving care: one open allocation
    # at a time (DfE 903 SW08).
    lac_end = np.where(leaver, ref["cla_end"], closure)
    parts.append((idx[care], np.full(care.sum(), "LAC"), np.where(care_start < r, r, care_start)[care], lac_end[care]))
    pa_end = dob[ref["child"]] + np.timedelta64(21 * 365 + 5, "D")
    parts.append((idx[leaver], np.full(leaver.sum(), "LEAVING_CARE"), ref["cla_end"][leaver], pa_end[leaver]))
    df = pd.concat(
        [pd.DataFrame({"ref": i, "area": a, "start": s.astype("datetime64[D]"), "end": e.astype("datetime64[D]")})
         for i, a, s, e in parts], ignore_index=True)  # fmt: skip
    df["child"] = ref["child"][df.ref.to_numpy()]
    df = df[
        ~np.isnat(df.start.to_numpy())
        & (df.start.to_numpy() <= horizon)
        & ((df.end.to_numpy() > df.start.to_numpy()) | np.isnat(df.end.to_numpy()))
    ]
    return df.reset_index(drop=True)


def _pick_workers(rng, areas: np.ndarray, at: np.ndarray, pools: dict) -> np.ndarray:
    """A random worker of each area employed on `at` (rejection sampling, vectorised)."""
    out = np.full(len(areas), -1, dtype=np.int64)
    todo = np.arange(len(areas))
    for _ in range(200):
        if not len(todo):
            break
        for area, (rows, start, end) in pools.items():
            sel = todo[areas[todo] == area]
            if not len(sel):
                continue
            k = rng.integers(0, len(rows), len(sel))
            ok = (start[k] <= at[sel]) & (end[k] > at[sel])
            out[sel[ok]] = rows[k[ok]]
        todo = todo[out[todo] < 0]
    for area, (rows, start, _end) in pools.items():  # nobody in post that day (rare): the next one to start
        sel = todo[areas[todo] == area]
        if len(sel):
            nxt = np.searchsorted(np.sort(start), at[sel])
            out[sel] = rows[np.argsort(start, kind="stable")[np.minimum(nxt, len(rows) - 1)]]
    return out


def allocate(seg: pd.DataFrame, worker_df: pd.DataFrame, team_df: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = stream(seed, "allocations")
    area_of_team = dict(zip(team_df.team_id, team_df.service_area, strict=True))
    w_area = worker_df.team_id.map(area_of_team).to_numpy()
    w_role = worker_df.role.to_numpy()
    w_start = worker_df.start_date.to_numpy().astype("datetime64[D]")
    w_end = worker_df.end_date.to_numpy().astype("datetime64[D]")
    w_end = np.where(np.isnat(w_end), FAR, w_end)
    pools = {}
    for area in np.unique(seg.area):
        roles = ("PA",) if area == "LEAVING_CARE" else CASE_HOLDING
        rows = np.flatnonzero((w_area == area) & np.isin(w_role, roles))
        pools[area] = (rows, w_start[rows], w_end[rows])
    area = seg.area.to_numpy()
    start = seg.start.to_numpy().astype("datetime64[D]")
    end = seg.end.to_numpy().astype("datetime64[D]")
    end = np.where(np.isnat(end), FAR, end)
    ref = seg.ref.to_numpy()
    pieces = []
    while len(start):
        w = _pick_workers(rng, area, start, pools)
        leaves = (w_end[w] < end) & (w_end[w] > start)  # split where the worker leaves mid-allocation
        piece_end = np.where(leaves, w_end[w], end)
        pieces.append(pd.DataFrame({"ref": ref, "area": area, "worker": w, "start_date": start, "end_date": piece_end}))
        area, start, end, ref = area[leaves], w_end[w][leaves], end[leaves], ref[leaves]
    df = pd.concat(pieces, ignore_index=True)
    df["end_date"] = np.where(df.end_date.to_numpy() >= FAR, NAT, df.end_date.to_numpy().astype("datetime64[D]"))
    df["worker_id"] = worker_df.worker_id.to_numpy()[df.worker]
    df["team_id"] = worker_df.team_id.to_numpy()[df.worker]
    return df

"""Statutory visits, generated in chunks (the biggest file by far): CP about every 10 working days, CIN
about every 20, CLA 7 days after a placement starts then about every 6 weeks (3 months once a long-term
placement is a year old), at irregular and sometimes late intervals, some with the child not seen."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from dagster_project.generate.dates import plus_days, plus_wd
from dagster_project.generate.rng import stream

CHUNK_ROWS = 2_000_000  # candidate visit rows per chunk (bounds memory at national scale)


def _gcum(x: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Cumulative sum within consecutive groups of the given sizes."""
    c = np.cumsum(x)
    starts = np.r_[0, np.cumsum(count)[:-1]]
    return c - np.repeat(c[starts] - x[starts], count)


def _pick(rng, n, bands) -> np.ndarray:
    """Integer gaps from (probability, low, high) bands."""
    u = rng.random(n)
    out = np.zeros(n, dtype=np.int64)
    lo_p = 0.0
    for p, lo, hi in bands:
        m = (u >= lo_p) & (u < lo_p + p)
        out[m] = rng.integers(lo, hi + 1, m.sum())
        lo_p += p
    return out


def _plan_visits(rng, src: pd.DataFrame, bands, first_bands) -> pd.DataFrame:
    """CP / CIN visits: gaps in working days from the plan start until the plan end."""
    start = src.start.to_numpy().astype("datetime64[D]")
    end = src.last.to_numpy().astype("datetime64[D]")
    count = np.maximum((end - start).astype(int), 0) // 7 + 2
    row = np.repeat(np.arange(len(src)), count)
    gap = _pick(rng, len(row), bands)
    first = np.r_[0, np.cumsum(count)[:-1]]
    gap[first] = _pick(rng, len(count), first_bands)
    date = plus_wd(start[row], _gcum(gap, count))
    keep = date <= end[row]
    return pd.DataFrame({"src": row[keep], "visit_date": date[keep]})


def _care_visits(rng, src: pd.DataFrame) -> pd.DataFrame:
    """CLA visits: calendar-day gaps; 3-monthly after the first year of a long-term placement."""
    start = src.start.to_numpy().astype("datetime64[D]")
    end = src.last.to_numpy().astype("datetime64[D]")
    count = np.maximum((end - start).astype(int), 0) // 20 + 2
    row = np.repeat(np.arange(len(src)), count)
    n = len(row)
    normal = _pick(rng, n, [(0.75, 20, 42), (0.25, 43, 70)])
    first = np.r_[0, np.cumsum(count)[:-1]]
    normal[first] = _pick(rng, len(count), [(0.75, 0, 7), (0.25, 8, 20)])
    cum = _gcum(normal, count)
    prev = np.r_[0, cum[:-1]]
    prev[first] = 0
    switched = src.until18.to_numpy()[row] & (prev >= 365) & (np.arange(n) != np.repeat(first, count))
    base = np.where(switched, 0, cum)
    base_per_group = np.maximum.reduceat(base, first) if n else base
    long_gap = _pick(rng, n, [(0.7, 60, 91), (0.3, 92, 120)]) * switched
    offset = np.where(switched, np.repeat(base_per_group, count) + _gcum(long_gap, count), cum)
    date = plus_days(start[row], offset)
    keep = date <= end[row]
    return pd.DataFrame({"src": row[keep], "visit_date": date[keep]})


def visit_chunks(
    sources: pd.DataFrame, allocations: pd.DataFrame, dob: np.ndarray, seed: int
) -> Iterator[pd.DataFrame]:
    """sources: one row per plan / placement (ref, child, visit_type, start, last, until18), in a fixed
    order. Yields typed visit frames (without ids) chunk by chunk, in the same fixed order."""
    est = np.where(sources.visit_type == "CLA", 20, 7)
    est = (sources["last"].to_numpy().astype("datetime64[D]") - sources.start.to_numpy().astype("datetime64[D]")
           ).astype(int) // est + 2  # fmt: skip
    chunk_no = np.cumsum(est) // CHUNK_ROWS
    alloc = allocations[allocations.area != "LEAVING_CARE"][["ref", "start_date", "worker_id"]]
    alloc = alloc.assign(start_date=alloc.start_date.astype("datetime64[s]")).sort_values("start_date")
    for c in np.unique(chunk_no):
        rng = stream(seed, "visits", int(c))
        src = sources[chunk_no == c].reset_index(drop=True)
        parts = []
        for vt, frame in src.groupby("visit_type", sort=True):
            idx = frame.index.to_numpy()
            if vt == "CP":
                v = _plan_visits(
                    rng, frame, [(0.75, 5, 10), (0.2, 11, 15), (0.05, 16, 30)], [(0.8, 1, 10), (0.2, 11, 20)]
                )
            elif vt == "CIN":
                v = _plan_visits(
                    rng, frame, [(0.65, 10, 20), (0.25, 21, 30), (0.1, 31, 50)], [(0.8, 3, 20), (0.2, 21, 40)]
                )
            else:
                v = _care_visits(rng, frame)
            v["src"] = idx[v.src.to_numpy()]
            parts.append(v)
        v = pd.concat(parts).sort_values(["src", "visit_date"], kind="stable").reset_index(drop=True)
        v["ref"] = src.ref.to_numpy()[v.src]
        v["child"] = src.child.to_numpy()[v.src]
        v["visit_type"] = src.visit_type.to_numpy()[v.src]
        born = dob[v.child.to_numpy()]
        v = v[v.visit_date.to_numpy() >= born].reset_index(drop=True)  # no visits to an unborn child
        n = len(v)
        age = (v.visit_date.to_numpy().astype("datetime64[D]") - dob[v.child.to_numpy()]).astype(int) / 365.25
        seen = rng.random(n) >= 0.06
        alone = np.select([rng.random(n) < 0.15, rng.random(n) < 0.7], [None, "Y"], "N").astype(object)
        alone = np.where(age < 4, "N", alone)
        v["child_seen"] = np.where(seen, "Y", "N").astype(object)
        v["seen_alone"] = np.where(seen, alone, None)
        lag = _pick(rng, n, [(0.6, 0, 1), (0.3, 2, 7), (0.1, 8, 30)])
        v["recorded_date"] = plus_days(v.visit_date.to_numpy().astype("datetime64[D]"), lag)
        key = v.assign(at=v.visit_date.astype("datetime64[s]"), order=np.arange(n)).sort_values("at")
        key = pd.merge_asof(key, alloc, left_on="at", right_on="start_date", by="ref", direction="backward")
        v["worker_id"] = key.sort_values("order").worker_id.to_numpy()
        yield v.dropna(subset=["worker_id"])[
            ["child", "visit_date", "visit_type", "child_seen", "seen_alone", "worker_id", "recorded_date"]
        ]

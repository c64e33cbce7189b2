"""Small vectorised date helpers over numpy datetime64[D] arrays (NaT = no date)."""

from __future__ import annotations

import numpy as np

from dagster_project.workdays import add_wd, is_working_day

NAT = np.datetime64("NaT", "D")


def plus_days(d: np.ndarray, n) -> np.ndarray:
    return d + np.asarray(n, dtype="int64").astype("timedelta64[D]")


def plus_wd(d: np.ndarray, n) -> np.ndarray:
    """d when n == 0, else the n-th working day after d (NaT stays NaT)."""
    d = np.asarray(d, dtype="datetime64[D]")
    n = np.broadcast_to(np.asarray(n, dtype="int64"), d.shape)
    out = d.copy()
    m = (n > 0) & ~np.isnat(d)
    if m.any():
        out[m] = add_wd(d[m], n[m])
    return out


def roll_to_working_day(d: np.ndarray) -> np.ndarray:
    d = np.asarray(d, dtype="datetime64[D]")
    return np.where(is_working_day(d), d, plus_wd(d, 1))


def days_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (b - a).astype("timedelta64[D]").astype("int64")


def uniform_dates(rng: np.random.Generator, lo: np.datetime64, hi: np.datetime64, n: int) -> np.ndarray:
    span = int((hi - lo).astype("timedelta64[D]").astype("int64"))
    return plus_days(np.full(n, lo, dtype="datetime64[D]"), rng.integers(0, span + 1, n))


def later(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise max where NaT means 'not yet' (open): NaT wins."""
    return np.where(np.isnat(a) | np.isnat(b), NAT, np.maximum(a, b))


def earlier(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise min ignoring NaT (NaT = open = infinitely late)."""
    return np.where(np.isnat(a), b, np.where(np.isnat(b), a, np.minimum(a, b)))


def group_positions(group: np.ndarray) -> np.ndarray:
    """0-based position of each row within its run of equal `group` values (rows sorted by group)."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.r_[True, group[1:] != group[:-1]]
    starts = np.flatnonzero(new)
    run_id = np.cumsum(new) - 1
    return np.arange(n) - starts[run_id]

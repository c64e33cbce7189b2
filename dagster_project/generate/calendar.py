"""Timeline frame: where the simulated history starts and ends. Depends on the extract date only via
its YEAR (default history start), so every extract date of one year cuts the same timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

WARM_UP_YEARS = 6  # simulated before history start so stocks (CLA, CP, CIN) are at steady state
HORIZON_YEARS = 5  # history start + 5 years - 1 day = end of (extract year + 1) by default
DAY = np.timedelta64(1, "D")


def default_history_start(extract_date: dt.date) -> dt.date:
    return dt.date(extract_date.year - 3, 1, 1)


@dataclass(frozen=True)
class Frame:
    history_start: np.datetime64  # T0
    horizon: np.datetime64  # last simulated day

    @property
    def sim_start(self) -> np.datetime64:
        return self.history_start - np.timedelta64(round(WARM_UP_YEARS * 365.25), "D")

    @property
    def keep_from(self) -> np.datetime64:
        """Records that ended before this are dropped (a year before T0 keeps re-referral windows right)."""
        return self.history_start - np.timedelta64(365, "D")

    def years_since_start(self, d: np.ndarray) -> np.ndarray:
        return (d - self.history_start).astype("timedelta64[D]").astype(float) / 365.25


def make_frame(history_start: dt.date) -> Frame:
    try:
        end = history_start.replace(year=history_start.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        end = history_start.replace(year=history_start.year + HORIZON_YEARS, day=28)
    return Frame(np.datetime64(history_start, "D"), np.datetime64(end, "D") - DAY)

"""Direction of travel: the change against an earlier value, read through the polarity. Pure Python.

Stable when the change is smaller than the measure's stable band (default 1 percentage point for
percentages, 0.5 for averages, 0 for counts, so any change in a count moves it); otherwise improving or
worsening for measures with a better direction, and "up" / "down" for neutral volumes (no judgement).
"""

from __future__ import annotations

IMPROVING, WORSENING, STABLE, UP, DOWN, NO_DATA = "improving", "worsening", "stable", "up", "down", "no data"
STABLE_BAND = {"percent": 1.0, "average": 0.5, "count": 0.0, "rate": 0.5}


def stable_band(unit: str) -> float:
    return STABLE_BAND[unit]


def direction(current: float | None, earlier: float | None, polarity: str, unit: str) -> str:
    if current is None or earlier is None:
        return NO_DATA
    change = current - earlier
    band = stable_band(unit)
    # a count is stable only when unchanged; otherwise a change strictly smaller than the band is stable
    if change == 0 or abs(change) < band:
        return STABLE
    if polarity == "neutral":
        return UP if change > 0 else DOWN
    better = change > 0 if polarity == "higher_is_better" else change < 0
    return IMPROVING if better else WORSENING

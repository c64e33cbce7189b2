"""RAG status of a value against its target, read through the measure's polarity. Pure Python.

higher is better: green when value >= target, amber when target - tolerance <= value < target, red below.
lower is better: mirrored (green <= target, amber <= target + tolerance, red above).
A NULL value (zero denominator) is "no data", never red; a measure with no target (or a neutral measure)
has no RAG at all (None), never a guessed one.
"""

from __future__ import annotations

GREEN, AMBER, RED, NO_DATA = "green", "amber", "red", "no data"


def rag(value: float | None, target: float | None, tolerance: float, polarity: str) -> str | None:
    if target is None or polarity == "neutral":
        return None
    if value is None:
        return NO_DATA
    if polarity == "higher_is_better":
        if value >= target:
            return GREEN
        return AMBER if value >= target - tolerance else RED
    if polarity == "lower_is_better":
        if value <= target:
            return GREEN
        return AMBER if value <= target + tolerance else RED
    raise ValueError(f"unknown polarity {polarity!r}")

"""Loads and validates the measure catalogue. Everything that names or shows a measure reads this."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATALOGUE_FILE = Path(__file__).with_name("measures.yaml")

UNITS = ("percent", "count", "average")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
KINDS = ("flow", "as_at")
BREAKDOWNS = ("team", "none")


@dataclass(frozen=True)
class Measure:
    measure: str
    title: str
    definition: str
    kind: str
    unit: str
    polarity: str
    decimals: int
    family: str
    breakdown: str
    standard: str | None

    def __post_init__(self) -> None:
        for field, allowed in (("unit", UNITS), ("polarity", POLARITIES), ("kind", KINDS), ("breakdown", BREAKDOWNS)):
            value = getattr(self, field)
            if value not in allowed:
                raise ValueError(
                    f"{CATALOGUE_FILE.name}: measure {self.measure!r} has {field} {value!r}, not one of {allowed}"
                )


@cache
def load_measures(path: Path = CATALOGUE_FILE) -> tuple[Measure, ...]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["measures"]
    measures = tuple(Measure(**entry) for entry in entries)
    names = [m.measure for m in measures]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{path.name}: measures listed twice: {duplicates}")
    return measures


def measure_names() -> list[str]:
    return [m.measure for m in load_measures()]

"""Loads and validates the measure catalogue. Everything that names or shows a measure reads this."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATALOGUE_FILE = Path(__file__).with_name("measures.yaml")

UNITS = ("percent", "count", "average", "rate")  # rate: per 10,000 children
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
KINDS = ("flow", "as_at")
BREAKDOWNS = ("team", "none")
# The period a DfE published figure covers (docs/measures.md "National comparators"): a year of events to 31 March
# (CIN census, SSDA903 flows), a count at 31 March, or the workforce census at 30 September.
DFE_PERIODS = ("year_to_31_march", "at_31_march", "at_30_september")


@dataclass(frozen=True)
class DfeComparator:
    """The DfE published indicator a measure is compared with (its LAIT short name) and how the two differ."""

    indicator: str
    period: str
    difference: str

    def __post_init__(self) -> None:
        if self.period not in DFE_PERIODS:
            raise ValueError(
                f"{CATALOGUE_FILE.name}: DfE indicator {self.indicator!r} has period {self.period!r}, "
                f"not one of {DFE_PERIODS}"
            )


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
    # The national comparator, or None: the reports then say "no national comparator" (never a blank or a 0).
    dfe: DfeComparator | None = None

    def __post_init__(self) -> None:
        if isinstance(self.dfe, dict):  # as read from measures.yaml
            object.__setattr__(self, "dfe", DfeComparator(**self.dfe))
        # A year of events is compared with a flow measure's twelve months, a count at a date with an as-at value.
        if self.dfe and (self.dfe.period == "year_to_31_march") != (self.kind == "flow"):
            raise ValueError(
                f"{CATALOGUE_FILE.name}: measure {self.measure!r} is {self.kind}, its DfE period {self.dfe.period}"
            )
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


def dfe_indicators() -> list[str]:
    """The DfE indicators the catalogue compares with, in catalogue order (what the benchmarks snapshot keeps)."""
    return list(dict.fromkeys(m.dfe.indicator for m in load_measures() if m.dfe))

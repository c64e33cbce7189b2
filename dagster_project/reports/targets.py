"""Council-editable targets: one row per measure (and per change of target), read from a CSV file.

Columns: measure, target, tolerance, effective_from (optional, YYYY-MM-DD). A target applies to reporting
dates on or after its effective_from; the latest one that has started wins, so a new target never rewrites
history. The path is `CSC_TARGETS_FILE`, else the shipped `dagster_project/catalogue/targets.csv`.

`target` is a number, or `monitor` (monitor only: no target, no RAG, said so), or a national comparator resolved
each year from the published DfE figures (marts.benchmarks): `england` (the England figure) or
`statistical_neighbours` (the mean of the council's statistical neighbours). A comparator target takes each DfE
year's figure from that year's period end (31 March, or 30 September for the workforce) until the next one.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from dagster_project.catalogue import load_measures

DEFAULT_TARGETS_FILE = Path(__file__).resolve().parent.parent / "catalogue" / "targets.csv"
COLUMNS = ("measure", "target", "tolerance", "effective_from")
MONITOR_ONLY = "monitor"
COMPARATOR_TARGETS = ("england", "statistical_neighbours")
# measure -> [(DfE period end, England, statistical-neighbour mean)], oldest first (reports/comparators.py)
Comparators = dict[str, list[tuple[dt.date, float | None, float | None]]]


class TargetsFileError(ValueError):
    """The targets file cannot be used: the message names the file, row and column."""


@dataclass(frozen=True)
class Target:
    measure: str
    target: float
    tolerance: float
    effective_from: dt.date | None = None


def targets_file() -> Path:
    return Path(os.environ.get("CSC_TARGETS_FILE") or DEFAULT_TARGETS_FILE)


def _number(path: Path, line: int, column: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise TargetsFileError(f"{path}: line {line}, column {column}: {text!r} is not a number") from None


def _comparator_targets(
    measure: str, basis: str, tolerance: float, effective_from: dt.date | None, comparators: Comparators
) -> list[Target]:
    """One dated target per DfE year; the year in force at `effective_from` starts on it."""
    column = 1 if basis == "england" else 2
    dated = [(year[0], year[column]) for year in comparators.get(measure, []) if year[column] is not None]
    targets = []
    for i, (period_end, value) in enumerate(dated):
        following = dated[i + 1][0] if i + 1 < len(dated) else None
        if effective_from and following and following <= effective_from:
            continue  # superseded before the row applies
        start = max(period_end, effective_from) if effective_from else period_end
        targets.append(Target(measure, value, tolerance, start))
    return targets


def monitor_only_measures(path: Path | None = None) -> set[str]:
    """The measures the targets file marks `monitor` (monitor only)."""
    path = Path(path) if path else targets_file()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            (row.get("measure") or "").strip()
            for row in csv.DictReader(handle)
            if (row.get("target") or "").strip() == MONITOR_ONLY
        }


def load_targets(path: Path | None = None, comparators: Comparators | None = None) -> list[Target]:
    """The targets; `england` / `statistical_neighbours` rows resolved from `comparators` (none without them)."""
    path = Path(path) if path else targets_file()
    catalogue = {m.measure: m for m in load_measures()}
    known = set(catalogue)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS[:3] if c not in (reader.fieldnames or [])]
        if missing:
            raise TargetsFileError(f"{path}: line 1: missing column(s) {missing}; expected {list(COLUMNS)}")
        targets = []
        for line, row in enumerate(reader, start=2):
            measure = (row.get("measure") or "").strip()
            if measure not in known:
                raise TargetsFileError(f"{path}: line {line}, column measure: {measure!r} is not a catalogue measure")
            tolerance = _number(path, line, "tolerance", (row.get("tolerance") or "0").strip() or "0")
            if tolerance < 0:
                raise TargetsFileError(f"{path}: line {line}, column tolerance: must not be negative")
            effective = (row.get("effective_from") or "").strip()
            try:
                effective_from = dt.date.fromisoformat(effective) if effective else None
            except ValueError:
                raise TargetsFileError(
                    f"{path}: line {line}, column effective_from: {effective!r} is not a date (YYYY-MM-DD)"
                ) from None
            text = (row.get("target") or "").strip()
            if text == MONITOR_ONLY:
                continue
            if text in COMPARATOR_TARGETS:
                if catalogue[measure].dfe is None:
                    raise TargetsFileError(
                        f"{path}: line {line}, column target: {measure} has no national comparator for {text!r}"
                    )
                targets += _comparator_targets(measure, text, tolerance, effective_from, comparators or {})
                continue
            targets.append(Target(measure, _number(path, line, "target", text), tolerance, effective_from))
    return targets


def target_for(targets: list[Target], measure: str, as_at: dt.date) -> Target | None:
    """The target in force for `measure` at `as_at`: the latest effective_from on or before it (a row with no
    effective_from has always applied). None when the measure has no target then."""
    candidates = [
        t for t in targets if t.measure == measure and (t.effective_from is None or t.effective_from <= as_at)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda t: t.effective_from or dt.date.min)

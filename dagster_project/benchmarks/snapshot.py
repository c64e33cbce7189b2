"""The shipped snapshot of the DfE's published figures (snapshot/, see snapshot/NOTICE.md): reading it.

Three CSV files written by `csc benchmarks import` (lait_import.py), one source line, and a hand-kept notice:
- values.csv: indicator, year, la_number, value (every council, region and England; value empty when the DfE
  published none, '-', 'c' or '..');
- areas.csv: la_number, area (the name of each council, region and England);
- indicators.csv: indicator, title, polarity (High, Low or '-'), year_type, no_quartile (N: LAIT shows no band);
- statistical_neighbours.csv: la_number, la_name, region, sn1 .. sn10 (the DfE's ten statistical neighbours).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SNAPSHOT_DIR = Path(__file__).with_name("snapshot")
VALUES_FILE = "values.csv"
AREAS_FILE = "areas.csv"
INDICATORS_FILE = "indicators.csv"
NEIGHBOURS_FILE = "statistical_neighbours.csv"
SOURCE_FILE = "source.txt"
VALUES_COLUMNS = ("indicator", "year", "la_number", "value")
AREAS_COLUMNS = ("la_number", "area")
INDICATORS_COLUMNS = ("indicator", "title", "polarity", "year_type", "no_quartile")
NEIGHBOURS = 10
NEIGHBOURS_COLUMNS = ("la_number", "la_name", "region", *(f"sn{i}" for i in range(1, NEIGHBOURS + 1)))
# LAIT numbers England 970 and the regions 980-990; councils are below (LAIT's global.R: `LA Number` >= 970).
ENGLAND = 970
FIRST_NON_COUNCIL = 970


@dataclass(frozen=True)
class Indicator:
    indicator: str
    title: str
    polarity: str  # as the DfE's data dictionary spells it: High, Low, or '-' (no better direction)
    year_type: str
    no_quartile: bool


@dataclass(frozen=True)
class Council:
    la_number: int
    name: str
    region: str
    neighbours: tuple[int, ...]


@dataclass(frozen=True)
class Snapshot:
    # (indicator, year) -> {la_number: value or None}
    values: dict[tuple[str, int], dict[int, float | None]]
    areas: dict[int, str]  # la_number -> name, councils, regions and England
    indicators: dict[str, Indicator]
    councils: dict[int, Council]
    source: str


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def load_snapshot(folder: Path = SNAPSHOT_DIR) -> Snapshot:
    values: dict[tuple[str, int], dict[int, float | None]] = {}
    areas = {int(row["la_number"]): row["area"] for row in _read(folder / AREAS_FILE)}
    for row in _read(folder / VALUES_FILE):
        number = int(row["la_number"])
        values.setdefault((row["indicator"], int(row["year"])), {})[number] = (
            float(row["value"]) if row["value"] else None
        )
    indicators = {
        row["indicator"]: Indicator(
            row["indicator"], row["title"], row["polarity"], row["year_type"], row["no_quartile"] == "N"
        )
        for row in _read(folder / INDICATORS_FILE)
    }
    councils = {
        int(row["la_number"]): Council(
            int(row["la_number"]),
            row["la_name"],
            row["region"],
            tuple(int(row[f"sn{i}"]) for i in range(1, NEIGHBOURS + 1) if row[f"sn{i}"]),
        )
        for row in _read(folder / NEIGHBOURS_FILE)
    }
    source = (folder / SOURCE_FILE).read_text(encoding="utf-8").strip()
    return Snapshot(values, areas, indicators, councils, source)

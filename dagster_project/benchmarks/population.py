"""Children's population (ages 0 to 17) for the rates per 10,000 children.

- A real council (CSC_LA_CODE set): the ONS mid-year estimates shipped in snapshot/population.csv (la_number, year,
  population; England is 970 as in LAIT), from the DfE's CSC national framework dashboard data
  (`ons_mid-year_population_estimates_2012_to_2024.csv`, OGL v3.0), refreshed by
  `csc benchmarks import-population FILE`.
- A synthetic extract with no CSC_LA_CODE: the population the generator gave its council (`child_population` in the
  extract's `_synthetic.json`).
- Otherwise none: the rates have no figure (denominator 0, value NULL), never a guessed population.

The estimate in force at a date is the latest mid-year (30 June) estimate on or before it, else the earliest one (as
the DfE's rates at 31 March use the previous June's estimate). Pure Python: no Dagster imports.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from functools import cache
from pathlib import Path

from dagster_project.benchmarks.snapshot import ENGLAND, SNAPSHOT_DIR

POPULATION_FILE = "population.csv"
POPULATION_SOURCE_FILE = "population_source.txt"
ONS_COLUMNS = ("time_period", "geographic_level", "old_la_code", "age_group", "population_estimate")
AGE_GROUP = "Children aged 0 to 17 years"
SYNTHETIC_POPULATION_KEY = "child_population"
NO_ESTIMATE = {"", "x", "z", "c", ".."}


class PopulationImportError(ValueError):
    """The file is not the ONS estimates table this importer knows (one line, naming the file)."""


def build_population(path: Path) -> dict[str, str]:
    """The population snapshot's files (name -> text) from the ONS estimates CSV."""
    path = Path(path)
    rows: dict[tuple[int, int], int] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ONS_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise PopulationImportError(f"{path}: no column(s) {', '.join(missing)} (ONS mid-year estimates)")
            for line, row in enumerate(reader, start=2):
                if row["age_group"] != AGE_GROUP:
                    continue
                if row["geographic_level"] == "National":
                    number = ENGLAND
                elif row["geographic_level"] == "Local authority" and (row["old_la_code"] or "").isdigit():
                    number = int(row["old_la_code"])
                else:
                    continue
                if row["population_estimate"] in NO_ESTIMATE:
                    continue  # the DfE's symbols for no figure (e.g. a council that did not exist that year)
                if not row["time_period"].isdigit() or not row["population_estimate"].isdigit():
                    raise PopulationImportError(f"{path}: line {line}: year or population is not a whole number")
                rows[(number, int(row["time_period"]))] = int(row["population_estimate"])
    except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
        raise PopulationImportError(f"{path}: not a readable UTF-8 CSV file") from None
    if not rows:
        raise PopulationImportError(f"{path}: no '{AGE_GROUP}' rows")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("la_number", "year", "population"))
    writer.writerows((n, y, p) for (n, y), p in sorted(rows.items()))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    source = f"ONS mid-year population estimates, children aged 0 to 17 ({path.name} sha256:{digest}), OGL v3.0\n"
    return {POPULATION_FILE: out.getvalue(), POPULATION_SOURCE_FILE: source}


def import_population(path: Path, target: Path = SNAPSHOT_DIR) -> dict[str, str]:
    files = build_population(path)
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8", newline="")
    return files


@cache
def load_population(folder: Path = SNAPSHOT_DIR) -> dict[int, dict[int, int]]:
    """la_number -> {year: population}."""
    out: dict[int, dict[int, int]] = {}
    with (folder / POPULATION_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(int(row["la_number"]), {})[int(row["year"])] = int(row["population"])
    return out


def population_periods(estimates: dict[int, int]) -> list[tuple[dt.date, dt.date, int]]:
    """(valid_from, valid_to exclusive, population): each estimate from its 30 June to the next one's, the first
    from the earliest date and the last to the latest (a date before the first estimate takes the first)."""
    years = sorted(estimates)
    periods = []
    for i, year in enumerate(years):
        start = dt.date.min if i == 0 else dt.date(year, 6, 30)
        end = dt.date(years[i + 1], 6, 30) if i + 1 < len(years) else dt.date.max
        periods.append((start, end, estimates[year]))
    return periods


def synthetic_population(extract_folder: Path | None) -> int | None:
    """The population the generator gave a synthetic extract's council, if it did."""
    if extract_folder is None:
        return None
    marker = Path(extract_folder) / "_synthetic.json"
    if not marker.is_file():
        return None
    value = json.loads(marker.read_text(encoding="utf-8")).get(SYNTHETIC_POPULATION_KEY)
    return int(value) if isinstance(value, int | float) and value > 0 else None

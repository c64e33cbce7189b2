"""Planted personal values in a copy of the conformance extract: names no output outside the restricted store may
show (tests/reports/), written into the good conformance run every worker makes (tests/orchestration/conftest.py)."""

from __future__ import annotations

import csv
from pathlib import Path

PLANTED_FORENAME, PLANTED_SURNAME, PLANTED_WORKER = "Zebulonia", "Quillfeatherstone", "Ottoline Vantablack"
# The personal columns of each file the planting rewrites (children.csv's dates of birth and postcodes are kept).
PERSONAL_COLUMNS = {
    "children.csv": ("forename", "surname", "date_of_birth", "postcode"),
    "workers.csv": ("worker_name",),
}


def plant_names(raw: Path) -> None:
    """Rewrite the names in `raw`'s children.csv and workers.csv with the planted ones (numbered per row)."""
    for file in PERSONAL_COLUMNS:
        path = raw / file
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        for i, row in enumerate(rows):
            if "forename" in row:
                row["forename"] = f"{PLANTED_FORENAME}{i}"
                row["surname"] = PLANTED_SURNAME
            else:
                row["worker_name"] = f"{PLANTED_WORKER} {i}"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)


def personal_values(raw: Path) -> frozenset[str]:
    """Every non-empty personal value of `raw`'s children.csv and workers.csv (PERSONAL_COLUMNS)."""
    values: set[str] = set()
    for file, columns in PERSONAL_COLUMNS.items():
        with (raw / file).open(newline="", encoding="utf-8") as handle:
            values |= {row[c] for row in csv.DictReader(handle) for c in columns if row[c]}
    return frozenset(values)

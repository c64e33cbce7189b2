"""Writes an imported return as an ordinary extract folder: every required contract file in contract column
order (header-only for files the source lacks; optional files only when the return fills them), the source
descriptor, and `_lineage.csv` (which
return element or line each written row came from: ids and positions only, never personal values).
Byte-identical output for the same input: no timestamps, rows in return order, `\\n` line ends.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.contract.model import load_contract
from dagster_project.sources.descriptor import SourceDescriptor, write_descriptor

LINEAGE_FILE = "_lineage.csv"
LINEAGE_COLUMNS = ("source_file", "source_line", "child_id", "origin")
ID_HASH_LENGTH = 15  # hex digits: with a one-letter prefix, 16 characters (the contract allows 20)


def derived_id(prefix: str, *parts: str) -> str:
    """A stable id for a record the return gives no id: prefix + the first 15 hex digits (upper case)
    of sha256 over the parts joined by '|'. The same child, dates and occurrence give the same id in
    every return, so ids carry from one year's return to the next."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:ID_HASH_LENGTH]
    return prefix + digest.upper()


@dataclass
class ImportIssue:
    """A problem in the return that does not stop the import: the value is written as delivered and
    the data-quality rules decide (and count) what happens to the row."""

    location: str  # "<file>: <element path>" or "<file>: line N"
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.message}"


class ReturnImportError(ValueError):
    """The return cannot be imported at all; the message names the file, line or element and field."""


@dataclass
class ImportedExtract:
    """Rows per contract file (dicts keyed by contract column), each with its origin."""

    extract_date: str
    descriptor: SourceDescriptor
    rows: dict[str, list[dict[str, str | None]]] = field(default_factory=dict)
    origins: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # file -> [(child_id, origin)]
    issues: list[ImportIssue] = field(default_factory=list)

    def add(self, file: str, row: dict[str, str | None], child_id: str | None, origin: str) -> None:
        self.rows.setdefault(file, []).append(row)
        self.origins.setdefault(file, []).append((child_id or "", origin))

    def count(self, file: str) -> int:
        return len(self.rows.get(file, []))


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write_if_changed(path: Path, text: str) -> None:
    # Re-importing the same return leaves the files untouched (same bytes, same mtimes).
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_extract(extract: ImportedExtract, raw_dir: Path) -> Path:
    """Write `<raw_dir>/<extract_date>/` and return it. Contract files come last-but-descriptor so a
    sensor never sees a half-written folder as complete: the descriptor and lineage are written first."""
    contract = load_contract()
    folder = Path(raw_dir) / extract.extract_date
    folder.mkdir(parents=True, exist_ok=True)
    write_descriptor(folder, extract.descriptor)
    lineage = []
    for name, export in contract.files.items():
        for line, (child_id, origin) in enumerate(extract.origins.get(name, []), start=2):
            lineage.append([export.file_name, str(line), child_id, origin])
    _write_if_changed(folder / LINEAGE_FILE, _csv_text(list(LINEAGE_COLUMNS), lineage))
    for name, export in contract.files.items():
        if export.optional and name not in extract.rows:  # left out: "not available from this source"
            # A copy from an earlier import of the same date would be read as this return's: the return
            # itself is the source, so the stale derived file goes.
            (folder / export.file_name).unlink(missing_ok=True)
            continue
        rows = [[row.get(c) or "" for c in export.column_names] for row in extract.rows.get(name, [])]
        _write_if_changed(folder / export.file_name, _csv_text(export.column_names, rows))
    return folder


def read_lineage(folder: Path) -> dict[tuple[str, int], tuple[str, str]]:
    """(source_file, source_line) -> (child_id, origin) for an imported folder; empty otherwise."""
    path = Path(folder) / LINEAGE_FILE
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {(r["source_file"], int(r["source_line"])): (r["child_id"], r["origin"]) for r in csv.DictReader(f)}

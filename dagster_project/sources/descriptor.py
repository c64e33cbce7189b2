"""The source descriptor `_source.yaml` in an extract folder: which source wrote the folder and which
contract files and columns it does not provide. A folder without one is a case-management export that
provides everything it holds (exactly the behaviour before descriptors existed): the optional contract files a
folder does not hold are added to what its source does not provide. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from dagster_project.contract.model import load_contract

DESCRIPTOR_FILE = "_source.yaml"
SOURCES = ("case_management", "cin_census", "ssda903")
# The DfE return a source is, for the validator-style error list.
DFE_RETURN = {"case_management": None, "cin_census": "CIN", "ssda903": "903"}


class DescriptorError(ValueError):
    """The descriptor is unreadable or names a source, file or column the contract does not know."""


@dataclass(frozen=True)
class SourceDescriptor:
    source: str = "case_management"
    missing_files: tuple[str, ...] = ()  # contract file names without .csv, e.g. "visits"
    missing_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file -> columns
    origin: str | None = None  # the return file(s) imported, by name only
    # A statutory return holds one collection year ("2026-27": 1 April 2026 - 31 March 2027), not each
    # child's whole history; None for a case-management export.
    collection_year: str | None = None

    @property
    def dfe_return(self) -> str | None:
        return DFE_RETURN[self.source]

    @property
    def data_start(self) -> str | None:
        """The first day the data covers (YYYY-MM-DD): 1 April of the collection year; None for a whole history."""
        return f"{self.collection_year[:4]}-04-01" if self.collection_year else None

    def unprovided_columns(self) -> set[tuple[str, str]]:
        """(file, column) pairs the source does not provide: every column of a missing file, plus
        the named columns of the files it does provide."""
        contract = load_contract()
        pairs = {(f, c) for f in self.missing_files for c in contract.files[f].column_names}
        pairs |= {(f, c) for f, cols in self.missing_columns.items() for c in cols}
        return pairs

    def to_yaml(self) -> str:
        body = {
            "source": self.source,
            "origin": self.origin,
            **({"collection_year": self.collection_year} if self.collection_year else {}),
            "missing_files": list(self.missing_files),
            "missing_columns": {f: list(c) for f, c in self.missing_columns.items()},
        }
        header = (
            "# Source descriptor (dagster_project/sources/descriptor.py): who wrote this extract folder and\n"
            "# which contract files/columns that source cannot provide. Files starting with _ are not loaded.\n"
        )
        return header + yaml.safe_dump(body, sort_keys=False, width=120)


def validate(descriptor: SourceDescriptor, where: str = DESCRIPTOR_FILE) -> SourceDescriptor:
    contract = load_contract()
    if descriptor.source not in SOURCES:
        raise DescriptorError(f"{where}: source {descriptor.source!r} is not one of {', '.join(SOURCES)}")
    for f in (*descriptor.missing_files, *descriptor.missing_columns):
        if f not in contract.files:
            raise DescriptorError(f"{where}: {f!r} is not a contract file ({', '.join(contract.files)})")
    if descriptor.collection_year is not None and not _is_collection_year(descriptor.collection_year):
        raise DescriptorError(f"{where}: collection_year is not of the form YYYY-YY (e.g. 2026-27)")
    for f, cols in descriptor.missing_columns.items():
        for c in cols:
            if c not in contract.files[f].column_names:
                raise DescriptorError(f"{where}: {f}.csv has no column {c!r} in the contract")
    return descriptor


def _is_collection_year(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}", text)) and (int(text[:4]) + 1) % 100 == int(text[5:])


def collection_year_of(day: dt.date) -> str:
    """The collection year (1 April - 31 March) a date falls in, e.g. 2027-03-31 -> "2026-27"."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def write_descriptor(folder: Path, descriptor: SourceDescriptor) -> Path:
    path = Path(folder) / DESCRIPTOR_FILE
    text = validate(descriptor).to_yaml()
    if not path.is_file() or path.read_text(encoding="utf-8") != text:  # unchanged: leave the mtime alone
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


def read_descriptor(folder: Path) -> SourceDescriptor:
    """What the folder's source provides: its descriptor (a case-management export providing everything when
    there is none), plus the optional contract files the folder does not hold, which are then "not available
    from this source" exactly as a file a statutory return lacks."""
    return with_absent_optional_files(_read_descriptor_file(Path(folder)), Path(folder))


def with_absent_optional_files(descriptor: SourceDescriptor, folder: Path) -> SourceDescriptor:
    absent = [f for f in load_contract().absent_optional_files(folder) if f not in descriptor.missing_files]
    if not absent:
        return descriptor
    return replace(descriptor, missing_files=(*descriptor.missing_files, *absent))


def _read_descriptor_file(folder: Path) -> SourceDescriptor:
    path = folder / DESCRIPTOR_FILE
    if not path.is_file():
        return SourceDescriptor()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DescriptorError(f"{path}: not valid YAML ({exc})") from exc
    descriptor = SourceDescriptor(
        source=str(data.get("source", "")),
        missing_files=tuple(data.get("missing_files") or ()),
        missing_columns={f: tuple(c or ()) for f, c in (data.get("missing_columns") or {}).items()},
        origin=data.get("origin"),
        collection_year=str(data["collection_year"]) if data.get("collection_year") else None,
    )
    return validate(descriptor, str(path))

"""Typed view of `raw_exports.yaml`. Pure Python, no Dagster imports."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

CONTRACT_PATH = Path(__file__).with_name("raw_exports.yaml")


# Personal fields never leave raw, except these, which staging keeps for validation only (the DfE's date-of-birth
# and UPN checks); the records that count drop them (quality/render.py dropped_from_validated).
PERSONAL_KEPT_IN_STAGING = frozenset({"date_of_birth", "upn", "former_upn"})


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # id | text | code | date | flag | decimal
    nullable: bool = False
    personal: bool = False
    codes: str | None = None  # code-list name
    references: str | None = None  # "<file>.<column>"
    min_exclusive: float | None = None
    max: float | None = None

    @property
    def referenced_file(self) -> str | None:
        return self.references.split(".")[0] if self.references else None

    @property
    def referenced_column(self) -> str | None:
        return self.references.split(".")[1] if self.references else None


@dataclass(frozen=True)
class ExportFile:
    name: str  # e.g. "children"
    grain: str
    primary_key: str
    columns: tuple[Column, ...]
    optional: bool = False  # an extract may leave it out: then "not available from this source"
    about: str = ""  # what a row is, in words, for the contract page (optional)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def personal_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.personal]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.file_name} has no column {name!r}")


@dataclass(frozen=True)
class CodeListSource:
    source: str  # "project", or the DfE return and data item
    collection_year: str | None = None  # DfE lists: the collection year of the specification checked
    retired: dict[str, str] = field(default_factory=dict)  # code -> first day it is no longer valid


@dataclass(frozen=True)
class Contract:
    version: int
    id_pattern: str
    code_lists: Mapping[str, tuple[str, ...]]
    files: Mapping[str, ExportFile] = field(default_factory=dict)
    code_list_sources: Mapping[str, CodeListSource] = field(default_factory=dict)

    @property
    def file_names(self) -> list[str]:
        return [f.file_name for f in self.files.values()]

    @property
    def required_file_names(self) -> list[str]:
        """The files every extract must hold (an extract without one is incomplete)."""
        return [f.file_name for f in self.files.values() if not f.optional]

    def absent_optional_files(self, folder: Path) -> tuple[str, ...]:
        """Optional files (names without .csv) an extract folder does not hold, in contract order."""
        return tuple(f.name for f in self.files.values() if f.optional and not (Path(folder) / f.file_name).is_file())

    def codes(self, list_name: str) -> tuple[str, ...]:
        return self.code_lists[list_name]


@functools.cache
def staging_model(file: str) -> str:
    """The dbt staging model of an export file (one spelling: dbt SQL, GX checks, parity and error lists use it)."""
    return f"stg_case_management__{file}"


def validated_model(file: str) -> str:
    """The dbt model of a file's records that count (staging rows minus excluded rows)."""
    return f"int_{file}_validated"


@functools.cache
def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    """The contract, parsed once per process and path (callers share it, so its mappings are read-only).

    Before it was cached, the SSDA903 importer parsed the YAML once per row (minutes for one return).
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    code_lists = {k: tuple(str(v) for v in vs) for k, vs in data["code_lists"].items()}
    files: dict[str, ExportFile] = {}
    for name, spec in data["files"].items():
        columns = tuple(Column(name=col, **(attrs or {})) for col, attrs in spec["columns"].items())
        for c in columns:
            if c.codes and c.codes not in code_lists:
                raise ValueError(f"{name}.{c.name}: unknown code list {c.codes!r}")
        files[name] = ExportFile(
            name=name, grain=spec["grain"], primary_key=spec["primary_key"], columns=columns,
            optional=bool(spec.get("optional", False)), about=str(spec.get("about", "")).strip(),
        )  # fmt: skip
        for c in columns:
            if c.referenced_file and files.get(c.referenced_file, files[name]).optional and not files[name].optional:
                raise ValueError(f"{name}.{c.name}: a required file cannot refer to an optional one")
    sources = {name: CodeListSource(**spec) for name, spec in (data.get("code_list_sources") or {}).items()}
    if set(sources) != set(code_lists):
        raise ValueError(f"code_list_sources must name every code list: {sorted(set(sources) ^ set(code_lists))}")
    for name, source in sources.items():
        if source.source != "project" and not source.collection_year:
            raise ValueError(f"code list {name}: a DfE list needs its collection_year")
        if set(source.retired) - set(code_lists[name]):
            raise ValueError(f"code list {name}: retired codes must stay in the list")
    return Contract(
        version=data["version"], id_pattern=data["id_pattern"], code_lists=MappingProxyType(code_lists),
        files=MappingProxyType(files), code_list_sources=MappingProxyType(sources),
    )  # fmt: skip

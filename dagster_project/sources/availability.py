"""Which scorecard measures a source can support: from `catalogue/measure_requires.yaml` (what each
measure needs) and the extract's source descriptor (what the source does not provide). The one place
availability is decided; dbt gets the result as the `measure_availability` var and publishes it as
marts.measure_availability. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from dagster_project.catalogue import measures as catalogue
from dagster_project.contract.model import load_contract
from dagster_project.sources.descriptor import SourceDescriptor

REQUIRES_FILE = Path(catalogue.__file__).with_name("measure_requires.yaml")
SOURCE_NAMES = {"case_management": "the case-management export", "cin_census": "a CIN census",
                "ssda903": "an SSDA903 return"}  # fmt: skip


@dataclass(frozen=True)
class Availability:
    measure: str
    available: bool
    reason: str | None  # why not, when not available


@functools.cache
def load_requires(path: Path = REQUIRES_FILE) -> dict[str, tuple[tuple[str, str], ...]]:
    contract = load_contract()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["requires"]
    out = {}
    for measure, entries in data.items():
        pairs = []
        for entry in entries:
            file, _, column = entry.partition(".")
            if file not in contract.files or column not in contract.files[file].column_names:
                raise ValueError(f"{path.name}: {measure}: {entry!r} is not a contract file.column")
            pairs.append((file, column))
        out[measure] = tuple(pairs)
    return out


def measure_availability(descriptor: SourceDescriptor) -> list[Availability]:
    """One entry per catalogue measure, in catalogue order."""
    requires = load_requires()
    contract = load_contract()
    unprovided = descriptor.unprovided_columns()
    out = []
    for measure in catalogue.load_measures():
        if measure.measure not in requires:
            raise ValueError(f"{REQUIRES_FILE.name}: no entry for catalogue measure {measure.measure!r}")
        lacking = [f"{f}.{c}" for f, c in requires[measure.measure] if (f, c) in unprovided]
        if lacking:
            files = sorted({e.split(".")[0] for e in lacking if e.split(".")[0] in descriptor.missing_files})
            columns = [e for e in lacking if e.split(".")[0] not in files]
            detail = " or ".join([f"{contract.files[f].file_name}" for f in files] + columns)
            reason = f"not available from this source: {SOURCE_NAMES[descriptor.source]} has no {detail}"
            out.append(Availability(measure.measure, False, reason))
        else:
            out.append(Availability(measure.measure, True, None))
    return out


def unavailable_measures(descriptor: SourceDescriptor) -> dict[str, str]:
    return {a.measure: a.reason for a in measure_availability(descriptor) if not a.available}

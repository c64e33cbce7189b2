"""The year-shaped parity runs' one recipe (issue 26): import a DfE return with `csc import`, run the real nightly
job on it, and compare the project's (child id, DfE code) pairs with the validator's golden output."""

from __future__ import annotations

from pathlib import Path

from dagster_project.cli import main as csc
from dagster_project.quality.dfe_parity import (
    allowed_differences,
    compare,
    implemented_codes,
    project_pairs,
    read_golden,
)
from dagster_project.sources.descriptor import read_descriptor
from tests.pipeline.run_pipeline import run_pipeline

DFE = Path(__file__).resolve().parents[1] / "fixtures" / "dfe"


def year_parity(root: Path, import_args: list[str], extract_date: str, golden: str, collection: str, section) -> tuple:
    """`csc import <import_args> --out <root>/raw`, the nightly job on `extract_date`, and the comparison with
    `golden` (a file under tests/fixtures/dfe) for `collection` ("CIN" or "903") and its allowed `section`:
    (the comparison, the golden pairs, the return's descriptor, the project's pairs)."""
    raw = root / "raw"
    assert csc(["import", *import_args, "--out", str(raw)]) == 0
    descriptor = read_descriptor(raw / extract_date)
    outcome, paths = run_pipeline(root, extract_date)
    assert outcome.success, outcome.error
    codes = implemented_codes(collection)
    project = project_pairs(paths.warehouse, collection)
    golden_pairs = read_golden(DFE / golden)
    result = compare(project, golden_pairs, codes, allowed_differences(section=section))
    return result, golden_pairs, descriptor, project

"""End-to-end parity with the DfE's SSDA903 validator: 903 files exported from a small generated council
with defects (tests/fixtures/dfe/ssda903/, see regenerate_903_golden.sh) are imported with
`csc import ssda903`, the real nightly job runs on them, and the project's (child id, DfE code) pairs must
equal the validator's golden output for every 903 code both evaluate, except exactly the deliberate
differences in the 903 table of great_expectations/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.cli import main as csc
from dagster_project.quality.dfe_parity import (
    SSDA903_SECTION,
    allowed_differences,
    compare,
    implemented_codes,
    project_pairs,
    read_golden,
)
from tests.pipeline.run_pipeline import run_pipeline

DFE = Path(__file__).resolve().parents[1] / "fixtures" / "dfe"
EXTRACT_DATE = "2026-10-31"  # the generated council's extract date, inside collection year 2026-27


@pytest.fixture(scope="module")
def parity(tmp_path_factory):
    root = tmp_path_factory.mktemp("dfe_903_parity")
    imported = csc(["import", "ssda903", str(DFE / "ssda903"), "--out", str(root / "raw"), "--extract-date",
                    EXTRACT_DATE])  # fmt: skip
    assert imported == 0
    outcome, paths = run_pipeline(root, EXTRACT_DATE)
    assert outcome.success, outcome.error
    golden = read_golden(DFE / "ssda903_validator_golden.csv")
    codes = implemented_codes("903")
    allowed = allowed_differences(section=SSDA903_SECTION)
    return compare(project_pairs(paths.warehouse, "903"), golden, codes, allowed), golden, codes


def test_project_equals_the_903_validator_for_every_code_both_evaluate(parity):
    result, _, _ = parity
    print("\n" + result.table())  # the side-by-side counts, for the closing note (pytest -s)
    unequal = result.unequal()
    assert not unequal, f"per code (only project, only validator): {unequal}"
    assert not result.unused_allowances, f"allowed differences that allow nothing: {result.unused_allowances}"


def test_the_comparison_is_not_empty(parity):
    result, golden, codes = parity
    assert len({code for _, code in golden} & codes) >= 10  # the defects make the validator fire on most ported codes
    assert sum(c.project for c in result.codes.values()) > 0

"""End-to-end parity with the DfE's CIN census validator: the validator's own sample file is imported
with `csc import cin-census`, the real nightly job runs on it, and the project's (child id, DfE code)
pairs must equal the validator's golden output for every code both evaluate, except exactly the
deliberate differences listed in great_expectations/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.quality.dfe_parity import (
    allowed_differences,
    compare,
    implemented_codes,
    project_pairs,
    read_golden,
)

DFE = Path(__file__).resolve().parents[1] / "fixtures" / "dfe"


@pytest.fixture(scope="module")
def parity(cin_census_run):
    # fake_CIN_data.xml imported and run through the nightly job: the session's run (tests/sources/conftest.py),
    # shared with test_statutory_pipeline.py
    outcome, paths, _ = cin_census_run
    assert outcome.success, outcome.error
    golden = read_golden(DFE / "cin_validator_golden.csv")
    codes = implemented_codes("CIN")
    return compare(project_pairs(paths.warehouse, "CIN"), golden, codes, allowed_differences()), golden, codes


def test_project_equals_the_cin_validator_for_every_code_both_evaluate(parity):
    result, _, _ = parity
    print("\n" + result.table())  # the side-by-side counts, for the closing note (pytest -s)
    unequal = result.unequal()
    assert not unequal, f"per code (only project, only validator): {unequal}"
    assert not result.unused_allowances, f"allowed differences that allow nothing: {result.unused_allowances}"


def test_the_comparison_is_not_empty(parity):
    result, golden, codes = parity
    fired = {code for _, code in golden} & codes
    assert len(fired) >= 8  # the validator fires on this file for most of the codes the project ports
    assert sum(c.project for c in result.codes.values()) > 0

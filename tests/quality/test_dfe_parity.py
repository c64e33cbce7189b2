"""Parity with the DfE validator: the pure comparison, the allowed-differences list in
great_expectations/README.md, and the project's (child id, code) pairs from a real build."""

from __future__ import annotations

import pytest

from dagster_project.quality.dfe_parity import (
    AllowedDifference,
    allowed_differences,
    compare,
    implemented_codes,
    project_pairs,
    read_golden,
)
from dagster_project.settings import PROJECT_ROOT
from tests.quality.extracts import Rows, build_warehouse

GOLDEN = PROJECT_ROOT / "tests" / "fixtures" / "dfe" / "cin_validator_golden.csv"


def test_equal_sets_are_equal_per_code_and_other_codes_are_ignored():
    pairs = {("C1", "8610"), ("C2", "8610"), ("C3", "4180")}
    parity = compare(pairs, pairs | {("C9", "1510")}, {"8610", "4180"}, [])
    assert parity.equal
    assert (parity.codes["8610"].project, parity.codes["8610"].golden) == (2, 2)
    assert "1510" not in parity.codes


def test_differences_are_reported_by_side():
    parity = compare({("C1", "8610"), ("C2", "8610")}, {("C2", "8610"), ("C3", "8610")}, {"8610"}, [])
    assert not parity.equal
    assert parity.codes["8610"].only_project == ["C1"] and parity.codes["8610"].only_golden == ["C3"]
    assert "| 8610 | 2 | 2 | 1 | 1 |" in parity.table()


def test_allowed_differences_cover_exactly_their_side_and_child():
    every_child = AllowedDifference("8831", "*", "golden", "S47 part not evaluable")
    one_child = AllowedDifference("8610", "C1", "project", "deliberate")
    parity = compare(
        {("C1", "8610")}, {("C5", "8831"), ("C6", "8831"), ("C7", "8610")}, {"8610", "8831"}, [every_child, one_child]
    )
    assert parity.codes["8831"].equal and parity.codes["8610"].only_project == []
    assert parity.codes["8610"].only_golden == ["C7"]  # a project-side allowance does not cover the golden side
    assert not parity.equal


def test_an_allowance_that_allows_nothing_is_reported():
    unused = AllowedDifference("8610", "C1", "golden", "no longer needed")
    parity = compare({("C2", "8610")}, {("C2", "8610")}, {"8610"}, [unused])
    assert parity.unused_allowances == [unused] and not parity.equal


def test_allowed_differences_parse_from_the_readme():
    text = """x
<!-- dfe-allowed-differences:start -->
| code | child_id | side | reason |
|---|---|---|---|
| `8831` | * | golden | the S47 part |
<!-- dfe-allowed-differences:end -->"""
    assert allowed_differences(text) == [AllowedDifference("8831", "*", "golden", "the S47 part")]
    with pytest.raises(ValueError, match="side"):
        allowed_differences(text.replace("golden", "both"))
    documented = allowed_differences()  # the project's own list parses, every entry with a reason
    assert documented and all(a.code in implemented_codes("CIN") for a in documented)


def test_golden_file_holds_the_validators_child_level_pairs():
    pairs = read_golden(GOLDEN)
    codes = {code for _, code in pairs}
    assert {"8831", "4180", "8825Q", "8585Q", "8555Q"} <= codes
    assert "100" not in codes  # return-level (header) codes name no child
    assert len({c for c, code in pairs if code == "4180"}) == 332


def _plan_end_before_start(rows: Rows) -> None:
    cp = next(r for r in rows["plans"] if r["plan_type"] == "CP" and r["end_date"])
    cin = next(r for r in rows["plans"] if r["plan_type"] == "CIN" and r["end_date"])
    for plan in (cp, cin):
        plan["end_date"] = "2000-01-01"
    rows["_expected"] = [{"cp": cp["child_id"], "cin": cin["child_id"]}]


def test_project_pairs_apply_each_codes_scope(tmp_path):
    expected = {}

    def edit(rows: Rows) -> None:
        _plan_end_before_start(rows)
        expected.update(rows.pop("_expected")[0])

    warehouse = build_warehouse(tmp_path, "2020-03-31", edit)
    pairs = project_pairs(warehouse, "CIN")
    assert {c for c, code in pairs if code == "8925"} == {expected["cp"]}
    assert {c for c, code in pairs if code == "4011"} == {expected["cin"]}
    assert all(code in implemented_codes("CIN") for _, code in pairs)
    assert not any(code == "433" for _, code in pairs)  # 903 codes are another return's

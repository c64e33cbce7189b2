"""A project rule that stands for several DfE codes lists, per failing record, only the code whose scope it meets."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.quality.dfe_errors import ScopeResolver, dfe_references
from dagster_project.quality.rules import rule_by_id

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def _warehouse(path):
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema staging")
        conn.execute(
            "create table staging.stg_case_management__plans as select * from (values "
            "('P1', 'CP', date '2019-03-01', 2), ('P2', 'CIN', date '2019-03-01', 3)) "
            "as t(plan_id, plan_type, extract_date, source_line)"
        )
    return path


def test_end_before_start_is_8925_on_cp_plans_and_4011_on_cin_plans(tmp_path):
    rule = rule_by_id("plans.end_date_before_start_date")
    references = {d.dfe_code: d for d in dfe_references(rule, "CIN")}
    assert {"8925", "4011"} <= set(references)
    scopes = ScopeResolver(_warehouse(tmp_path / "warehouse.duckdb"))
    assert scopes.covers(rule, references["8925"], "2019-03-01", 2)
    assert not scopes.covers(rule, references["4011"], "2019-03-01", 2)
    assert scopes.covers(rule, references["4011"], "2019-03-01", 3)
    assert not scopes.covers(rule, references["8925"], "2019-03-01", 3)


def test_without_the_runs_staging_rows_every_candidate_code_is_listed(tmp_path):
    rule = rule_by_id("plans.end_date_before_start_date")
    scopes = ScopeResolver(_warehouse(tmp_path / "warehouse.duckdb"))
    for reference in dfe_references(rule, "CIN"):
        assert scopes.covers(rule, reference, "2018-01-01", 2)  # another extract: scope unknown
    assert all(ScopeResolver(None).covers(rule, d, "2019-03-01", 2) for d in dfe_references(rule, None))


def test_a_903_extract_lists_no_cin_code(tmp_path):
    rule = rule_by_id("plans.end_date_before_start_date")
    assert all(d.dfe_return == "903" for d in dfe_references(rule, "903"))

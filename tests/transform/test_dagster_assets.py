"""The calendar, staging and mart assets materialise through Dagster, with dbt tests as asset checks."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from dagster_project.catalogue import measure_names
from dagster_project.definitions import resources
from dagster_project.ingest.load import load_extract
from dagster_project.settings import get_paths
from dagster_project.sources.availability import measure_availability
from dagster_project.sources.descriptor import read_descriptor
from dagster_project.transform.prepare import prepare_manifest
from tests.transform.conftest import CONFORMANCE_EXTRACT


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CSC_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.delenv("CSC_EXTRACT_DATE", raising=False)
    monkeypatch.delenv("CSC_WAREHOUSE_PATH", raising=False)
    return tmp_path / "data"


def test_calendar_staging_and_marts_materialise(data_dir):
    prepare_manifest()  # the build step; the definitions read its manifest and never run dbt
    from dagster_project.transform.assets import (
        WORKING_DAYS_KEY,
        child_population,
        dfe_benchmarks,
        mart_dbt_assets,
        staging_dbt_assets,
        working_days,
    )

    warehouse = get_paths().warehouse
    load_extract(warehouse, CONFORMANCE_EXTRACT, CONFORMANCE_EXTRACT.name, "fixture")  # the real loader

    result = dg.materialize(
        [working_days, dfe_benchmarks, child_population, staging_dbt_assets, mart_dbt_assets],
        resources=resources,
        tags={"csc/extract_date": "2020-03-31"},
    )

    assert result.success
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert {
        WORKING_DAYS_KEY,
        dg.AssetKey("stg_case_management__children"),
        dg.AssetKey("int_visits_validated"),
        dg.AssetKey("scorecard"),
        dg.AssetKey("visit_timeliness"),
    } <= materialized
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)
    assert any(c.asset_key == dg.AssetKey("scorecard") for c in checks)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        count, runs, extracts = conn.execute(
            "select count(*), count(distinct run_id), max(extract_date) from marts.scorecard"
        ).fetchone()
        run_id = conn.execute("select any_value(run_id) from marts.scorecard").fetchone()[0]
    # 130 reporting dates (every Sunday and month-end from April 2018, plus the partial week) x every measure the
    # extract supports: the measures of optional files the conformance extract leaves out have no rows
    available = [a for a in measure_availability(read_descriptor(CONFORMANCE_EXTRACT)) if a.available]
    assert 0 < len(available) < len(measure_names())
    assert (count, runs, str(extracts)) == (130 * len(available), 1, "2020-03-31")
    assert run_id == result.run_id


def test_staging_and_marts_are_separate_steps_sharing_the_writer_pool():
    prepare_manifest()
    from dagster_project.transform.assets import mart_dbt_assets, staging_dbt_assets

    staging_keys = {k.to_user_string() for k in staging_dbt_assets.keys}
    mart_keys = {k.to_user_string() for k in mart_dbt_assets.keys}
    assert "stg_case_management__children" in staging_keys and "int_children_validated" in staging_keys
    assert {"scorecard", "caseload", "int_reporting_dates_spined"} <= mart_keys
    assert not staging_keys & mart_keys
    assert staging_dbt_assets.op.pool == mart_dbt_assets.op.pool == "duckdb_writer"
    # sources map onto the ingest and calendar assets, so lineage is one graph
    deps = {k.to_user_string() for k in staging_dbt_assets.dependency_keys}
    assert {"raw/children", "raw/visits"} <= deps
    assert "reference/working_days" in {k.to_user_string() for k in mart_dbt_assets.dependency_keys}

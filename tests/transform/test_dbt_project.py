"""The dbt project's configuration: layer tags (they split the two Dagster steps) and vars."""

from __future__ import annotations

import json

import pytest
import yaml

from dagster_project.standards import Standards
from dagster_project.transform.project import DBT_PROJECT_DIR
from tests.transform.dbt_runner import run_dbt


def test_every_model_is_in_exactly_one_dagster_step(tmp_path):
    result = run_dbt(["parse"], tmp_path / "warehouse" / "warehouse.duckdb", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed"):
            continue
        layers = {"staging", "marts"} & set(node["tags"])
        assert len(layers) == 1, (node["name"], node["tags"])
        expected = "marts" if node["fqn"][1] in ("marts", "intermediate") and "validated" not in node["fqn"] else None
        if expected:
            assert layers == {expected}, node["name"]


def test_dbt_var_defaults_match_the_standards_settings():
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    defaults = Standards().as_dbt_vars()
    assert {k: project["vars"][k] for k in defaults} == defaults
    assert project["vars"]["run_id"] == "manual" and "extract_date" in project["vars"]


def test_a_build_without_extract_date_stops_with_a_clear_message(conformance_warehouse):
    result = run_dbt(
        ["run", "--select", "int_reporting_dates_spined"], conformance_warehouse.path, conformance_warehouse.work_dir
    )
    assert result.returncode != 0
    assert "var extract_date is required" in result.stdout


def test_dbt_vars_carry_the_standards_and_the_run_context_the_run():
    from dagster_project.transform.dbt_vars import dbt_build_args, run_context

    args = dbt_build_args(Standards(caseload_max=20))
    assert args[:2] == ["build", "--vars"]
    passed = json.loads(args[2])
    assert passed["caseload_max"] == 20 and passed["cla_long_term_visit_days"] == 91
    # the run's own values change every run: never --vars (dbt would re-parse the whole project each step)
    assert "extract_date" not in passed and "run_id" not in passed
    assert dbt_build_args(Standards(caseload_max=20)) == args  # the same every run: partial parsing holds
    context = run_context("2020-03-31", "run-1")
    assert context["extract_date"] == "2020-03-31" and context["run_id"] == "run-1"
    assert context["source"] == "case_management" and context["not_applicable_rules"] == []


def test_dbt_runs_two_nodes_at_once_only_while_the_warehouse_is_small_beside_duckdbs_memory(monkeypatch):
    from dagster_project.transform.dbt_vars import dbt_build_args, dbt_threads

    monkeypatch.delenv("CSC_DBT_THREADS", raising=False)
    limit = 3e9
    assert dbt_threads(190_000_000, limit, cores=2) == 2  # the large preset's warehouse
    assert dbt_threads(6_000_000_000, limit, cores=2) == 1  # the national preset's: two nodes ran out of memory
    assert dbt_threads(int(0.25 * limit) + 1, limit, cores=2) == 1
    assert dbt_threads(190_000_000, limit, cores=1) == 1  # nothing to overlap on one core
    monkeypatch.setenv("CSC_DBT_THREADS", "1")
    assert dbt_threads(190_000_000, limit, cores=2) == 1
    for typo in ("two", "0", "-1", "1.5"):  # an operator's typo stops the step with the variable named
        monkeypatch.setenv("CSC_DBT_THREADS", typo)
        with pytest.raises(ValueError, match="CSC_DBT_THREADS"):
            dbt_threads(190_000_000, limit, cores=2)
    args = dbt_build_args(Standards(), threads=2)
    assert args[args.index("--threads") + 1] == "2"


def test_the_dbt_resource_skips_dbt_version_and_the_in_process_adapter():
    """dagster-dbt runs `dbt --version` and builds an in-process adapter before each first dbt command
    (~3.5 s); the project's resource replaces both hooks. If an upgrade renames them, this fails."""
    import importlib.metadata

    from dagster_dbt import DbtCliResource

    from dagster_project.transform.assets import dbt_resource

    assert hasattr(DbtCliResource, "_cli_version") and hasattr(DbtCliResource, "_initialize_dbt_core_adapter")
    resource = dbt_resource()
    assert str(resource._cli_version) == importlib.metadata.version("dbt-core")
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_dbt_sets_the_duckdb_temp_directory_once_per_database():
    """dbt-duckdb re-applies `settings` with SET on every cursor; after DuckDB has spilled, SET temp_directory
    fails ("Cannot switch temporary directory ..."), so it must be a connect-time config option."""
    output = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())["csc_warehouse"]["outputs"]["warehouse"]
    assert "temp_directory" not in output["settings"]
    assert output["config_options"]["temp_directory"].endswith("/duckdb_tmp")


def test_dbt_gives_duckdb_the_memory_limit_the_job_passes(tmp_path):
    from dagster_project.transform.dbt_vars import run_context
    from tests.transform.dbt_runner import run_dbt

    shown = run_dbt(
        ["show", "--inline", "select current_setting('memory_limit') as memory_limit", "--output", "json"],
        tmp_path / "warehouse" / "warehouse.duckdb",
        tmp_path,
        run_context("2020-03-31", "memory-limit"),
        env={"CSC_DUCKDB_MEMORY_LIMIT": "1.5GB"},
    )
    assert shown.returncode == 0, shown.stdout[-2000:]
    assert '"memory_limit": "1.3 GiB"' in shown.stdout  # DuckDB shows 1.5e9 bytes in GiB


def test_the_profiles_default_memory_limit_is_duckdbs_share_of_the_default_budget():
    # dbt run by hand (no job to pass CSC_DUCKDB_MEMORY_LIMIT) gets what the job would give it by default
    import re

    from dagster_project.settings import MEMORY_BUDGET_GB_DEFAULT, PYTHON_RESERVE_GB
    from dagster_project.transform.project import DBT_PROJECT_DIR

    profile = (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    [default] = re.findall(r"env_var\('CSC_DUCKDB_MEMORY_LIMIT', '([^']+)'\)", profile)
    assert default == f"{MEMORY_BUDGET_GB_DEFAULT - PYTHON_RESERVE_GB:g}GB"

"""The one recipe for dbt commands outside a run (make setup's parse, make docs, the tests' builds)."""

from __future__ import annotations

import subprocess

import pytest

from dagster_project.transform.dbt_command import dbt_command, seed_saved_parse
from dagster_project.transform.dbt_environment import PARTIAL_PARSE_FILE, dbt_environment
from dagster_project.transform.dbt_vars import standards_vars
from dagster_project.transform.project import DBT_PROJECT_DIR, dbt_project


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


@pytest.mark.fast
def test_the_command_carries_the_jobs_vars_project_and_profile_values(tmp_path):
    command = dbt_command(["ls", "--select", "scorecard"], cwd=tmp_path, target=tmp_path / "t", log_dir=tmp_path / "l")
    assert command.argv[1:4] == ["ls", "--select", "scorecard"]
    assert _option(command.argv, "--vars") == standards_vars()
    assert _option(command.argv, "--project-dir") == _option(command.argv, "--profiles-dir") == str(DBT_PROJECT_DIR)
    assert _option(command.argv, "--target-path") == str(tmp_path / "t")
    assert command.cwd == tmp_path
    assert dbt_environment().items() <= command.env.items()
    assert command.env["DBT_LOG_PATH"] == str(tmp_path / "l")


@pytest.mark.fast
def test_without_a_target_or_log_folder_dbt_chooses_and_other_values_override_the_jobs(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_LOG_PATH", raising=False)
    command = dbt_command(["parse"], cwd=tmp_path, env={"CSC_DUCKDB_MEMORY_LIMIT": "1GB"})
    assert "--target-path" not in command.argv
    assert "DBT_LOG_PATH" not in command.env
    assert command.env["CSC_DUCKDB_MEMORY_LIMIT"] == "1GB"


@pytest.mark.fast
def test_seeding_copies_make_setups_saved_parse_and_leaves_it_as_it_is(tmp_path):
    saved = dbt_project.manifest_path.parent / PARTIAL_PARSE_FILE
    before = saved.read_bytes()
    seed_saved_parse(tmp_path / "target")
    assert (tmp_path / "target" / PARTIAL_PARSE_FILE).read_bytes() == before
    (tmp_path / "target" / PARTIAL_PARSE_FILE).write_bytes(b"dbt rewrote it")
    assert saved.read_bytes() == before


def test_a_command_from_a_new_data_folder_reuses_the_saved_parse(tmp_path):
    """A real dbt command: with the recipe, dbt reads make setup's parse instead of parsing the whole project."""
    target, logs = tmp_path / "target", tmp_path / "logs"
    seed_saved_parse(target)
    command = dbt_command(["ls", "--select", "scorecard", "--quiet"], cwd=tmp_path, target=target, log_dir=logs)
    result = subprocess.run(command.argv, cwd=command.cwd, env=command.env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scorecard" in result.stdout
    log = (logs / "dbt.log").read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in log  # dbt's words when it parses in full (no or a stale parse)
    assert "Partial parsing enabled, no changes found, skipping parsing" in log

"""dbt run inside the run worker (dagster_project/transform/dbt_in_process.py): the project is parsed once per
process and each command gets its own copy of the parse; a command's events reach dagster-dbt as the JSON lines
dbt's standard output would carry, with dbt's exit code; the command's environment is put back after it. Every
test that runs the nightly job runs its two dbt steps this way as well."""

from __future__ import annotations

import json
import os

import orjson
import pytest

from dagster_project.transform.dbt_command import seed_saved_parse
from dagster_project.transform.dbt_environment import dbt_environment
from dagster_project.transform.dbt_in_process import (
    EXIT_EXCEPTION,
    EXIT_SUCCESS,
    DbtInProcess,
    manifest_copy,
    option_value,
    parsed_manifest,
    project_fingerprint,
)
from dagster_project.transform.dbt_vars import standards_vars
from dagster_project.transform.project import DBT_PROJECT_DIR

CHILDREN_MODEL = "stg_case_management__children"


@pytest.mark.fast
def test_option_value_is_the_word_after_the_option():
    assert option_value(["build", "--vars", "{}", "--threads", "2"], "--vars") == "{}"
    assert option_value(["build", "--threads"], "--threads") is None
    assert option_value(["build"], "--vars") is None


@pytest.mark.fast
def test_the_project_fingerprint_changes_with_a_project_file_and_not_with_dbts_own_output(tmp_path):
    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "a.sql"
    model.write_text("select 1")
    before = project_fingerprint(tmp_path)
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text("{}")
    assert project_fingerprint(tmp_path) == before
    model.write_text("select 2 as changed")
    assert project_fingerprint(tmp_path) != before


@pytest.fixture(scope="module")
def dbt_settings(tmp_path_factory):
    """The environment a dbt step gets from dagster-dbt: a target folder holding make setup's saved parse."""
    target = tmp_path_factory.mktemp("dbt_target")
    seed_saved_parse(target)
    return {
        **dbt_environment(),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    }


@pytest.fixture(scope="module")
def parsed(dbt_settings):
    with pytest.MonkeyPatch.context() as mp:
        for key, value in dbt_settings.items():
            mp.setenv(key, value)
        return parsed_manifest(standards_vars(), DBT_PROJECT_DIR)


def test_the_parse_is_made_once_per_process(parsed, dbt_settings):
    with pytest.MonkeyPatch.context() as mp:
        for key, value in dbt_settings.items():
            mp.setenv(key, value)
        assert parsed_manifest(standards_vars(), DBT_PROJECT_DIR) is parsed


def test_a_copy_resolves_refs_once_dbt_has_built_its_lookups_and_is_the_copys_own(parsed):
    _ = parsed.ref_lookup  # dbt builds its lookups on first use; a pickled copy then had them in the wrong fields
    copy = manifest_copy(parsed)
    node = copy.ref_lookup.find(CHILDREN_MODEL, None, None, copy)
    assert node is not None and node.unique_id == f"model.csc_warehouse.{CHILDREN_MODEL}"
    assert copy.fixtures == parsed.fixtures and copy.flat_graph == parsed.flat_graph
    # dbt marks the nodes it compiles: a copy's marks never reach the parse the next command copies
    node.extra_ctes_injected = not node.extra_ctes_injected
    assert parsed.nodes[node.unique_id].extra_ctes_injected != node.extra_ctes_injected


def _lines(process: DbtInProcess) -> list[dict]:
    with process.stdout:
        return [orjson.loads(line) for line in process.stdout]


def test_a_command_streams_dbts_events_and_exit_code_and_puts_the_environment_back(parsed, dbt_settings, tmp_path):
    marker = "CSC_TEST_DBT_IN_PROCESS_MARKER"
    assert marker not in os.environ
    target_before = os.environ.get("DBT_TARGET_PATH")
    process = DbtInProcess(
        [
            "dbt",
            "ls",
            "--vars",
            standards_vars(),
            "--select",
            CHILDREN_MODEL,
            "--resource-type",
            "model",
            "--output",
            "name",
        ],
        {**dbt_settings, marker: "set for the command only"},
        DBT_PROJECT_DIR,
        tmp_path,
    )
    events = _lines(process)
    assert process.wait() == EXIT_SUCCESS and process.poll() == EXIT_SUCCESS
    listed = [e["data"]["msg"] for e in events if e["info"]["name"] == "PrintEvent"]
    assert listed == [CHILDREN_MODEL]
    assert {e["info"]["level"] for e in events} <= {"info", "warn", "error"}  # no debug events, as on dbt's stdout
    assert marker not in os.environ and os.environ.get("DBT_TARGET_PATH") == target_before


def test_a_command_dbt_refuses_ends_with_an_error_event_and_dbts_exit_code(parsed, dbt_settings, tmp_path):
    process = DbtInProcess(
        ["dbt", "build", "--vars", standards_vars(), "--no-such-option"], dbt_settings, DBT_PROJECT_DIR, tmp_path
    )
    events = _lines(process)
    assert process.wait() == EXIT_EXCEPTION
    errors = [e["info"]["msg"] for e in events if e["info"]["level"] == "error"]
    assert errors and "--no-such-option" in json.dumps(errors)

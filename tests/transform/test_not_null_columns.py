"""The project's generic test not_null_columns (dbt/tests/generic/not_null_columns.sql), run by the real dbt on a
tiny model in a throwaway project: it fails on a NULL, counts the columns holding NULLs, names them with their
NULL rows, and keeps the severity and `where` a per-column not_null would have."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import duckdb
import pytest

from dagster_project.transform.dbt_command import dbt_executable
from dagster_project.transform.project import DBT_PROJECT_DIR

pytestmark = pytest.mark.fast  # one dbt build of a three-row model, no pipeline run

# Three rows: name is NULL in row 2, team in rows 1 and 2, id never.
MODEL = """select * from (values (1, 'Ann', null), (2, null, null), (3, 'Cal', 'T1')) as t (id, name, team)"""

SCHEMA = """version: 2
models:
  - name: people
    data_tests:
      - not_null_columns: {name: two_columns_fail, arguments: {columns: [id, name, team]}}
      - not_null_columns: {name: no_column_fails, arguments: {columns: [id]}}
      - not_null_columns: {name: rows_outside_where_ignored, arguments: {columns: [name]}, config: {where: id <> 2}}
      - not_null_columns: {name: warn_only, arguments: {columns: [team]}, config: {severity: warn}}
"""


def test_not_null_columns_fails_on_nulls_and_names_each_column(tmp_path):
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "tests" / "generic").mkdir(parents=True)
    shutil.copy(DBT_PROJECT_DIR / "tests" / "generic" / "not_null_columns.sql", project / "tests" / "generic")
    (project / "dbt_project.yml").write_text(
        "name: not_null_columns_check\nversion: '1.0.0'\nconfig-version: 2\nprofile: check\n"
    )
    (project / "profiles.yml").write_text(
        f"check:\n  target: t\n  outputs:\n    t:\n      type: duckdb\n      path: {tmp_path / 'w.duckdb'}\n"
    )
    (project / "models" / "people.sql").write_text(MODEL)
    (project / "models" / "schema.yml").write_text(SCHEMA)

    env = dict(os.environ, DBT_LOG_PATH=str(tmp_path / "logs"))
    command = [dbt_executable(), "build", "--store-failures", "--project-dir", str(project), "--profiles-dir"]
    result = subprocess.run([*command, str(project)], cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout[-4000:]  # the failing test fails the build

    outcomes = {
        r["unique_id"].split(".")[2]: (r["status"], r["failures"])
        for r in json.loads((project / "target" / "run_results.json").read_text())["results"]
        if r["unique_id"].startswith("test.")
    }
    assert outcomes == {
        "two_columns_fail": ("fail", 2),  # failures = columns holding NULLs (name, team), not NULL rows
        "no_column_fails": ("pass", 0),
        "rows_outside_where_ignored": ("pass", 0),  # the NULL name is in row 2, which `where` leaves out
        "warn_only": ("warn", 1),
    }
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        stored = conn.sql("select column_name, null_rows from main_dbt_test__audit.two_columns_fail order by 1")
        assert stored.fetchall() == [("name", 1), ("team", 2)]

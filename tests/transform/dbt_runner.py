"""Running the real dbt CLI against a test warehouse, with its artefacts kept out of the repository."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from dagster_project.transform.prepare import dbt_executable
from dagster_project.transform.project import DBT_PROJECT_DIR


def run_dbt(
    args: list[str], warehouse: Path, work_dir: Path, dbt_vars: dict | None = None
) -> subprocess.CompletedProcess:
    env = dict(os.environ, CSC_WAREHOUSE_PATH=str(warehouse), DBT_LOG_PATH=str(work_dir / "logs"))
    command = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command += ["--target-path", str(work_dir / "target")]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    return subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True)

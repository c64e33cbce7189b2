"""Build step: `python -m dagster_project.transform.prepare` runs `dbt parse` so dbt/target/manifest.json exists
before Dagster loads the definitions (which read it and never run dbt themselves). Offline: no `dbt deps`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_project.transform.dbt_environment import dbt_environment
from dagster_project.transform.dbt_vars import standards_vars
from dagster_project.transform.project import DBT_PROJECT_DIR, dbt_project


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's venv), else whatever is on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def prepare_manifest() -> Path:
    """Run `dbt parse` in dbt/ and return the manifest path."""
    # The profile and vars of the job's dbt steps (parse never opens the warehouse), so that the parse saved in
    # dbt/target is the one a new data folder's first dbt step reuses (dbt_environment.py).
    env = {**os.environ, **dbt_environment()}
    subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            "--vars",
            standards_vars(),
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        check=True,
        cwd=DBT_PROJECT_DIR,
        env=env,
    )
    return dbt_project.manifest_path


if __name__ == "__main__":
    print(prepare_manifest())

"""Build step: `python -m dagster_project.transform.prepare` runs `dbt parse` so dbt/target/manifest.json exists
before Dagster loads the definitions (which read it and never run dbt themselves). Offline: no `dbt deps`."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dagster_project.transform.dbt_command import dbt_command
from dagster_project.transform.project import DBT_PROJECT_DIR, dbt_project


def prepare_manifest() -> Path:
    """Run `dbt parse` in dbt/ and return the manifest path."""
    # The profile and vars of the job's dbt steps (parse never opens the warehouse), so that the parse saved in
    # dbt/target is the one a new data folder's first dbt step reuses (dbt_environment.py).
    command = dbt_command(["parse", "--quiet"], cwd=DBT_PROJECT_DIR)
    subprocess.run(command.argv, check=True, cwd=command.cwd, env=command.env)
    return dbt_project.manifest_path


if __name__ == "__main__":
    print(prepare_manifest())

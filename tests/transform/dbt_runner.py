"""Running the real dbt CLI on a test warehouse as the job's dbt steps run it, artefacts kept out of the repository.

As the job does (dagster_project/transform/dbt_environment.py and dbt_vars.py): from the warehouse's data folder with
the profile's paths relative to it, the standards as --vars, the run's own values written into the warehouse for the
command and dropped after it. So `make setup`'s saved parse holds, and each command skips dbt's parse of the whole
project (about 4 s; ~15 commands a session re-parsed in full when each test passed its own vars and paths).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from dagster_project.transform.dbt_environment import PARTIAL_PARSE_FILE, WAREHOUSE_FROM_DATA_DIR, dbt_environment
from dagster_project.transform.dbt_vars import clear_run_context, standards_vars, write_run_context
from dagster_project.transform.prepare import dbt_executable
from dagster_project.transform.project import DBT_PROJECT_DIR, dbt_project


def data_folder(warehouse: Path) -> Path:
    """The folder the warehouse sits in as the job lays it out (<data>/warehouse/warehouse.duckdb)."""
    data_dir = warehouse.parent.parent
    assert data_dir / WAREHOUSE_FROM_DATA_DIR == warehouse, f"{warehouse} is not laid out as a data folder's"
    return data_dir


def run_dbt(
    args: list[str],
    warehouse: Path,
    work_dir: Path,
    run: dict[str, object] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """`dbt <args>` on `warehouse`; `run`: the run context (dbt_vars.run_context) the command reads, as a job step's
    does; `env`: profile values that differ from the job's (dbt then re-parses, as it would for the job)."""
    target = work_dir / "target"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dbt_project.manifest_path.parent / PARTIAL_PARSE_FILE, target / PARTIAL_PARSE_FILE)
    command = [dbt_executable(), *args, "--vars", standards_vars(), "--target-path", str(target)]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    full_env = {**os.environ, **dbt_environment(), "DBT_LOG_PATH": str(work_dir / "logs"), **(env or {})}
    if run is not None:
        write_run_context(warehouse, run)
    try:
        return subprocess.run(command, cwd=data_folder(warehouse), env=full_env, capture_output=True, text=True)
    finally:
        if run is not None:
            clear_run_context(warehouse)

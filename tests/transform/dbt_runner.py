"""Running the real dbt on a test warehouse as the job's dbt steps run it, artefacts kept out of the repository:
`run_dbt` as the dbt CLI in a subprocess, `run_dbt_in_worker` inside the test worker as the job's steps run it
(dagster_project/transform/dbt_in_process.py: no dbt start-up, and the parse the worker already holds is reused).

As the job does (dagster_project/transform/dbt_command.py): from the warehouse's data folder with
the profile's paths relative to it, the standards as --vars, the run's own values written into the warehouse for the
command and dropped after it. So `make setup`'s saved parse holds, and each command skips dbt's parse of the whole
project (about 4 s; ~15 commands a session re-parsed in full when each test passed its own vars and paths).
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import orjson

from dagster_project.transform.dbt_command import DbtCommand, dbt_command, seed_saved_parse
from dagster_project.transform.dbt_environment import WAREHOUSE_FROM_DATA_DIR
from dagster_project.transform.dbt_in_process import DbtInProcess
from dagster_project.transform.dbt_vars import clear_run_context, write_run_context
from dagster_project.transform.project import DBT_PROJECT_DIR


def data_folder(warehouse: Path) -> Path:
    """The folder the warehouse sits in as the job lays it out (<data>/warehouse/warehouse.duckdb)."""
    data_dir = warehouse.parent.parent
    assert data_dir / WAREHOUSE_FROM_DATA_DIR == warehouse, f"{warehouse} is not laid out as a data folder's"
    return data_dir


@contextlib.contextmanager
def _prepared(
    args: list[str], warehouse: Path, work_dir: Path, run: dict[str, object] | None, env: dict[str, str] | None = None
) -> Iterator[DbtCommand]:
    """The command with its target seeded from make setup's parse, and the run context in the warehouse meanwhile."""
    target = work_dir / "target"
    seed_saved_parse(target)
    command = dbt_command(args, cwd=data_folder(warehouse), target=target, log_dir=work_dir / "logs", env=env)
    if run is not None:
        write_run_context(warehouse, run)
    try:
        yield command
    finally:
        if run is not None:
            clear_run_context(warehouse)


def run_dbt(
    args: list[str],
    warehouse: Path,
    work_dir: Path,
    run: dict[str, object] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """`dbt <args>` on `warehouse`; `run`: the run context (dbt_vars.run_context) the command reads, as a job step's
    does; `env`: profile values that differ from the job's (dbt then re-parses, as it would for the job)."""
    with _prepared(args, warehouse, work_dir, run, env) as command:
        return subprocess.run(command.argv, cwd=command.cwd, env=command.env, capture_output=True, text=True)


def run_dbt_in_worker(
    args: list[str], warehouse: Path, work_dir: Path, run: dict[str, object] | None = None
) -> subprocess.CompletedProcess:
    """`run_dbt` with dbt inside this process, as the job's dbt steps run it; stdout holds dbt's messages."""
    with _prepared(args, warehouse, work_dir, run) as command:
        process = DbtInProcess(command.argv, command.env, DBT_PROJECT_DIR, command.cwd)
        with process.stdout:
            messages = [orjson.loads(line)["info"]["msg"] for line in process.stdout]
        return subprocess.CompletedProcess(command.argv, process.wait(), "\n".join(messages), "")

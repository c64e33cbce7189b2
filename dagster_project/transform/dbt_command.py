"""`dbt <args>` as the job's dbt steps run it, for the dbt commands outside a run: `make setup`'s parse, `make docs`
and the tests' builds. One recipe, so that each of them reuses the parse `make setup` saves (dbt re-parses the whole
project, ~4 s, when the vars or the profile's values differ from the saved parse's).

The recipe: the venv's dbt; the project and its own profile; the standards as --vars (dbt_vars.py); the profile's
values of a step run from a data folder (dbt_environment.py). The job's steps run the same through dagster-dbt
(transform/assets.py).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from dagster_project.transform.dbt_environment import PARTIAL_PARSE_FILE, dbt_environment
from dagster_project.transform.dbt_vars import standards_vars
from dagster_project.transform.project import DBT_PROJECT_DIR, dbt_project


@dataclass(frozen=True)
class DbtCommand:
    """A dbt command line, its environment and the folder it runs from: subprocess.run(c.argv, cwd=c.cwd, env=c.env)."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's venv), else whatever is on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_command(
    args: list[str],
    cwd: Path,
    target: Path | None = None,
    log_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> DbtCommand:
    """`dbt <args>` run from `cwd` (a data folder: the profile's paths are relative to it), its artefacts into
    `target` and its log into `log_dir` (dbt's defaults when None); `env`: profile values that differ from the job's
    (dbt then re-parses, as the job's step would)."""
    argv = [dbt_executable(), *args, "--vars", standards_vars()]
    argv += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if target is not None:
        argv += ["--target-path", str(target)]
    full_env = {**os.environ, **dbt_environment(), **({"DBT_LOG_PATH": str(log_dir)} if log_dir else {}), **(env or {})}
    return DbtCommand(argv, full_env, cwd)


def seed_saved_parse(target: Path) -> None:
    """Copy make setup's saved parse into `target`, so a command writing there starts from it (dbt reads and
    rewrites the one in its target folder; make setup's, beside the manifest, stays as it is)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dbt_project.manifest_path.parent / PARTIAL_PARSE_FILE, target / PARTIAL_PARSE_FILE)

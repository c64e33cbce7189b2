"""Build step: `python -m dagster_project.transform.prepare` runs `dbt parse` so dbt/target/manifest.json exists
before Dagster loads the definitions (which read it and never run dbt themselves). Offline: no `dbt deps`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_project.transform.project import DBT_PROJECT_DIR, dbt_project


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's venv), else whatever is on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def prepare_manifest() -> Path:
    """Run `dbt parse` in dbt/ and return the manifest path."""
    env = dict(os.environ)
    # parse never opens the warehouse, but the profile needs a path to render.
    env.setdefault("CSC_WAREHOUSE_PATH", str(DBT_PROJECT_DIR / "target" / "parse-only.duckdb"))
    subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
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

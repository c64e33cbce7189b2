"""`make docs`: the dbt documentation site (every model, column and measure description, the measure catalogue,
lineage), built offline into `<CSC_DATA_DIR>/dbt_docs/`: open `static_index.html` in a browser, no server needed.

The catalog is built empty: reading column types would open the working warehouse, which only the pipeline may
write to; every description comes from the dbt YAML and docs blocks, which is what analysts read.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import get_paths
from dagster_project.transform.dbt_environment import PARTIAL_PARSE_FILE, WAREHOUSE_FROM_DATA_DIR, dbt_environment
from dagster_project.transform.dbt_vars import run_context, standards_vars, write_run_context
from dagster_project.transform.prepare import dbt_executable
from dagster_project.transform.project import DBT_PROJECT_DIR, dbt_project


def docs_dir() -> Path:
    return get_paths().data_dir / "dbt_docs"


def build_docs_site(target: Path | None = None) -> Path:
    """Run `dbt docs generate --static --empty-catalog` into `target`; returns the single-file site."""
    target = target or docs_dir()
    target.mkdir(parents=True, exist_ok=True)
    # Compiling the models needs a connection and a run context: a scratch data folder beside the site, never the
    # warehouse. Run from it as the job's dbt steps run (dbt_environment.py), with make setup's saved parse, dbt
    # skips parsing the project (~4 s).
    scratch = target / "scratch"
    write_run_context(scratch / WAREHOUSE_FROM_DATA_DIR, run_context("2000-01-01", "docs"))
    shutil.copyfile(dbt_project.manifest_path.parent / PARTIAL_PARSE_FILE, target / PARTIAL_PARSE_FILE)
    env = {**os.environ, **dbt_environment(), "DBT_LOG_PATH": str(target / "logs")}
    command = [dbt_executable(), "docs", "generate", "--static", "--empty-catalog", "--quiet"]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command += ["--target-path", str(target), "--vars", standards_vars()]
    subprocess.run(command, check=True, cwd=scratch, env=env)
    return target / "static_index.html"


if __name__ == "__main__":
    site = build_docs_site()
    print(f"dbt docs: {site}")
    sys.exit(0)

"""`make docs`: the dbt documentation site (every model, column and measure description, the measure catalogue,
lineage), built offline into `<CSC_DATA_DIR>/dbt_docs/`: open `static_index.html` in a browser, no server needed.

The catalog is built empty: reading column types would open the working warehouse, which only the pipeline may
write to; every description comes from the dbt YAML and docs blocks, which is what analysts read.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_project.settings import get_paths
from dagster_project.transform.dbt_command import dbt_command, seed_saved_parse
from dagster_project.transform.dbt_environment import WAREHOUSE_FROM_DATA_DIR
from dagster_project.transform.dbt_vars import run_context, write_run_context


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
    seed_saved_parse(target)
    args = ["docs", "generate", "--static", "--empty-catalog", "--quiet"]
    command = dbt_command(args, cwd=scratch, target=target, log_dir=target / "logs")
    subprocess.run(command.argv, check=True, cwd=command.cwd, env=command.env)
    return target / "static_index.html"


if __name__ == "__main__":
    site = build_docs_site()
    print(f"dbt docs: {site}")
    sys.exit(0)

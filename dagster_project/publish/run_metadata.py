"""What a run record carries besides its status: code version, settings and input files.

Pure Python: no Dagster imports.
"""

from __future__ import annotations

import functools
import subprocess

import duckdb

from dagster_project.settings import PROJECT_ROOT, get_paths
from dagster_project.standards import load_standards
from dagster_project.warehouse import connect


@functools.cache
def code_version() -> str:
    """The git commit the code came from (plus '-dirty'), else the package version."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        if described.returncode == 0 and described.stdout.strip():
            return described.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import version

    return version("csc-warehouse")


def run_settings() -> dict:
    paths = get_paths()
    return {
        "standards": load_standards().as_dbt_vars(),
        "raw_dir": str(paths.raw_dir),
        "data_dir": str(paths.data_dir),
    }


def input_files(extract_date: str | None) -> list[dict]:
    """Name, sha256 and rows of each file of the extract, from the ingest manifest."""
    warehouse = get_paths().warehouse
    if not extract_date or not warehouse.exists():
        return []
    try:
        with connect(warehouse, read_only=True) as conn:
            rows = conn.execute(
                """
                select file, sha256, rows_loaded
                from ingest.manifest
                where extract_date = cast(? as date) and status <> 'rejected'
                qualify row_number() over (partition by file order by loaded_at desc) = 1
                order by file
                """,
                [extract_date],
            ).fetchall()
    except duckdb.Error:
        return []
    return [{"name": f, "sha256": s, "rows": r} for f, s, r in rows]

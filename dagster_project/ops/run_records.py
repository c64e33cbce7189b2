"""Recording Dagster runs in the history store (marts.runs), whoever launched them."""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.ops.jobs import EXTRACT_DATE_TAG
from dagster_project.publish.history import RunRecord, record_run
from dagster_project.settings import PROJECT_ROOT, get_paths
from dagster_project.standards import load_standards
from dagster_project.warehouse import connect

STATUS = {
    dg.DagsterRunStatus.SUCCESS: "success",
    dg.DagsterRunStatus.FAILURE: "failure",
    dg.DagsterRunStatus.CANCELED: "canceled",
}


def alerts_log() -> Path:
    return get_paths().data_dir / "alerts" / "alerts.jsonl"


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
                where extract_date = cast(? as date)
                qualify row_number() over (partition by file order by loaded_at desc) = 1
                order by file
                """,
                [extract_date],
            ).fetchall()
    except duckdb.Error:
        return []
    return [{"name": f, "sha256": s, "rows": r} for f, s, r in rows]


def _as_datetime(timestamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(timestamp) if timestamp else None


def record_dagster_run(instance: dg.DagsterInstance, run: dg.DagsterRun) -> None:
    stats = instance.get_run_stats(run.run_id)
    extract_date = run.tags.get(EXTRACT_DATE_TAG)
    record_run(
        get_paths().history_database,
        RunRecord(
            run_id=run.run_id,
            extract_date=extract_date,
            started_at=_as_datetime(stats.start_time),
            finished_at=_as_datetime(stats.end_time) or dt.datetime.now(),
            status=STATUS.get(run.status, str(run.status.value).lower()),
            code_version=code_version(),
            settings=run_settings(),
            input_files=input_files(extract_date),
        ),
    )

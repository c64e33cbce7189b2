"""Recording Dagster runs in the history store (marts.runs), whoever launched them.

A failed run whose publish completed (the published database names it) is `reports_failed`, never plain
`failure`: its figures are live, only a later step (the reports) failed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

from dagster_project.ingest.origin import extract_origin
from dagster_project.publish.history import (
    REPORTS_FAILED_STATUS,
    RunRecord,
    mark_evidence_failed,
    published_by,
    record_run,
)
from dagster_project.publish.run_metadata import code_version, input_files, run_settings
from dagster_project.run_context import EXTRACT_DATE_TAG
from dagster_project.settings import get_paths

STATUS = {
    dg.DagsterRunStatus.SUCCESS: "success",
    dg.DagsterRunStatus.FAILURE: "failure",
    dg.DagsterRunStatus.CANCELED: "canceled",
}


def alerts_log() -> Path:
    return get_paths().data_dir / "alerts" / "alerts.jsonl"


def _as_datetime(timestamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(timestamp) if timestamp else None


def published_then_failed(run: dg.DagsterRun) -> bool:
    """Whether a run that did not succeed had published: the published database is its output."""
    return run.status != dg.DagsterRunStatus.SUCCESS and published_by(get_paths().published_database, run.run_id)


def record_dagster_run(instance: dg.DagsterInstance, run: dg.DagsterRun, note: str | None = None) -> None:
    stats = instance.get_run_stats(run.run_id)
    extract_date = run.tags.get(EXTRACT_DATE_TAG)
    status = STATUS.get(run.status, str(run.status.value).lower())
    if status == "failure" and published_then_failed(run):
        status = REPORTS_FAILED_STATUS
    origin = extract_origin(get_paths().raw_dir / extract_date) if extract_date else None
    record_run(
        get_paths().history_database,
        RunRecord(
            run_id=run.run_id,
            extract_date=extract_date,
            started_at=_as_datetime(stats.start_time),
            finished_at=_as_datetime(stats.end_time) or dt.datetime.now(),
            status=status,
            code_version=code_version(),
            settings=run_settings(),
            input_files=input_files(extract_date),
            data_origin=origin,
            note=note,
        ),
    )
    if status not in ("success", REPORTS_FAILED_STATUS):
        mark_evidence_failed(get_paths().history_database, run.run_id)

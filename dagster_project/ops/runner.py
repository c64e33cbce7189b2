"""Run the nightly job once, in this process, on the persistent instance (used by `csc run`/`backfill`)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import dagster as dg

from dagster_project.ops.extract_state import extract_folders
from dagster_project.ops.jobs import EXTRACT_DATE_TAG
from dagster_project.ops.run_records import record_dagster_run
from dagster_project.ops.sensors import alert_for_failed_run
from dagster_project.settings import get_paths, requested_extract_date


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    extract_date: str
    success: bool
    failed_step: str | None = None
    error: str | None = None


def prepare_instance() -> None:
    """Point DAGSTER_HOME at the persistent instance under CSC_DATA_DIR (created on first use)."""
    from dagster_project.instance import ensure_dagster_home

    os.environ["DAGSTER_HOME"] = str(ensure_dagster_home(get_paths()))


def default_target() -> str | None:
    """CSC_EXTRACT_DATE, else the newest extract folder (complete or not: the run checks it)."""
    requested = requested_extract_date()
    if requested:
        return requested
    folders = extract_folders(get_paths().raw_dir)
    return folders[-1].name if folders else None


def run_once(extract_date: str, trigger: str = "cli") -> RunOutcome:
    prepare_instance()
    from dagster_project.definitions import defs

    job = defs.resolve_job_def("nightly")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            tags={EXTRACT_DATE_TAG: extract_date, "csc/trigger": trigger},
            raise_on_error=False,
        )
        run = instance.get_run_by_id(result.run_id)
        record_dagster_run(instance, run)
        if result.success:
            return RunOutcome(result.run_id, extract_date, True)
        failures = [e for e in result.all_events if e.is_step_failure]
        run_failure = next((e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE), None)
        alert_for_failed_run(instance, run, failures, run_failure.message if run_failure else "run failed")
        step = failures[0].step_key if failures else None
        error = failures[0].event_specific_data.error.message if failures else "run failed"
        return RunOutcome(result.run_id, extract_date, False, step, error.strip())


def backfill(first: str, last: str) -> list[RunOutcome]:
    """Run every stored extract dated first..last, oldest first, one at a time."""
    lo, hi = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    dates = [f.name for f in extract_folders(get_paths().raw_dir) if lo <= dt.date.fromisoformat(f.name) <= hi]
    return [run_once(date, trigger="backfill") for date in dates]

"""Run the nightly job once, in this process, on the persistent instance (used by `csc run`/`backfill`).

Around the job: the whole-run lock (`run_lock`: a second run on the same data folder is refused), the
start-up recovery of runs a dead process left open (`recovery`), a per-run log file under
CSC_DATA_DIR that receives all of Dagster's and dbt's output, and one progress line per step on the
terminal. Whatever goes wrong, the outcome is one line, recorded in the history and alerted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from dagster_project.file_modes import open_dir, owner_only_files, private_dir
from dagster_project.ingest.discovery import missing_files
from dagster_project.ingest.origin import extract_origin
from dagster_project.orchestration.alerts import Alert, raise_alert
from dagster_project.orchestration.extract_state import content_hash, extract_folders
from dagster_project.orchestration.failure_reasons import error_chain, reason
from dagster_project.orchestration.run_lock import acquire, refusal_message, release
from dagster_project.orchestration.run_records import alerts_log, published_then_failed, record_dagster_run
from dagster_project.publish.history import RunRecord, record_run
from dagster_project.run_context import CONTENT_HASH_TAG, EXTRACT_DATE_TAG, PID_TAG, TRIGGER_TAG
from dagster_project.settings import get_paths, requested_extract_date

# `csc run` waits this long for the lock (the daemon's dead-run check holds it for a moment), then refuses.
CLI_LOCK_WAIT_SECONDS = 5


@dataclass(frozen=True)
class RunOutcome:
    run_id: str | None
    extract_date: str | None
    success: bool
    failed_step: str | None = None
    error: str | None = None
    log_file: Path | None = None
    data_origin: str | None = None
    recovered: str = ""
    published: bool = False  # a failed run whose publish completed (the reports step failed after it)


class InvalidExtractDate(ValueError):
    """`--extract-date` / CSC_EXTRACT_DATE is not a real YYYY-MM-DD date."""


def validate_extract_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.isoformat() != value:
        raise InvalidExtractDate(f"Refused: extract date {value!r} is not a real date of the form YYYY-MM-DD.")
    return value


def prepare_instance() -> None:
    """Point DAGSTER_HOME at the persistent instance under CSC_DATA_DIR (created on first use)."""
    from dagster_project.orchestration.instance import ensure_dagster_home

    os.environ["DAGSTER_HOME"] = str(ensure_dagster_home(get_paths()))


def default_target() -> str | None:
    """CSC_EXTRACT_DATE, else the newest extract folder (complete or not: the run checks it)."""
    requested = requested_extract_date()
    if requested:
        return requested
    folders = extract_folders(get_paths().raw_dir)
    return folders[-1].name if folders else None


def record_refusal(extract_date: str | None, message: str, trigger: str) -> str:
    """A run that was attempted but never started still leaves a row in the history (status `refused`)."""
    run_id = f"refused-{uuid.uuid4().hex[:12]}"
    now = dt.datetime.now()
    with contextlib.suppress(Exception):  # e.g. the history is busy or damaged: the message still reaches the user
        record_run(
            get_paths().history_database,
            RunRecord(run_id, validate_or_none(extract_date), now, now, "refused", note=f"{trigger}: {message}"),
        )
    return run_id


def validate_or_none(value: str | None) -> str | None:
    try:
        return validate_extract_date(value)
    except InvalidExtractDate:
        return None


def _tags(extract_date: str, trigger: str) -> dict[str, str]:
    tags = {EXTRACT_DATE_TAG: extract_date, TRIGGER_TAG: trigger, PID_TAG: str(os.getpid())}
    folder = get_paths().raw_dir / extract_date
    if folder.is_dir() and not missing_files(folder):
        tags[CONTENT_HASH_TAG] = content_hash(folder)  # the sensor's run key: it won't re-run this extract
    return tags


def run_log_file(run_id: str) -> Path:
    folder = private_dir(get_paths().data_dir / "logs")  # logs quote steps' errors: owner-only
    path = folder / f"run-{run_id}.log"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    return path


@contextlib.contextmanager
def _output_to(log_file: Path):
    """Send this process's stdout/stderr (Dagster's logs, dbt's output) to the log file; yield the terminal fd."""
    sys.stdout.flush()
    sys.stderr.flush()
    terminal = os.dup(1)
    saved_err = os.dup(2)
    with open(log_file, "ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(terminal, 1)
            os.dup2(saved_err, 2)
            os.close(terminal)
            os.close(saved_err)


def run_once(job: dg.JobDefinition, extract_date: str, trigger: str = "cli", progress: bool = False) -> RunOutcome:
    """Run `job` (the nightly job, resolved by the caller from the definitions) for one extract.

    Never raises for an operational failure: the outcome says what happened."""
    try:
        validate_extract_date(extract_date)
    except InvalidExtractDate as error:
        return RunOutcome(record_refusal(extract_date, str(error), trigger), extract_date, False, None, str(error))
    open_dir(get_paths().data_dir)  # created enterable: the published database and open reports live in it
    with owner_only_files():  # everything the run writes is owner-only unless opened up on purpose
        return _run_once(job, extract_date, trigger, progress)


def _run_once(job: dg.JobDefinition, extract_date: str, trigger: str, progress: bool) -> RunOutcome:
    prepare_instance()
    paths = get_paths()
    if not acquire(paths.data_dir, f"{trigger} run of extract {extract_date}", wait_seconds=CLI_LOCK_WAIT_SECONDS):
        message = refusal_message(paths.data_dir)
        return RunOutcome(record_refusal(extract_date, message, trigger), extract_date, False, "run_lock", message)
    try:
        return _run_locked(job, extract_date, trigger, progress)
    finally:
        release(paths.data_dir)


def _run_locked(job: dg.JobDefinition, extract_date: str, trigger: str, progress: bool) -> RunOutcome:
    from dagster_project.orchestration.progress import ProgressPrinter
    from dagster_project.orchestration.recovery import STARTING_GRACE_SECONDS, recover_dead_runs

    paths = get_paths()
    run_id = str(uuid.uuid4())  # chosen here so progress and the log file can follow the run
    log_file = run_log_file(run_id)
    origin = extract_origin(paths.raw_dir / extract_date)
    recovered = ""
    with _output_to(log_file) as terminal:
        try:
            with dg.DagsterInstance.get() as instance:
                recovered = recover_dead_runs(instance, min_age_seconds=STARTING_GRACE_SECONDS).message
                printer = ProgressPrinter(run_id, terminal) if progress else contextlib.nullcontext()
                with printer:
                    result = job.execute_in_process(
                        instance=instance, tags=_tags(extract_date, trigger), raise_on_error=False, run_id=run_id
                    )
                run = instance.get_run_by_id(result.run_id)
                if result.success:
                    record_dagster_run(instance, run)
                    return RunOutcome(run_id, extract_date, True, log_file=log_file, data_origin=origin,
                                      recovered=recovered)  # fmt: skip
                failures = [e for e in result.all_events if e.is_step_failure]
                run_failure = next(
                    (e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE), None
                )
                from dagster_project.orchestration.sensors import (
                    alert_for_failed_run,
                    published_reports_failed_message,
                )

                step = failures[0].step_key if failures else None
                chain = error_chain(failures[0].event_specific_data.error) if failures else ["run failed"]
                error = reason(chain, paths.warehouse, paths.history_database, paths.dagster_home)
                published = published_then_failed(run)
                if published:
                    error = published_reports_failed_message(step, error)
                # The history row carries the same one-line reason the terminal shows (`csc status` prints it).
                record_dagster_run(instance, run, note=error)
                alert_for_failed_run(instance, run, failures, run_failure.message if run_failure else "run failed")
                return RunOutcome(run_id, extract_date, False, step, error, log_file, origin, recovered, published)
        except Exception as error:  # storage, history or disk failures outside any step: one line, recorded
            traceback.print_exc()
            message = reason(error_chain(error), paths.warehouse, paths.history_database, paths.dagster_home)
            with contextlib.suppress(Exception):
                now = dt.datetime.now()
                record_run(paths.history_database, RunRecord(run_id, extract_date, now, now, "failure", note=message))
            with contextlib.suppress(Exception):
                raise_alert(alerts_log(), Alert("run_failure", run_id, run_id, None, message, None))
            return RunOutcome(run_id, extract_date, False, None, message, log_file, origin, recovered)


def backfill(job: dg.JobDefinition, first: str, last: str, progress: bool = False) -> list[RunOutcome]:
    """Run every stored extract dated first..last, oldest first, one at a time."""
    lo = dt.date.fromisoformat(validate_extract_date(first))
    hi = dt.date.fromisoformat(validate_extract_date(last))
    dates = [f.name for f in extract_folders(get_paths().raw_dir) if lo <= dt.date.fromisoformat(f.name) <= hi]
    return [run_once(job, date, trigger="backfill", progress=progress) for date in dates]

"""Sensors: new extracts start runs; failures raise alerts; every run is recorded; stale data alerts."""

from __future__ import annotations

import datetime as dt
import json
import os

import dagster as dg

from dagster_project.ingest.discovery import missing_files
from dagster_project.orchestration.alerts import Alert, first_line, raise_alert, ui_link
from dagster_project.orchestration.extract_state import content_hash, extract_folders, folder_signature, freshness
from dagster_project.orchestration.jobs import nightly_job
from dagster_project.orchestration.run_lock import acquire, release
from dagster_project.orchestration.run_records import alerts_log, published_then_failed, record_dagster_run
from dagster_project.run_context import CONTENT_HASH_TAG, EXTRACT_DATE_TAG, TRIGGER_TAG
from dagster_project.settings import get_paths

DEAD_RUN_MIN_AGE_SECONDS = 60  # for runs not yet tagged with their process id (see orchestration/recovery.py)


def freshness_limit_hours() -> float:
    return float(os.environ.get("CSC_FRESHNESS_MAX_AGE_HOURS", "36"))


def current_time(context_time: dt.datetime | None = None) -> dt.datetime:
    """ "Now", injectable for tests and demos with old extract dates: CSC_NOW (ISO timestamp)."""
    if os.environ.get("CSC_NOW"):
        return dt.datetime.fromisoformat(os.environ["CSC_NOW"])
    return context_time or dt.datetime.now(dt.UTC)


@dg.sensor(
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A new complete extract folder in CSC_RAW_DIR starts one run (run key = content hash).",
)
def new_extract_sensor(context: dg.SensorEvaluationContext):
    state = json.loads(context.cursor) if context.cursor else {}
    first_evaluation = not state
    seen: dict[str, dict] = state.get("folders", {})
    folders = extract_folders(get_paths().raw_dir)
    requests, notes = [], []
    complete = [f for f in folders if not missing_files(f)]
    for folder in folders:
        missing = missing_files(folder)
        if missing:
            notes.append(f"{folder.name} is incomplete (missing {', '.join(missing)}): not run")
            context.log.warning(notes[-1])
            continue
        signature = folder_signature(folder)
        if seen.get(folder.name, {}).get("sig") == signature:
            continue
        digest = content_hash(folder)
        changed = seen.get(folder.name, {}).get("hash") != digest
        seen[folder.name] = {"sig": signature, "hash": digest}
        if changed and already_succeeded(_instance_of(context), digest):
            # `csc run`, the schedule or a backfill ran this exact content already: not run again.
            notes.append(f"{folder.name} already ran successfully (content {digest[:12]})")
            continue
        # On the very first evaluation only the newest extract runs: the landing zone's history is
        # not re-run wholesale (use `csc backfill` for that).
        if changed and (not first_evaluation or folder == complete[-1]):
            requests.append(
                dg.RunRequest(
                    run_key=digest,
                    tags={EXTRACT_DATE_TAG: folder.name, CONTENT_HASH_TAG: digest, TRIGGER_TAG: "new_extract_sensor"},
                )
            )
    cursor = json.dumps({"folders": seen}, sort_keys=True)
    if not requests:
        return dg.SensorResult(skip_reason=dg.SkipReason("; ".join(notes) or "no new complete extract"), cursor=cursor)
    return dg.SensorResult(run_requests=requests, cursor=cursor)


def _instance_of(context: dg.SensorEvaluationContext) -> dg.DagsterInstance | None:
    try:
        return context.instance
    except dg.DagsterInvariantViolationError:  # a context built without an instance (unit tests): no history
        return None


def already_succeeded(instance: dg.DagsterInstance | None, digest: str) -> bool:
    """A successful run of this exact extract content exists, whoever launched it (same key as the sensor)."""
    if instance is None:
        return False
    runs = instance.get_runs(
        filters=dg.RunsFilter(tags={CONTENT_HASH_TAG: digest}, statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1
    )
    return bool(runs)


@dg.sensor(
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Closes runs whose process died (kill -9, OOM, reboot): marks them failed, frees their pool slots.",
)
def dead_run_sensor(context: dg.SensorEvaluationContext):
    data_dir = get_paths().data_dir
    # Only when no run holds the run lock; runs younger than a minute may not have taken it yet.
    if not acquire(data_dir, "dead-run check"):
        return dg.SkipReason("a run is in progress")
    try:
        from dagster_project.orchestration.recovery import recover_dead_runs

        recovery = recover_dead_runs(context.instance, min_age_seconds=DEAD_RUN_MIN_AGE_SECONDS)
    finally:
        release(data_dir)
    if recovery.message:
        context.log.warning(recovery.message)
    return dg.SkipReason(recovery.message or "no run left open")


def failed_blocking_checks(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """Names of blocking (ERROR) asset checks that failed in the run."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    failed = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed.append(f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}")
    return failed


def published_reports_failed_message(step: str | None, cause: str) -> str:
    """The one line for a run that published and then failed (the reports step)."""
    return (
        f"Published, reports failed: the published database is this run's output, but step {step or '-'} failed: "
        f"{cause} Rebuild the reports with `csc report` once the cause is fixed."
    )


def alert_for_failed_run(instance: dg.DagsterInstance, run: dg.DagsterRun, step_failures, failure_message) -> bool:
    step = step_failures[0].step_key if step_failures else None
    error = step_failures[0].event_specific_data.error if step_failures else None
    if error:  # the same one-line reason the terminal shows (a full disk or a damaged store says what to do)
        from dagster_project.orchestration.failure_reasons import error_chain, reason

        paths = get_paths()
        message = reason(error_chain(error), paths.warehouse, paths.history_database, paths.dagster_home)
    else:
        message = first_line(failure_message)
    blocking = failed_blocking_checks(instance, run.run_id)
    if blocking:
        message = f"blocking data-quality check failed: {', '.join(blocking[:5])}. {message}"
    elif published_then_failed(run):  # never "nothing changed": this run's database is the published one
        message = published_reports_failed_message(step, message)
    return raise_alert(
        alerts_log(),
        Alert(
            kind="blocking_check" if blocking else "run_failure",
            key=run.root_run_id or run.run_id,  # retries share the root run: not a repeat alert
            run_id=run.run_id,
            failed_step=step,
            message=message,
            link=ui_link(run.run_id),
        ),
    )


@dg.run_failure_sensor(
    monitored_jobs=[nightly_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes one alert per failed run (alerts log, email, webhook) and records the run.",
)
def run_failure_alert_sensor(context: dg.RunFailureSensorContext):
    record_dagster_run(context.instance, context.dagster_run)
    alert_for_failed_run(
        context.instance, context.dagster_run, context.get_step_failure_events(), context.failure_event.message
    )


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[nightly_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Records every successful run in the run history (marts.runs).",
)
def run_success_recorder(context: dg.RunStatusSensorContext):
    record_dagster_run(context.instance, context.dagster_run)


@dg.sensor(
    minimum_interval_seconds=3600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Alerts when the newest extract is older than CSC_FRESHNESS_MAX_AGE_HOURS (default 36).",
)
def extract_freshness_sensor(context: dg.SensorEvaluationContext):
    result = freshness(get_paths().raw_dir, current_time(), freshness_limit_hours())
    if not result.fresh:
        raise_alert(
            alerts_log(),
            Alert(
                kind="stale_extract",
                key=result.newest_extract or "none",
                run_id=None,
                failed_step=None,
                message=result.message,
                link=None,
            ),
        )
    return dg.SkipReason(result.message)

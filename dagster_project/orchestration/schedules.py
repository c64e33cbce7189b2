"""Nightly schedule: 02:30 Europe/London, outside the hour the clocks skip (March) or repeat (October)."""

from zoneinfo import ZoneInfo

import dagster as dg

from dagster_project.ingest.discovery import missing_files
from dagster_project.orchestration.extract_state import content_hash, extract_folders
from dagster_project.orchestration.jobs import nightly_job
from dagster_project.run_context import CONTENT_HASH_TAG, EXTRACT_DATE_TAG, TRIGGER_TAG
from dagster_project.settings import get_paths

NIGHTLY_CRON = "30 2 * * *"
TIMEZONE = "Europe/London"


@dg.schedule(
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=TIMEZONE,
    job=nightly_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Run the nightly job for the newest extract; an incomplete one fails the run (and alerts).",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext):
    folders = extract_folders(get_paths().raw_dir)
    if not folders:
        return dg.SkipReason(f"no extract folder in {get_paths().raw_dir}")
    newest = folders[-1].name
    # The newest folder is the target even if incomplete: the run then fails and alerts, rather
    # than quietly running an older extract.
    # Keyed on the tick's local date: one run per night, even if the daemon evaluates a tick twice.
    tick = context.scheduled_execution_time.astimezone(ZoneInfo(TIMEZONE))
    tags = {EXTRACT_DATE_TAG: newest, TRIGGER_TAG: "schedule"}
    if not missing_files(folders[-1]):
        tags[CONTENT_HASH_TAG] = content_hash(folders[-1])  # lets the sensor see this extract already ran
    return dg.RunRequest(run_key=f"nightly-{tick.date().isoformat()}", tags=tags)

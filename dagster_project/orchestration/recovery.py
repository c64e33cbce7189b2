"""Recovery after a run's process died (kill -9, OOM, reboot, disk full): no manual step needed.

Only ever called by a process that holds the run lock (`orchestration.run_lock`): the lock proves that no other
run on this data folder is alive, so any run still STARTED/STARTING/CANCELING in Dagster's storage is
dead. For each: mark it failed (one alert), free the `duckdb_writer` pool slots it holds, close its
`running` row in the history as failed and mark its evidence as from a failed run. Temporary publish
files left by a killed publish are removed, and the temporary folders of a killed step (GX's rule-failure tables, a
transcoded copy of a raw file being loaded); the published database itself is never touched. What a killed report
build left (a `.building` or `.old` folder, a dangling `reports/latest`) is repaired, under the reports lock.
The daemon also has Dagster's run monitoring (dagster.yaml); this covers command-line runs, which
have no daemon, and runs whose worker died before monitoring noticed.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field

import dagster as dg

from dagster_project.orchestration.alerts import Alert, raise_alert, ui_link
from dagster_project.orchestration.run_records import alerts_log, record_dagster_run
from dagster_project.publish.database import remove_temp_files
from dagster_project.publish.history import close_dead_run, published_by
from dagster_project.reports.build_lock import report_build_lock_if_free
from dagster_project.reports.repair import repair_report_folders
from dagster_project.run_context import PID_TAG
from dagster_project.settings import get_paths

# A run not yet tagged with its process id is taken for dead only after this long (it may still be starting).
STARTING_GRACE_SECONDS = 60
OPEN_STATUSES = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING]
DEAD_RUN_NOTE = "the run's process died (killed, out of memory or machine restart); closed by the next run"


@dataclass
class Recovery:
    dead_runs: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)
    removed_scratch: list[str] = field(default_factory=list)
    report_repairs: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = []
        if self.dead_runs:
            closed = ", ".join(self.dead_runs)
            parts.append(f"closed {len(self.dead_runs)} run(s) left open by a dead process: {closed}")
        if self.removed_files:
            parts.append(f"removed {len(self.removed_files)} temporary publish file(s)")
        if self.removed_scratch:
            parts.append(f"removed {len(self.removed_scratch)} temporary folder(s) of a killed step")
        if self.report_repairs:
            parts.append(f"repaired the reports folders ({'; '.join(self.report_repairs)})")
        return "; ".join(parts)


def _alive(pid: int) -> bool:
    """Whether the process that ran a run still exists (this process is never running a run it recovers)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_runs(instance: dg.DagsterInstance, exclude_run_id: str | None = None, min_age_seconds: float = 0) -> list:
    """Runs Dagster still thinks are in progress (other than `exclude_run_id`) whose process is gone: a run
    tagged with its process id (`csc/pid`, set when it takes the run lock) is dead when that process no
    longer exists; an untagged run (a daemon run that has not reached its first step) only once it is
    `min_age_seconds` old, so a run that is still starting up is never taken for dead."""
    now = time.time()
    runs = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=OPEN_STATUSES)):
        run = record.dagster_run
        if run.run_id == exclude_run_id:
            continue
        pid = run.tags.get(PID_TAG)
        if pid and pid.isdigit():
            dead = not _alive(int(pid))
        else:
            started = record.start_time or record.create_timestamp.timestamp()
            dead = now - started >= min_age_seconds
        if dead:
            runs.append(run)
    return runs


def recover_dead_runs(
    instance: dg.DagsterInstance, exclude_run_id: str | None = None, min_age_seconds: float = 0
) -> Recovery:
    """Close runs left open by dead processes. The caller must hold the run lock."""
    paths = get_paths()
    recovery = Recovery()
    for run in open_runs(instance, exclude_run_id, min_age_seconds):
        instance.report_run_failed(run, message=f"Run marked failed: {DEAD_RUN_NOTE}.")
        storage = instance.event_log_storage
        if storage.supports_global_concurrency_limits:
            storage.free_concurrency_slots_for_run(run.run_id)
        refreshed = instance.get_run_by_id(run.run_id) or run
        record_dagster_run(instance, refreshed, note=DEAD_RUN_NOTE)
        close_dead_run(paths.history_database, run.run_id, DEAD_RUN_NOTE)
        # Killed between the rename and its history row: the published file (complete, verified before the
        # rename) is its output. The run stays failed (it never finished); the next publish supersedes it.
        outcome = (
            "Its publish had completed: the published database holds its figures until the next run."
            if published_by(paths.published_database, run.run_id)
            else "Nothing was published by it."
        )
        raise_alert(
            alerts_log(),
            Alert(
                kind="run_failure",  # the same kind and key as the failure sensor: one alert per run
                key=run.root_run_id or run.run_id,
                run_id=run.run_id,
                failed_step=None,
                message=f"Run {run.run_id} was left open: {DEAD_RUN_NOTE}. {outcome}",
                link=ui_link(run.run_id),
            ),
        )
        recovery.dead_runs.append(run.run_id)
    recovery.removed_files = [
        str(p)
        for database in (paths.published_database, paths.child_level_database)
        for p in remove_temp_files(database)
    ]
    # a killed GX step's rule-failure tables, a killed load's transcoded copy of a raw file (settings.py)
    for folder in paths.leftover_scratch():
        shutil.rmtree(folder, ignore_errors=True)
        recovery.removed_scratch.append(str(folder))
    with report_build_lock_if_free(paths.data_dir) as free:
        if free:  # a `csc report` in progress owns its hidden folders: left alone, it repairs at its start
            recovery.report_repairs = repair_report_folders(paths.reports_dir, paths.restricted_dir / "worklists")
    return recovery

"""The whole-run lock as a Dagster resource: the first warehouse step of a run takes it.

`csc run` takes the lock before the job starts (`orchestration.runner`), so its steps find it held already.
A run launched by the daemon has no such wrapper: its first warehouse step takes the lock here and keeps it
until the run worker process exits (the OS then releases it), after closing any run a dead process left
open. A second run on the same data folder fails at once with one clear line.

A resource, not an import: the areas below (ingest, transform, publish) ask for `context.resources.run_lock`
by the key in `run_context`, and `definitions` binds this class to it, so no area imports orchestration.
"""

from __future__ import annotations

import os

import dagster as dg

from dagster_project.file_modes import OWNER_ONLY_UMASK
from dagster_project.orchestration.recovery import STARTING_GRACE_SECONDS, recover_dead_runs
from dagster_project.orchestration.run_lock import acquire, held_here, refusal_message
from dagster_project.orchestration.warm_imports import warm_in_background
from dagster_project.run_context import PID_TAG
from dagster_project.settings import get_paths

# A run worker waits this long for the lock: the daemon's dead-run check holds it for a moment.
WORKER_LOCK_WAIT_SECONDS = 30


class RunLock(dg.ConfigurableResource):
    """`hold(context)`: make sure this process holds the data folder's run lock, or fail the step.
    `warm_imports()`: a step about to wait on a subprocess (dbt) lets this process import the later steps'
    libraries meanwhile (`warm_imports.py`; the run's own process, so it lives beside the run lock)."""

    def warm_imports(self) -> None:
        warm_in_background()

    def hold(self, context: dg.AssetExecutionContext) -> None:
        data_dir = get_paths().data_dir
        if held_here(data_dir):
            return
        if not acquire(data_dir, f"run {context.run_id}", wait_seconds=WORKER_LOCK_WAIT_SECONDS):
            raise dg.Failure(description=refusal_message(data_dir), allow_retries=False)
        context.instance.add_run_tags(context.run_id, {PID_TAG: str(os.getpid())})
        os.umask(OWNER_ONLY_UMASK)  # a daemon-launched run's worker: the rest of the run writes owner-only files
        recovery = recover_dead_runs(
            context.instance, exclude_run_id=context.run_id, min_age_seconds=STARTING_GRACE_SECONDS
        )
        if recovery.message:
            context.log.warning(f"Recovery: {recovery.message}.")

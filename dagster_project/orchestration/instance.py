"""The persistent Dagster instance: run history and event logs under DAGSTER_HOME, one warehouse writer at a time.

DAGSTER_HOME defaults to `<CSC_DATA_DIR>/dagster_home` (never a temp dir), so run history survives restarts.
Every asset that writes the DuckDB warehouse sets `pool=WAREHOUSE_WRITER_POOL`; the pool is limited to 1 slot.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import yaml

from dagster_project.file_modes import private_dir
from dagster_project.run_context import WAREHOUSE_WRITER_POOL
from dagster_project.settings import Paths, get_paths


def dagster_yaml(home: Path) -> dict:
    return {
        # SQLite run, event-log and schedule storage under DAGSTER_HOME: history survives restarts. Dagster's own
        # SQLite storage and files, its event log keeping connections open (event_storage.py).
        "storage": {
            "custom": {
                "module": "dagster_project.orchestration.event_storage",
                "class": "PooledSqliteStorage",
                "config": {"base_dir": str(home / "storage")},
            }
        },
        # One run at a time: runs share the warehouse's marts, so two interleaved runs could publish
        # each other's figures. Pools: op granularity, so a warehouse step of a run started outside the
        # queue (`csc run` beside the daemon) waits for the slot instead of failing on DuckDB's file
        # lock. default_limit also covers the pool before it is first set.
        "concurrency": {
            "runs": {"max_concurrent_runs": 1},
            "pools": {"granularity": "op", "default_limit": 1},
        },
        # Run monitoring in the daemon: a run stuck STARTING is failed after start_timeout_seconds, and
        # pool slots of finished runs are freed. DefaultRunLauncher cannot see a run worker die, so
        # `dead_run_sensor` (orchestration/sensors.py) closes runs whose process died (the run lock is free);
        # `csc run` does the same at start-up, before it starts the job.
        "run_monitoring": {
            "enabled": True,
            "start_timeout_seconds": 180,
            "cancel_timeout_seconds": 180,
            "max_resume_run_attempts": 0,
            "poll_interval_seconds": 60,
            "free_slots_after_run_end_seconds": 60,
        },
        "telemetry": {"enabled": False},
    }


def ensure_dagster_home(paths: Paths | None = None) -> Path:
    """Create DAGSTER_HOME (default under CSC_DATA_DIR) with its dagster.yaml; export DAGSTER_HOME if unset."""
    home = private_dir((paths or get_paths()).dagster_home.resolve())  # event storage and compute logs
    config = home / "dagster.yaml"
    text = "# Written by dagster_project/orchestration/instance.py; edits are overwritten.\n" + yaml.safe_dump(
        dagster_yaml(home), sort_keys=False
    )
    if not config.is_file() or config.read_text(encoding="utf-8") != text:
        config.write_text(text, encoding="utf-8")
    os.environ.setdefault("DAGSTER_HOME", str(home))
    return home


def get_instance(paths: Paths | None = None) -> dg.DagsterInstance:
    """The persistent instance for DAGSTER_HOME, with the `duckdb_writer` pool limited to 1."""
    home = ensure_dagster_home(paths)
    instance = dg.DagsterInstance.from_config(str(home))
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        info = storage.get_concurrency_info(WAREHOUSE_WRITER_POOL)
        if info.slot_count != 1:
            storage.set_concurrency_slots(WAREHOUSE_WRITER_POOL, 1)
    return instance

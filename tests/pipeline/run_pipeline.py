"""Run the real nightly job (ingest, checks, dbt, publish) on a landing zone under `root`."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.cli.job import resolved_nightly_job
from dagster_project.orchestration.runner import RunOutcome, run_once
from dagster_project.settings import Paths, get_paths


def run_pipeline(root: Path, extract_date: str, **env: str) -> tuple[RunOutcome, Paths]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CSC_RAW_DIR", str(root / "raw"))
        mp.setenv("CSC_DATA_DIR", str(root / "data"))
        # the default place under root, set here so that the context restores the worker's own value (or its
        # absence) afterwards: run_once only sets it when unset, and that value used to outlive the run
        mp.setenv("DAGSTER_HOME", str(root / "data" / "dagster_home"))
        mp.delenv("CSC_EXTRACT_DATE", raising=False)
        for key, value in env.items():
            mp.setenv(key, value)
        outcome = run_once(resolved_nightly_job(), extract_date, trigger="test")
        paths = get_paths()
    return outcome, paths

"""Helpers to drive a real `csc` command in a subprocess on a private landing zone and data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

CSC = [sys.executable, "-m", "dagster_project.cli"]


# Kept from the test process's environment: how many dbt nodes at once (tests/conftest.py sets one in xdist workers)
# changes the speed of a run, never its figures. Every other CSC_ and DAGSTER_ value is the test's to give.
PASSED_THROUGH = ("CSC_DBT_THREADS",)


def csc_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSC_", "DAGSTER_")) or k in PASSED_THROUGH}
    env.update({"CSC_RAW_DIR": str(root / "raw"), "CSC_DATA_DIR": str(root / "data"), **extra})
    return env


def run_csc(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CSC, *args], env=csc_env(root, **extra), capture_output=True, text=True, timeout=900)


def start_csc(root: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*CSC, *args], env=csc_env(root, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def instance_for(root: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(root / "data" / "dagster_home"))

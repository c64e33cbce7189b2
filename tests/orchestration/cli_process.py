"""Helpers to drive a real `csc` command in a subprocess on a private landing zone and data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

CSC = [sys.executable, "-m", "dagster_project.cli"]


def csc_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSC_", "DAGSTER_"))}
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

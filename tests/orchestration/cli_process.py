"""Helpers to drive a real `csc` command in its own process on a private landing zone and data folder.

The process is forked from this test process's `csc` fork server (forked_csc.py), which has imported what a `csc`
command imports once: a separate process all the same, with its own environment, pid, output and exit status."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import dagster as dg

from tests.orchestration.forked_csc import CSC, CscForkServer, ForkedCsc, csc_fork_server

# Kept from the test process's environment: how many dbt nodes at once (tests/conftest.py sets one in xdist workers)
# changes the speed of a run, never its figures. Every other CSC_ and DAGSTER_ value is the test's to give.
PASSED_THROUGH = ("CSC_DBT_THREADS",)


def base_env() -> dict[str, str]:
    """This process's environment less the project's and Dagster's settings (but PASSED_THROUGH)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("CSC_", "DAGSTER_")) or k in PASSED_THROUGH}


def csc_env(root: Path, **extra: str) -> dict[str, str]:
    return {**base_env(), "CSC_RAW_DIR": str(root / "raw"), "CSC_DATA_DIR": str(root / "data"), **extra}


def csc_server() -> CscForkServer:
    return csc_fork_server(base_env())


def run_csc(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    """`csc <args>` to its end, in a process of its own (stdout and stderr as text)."""
    return csc_server().run(*args, env=csc_env(root, **extra), timeout=900)


def start_csc(root: Path, *args: str, **extra: str) -> ForkedCsc:
    """`csc <args>` started in a process of its own: poll, wait, send_signal and communicate as a Popen's."""
    return csc_server().start(*args, env=csc_env(root, **extra))


def run_csc_subprocess(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    """`csc <args>` started from scratch (a new interpreter), for a process that runs one command only."""
    return subprocess.run([*CSC, *args], env=csc_env(root, **extra), capture_output=True, text=True, timeout=900)


def instance_for(root: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(root / "data" / "dagster_home"))

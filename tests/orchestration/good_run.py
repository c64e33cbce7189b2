"""The good conformance run (`good_conformance_run`, tests/conftest.py), made once for the whole suite under xdist.

Every test that starts from a published good run copies this one run's folder, and the tests that use it sit in both
workers (they are long; pulling them into one worker unbalanced the suite). Made by each worker, it cost a second
real `csc run` (~37 CPU-s, 7 Dec 2026). So when the whole suite runs under xdist (`make test`), the controller
starts the run in the background before the workers start (`start`), and each worker waits for it (`wait`) when
its first test needs it; the run overlaps the workers' start-up and first tests instead of a worker idling on it.

`python -m tests.orchestration.good_run <root>` is that background process: a real `csc run` (subprocess), its
outcome written to `<root>/outcome.json` only when it has finished, so a waiting worker never reads half of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from dagster_project.ingest.origin import mark_synthetic
from tests.orchestration.cli_process import run_csc, run_csc_subprocess
from tests.orchestration.conftest import CONFORMANCE_DATE, drop_extract
from tests.planted_names import plant_names

# The folder of the run the controller started; set for the workers (they inherit the controller's environment).
GOOD_RUN_ENV = "CSC_TEST_GOOD_RUN"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
OUTCOME = "outcome.json"
LAUNCHER_PID = "launcher.pid"
WAIT_SECONDS = 900  # as run_csc's timeout: the run itself gives up first


def prepare(root: Path) -> Path:
    """`root/raw` holds the conformance extract with planted names, marked synthetic (it is generated), so the report
    tests reading this run check that no name reaches an output and every output says the data is synthetic."""
    extract = drop_extract(root / "raw", CONFORMANCE_DATE)
    plant_names(extract)
    mark_synthetic(extract, preset="conformance")
    return root


def make(root: Path) -> Path:
    """`root` after one real, successful `csc run` of the prepared conformance extract, made here and now."""
    run = run_csc(prepare(root), "run")
    assert run.returncode == 0, run.stdout + run.stderr
    return root


def start(root: Path) -> subprocess.Popen:
    """Prepare `root` and start its `csc run` in the background (this module as a script); `wait` reads its end."""
    prepare(root)
    launcher = subprocess.Popen(
        [sys.executable, "-m", "tests.orchestration.good_run", str(root)],
        cwd=PROJECT_ROOT,
        start_new_session=True,  # its own process group, so the controller can stop it and its csc run together
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    (root / LAUNCHER_PID).write_text(str(launcher.pid))
    return launcher


def wait(root: Path, timeout: float = WAIT_SECONDS, poll_seconds: float = 0.2) -> Path:
    """`root` once its background run has ended successfully; fails with the run's output if it failed, or at once
    if the launcher died without an outcome (killed), or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    pid = int((root / LAUNCHER_PID).read_text())
    while not (root / OUTCOME).exists():
        # polling a file: the launcher is the controller's child, so a worker cannot wait on it
        assert _alive(pid) or (root / OUTCOME).exists(), f"the good run's launcher (pid {pid}) died without an outcome"
        assert time.monotonic() < deadline, f"the good run in {root} did not end within {timeout} s"
        time.sleep(poll_seconds)
    outcome = json.loads((root / OUTCOME).read_text())
    assert outcome["returncode"] == 0, outcome["stdout"] + outcome["stderr"]
    return root


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a finished launcher stays a zombie until the controller reaps it: alive to kill(0), so read its state
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[-1].split()[0] != "Z"


def _run_and_record(root: Path) -> None:
    run = run_csc_subprocess(root, "run")  # one command: a fork server's imports would only add a process
    outcome = {"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr}
    partial = root / f".{OUTCOME}.tmp"
    partial.write_text(json.dumps(outcome))
    partial.replace(root / OUTCOME)  # whole or absent


if __name__ == "__main__":
    _run_and_record(Path(sys.argv[1]))

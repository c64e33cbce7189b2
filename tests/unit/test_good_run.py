"""The good conformance run made once for the whole suite (tests/orchestration/good_run.py, tests/conftest.py): only
the controller of a whole-suite xdist session starts it, and a worker waiting for it gets the folder once the run has
succeeded, the run's own output if it failed, and a failure at once if its launcher died without an outcome."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.orchestration import good_run

ROOT = Path(__file__).resolve().parents[2]


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _folder(tmp_path: Path, pid: int, outcome: dict | None) -> Path:
    (tmp_path / good_run.LAUNCHER_PID).write_text(str(pid))
    if outcome is not None:
        (tmp_path / good_run.OUTCOME).write_text(json.dumps(outcome))
    return tmp_path


@pytest.mark.fast
def test_a_finished_good_run_gives_its_folder(tmp_path):
    root = _folder(tmp_path, _dead_pid(), {"returncode": 0, "stdout": "", "stderr": ""})
    assert good_run.wait(root, timeout=5) == root


@pytest.mark.fast
def test_a_failed_good_run_fails_with_its_own_output(tmp_path):
    root = _folder(tmp_path, _dead_pid(), {"returncode": 1, "stdout": "Run failed at dbt marts", "stderr": ""})
    with pytest.raises(AssertionError, match="Run failed at dbt marts"):
        good_run.wait(root, timeout=5)


@pytest.mark.fast
def test_a_launcher_that_died_without_an_outcome_fails_at_once(tmp_path):
    root = _folder(tmp_path, _dead_pid(), None)
    started = time.monotonic()
    with pytest.raises(AssertionError, match="died without an outcome"):
        good_run.wait(root, timeout=600)
    assert time.monotonic() - started < 5


@pytest.mark.fast
def test_a_worker_waits_for_a_launcher_still_running(tmp_path):
    # a stand-in launcher (not the csc run): writes its outcome as the real one does, whole, after a moment
    write_later = (
        "import json, pathlib, sys, time; time.sleep(1); root = pathlib.Path(sys.argv[1]); "
        f"(root / '.tmp').write_text(json.dumps({{'returncode': 0, 'stdout': '', 'stderr': ''}})); "
        f"(root / '.tmp').replace(root / {good_run.OUTCOME!r})"
    )
    launcher = subprocess.Popen([sys.executable, "-c", write_later, str(tmp_path)])
    try:
        root = _folder(tmp_path, launcher.pid, None)
        assert good_run.wait(root, timeout=60, poll_seconds=0.05) == root
        assert (tmp_path / good_run.OUTCOME).exists()
    finally:
        launcher.wait(timeout=30)


DECISION = """
import pathlib
from tests.conftest import runs_whole_suite_in_workers
def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):
        pathlib.Path("decision").write_text(str(runs_whole_suite_in_workers(session.config)))
"""


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["-n", "2", "--dist", "loadgroup"], True),  # make test
        (["-n", "2", "--dist", "loadgroup", "-m", "fast"], False),  # make test-fast
        (["-n", "2", "--dist", "loadgroup", "tests/test_a.py"], False),  # a chosen file
        (["-n", "2", "--dist", "loadgroup", "-k", "a"], False),
        ([], False),  # no workers: the fixture makes the run in the one process that needs it
    ],
    ids=["whole-suite", "marker", "path", "keyword", "no-xdist"],
)
def test_only_the_controller_of_a_whole_suite_starts_the_good_run(tmp_path, args, starts):
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = tests\nmarkers = fast\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text(DECISION)
    (tmp_path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 5), done.stdout[-3000:] + done.stderr[-2000:]  # 5: -m/-k selected nothing
    assert (tmp_path / "decision").read_text() == str(starts)

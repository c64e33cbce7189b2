"""The `csc` fork server the tests start their `csc` commands from (forked_csc.py): each child is a process of its own,
with the environment, working folder and exit status a `subprocess` would give it."""

from __future__ import annotations

import json
import os
import signal

from tests.orchestration.cli_process import base_env, csc_server

SHOW = "import json, os, sys\nprint(json.dumps([os.getpid(), os.getcwd(), dict(os.environ), sys.argv]))\n"


def _shown(child) -> tuple[int, str, dict, list]:
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    return tuple(json.loads(stdout))


def test_a_child_has_its_own_pid_environment_folder_and_arguments(tmp_path):
    env = {**base_env(), "CSC_PROBE": "one"}
    env.pop("CSC_DBT_THREADS", None)  # one the server started with (xdist workers set it), not in the request
    pid, cwd, child_env, argv = _shown(csc_server().start("status", "--x", env=env, code=SHOW, cwd=tmp_path))
    assert pid not in (os.getpid(), csc_server().process.pid)
    assert cwd == str(tmp_path)
    assert argv == ["dagster_project.cli", "status", "--x"]
    # the request's environment, less nothing and no more, but for what the server's imports set in its own (as a
    # fresh process's imports would: dagster_project/quality/gx_runner.py sets GX_ANALYTICS_ENABLED)
    env.pop("GX_ANALYTICS_ENABLED", None)
    assert {k: v for k, v in child_env.items() if k in env} == env
    assert set(child_env) - set(env) <= {"GX_ANALYTICS_ENABLED"}


def test_children_run_at_once_and_each_ends_with_its_own_status(tmp_path):
    sleeper = csc_server().start("run", env=base_env(), code="import time\ntime.sleep(60)\n")
    quick = csc_server().start("run", env=base_env(), code="import sys\nsys.exit(3)\n")
    assert quick.wait(timeout=60) == 3
    assert sleeper.poll() is None  # still running while the other ended
    sleeper.send_signal(signal.SIGKILL)
    assert sleeper.wait(timeout=60) == -signal.SIGKILL


def test_the_real_cli_runs_in_a_child(tmp_path):
    result = csc_server().run("status", env={**base_env(), "CSC_DATA_DIR": str(tmp_path / "data"),
                                             "CSC_RAW_DIR": str(tmp_path / "raw")})  # fmt: skip
    assert "No run recorded yet." in result.stdout
    assert str(tmp_path / "data") in result.stdout

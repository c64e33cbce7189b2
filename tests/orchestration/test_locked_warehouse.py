"""A warehouse locked by another process at the end of a run: one clear line, recorded and alerted.

A real second process opens the warehouse (`duckdb.connect`) at the moment the run's publish step
starts, and keeps it open. The probe found this ended the command in a traceback, with no history
row and no alert, and `csc status` repeating the previous success.
"""

from __future__ import annotations

import json
import os
import signal

import duckdb
import pytest

from tests.orchestration.cli_process import CSC, csc_env, csc_server, run_csc
from tests.orchestration.conftest import copy_of_good_run

DATE = "2020-03-31"

HOLDER = "import duckdb, sys, time\nconn = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(900)\n"

# `csc run` in which, as the publish step starts, a second process opens the warehouse and keeps it.
RUN_WITH_WAREHOUSE_TAKEN_AT_PUBLISH = """
import runpy, subprocess, sys
import dagster_project.publish.assets as publish_assets
_publish = publish_assets.publish
def publish_while_another_process_holds_the_warehouse(warehouse, *args, **kwargs):
    holder = subprocess.Popen([sys.executable, "-c", {holder!r}, str(warehouse)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    open({pid_file!r}, "w").write(str(holder.pid))
    return _publish(warehouse, *args, **kwargs)
publish_assets.publish = publish_while_another_process_holds_the_warehouse
sys.argv = [{module!r}, "run"]
runpy.run_module({module!r}, run_name="__main__", alter_sys=True)
"""


@pytest.fixture(scope="module")
def locked_at_publish(tmp_path_factory, good_conformance_run):
    tmp_path = copy_of_good_run(good_conformance_run, tmp_path_factory.mktemp("locked"))  # a first good run published
    pid_file = tmp_path / "holder.pid"
    code = RUN_WITH_WAREHOUSE_TAKEN_AT_PUBLISH.format(holder=HOLDER, pid_file=str(pid_file), module=CSC[-1])
    run = csc_server().run("run", env=csc_env(tmp_path), code=code)
    holder_pid = int(pid_file.read_text())
    try:
        status = run_csc(tmp_path, "status")
    finally:
        os.kill(holder_pid, signal.SIGKILL)
    return {"root": tmp_path, "run": run, "holder": holder_pid, "status": status}


def test_a_warehouse_locked_at_publish_fails_in_one_line_naming_the_holder(locked_at_publish):
    run = locked_at_publish["run"]
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    first = run.stderr.splitlines()[0]
    assert first.startswith("FAILED: The warehouse ") and "is locked by process" in first, run.stderr
    assert f"locked by process {locked_at_publish['holder']} (" in first  # the holder's process id and program


def test_the_locked_run_is_recorded_alerted_and_status_says_so(locked_at_publish):
    root = locked_at_publish["root"]
    with duckdb.connect(str(root / "data" / "history" / "history.duckdb"), read_only=True) as conn:
        last_status, note = conn.execute("select status, note from runs order by started_at desc limit 1").fetchone()
    assert last_status == "failure"
    alerts = [json.loads(line) for line in (root / "data" / "alerts" / "alerts.jsonl").read_text().splitlines()]
    assert any("is locked by process" in alert["message"] for alert in alerts)
    status = locked_at_publish["status"]
    assert status.returncode == 1
    assert "failure" in status.stdout

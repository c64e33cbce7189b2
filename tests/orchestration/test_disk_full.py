"""A full disk under the warehouse: one line saying so and what to do, recorded, alerted, nothing published.

The test mounts a real 64 MB filesystem (tmpfs) as the data folder's `warehouse/` (this needs root;
otherwise it is skipped, saying why), puts a first good run's warehouse on it, fills that filesystem to the last
byte and runs again. The history store, alerts and the published database are on another disk, as
they would be when a warehouse volume fills up. The probe found the full disk ended the command with
only `DagsterExecutionStepExecutionError ... "raw_exports"`, no history row and no alert.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess

import duckdb
import pytest

from tests.orchestration.cli_process import run_csc
from tests.orchestration.conftest import copy_of_good_run

DATE = "2020-03-31"
# Room for the conformance run's warehouse (21 MB with the optional files' models, 6 Dec 2026; 20 MB was too small)
# and little else: the test fills the rest.
SMALL_FILESYSTEM = "64m"


def _mount_small_filesystem(mount_point) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem (tmpfs) for the warehouse needs root; not run as root")
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={SMALL_FILESYSTEM}", "tmpfs", str(mount_point)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        pytest.skip("no `mount` command: cannot make a small filesystem for the warehouse")
    if mounted.returncode != 0:
        pytest.skip(f"mounting a {SMALL_FILESYSTEM} tmpfs was refused: {mounted.stderr.strip()}")


def _fill(folder) -> int:
    """Write a filler file until the filesystem has not one byte left. Returns the bytes written."""
    written = 0
    with open(folder / "filler", "wb", buffering=0) as filler:
        for size in (1 << 20, 1 << 12, 1):
            block = b"\0" * size
            while True:
                try:
                    written += filler.write(block)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break
    return written


@pytest.fixture(scope="module")
def disk_full(tmp_path_factory, good_conformance_run):
    # A first good run published, its warehouse moved onto the small filesystem.
    root = copy_of_good_run(good_conformance_run, tmp_path_factory.mktemp("disk-full"), data_except=("warehouse",))
    warehouse_folder = root / "data" / "warehouse"
    warehouse_folder.mkdir(mode=0o700)
    _mount_small_filesystem(warehouse_folder)
    try:
        shutil.copytree(good_conformance_run / "data" / "warehouse", warehouse_folder, dirs_exist_ok=True)
        published = root / "data" / "published" / "analytics.duckdb"
        good_bytes = published.read_bytes()
        filled = _fill(warehouse_folder)
        run = run_csc(root, "run")
        status = run_csc(root, "status")
        yield {
            "root": root,
            "run": run,
            "status": status,
            "filled": filled,
            "published_unchanged": published.read_bytes() == good_bytes,
        }
    finally:
        subprocess.run(["umount", "-l", str(warehouse_folder)], check=False)


def test_a_full_disk_fails_in_one_line_with_the_instruction(disk_full):
    run = disk_full["run"]
    assert disk_full["filled"] > 0
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    first = run.stderr.splitlines()[0]
    assert first.startswith("FAILED: Disk full (No space left on device)"), run.stderr
    assert "free space" in first and "warehouse" in first


def test_a_full_disk_leaves_the_published_database_unchanged(disk_full):
    assert disk_full["published_unchanged"]


def test_a_full_disk_is_recorded_alerted_and_status_says_so(disk_full):
    root = disk_full["root"]
    with duckdb.connect(str(root / "data" / "history" / "history.duckdb"), read_only=True) as conn:
        status, note = conn.execute("select status, note from runs order by started_at desc limit 1").fetchone()
    assert status == "failure"
    assert "No space left on device" in (note or ""), note
    alerts = [json.loads(line) for line in (root / "data" / "alerts" / "alerts.jsonl").read_text().splitlines()]
    assert any("No space left on device" in alert["message"] for alert in alerts)
    assert disk_full["status"].returncode == 1
    assert "failure" in disk_full["status"].stdout

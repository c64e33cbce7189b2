"""One run at a time per data folder: an OS file lock (flock) held for the whole run.

The lock file is `<CSC_DATA_DIR>/run.lock`. The operating system releases a flock when the process
that holds it dies (kill -9, OOM, reboot), so a crashed run never leaves the lock behind, and
holding the lock proves that no other run on this data folder is alive. `csc run` takes it before
the job starts; a run launched by the daemon takes it in its first step's resource (`RunLockResource`).
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from dagster_project.file_lock import flock_waiting

LOCK_FILE = "run.lock"

_held: dict[str, int] = {}  # lock path -> file descriptor, for locks held by this process


class RunLockedError(RuntimeError):
    """Another run on the same data folder is in progress."""


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOCK_FILE


def holder(data_dir: Path) -> str:
    """What the lock file says about its holder ("pid 123, run abc"), or "" if unknown."""
    try:
        return lock_path(data_dir).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def held_here(data_dir: Path) -> bool:
    return str(lock_path(data_dir).resolve()) in _held


def acquire(data_dir: Path, description: str = "", wait_seconds: float = 0) -> bool:
    """Take the lock, waiting up to `wait_seconds` (the daemon's dead-run check holds it for a moment).
    True if this process now holds it (or already did)."""
    path = lock_path(data_dir)
    key = str(path.resolve())
    if key in _held:
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    if not flock_waiting(fd, wait_seconds, poll_seconds=0.5):
        os.close(fd)
        return False
    os.ftruncate(fd, 0)
    os.write(fd, f"pid {os.getpid()}{', ' + description if description else ''}\n".encode())
    _held[key] = fd
    return True


def release(data_dir: Path) -> None:
    fd = _held.pop(str(lock_path(data_dir).resolve()), None)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def refusal_message(data_dir: Path) -> str:
    who = holder(data_dir)
    return (
        f"Refused: another run is in progress on {data_dir} ({who or 'holder unknown'}); "
        "runs on one data folder never overlap. Wait for it to finish, then run again."
    )

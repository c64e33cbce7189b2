"""One report build at a time per data folder: `csc report` and the nightly run's reports step take the same OS
file lock (flock on `<CSC_DATA_DIR>/reports.lock`), so two builds never share a `.building` folder (before,
the second crashed with FileNotFoundError or XlsxWriter's FileCreateError). The OS releases the lock when its
holder dies. A second build waits for the first, up to a limit, then is refused with one line. Pure Python."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from dagster_project.file_lock import flock_waiting

LOCK_FILE = "reports.lock"
POLL_SECONDS = 0.2


class ReportsBusyError(RuntimeError):
    """Another report build on the same data folder did not finish within the wait."""


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


@contextlib.contextmanager
def report_build_lock(data_dir: Path, description: str, wait_seconds: float):
    """Hold the reports lock for the block; wait up to `wait_seconds` for another build to finish."""
    path = Path(data_dir) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not flock_waiting(fd, wait_seconds, POLL_SECONDS):
            raise ReportsBusyError(
                f"Refused: another report build is in progress on {data_dir} "
                f"({_holder(path) or 'holder unknown'}); waited {wait_seconds:g} s. Run `csc report` again "
                "when it has finished."
            )
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, {description}\n".encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def report_build_lock_if_free(data_dir: Path):
    """Yield True holding the lock if no build holds it, else yield False at once (start-up recovery)."""
    try:
        with report_build_lock(data_dir, "start-up recovery", wait_seconds=0):
            yield True
    except ReportsBusyError:
        yield False

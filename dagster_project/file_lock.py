"""Waiting for an exclusive flock: the run lock and the reports lock take theirs the same way. Pure Python."""

from __future__ import annotations

import fcntl
import time


def flock_waiting(fd: int, wait_seconds: float, poll_seconds: float) -> bool:
    """Take an exclusive lock on the open file, waiting up to `wait_seconds`. True once held; False if another
    process still holds it then. flock has no timeout, so the non-blocking form is polled."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll_seconds)

"""Who may read what the job writes. Everything is owner-only (folders 0700, files 0600: logs, Dagster's event
storage and compute logs, DuckDB's spill files, the warehouse, the restricted store, the history) except what
is published on purpose for people without the owner's account: the published database (aggregates only) and
the open reports (0755 folders, 0644 files). A run, `csc report` and a daemon-launched run worker set the
owner-only umask, so files are private from their first byte; open outputs are opened up explicitly. Pure
Python."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

OWNER_ONLY_UMASK = 0o077
PRIVATE_DIR_MODE, PRIVATE_FILE_MODE = 0o700, 0o600
OPEN_DIR_MODE, OPEN_FILE_MODE = 0o755, 0o644


@contextlib.contextmanager
def owner_only_files():
    """New files and folders of this process (and the subprocesses it starts, dbt) are owner-only."""
    previous = os.umask(OWNER_ONLY_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def private_dir(path: Path) -> Path:
    """A folder only its owner can enter; existing contents readable by others are tightened once."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR_MODE:  # first use, or made by an older version
        path.chmod(PRIVATE_DIR_MODE)
        for child in path.rglob("*"):
            if not child.is_symlink():
                mode = stat.S_IMODE(child.stat().st_mode)
                child.chmod(mode & ~0o077)
    return path


def open_dir(path: Path) -> Path:
    """A folder of outputs published on purpose (created 0755; an existing folder keeps the mode it has)."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True)
        path.chmod(OPEN_DIR_MODE)
    return path


def open_tree(path: Path) -> None:
    """A folder of open outputs and its contents readable by all (folders 0755, files 0644)."""
    path = Path(path)
    path.chmod(OPEN_DIR_MODE)
    for child in path.rglob("*"):
        if not child.is_symlink():
            child.chmod(OPEN_DIR_MODE if child.is_dir() else OPEN_FILE_MODE)

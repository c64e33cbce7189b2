"""What a killed report build leaves behind, and its repair (run at start-up recovery and before every
build, always under the reports lock). Pure Python.

A build writes `reports/.<name>.building` and swaps it in through `reports/.<name>.old`; `reports/latest` is a
relative symlink. Killed at the wrong moment, a build leaves a `.building` or `.old` folder, a `.latest.tmp`
link, or the extract's folder renamed away so `latest` points at nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

LATEST = "latest"


def dangling_latest(reports_dir: Path) -> bool:
    """Whether `reports/latest` is a link to nothing."""
    latest = Path(reports_dir) / LATEST
    return latest.is_symlink() and not latest.exists()


def _is_extract_folder(path: Path) -> bool:
    try:
        return path.is_dir() and dt.date.fromisoformat(path.name).isoformat() == path.name
    except ValueError:
        return False


def repair_report_folders(reports_dir: Path, worklists_dir: Path) -> list[str]:
    """Restore folders a killed swap renamed away, remove leftover build folders, and point a dangling `latest`
    at the newest extract folder (removed if there is none). Returns one line per repair."""
    repairs: list[str] = []
    for root in (Path(reports_dir), Path(worklists_dir)):
        if not root.is_dir():
            continue
        for old in sorted(root.glob(".*.old")):
            destination = root / old.name[1 : -len(".old")]
            if destination.exists():
                shutil.rmtree(old)
                repairs.append(f"removed {old}")
            else:  # killed between the two renames of a swap: the previous outputs come back
                old.rename(destination)
                repairs.append(f"restored {destination}")
        for building in sorted(root.glob(".*.building")):
            shutil.rmtree(building)
            repairs.append(f"removed unfinished build {building}")
    reports = Path(reports_dir)
    (reports / ".latest.tmp").unlink(missing_ok=True)
    if dangling_latest(reports):
        latest = reports / LATEST
        newest = max((p for p in reports.iterdir() if _is_extract_folder(p)), key=lambda p: p.name, default=None)
        latest.unlink()
        if newest is not None:
            latest.symlink_to(newest.name, target_is_directory=True)
            repairs.append(f"pointed {latest} (dangling) at {newest.name}")
        else:
            repairs.append(f"removed dangling {latest}")
    return repairs

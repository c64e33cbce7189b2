"""Finding extract folders and choosing the run's target. Pure Python: no Dagster imports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from dagster_project.contract.model import load_contract

_EXTRACT_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(text: str | None) -> dt.date | None:
    """The date written exactly YYYY-MM-DD (an extract folder's name), else None. Python's
    `date.fromisoformat` alone also takes `20240331` and `2024-W13-7`, names no run would accept."""
    if not text or not _EXTRACT_FOLDER.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class IncompleteExtractError(RuntimeError):
    """The target extract cannot be used (incomplete or missing). The message says why."""


@dataclass(frozen=True)
class BlockingProblem:
    """A problem that stops a run at ingest, before any check can run: what the evidence store records.

    `message` must not hold personal values (it is kept as the check's failure sample).
    """

    source_file: str
    check_name: str  # file_present | file_usable
    message: str
    dimension: str  # completeness | validity


def list_extracts(raw_dir: Path) -> list[str]:
    """Extract dates (folder names YYYY-MM-DD) under raw_dir, oldest first. Other entries are ignored
    (e.g. the generator's `<date>.defects.csv` files next to the folders)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        return []
    return sorted(p.name for p in raw_dir.iterdir() if p.is_dir() and _EXTRACT_FOLDER.match(p.name))


def missing_files(folder: Path) -> list[str]:
    """Required contract files absent from an extract folder (empty when complete; optional files may be absent)."""
    folder = Path(folder)
    return [name for name in load_contract().required_file_names if not (folder / name).is_file()]


def choose_target(raw_dir: Path, requested: str | None) -> tuple[str, Path]:
    """The run's extract: `requested` when given, else the newest folder. Never falls back to an older one."""
    raw_dir = Path(raw_dir)
    available = list_extracts(raw_dir)
    if requested:
        if not _EXTRACT_FOLDER.match(requested):
            raise IncompleteExtractError(f"Requested extract date {requested!r} is not of the form YYYY-MM-DD.")
        if requested not in available:
            shown = ", ".join(available[-5:]) or "none"
            raise IncompleteExtractError(
                f"Extract {requested} not found: no folder {raw_dir / requested}. Available extracts: {shown}."
            )
        date = requested
    elif available:
        date = available[-1]
    else:
        raise IncompleteExtractError(f"No extract folders (named YYYY-MM-DD) found under {raw_dir}.")
    folder = raw_dir / date
    missing = missing_files(folder)
    if missing:
        raise IncompleteExtractError(
            f"Extract {date} in {folder} is incomplete: missing {', '.join(missing)}. "
            "Nothing was loaded or published; the run does not fall back to an older extract. "
            "Ask the council to re-send the complete extract, or set CSC_EXTRACT_DATE to another date."
        )
    return date, folder

"""What is in the landing zone: extract content hashes and freshness. Pure Python, no Dagster."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from dagster_project.contract import load_contract
from dagster_project.ingest.discovery import list_extracts
from dagster_project.sources.descriptor import DESCRIPTOR_FILE


def extract_folders(raw_dir: Path) -> list[Path]:
    """Extract folders (YYYY-MM-DD), oldest first."""
    return [Path(raw_dir) / name for name in list_extracts(raw_dir)]


def folder_signature(folder: Path) -> str:
    """Cheap change detector (names, sizes, mtimes) so the sensor only re-hashes changed folders."""
    parts = []
    for name in sorted(load_contract().file_names):
        p = folder / name
        if p.is_file():
            st = p.stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    if (folder / DESCRIPTOR_FILE).is_file():
        st = (folder / DESCRIPTOR_FILE).stat()
        parts.append(f"{DESCRIPTOR_FILE}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def file_sha256(path: Path, chunk: int = 8 * 1024 * 1024) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def content_hash(folder: Path) -> str:
    """Hash of the extract date and the files' contents (absent optional files add nothing, so an extract
    without them hashes as before): the same extract never runs twice, whatever its mtimes.

    The date is part of it: the same files under another date are another extract (the figures are as at the
    folder's date), so they must get their own run key and their own run.
    """
    h = hashlib.sha256()
    h.update(folder.name.encode())
    for name in sorted(load_contract().file_names):
        if not (folder / name).is_file():  # an absent optional file (an incomplete extract never gets this far)
            continue
        h.update(name.encode())
        h.update(file_sha256(folder / name).encode())
    # An imported return's descriptor changes what the run does; a folder without one hashes as before.
    descriptor = folder / DESCRIPTOR_FILE
    if descriptor.is_file():
        h.update(DESCRIPTOR_FILE.encode())
        h.update(file_sha256(descriptor).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Freshness:
    newest_extract: str | None
    age_hours: float | None
    max_age_hours: float
    fresh: bool

    @property
    def message(self) -> str:
        if self.newest_extract is None:
            return "no extract has arrived in the landing zone"
        state = "fresh" if self.fresh else "STALE"
        return (
            f"newest extract {self.newest_extract} is {self.age_hours:.1f} h old "
            f"({state}; limit {self.max_age_hours:g} h)"
        )


def freshness(raw_dir: Path, now: dt.datetime, max_age_hours: float = 36.0) -> Freshness:
    """An extract dated D is "as at" the end of day D; it is stale when older than the limit at `now`.

    Measured from the extract date (the data's "as at"), not the folder's mtime: a re-copied old
    extract is still old data.
    """
    folders = extract_folders(raw_dir)
    if not folders:
        return Freshness(None, None, max_age_hours, False)
    newest = folders[-1].name
    as_at = dt.datetime.combine(dt.date.fromisoformat(newest), dt.time()) + dt.timedelta(days=1)
    if now.tzinfo is not None:
        now = now.astimezone(dt.UTC).replace(tzinfo=None)
    # An extract dated today is "as at" tonight: it is not from the future, so its age is 0, never negative.
    age = max(0.0, (now - as_at).total_seconds() / 3600)
    return Freshness(newest, age, max_age_hours, age <= max_age_hours)

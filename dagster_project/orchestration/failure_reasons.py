"""One line that says why a run failed and what to do, from an error and its causes. Pure Python, no Dagster.

Dagster wraps a step's exception ("Error occurred while executing op ..."); the cause that matters
(disk full, a corrupt DuckDB file, a lock) is further down the chain. The traces stay in the run log.
"""

from __future__ import annotations

import re
from pathlib import Path

from dagster_project.orchestration.alerts import first_line

_DISK_FULL = re.compile(r"No space left on device|Disk quota exceeded|could not write .*: .*space", re.IGNORECASE)
_CORRUPT = re.compile(
    r"checksum|corrupt|not a valid DuckDB database|Serialization Error|database disk image is malformed|"
    r"INTERNAL Error.*(?:block|storage|checkpoint)|Could not read .* bytes|file is not a database",
    re.IGNORECASE,
)
_QUOTED_PATH = re.compile(r"[\"'](/[^\"']+)[\"']")
# Dagster's wrappers, with or without the exception class in front (a step's SerializableErrorInfo message starts
# "dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing op ...": before, that
# wrapper was taken for the reason and an alert carried no cause).
_WRAPPER = re.compile(
    r"^(?:[\w.]*(?:Error|Exception): )?"
    r"(?:Error occurred while executing|Error executing resource_fn|Raised an exception)"
)


def reason(messages: list[str], warehouse: Path, history: Path, dagster_home: Path) -> str:
    """The one-line reason for the messages of an error chain (outermost first)."""
    text = "\n".join(m for m in messages if m)
    if _DISK_FULL.search(text):
        # Name the folder whose disk is full when the error says which file it was writing (DuckDB and
        # Python both quote it): the warehouse may sit on its own volume.
        written = next((_QUOTED_PATH.search(m) for m in messages if m and _DISK_FULL.search(m)), None)
        folder = Path(written.group(1)).parent if written else warehouse.parent.parent
        return (
            "Disk full (No space left on device) while the run was writing: free space on the disk that holds "
            f"{folder} and run again. Nothing was published."
        )
    if _CORRUPT.search(text):
        cause = first_line(next((m for m in messages if _CORRUPT.search(m)), text))
        if str(history) in text or "history" in text.lower() and str(warehouse) not in text:
            return (
                f"The history store {history} is damaged ({cause[:160]}). Move it aside (`mv {history} "
                f"{history}.damaged`) and run again: a new one is started; earlier runs stay readable in the "
                "last published database (marts.runs, marts.dq_results)."
            )
        if str(dagster_home) in text or "sqlite" in text.lower():
            return (
                f"Dagster's storage under {dagster_home} is damaged ({cause[:160]}). Move the folder aside and run "
                "again: run history restarts, the published database and history store are kept."
            )
        return (
            f"The warehouse {warehouse} is damaged ({cause[:160]}). Delete it (`rm {warehouse}*`) and run again: "
            "it is rebuilt from the extracts in the landing zone; the published database and history are kept."
        )
    meaningful = [m for m in messages if m and not _WRAPPER.match(m.strip())]
    return first_line(meaningful[0] if meaningful else (messages[0] if messages else "run failed"))


def error_chain(error) -> list[str]:
    """Messages of a Dagster SerializableErrorInfo (or exception) and its causes, outermost first."""
    messages = []
    seen = 0
    while error is not None and seen < 20:
        messages.append(str(getattr(error, "message", error)))
        error = getattr(error, "cause", None) or getattr(error, "__cause__", None) or getattr(error, "context", None)
        seen += 1
    return messages

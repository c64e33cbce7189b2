"""Progress of a run for people: one line per finished step (step, rows, seconds), read from Dagster's event log
while the run goes on. The full Dagster and dbt output goes to the run's log file instead."""

from __future__ import annotations

import os
import threading

import dagster as dg

_STEP_EVENTS = {
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
}
# Metadata keys that count rows: ingest's rows per file, dbt's row counts, the published scorecard.
ROW_KEYS = ("rows_loaded", "dagster/row_count", "row_count", "rows_scorecard")


NAMED_CHECKS = 3  # a step's line names up to this many failed checks, then "and N more"


def failed_checks_note(names: list[str]) -> str:
    """ "3 check(s) failed: a, b, c" / "5 check(s) failed: a, b, c and 2 more" (issue 23: say which)."""
    shown = ", ".join(names[:NAMED_CHECKS])
    more = f" and {len(names) - NAMED_CHECKS} more" if len(names) > NAMED_CHECKS else ""
    return f"{len(names)} check(s) failed: {shown}{more}"


def format_line(
    step: str, rows: int | None, seconds: float, ok: bool, checks_failed: int = 0, failed_names: list[str] = ()
) -> str:
    shown_rows = f"{rows:>10,} rows" if rows is not None else " " * 15
    note = "" if ok else "  FAILED"
    if failed_names:
        note += f"  ({failed_checks_note(list(failed_names))})"
    elif checks_failed:
        note += f"  ({checks_failed} check(s) failed)"
    return f"  {step:<44.44} {shown_rows} {seconds:>7.1f} s{note}"


class ProgressPrinter:
    """Polls the event log of one run in a thread and writes one line per finished step to `fd`.

    One Dagster instance serves every poll: building an instance opens its SQLite storages and checks their
    schema revisions (alembic), which cost about a third of a small run's CPU when it was done twice a second."""

    def __init__(self, run_id: str, fd: int, interval: float = 0.5):
        self.run_id, self.fd, self.interval = run_id, fd, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._cursor = None
        self._rows: dict[str, int] = {}
        self._failed_checks: dict[str, list[str]] = {}
        self._instance: dg.DagsterInstance | None = None

    def __enter__(self):
        self._instance = dg.DagsterInstance.get()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)
        try:
            self._poll()  # the last steps
        finally:
            self._instance.dispose()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._poll()
            except Exception:  # progress is a courtesy: never let it break the run
                continue

    def _poll(self) -> None:
        result = self._instance.get_records_for_run(self.run_id, cursor=self._cursor, of_type=_STEP_EVENTS)
        self._cursor = result.cursor
        for record in result.records:
            event = record.event_log_entry.dagster_event
            step = event.step_key or "?"
            data = event.event_specific_data
            if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
                for key, value in data.materialization.metadata.items():
                    if key in ROW_KEYS and isinstance(getattr(value, "value", None), int):
                        self._rows[step] = self._rows.get(step, 0) + value.value
            elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                if not data.passed:
                    key = data.asset_check_key  # named as the definitions are: "<asset>:<check>"
                    self._failed_checks.setdefault(step, []).append(f"{key.asset_key.path[-1]}:{key.name}")
            else:
                ok = event.event_type == dg.DagsterEventType.STEP_SUCCESS
                seconds = (data.duration_ms or 0) / 1000 if ok else 0.0
                failed = self._failed_checks.get(step, [])
                line = format_line(step, self._rows.get(step), seconds, ok, len(failed), failed)
                os.write(self.fd, (line + "\n").encode())

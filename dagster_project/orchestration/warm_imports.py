"""Import the libraries a run's later steps need in a background thread, while dbt works.

Great Expectations (~2-3 s) and the report libraries (matplotlib, fpdf, openpyxl: ~1 s) are imported by the
steps that use them (rule checks, reports), so `csc status`, the UI and the tests that need neither never pay
for them. In a run those steps come after the dbt staging step, which mostly waits on DuckDB (dbt runs on a
thread of this process, its queries outside Python's lock: transform/dbt_in_process.py): a thread started when
dbt starts imports them meanwhile, so the rule checks and reports steps start with their libraries loaded.
(Started with the load step instead, the import took the interpreter from it: the council's load step went from
~0.9 s to 3.1 s.) If a step gets there first, Python's import lock makes it wait
for the import under way; if the import fails here, the step imports again and reports the error itself.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import contextlib
import importlib
import threading

MODULES = ("dagster_project.quality.gx_runner", "dagster_project.reports.build")

_started = threading.Lock()
_thread: threading.Thread | None = None


def _import_all(modules: tuple[str, ...]) -> None:
    for module in modules:
        with contextlib.suppress(Exception):  # the step that needs it imports again and reports the error
            importlib.import_module(module)


def warm_in_background(modules: tuple[str, ...] = MODULES) -> threading.Thread | None:
    """Start importing `modules` in a daemon thread, once per process; returns the thread (None after the first)."""
    global _thread
    with _started:
        if _thread is not None:
            return None
        _thread = threading.Thread(target=_import_all, args=(modules,), name="warm-imports", daemon=True)
        _thread.start()
        return _thread

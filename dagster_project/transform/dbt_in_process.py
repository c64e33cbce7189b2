"""dbt run inside the run worker by dbt's own programmatic runner (`dbtRunner`), behind the process interface
dagster-dbt's invocation reads (`DbtInProcess`: args, stdout lines of dbt's JSON events, wait, returncode).

Why: a `dbt` subprocess pays Python's and dbt's start-up and reads the saved parse again at each of a run's two
steps. Measured on the conformance extract (7 Dec 2026): the two steps took 13.0 CPU-s as subprocesses, 8.6 in
the worker with the project parsed once per process (1.0 s) and reused. dagster-dbt still turns each event into
Dagster's (the same JSON event lines, the same translator), so assets, checks, logs and failures are as before.

The parse is kept once per process (`parsed_manifest`, keyed by the vars and the dbt project's files) and each
command gets its own copy (`manifest_copy`): dbt marks the nodes it compiles in the manifest it is given, and a
second build on the same object lost the ephemeral models' CTEs. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import queue
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import orjson

from dagster_project.transform.dbt_environment import profile_paths_from

# dbt's default level on its standard output, where dagster-dbt reads events: debug events are not sent.
STDOUT_LEVELS = frozenset({"info", "warn", "error"})
# dbt's exit codes: 1 a node failed (handled), 2 dbt itself failed.
EXIT_SUCCESS, EXIT_FAILURE, EXIT_EXCEPTION = 0, 1, 2
# A command's options the parse before it takes as well (dagster-dbt passes them as DBT_* environment variables).
PARSE_OPTIONS = ("--profiles-dir", "--target-path", "--profile", "--target")
_END = object()

_manifest_lock = threading.Lock()
_manifests: dict[tuple, object] = {}
# What a build reads and never changes, shared by the copies (a third of a copy's time): the project's source files
# and macros. The rest is copied, and the lookups dbt builds from it are left for the copy to build again.
SHARED_MANIFEST_FIELDS = frozenset({"files", "macros"})
# dbt keeps flags, adapters and its event manager in module globals: one command at a time in a process.
_invocation_lock = threading.Lock()


def option_value(args: Sequence[str], name: str) -> str | None:
    """The value after `name` in a command line (`--vars '{...}'`), or None."""
    args = list(args)
    return args[args.index(name) + 1] if name in args[:-1] else None


def project_fingerprint(project_dir: Path) -> tuple:
    """What a saved parse depends on in the dbt project's own files: each file's path, size and change time."""
    found = []
    for folder, dirs, files in os.walk(project_dir):
        dirs[:] = [d for d in dirs if d not in {"target", "logs", "dbt_packages"}]
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            found.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


def parsed_manifest(
    vars_json: str, project_dir: Path, global_args: Sequence[str] = (), parse_options: Sequence[str] = ()
):
    """The parsed project (dbt's Manifest) for these vars: parsed by the first command of the process that needs
    it (dbt's partial parse, from the saved parse in the target folder the environment names), then reused.
    Give dbt a `manifest_copy` of it, never the object itself."""
    key = (vars_json, str(project_dir), project_fingerprint(project_dir))
    with _manifest_lock:
        if key not in _manifests:
            from dbt.cli.main import dbtRunner

            quiet = ["--log-level", "none", "--log-level-file", "warn", "--no-write-json"]
            result = dbtRunner().invoke(
                [*global_args, "parse", "--vars", vars_json, "--project-dir", str(project_dir), *parse_options, *quiet]
            )
            if not result.success:
                raise RuntimeError(f"dbt could not parse the project: {result.exception}")
            _manifests.clear()  # one parse is kept: an older one is never asked for again
            _manifests[key] = result.result
        return _manifests[key]


def manifest_copy(manifest):
    """A manifest dbt may change. Not pickle or copy.deepcopy: dbt's Manifest.__reduce_ex__ (dbt-core 1.11) lists
    fewer fields than the class has, so once dbt has built its lookups a copy made so gets them in the wrong fields
    ("RefableLookup.find() missing 1 required positional argument")."""
    fields = (f.name for f in dataclasses.fields(manifest) if not f.name.startswith("_"))
    return type(manifest)(
        **{
            name: getattr(manifest, name) if name in SHARED_MANIFEST_FIELDS else copy.deepcopy(getattr(manifest, name))
            for name in fields
        }
    )


class _EventLines:
    """dbt's events as the JSON lines its standard output would carry, as dagster-dbt reads a pipe."""

    def __init__(self):
        self._lines: queue.SimpleQueue = queue.SimpleQueue()
        self.closed = False

    def put(self, line: bytes | object) -> None:
        self._lines.put(line)

    def __iter__(self) -> Iterator[bytes]:
        while (line := self._lines.get()) is not _END:
            yield line

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True


class DbtInProcess:
    """A dbt command run by dbtRunner on a thread of this process, shaped as the `subprocess.Popen` dagster-dbt
    expects: `args`, `stdout` (event lines, ending when dbt ends), `wait()`, `poll()`, `returncode`.

    `env` is applied to this process's environment for the command's length (dbt reads its settings from there)
    and restored after; the caller holds the warehouse writer, so no other dbt command runs meanwhile."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], project_dir: Path, cwd: Path):
        self.args = list(args)
        self.pid = os.getpid()
        self.returncode: int | None = None
        self.stdout = _EventLines()
        self._project_dir, self._cwd = project_dir, cwd
        self._saw_error = False
        self._thread = threading.Thread(target=self._run, args=(self.args[1:], dict(env)), name="dbt", daemon=True)
        self._thread.start()

    def _event(self, msg) -> None:
        self._saw_error = self._saw_error or msg.info.level == "error"
        if msg.info.level in STDOUT_LEVELS:
            from dbt_common.events.functions import msg_to_dict

            self.stdout.put(orjson.dumps(msg_to_dict(msg), option=orjson.OPT_SORT_KEYS, default=str))

    def _run(self, dbt_args: list[str], env: dict[str, str]) -> None:
        code = EXIT_EXCEPTION
        try:
            with _invocation_lock, _environment(env):
                code = self._invoke(dbt_args)
        except BaseException as error:  # noqa: BLE001 (reported as dbt reports its own: an error event, exit 2)
            self._error_line(f"dbt failed in the run worker: {type(error).__name__}: {error}")
        finally:
            self.returncode = code
            self.stdout.put(_END)

    def _invoke(self, dbt_args: list[str]) -> int:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
        from dbt.cli.main import dbtRunner

        command_at = next(i for i, a in enumerate(dbt_args) if not a.startswith("-"))
        global_args = dbt_args[:command_at]
        vars_json = option_value(dbt_args, "--vars") or "{}"
        # where the command finds its profile and keeps its target (the saved parse) hold for the parse too
        parse_options = [
            word
            for name in PARSE_OPTIONS
            if (value := option_value(dbt_args, name)) is not None
            for word in (name, value)
        ]
        # parsed with the profile's values relative to the data folder, as `make setup` saved its parse ...
        manifest = manifest_copy(parsed_manifest(vars_json, self._project_dir, global_args, parse_options))
        try:
            # ... and run against the data folder's warehouse (a dbt subprocess starts there; this process does not).
            # `--log-level none`: the events reach dagster-dbt through the callback, not this process's stdout.
            with _environment(profile_paths_from(self._cwd)):
                result = dbtRunner(manifest=manifest, callbacks=[self._event]).invoke(
                    [
                        *global_args,
                        "--log-level",
                        "none",
                        *dbt_args[command_at:],
                        "--project-dir",
                        str(self._project_dir),
                    ]
                )
        finally:
            # dbt-duckdb keeps its database open between commands: close it, the run's later steps open the file
            DuckDBConnectionManager.close_all_connections()
        if result.exception is not None:
            if not self._saw_error:  # dbt reports most of its own failures as an error event already
                self._error_line(f"Encountered an error:\n{result.exception}")
            return EXIT_EXCEPTION
        return EXIT_SUCCESS if result.success else EXIT_FAILURE

    def _error_line(self, msg: str) -> None:
        event = {"info": {"name": "MainEncounteredError", "level": "error", "msg": msg}, "data": {}}
        self.stdout.put(orjson.dumps(event))

    def poll(self) -> int | None:
        return self.returncode if not self._thread.is_alive() else None

    def wait(self, timeout: float | None = None) -> int:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def send_signal(self, sig) -> None:
        """dbt's runner cannot be interrupted from outside: dagster-dbt's wait after this one times out instead."""


class _environment:
    """`env` as this process's environment for a while, then the environment as it was. Key by key: the stdlib's
    `mock.patch.dict` restores by clearing the whole environment first, which other threads may read meanwhile."""

    def __init__(self, env: Mapping[str, str]):
        self.env = env
        self.saved: dict[str, str | None] = {}

    def __enter__(self):
        for key, value in self.env.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value
        return self

    def __exit__(self, *exc) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

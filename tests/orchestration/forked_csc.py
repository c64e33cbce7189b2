"""`csc` processes forked from one interpreter that has already imported what a `csc run` imports.

Each `csc run` process spends about 6 CPU-s importing Dagster, the definitions, GX, dbt and the report libraries
before its run starts, and the kill-and-recover chain (test_kill_recovery.py) starts eight in a row on one data
folder. A `CscForkServer` is one interpreter, started with that chain's environment, that imports them once
and then forks a child for each command: every child is a real, separate `csc` process (its own pid, its output in
its own files, its exit status or the signal that killed it; the test SIGKILLs it as before). Only the imports are
inherited: the server starts no thread (it checks) and opens nothing but its two pipes.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

from dagster_project.orchestration.warm_imports import MODULES as LATER_STEPS_MODULES
from tests.orchestration.cli_process import CSC

# What a `csc run` imports: the CLI and definitions, the later steps' libraries (the modules its run imports while
# dbt works) and dbt, which runs in the run worker.
PRELOADED = (
    "dagster_project.cli",
    "dagster_project.definitions",
    *LATER_STEPS_MODULES,
    "dbt.cli.main",
    "dbt.adapters.duckdb",
)

SERVER = r"""
import importlib, json, os, sys, threading
for module in __PRELOADED__:
    importlib.import_module(module)
assert threading.active_count() == 1, [t.name for t in threading.enumerate()]  # a thread would not survive fork
replies = os.fdopen(os.dup(1), "w")
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:  # the child: a `csc` process from here on, ending as one (exit code, atexit handlers, tracebacks)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
        os.dup2(os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        replies.close()
        sys.argv = request["argv"]
        exec(compile(request["code"], "<csc>", "exec"), {"__name__": "__main__"})
        sys.exit(0)
    replies.write(json.dumps({"pid": pid}) + "\n")
    replies.flush()
    _, wait_status = os.waitpid(pid, 0)
    replies.write(json.dumps({"returncode": os.waitstatus_to_exitcode(wait_status)}) + "\n")
    replies.flush()
""".replace("__PRELOADED__", repr(PRELOADED))

RUN_CLI = f"import runpy\nrunpy.run_module({CSC[-1]!r}, run_name='__main__', alter_sys=True)\n"


class CscForkServer:
    """One command at a time: `start` returns the running child, which must end before the next `start`."""

    def __init__(self, env: dict[str, str], output_dir: Path):
        self.output_dir = output_dir
        self.count = 0
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._buffer = b""

    def start(self, *args: str, code: str = RUN_CLI) -> ForkedCsc:
        """`csc <args>` in a new child; `code`: what the child runs instead of the CLI module (sys.argv is set)."""
        self.count += 1
        stdout, stderr = (self.output_dir / f"csc-{self.count}.{name}" for name in ("stdout", "stderr"))
        request = {"argv": [CSC[-1], *args], "code": code, "stdout": str(stdout), "stderr": str(stderr)}
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()
        return ForkedCsc(self, self.reply(timeout=60)["pid"], stdout, stderr)

    def run(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        child = self.start(*args)
        returncode = child.wait(timeout)
        return subprocess.CompletedProcess(
            [*CSC, *args], returncode, child.stdout_path.read_text(), child.stderr_path.read_text()
        )

    def reply(self, timeout: float | None) -> dict | None:
        """The server's next line (None if none came within `timeout`; 0: don't wait)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self.process.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"the csc fork server ended (exit {self.process.wait()})")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


class ForkedCsc:
    """A forked `csc` child, as much of `subprocess.Popen` as the kill chain uses."""

    def __init__(self, server: CscForkServer, pid: int, stdout_path: Path, stderr_path: Path):
        self.server, self.pid = server, pid
        self.stdout_path, self.stderr_path = stdout_path, stderr_path
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and (reply := self.server.reply(timeout=0)) is not None:
            self.returncode = reply["returncode"]
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            reply = self.server.reply(timeout)
            if reply is None:
                raise subprocess.TimeoutExpired(CSC, timeout)
            self.returncode = reply["returncode"]
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, sig)

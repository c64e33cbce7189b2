"""`csc` processes forked from one interpreter that has already imported what a `csc` command imports.

A `csc run` process spends about 6 CPU-s importing Dagster, the definitions, GX, dbt and the report libraries
before its run starts, and a `csc report` about 5 of its 6. The suite starts a few dozen of them (the kill-and-recover
chain eight in a row). A `CscForkServer` is one interpreter that imports them once and then forks a child for each
command: every child is a real, separate `csc` process (its own pid, environment, working folder, output in its own
files, its exit status or the signal that killed it), and several may run at once. Only the imports are inherited:
the server starts no thread (it checks) and opens nothing but its pipes.

Each test process (an xdist worker) has one server, started on first use (`csc_fork_server`) and ended with the
process. A child's environment is the request's, as `subprocess` gives it, plus what the preloaded imports set in
the server's own (`os.environ.setdefault` at import, e.g. GX's analytics switch): a fresh process would have run
those lines itself.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from dagster_project.orchestration.warm_imports import MODULES as LATER_STEPS_MODULES

CSC_MODULE = "dagster_project.cli"
CSC = [sys.executable, "-m", CSC_MODULE]  # the command a child stands for

# What a `csc run` imports: the CLI and definitions, the later steps' libraries (the modules its run imports while
# dbt works) and dbt, which runs in the run worker.
PRELOADED = (
    CSC_MODULE,
    "dagster_project.definitions",
    *LATER_STEPS_MODULES,
    "dbt.cli.main",
    "dbt.adapters.duckdb",
)

SERVER = r"""
import importlib, json, os, select, signal, sys, threading
before = dict(os.environ)
for module in __PRELOADED__:
    importlib.import_module(module)
assert threading.active_count() == 1, [t.name for t in threading.enumerate()]  # a thread would not survive fork
set_by_imports = {k: v for k, v in os.environ.items() if before.get(k) != v}
replies = os.fdopen(os.dup(1), "w")
wake_read, wake_write = os.pipe()
os.set_blocking(wake_write, False)
signal.signal(signal.SIGCHLD, lambda *_: None)
signal.set_wakeup_fd(wake_write)  # a child's end wakes the select below
children, pending = set(), b""

def reply(message):
    replies.write(json.dumps(message) + "\n")
    replies.flush()

def start(request):
    pid = os.fork()
    if pid:
        children.add(pid)
        return reply({"id": request["id"], "pid": pid})
    # the child: a `csc` process from here on, ending as one (exit code, atexit handlers, tracebacks)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd in (wake_read, wake_write):
        os.close(fd)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
    os.dup2(os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
    replies.close()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update({**set_by_imports, **request["env"]})
    sys.argv = request["argv"]
    exec(compile(request["code"], "<csc>", "exec"), {"__name__": "__main__"})
    sys.exit(0)

while True:
    ready = select.select([0, wake_read], [], [])[0]
    if wake_read in ready:
        os.read(wake_read, 4096)
    while children:
        pid, wait_status = os.waitpid(-1, os.WNOHANG)
        if not pid:
            break
        children.discard(pid)
        reply({"pid": pid, "returncode": os.waitstatus_to_exitcode(wait_status)})
    if 0 in ready:
        chunk = os.read(0, 65536)
        if not chunk:  # the test process has ended: so do its commands
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            break
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            start(json.loads(line))
""".replace("__PRELOADED__", repr(PRELOADED))

RUN_CLI = f"import runpy\nrunpy.run_module({CSC_MODULE!r}, run_name='__main__', alter_sys=True)\n"


class CscForkServer:
    """Starts `csc` children (`start`, `run`), any number at once; their output goes to files in its own folder,
    removed when it closes."""

    def __init__(self, env: dict[str, str]):
        self.output_dir = Path(tempfile.mkdtemp(prefix="csc-output-"))
        self.count = 0
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._buffer = b""
        self._started: dict[int, int] = {}  # request id -> pid
        self._ended: dict[int, int] = {}  # pid -> returncode
        self._lock = threading.Lock()

    def start(self, *args: str, env: dict[str, str], code: str = RUN_CLI, cwd: Path | None = None) -> ForkedCsc:
        """`csc <args>` in a new child with environment `env`, in `cwd` (this process's by default); `code`: what the
        child runs instead of the CLI module (its sys.argv is `csc <args>`)."""
        with self._lock:
            self.count += 1
            request_id = self.count
        stdout, stderr = (self.output_dir / f"csc-{request_id}.{name}" for name in ("stdout", "stderr"))
        request = {
            "id": request_id,
            "argv": [CSC_MODULE, *args],
            "env": env,
            "cwd": str(cwd or Path.cwd()),
            "code": code,
            "stdout": str(stdout),
            "stderr": str(stderr),
        }
        with self._lock:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
        deadline = time.monotonic() + 120
        while request_id not in self._started:
            if not self._read_replies(timeout=max(0.0, deadline - time.monotonic())) and time.monotonic() > deadline:
                raise RuntimeError("the csc fork server did not start the command within 120 s")
        return ForkedCsc(self, [*CSC, *args], self._started.pop(request_id), stdout, stderr)

    def run(
        self, *args: str, env: dict[str, str], timeout: float = 900, code: str = RUN_CLI
    ) -> subprocess.CompletedProcess:
        """`csc <args>` to its end, as `subprocess.run(..., capture_output=True, text=True, timeout=timeout)`."""
        child = self.start(*args, env=env, code=code)
        try:
            returncode = child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise
        stdout, stderr = child.communicate()
        return subprocess.CompletedProcess(child.args, returncode, stdout, stderr)

    def returncode(self, pid: int, timeout: float | None) -> int | None:
        """The child's exit code (negative: the signal that ended it), waiting up to `timeout` (None: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while pid not in self._ended:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._read_replies(timeout=left) and left == 0.0:  # nothing more came in time
                return None
        return self._ended[pid]

    def _read_replies(self, timeout: float | None) -> bool:
        """Read the server's replies that arrive within `timeout`; whether any did."""
        with self._lock:
            if b"\n" not in self._buffer:
                if not select.select([self.process.stdout], [], [], timeout)[0]:
                    return False
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    raise RuntimeError(f"the csc fork server ended (exit {self.process.wait()})")
                self._buffer += chunk
            *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            message = json.loads(line)
            if "returncode" in message:
                self._ended[message["pid"]] = message["returncode"]
            else:
                self._started[message["id"]] = message["pid"]
        return bool(lines)

    def close(self) -> None:
        """End the server (a child still running is killed) and remove its children's output."""
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
        shutil.rmtree(self.output_dir, ignore_errors=True)


class ForkedCsc:
    """A forked `csc` child, as much of `subprocess.Popen` as the tests use (`communicate` gives its output once it
    has ended)."""

    def __init__(self, server: CscForkServer, args: list[str], pid: int, stdout_path: Path, stderr_path: Path):
        self.server, self.args, self.pid = server, args, pid
        self.stdout_path, self.stderr_path = stdout_path, stderr_path
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.returncode(self.pid, timeout=0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self.server.returncode(self.pid, timeout)
            if self.returncode is None:
                raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        self.wait(timeout)
        return self.stdout_path.read_text(), self.stderr_path.read_text()

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


_server: CscForkServer | None = None


def csc_fork_server(env: dict[str, str]) -> CscForkServer:
    """This process's server, started on first use with `env` (the environment the children's start from, less
    their own settings), ended with the process."""
    global _server
    if _server is None or _server.process.poll() is not None:
        _server = CscForkServer(env)
        atexit.register(_server.close)
    return _server

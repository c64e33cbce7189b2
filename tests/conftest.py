"""Suite-wide wiring: tests that share an expensive fixture run in one pytest-xdist worker.

`make test` runs the suite on every core (`pytest -n auto --dist loadgroup`). A session- or module-scoped fixture
(a pipeline run, a built warehouse, a generated extract) is created once per worker that uses it, so every test
sharing one must run in the same worker, or the run happens twice. Rather than a hand-kept `xdist_group` mark on
each test (one forgotten mark silently doubles a pipeline run), the groups are derived here from the fixtures
themselves: tests joined by any shared fixture, directly or through another test, form one group.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path

import pytest

SHARED_SCOPES = ("session", "package", "module", "class")
# Shared fixtures that do not pull every test using them into one worker: a starting point the tests copy or only
# read (a good run; made once for the whole suite, see tests/orchestration/good_run.py), used by long tests.
PER_WORKER_FIXTURES = frozenset({"good_conformance_run"})


# The tests' scratch folders (tmp_path, tmp_path_factory) go in RAM when the machine has a tmpfs with room: the suite
# writes ~2 GB (warehouses, dbt targets, Dagster's SQLite event logs) and DuckDB and SQLite sync to disk on every
# commit. A conformance run took 43.6 s on /tmp's disk and 40.4 s on /dev/shm (7 Dec 2026). CSC_TEST_SCRATCH names
# another folder (e.g. a disk's, to keep a failed run's files after a reboot).
SCRATCH_IN_RAM = Path("/dev/shm")
SCRATCH_MIN_FREE_BYTES = 8 * 10**9  # a whole suite's scratch (~2.2 GB) several times over


def scratch_root(
    env: dict[str, str], ram: Path = SCRATCH_IN_RAM, min_free: int = SCRATCH_MIN_FREE_BYTES
) -> Path | None:
    """Where the suite's scratch folders go: CSC_TEST_SCRATCH if set, else `ram` if it is a writable folder with
    `min_free` bytes free, else None (pytest's own default, the system's temporary folder)."""
    if env.get("CSC_TEST_SCRATCH"):
        return Path(env["CSC_TEST_SCRATCH"])
    if ram.is_dir() and os.access(ram, os.W_OK) and shutil.disk_usage(ram).free >= min_free:
        return ram
    return None


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        # Two xdist workers each running dbt two nodes at a time oversubscribe two cores. Two conformance `csc run`s
        # at once (as the workers run them), twice each: 65-67 user CPU-s and 37-39 s with two nodes, 61-63 CPU-s
        # and 35-36 s with one (7 Dec 2026). The figures are the same either way; the job's own choice is unit
        # tested (tests/transform/test_dbt_project.py). The `csc` processes the tests start get it too (cli_process).
        os.environ.setdefault("CSC_DBT_THREADS", "1")
        return
    # pytest reads PYTEST_DEBUG_TEMPROOT (documented) when it first makes its base folder, after this hook; under
    # xdist the controller makes it and hands each worker a folder inside it. An explicit --basetemp wins.
    if config.option.basetemp or "PYTEST_DEBUG_TEMPROOT" in os.environ:
        return
    root = scratch_root(dict(os.environ))
    if root is not None:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(root)


_GOOD_RUN_LAUNCHER = pytest.StashKey["subprocess.Popen"]()


def runs_whole_suite_in_workers(config: pytest.Config) -> bool:
    """This process is the xdist controller of a run of the whole suite (`make test`: no paths, -m or -k given)."""
    in_workers = (config.getoption("numprocesses", None) or 0) != 0 and config.getoption("dist", "no") != "no"
    whole = config.args_source == pytest.Config.ArgsSource.TESTPATHS
    narrowed = config.option.markexpr or config.option.keyword or config.getoption("lf", False)
    return in_workers and whole and not narrowed and not hasattr(config, "workerinput")


# Before xdist's own sessionstart starts the workers: they inherit the environment that names the run's folder.
@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    if not runs_whole_suite_in_workers(config):
        return
    from tests.orchestration import good_run  # imports dagster (~0.6 s): only for the session that starts the run

    if good_run.GOOD_RUN_ENV in os.environ:
        return
    # xdist reads the controller's base folder the same way, to give each worker its own folder inside it
    root = config._tmp_path_factory.mktemp("good-conformance-run")
    config.stash[_GOOD_RUN_LAUNCHER] = good_run.start(root)
    os.environ[good_run.GOOD_RUN_ENV] = str(root)


def pytest_sessionfinish(session: pytest.Session) -> None:
    launcher = session.config.stash.get(_GOOD_RUN_LAUNCHER, None)
    if launcher is not None:
        if launcher.poll() is None:  # interrupted, or no test needed it: stop it and its csc run (one group)
            with contextlib.suppress(ProcessLookupError):  # it may end between the two calls
                os.killpg(launcher.pid, signal.SIGTERM)
        launcher.wait(timeout=60)


@pytest.fixture(scope="session")
def good_conformance_run(tmp_path_factory):
    """One real `csc run` of the conformance extract (tests/orchestration/good_run.py), defined here, once, so the
    orchestration and the report tests in a worker share it: the controller's background run when it started one
    (the whole suite under xdist), else made here."""
    from tests.orchestration import good_run

    started = os.environ.get(good_run.GOOD_RUN_ENV)
    if started:
        return good_run.wait(Path(started))
    return good_run.make(tmp_path_factory.mktemp("good-conformance-run"))


def _shared_fixtures(item: pytest.Item) -> list[str]:
    """The project's fixtures this test uses whose value outlives the test, as `<scope>:<where>:<name>` keys."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    keys = []
    for name, definitions in info.name2fixturedefs.items():
        definition = definitions[-1]  # the one that applies to this test (the closest override)
        if definition.scope not in SHARED_SCOPES or not str(definition.baseid).startswith("tests"):
            continue  # pytest's and plugins' own fixtures (tmp_path_factory, ...) hold no expensive state
        if name in PER_WORKER_FIXTURES:
            continue
        where = item.module.__name__ if definition.scope == "module" else definition.baseid
        keys.append(f"{definition.scope}:{where}:{name}")
    return keys


def group_names(fixtures_by_test: dict[str, list[str]]) -> dict[str, str]:
    """Test id -> group name for the tests that share a fixture with another (union-find over shared fixtures).

    A group is named after its alphabetically first fixture key, so the names are stable between runs."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for keys in fixtures_by_test.values():
        for key in keys[1:]:
            a, b = find(keys[0]), find(key)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {test: find(keys[0]) for test, keys in fixtures_by_test.items() if keys}


# A wrapper, so the marks are there before any plain implementation runs, xdist's included: it reads them and
# appends the group to each node id, which is what its scheduler groups by (tests/unit/test_xdist_groups.py).
@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    groups = group_names({item.nodeid: _shared_fixtures(item) for item in items})
    for item in items:
        if item.nodeid in groups and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(groups[item.nodeid]))
    # Groups first, then the tests that share nothing, the `fast` ones last: xdist hands out work in this order
    # (its --loadscope-reorder puts larger groups first and keeps the order of the one-test units), so the long
    # groups (pipeline runs) and long lone tests (sqlfluff, the generator's recall) start early and the many
    # sub-second tests fill the end, and both workers finish together. With the lone tests in file order, the two
    # sqlfluff halves (tests/unit/test_lint.py, 30 s each) came last, on one worker: the other stood idle 54 s.
    items[:] = shared_first(items, groups, is_fast=lambda item: item.get_closest_marker("fast") is not None)
    return (yield)


def shared_first(items: list, groups: dict[str, str], is_fast=lambda item: False) -> list:
    """The tests of every group, each group's tests together and in their order, then every other test, those
    for which `is_fast` holds last; each in the order given."""
    by_group: dict[str, list] = {}
    for item in items:
        if item.nodeid in groups:
            by_group.setdefault(groups[item.nodeid], []).append(item)
    lone = [item for item in items if item.nodeid not in groups]
    return [
        *(item for group in by_group.values() for item in group),
        *(item for item in lone if not is_fast(item)),
        *(item for item in lone if is_fast(item)),
    ]

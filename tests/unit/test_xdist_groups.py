"""The xdist groups (tests/conftest.py): tests joined by a shared fixture, directly or through another test,
run in one worker; a test sharing nothing is in no group."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import group_names, shared_first

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def test_tests_sharing_a_fixture_directly_or_through_another_are_one_group():
    groups = group_names(
        {
            "a": ["module:m:run"],
            "b": ["module:m:run", "session:tests/x:extract"],
            "c": ["session:tests/x:extract"],
            "d": ["session:tests/y:warehouse"],
            "e": [],
        }
    )
    assert groups["a"] == groups["b"] == groups["c"] == "module:m:run"
    assert groups["d"] == "session:tests/y:warehouse"
    assert "e" not in groups


def test_group_names_do_not_depend_on_the_order_tests_are_seen():
    tests = {"p": ["z:2"], "q": ["z:2", "a:1"], "r": ["a:1"]}
    forward = group_names(tests)
    backward = group_names(dict(reversed(list(tests.items()))))
    assert forward == backward and set(forward.values()) == {"a:1"}


def test_groups_come_first_each_together_then_the_tests_sharing_nothing():
    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    items = [Item(n) for n in ("a1", "lone1", "b1", "a2", "lone2", "b2")]
    groups = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}
    assert [i.nodeid for i in shared_first(items, groups)] == ["a1", "a2", "b1", "b2", "lone1", "lone2"]


def test_the_fast_lone_tests_come_last_so_that_they_fill_the_end():
    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    items = [Item(n) for n in ("fast1", "a1", "slow1", "fast2", "a2", "slow2")]
    ordered = shared_first(items, {"a1": "A", "a2": "A"}, is_fast=lambda item: item.nodeid.startswith("fast"))
    assert [i.nodeid for i in ordered] == ["a1", "a2", "slow1", "slow2", "fast1", "fast2"]


SHARED = """
import os, pytest
@pytest.fixture(scope="session")
def expensive():
    return "built once"
"""
TEST_MODULE = """
import os
def test_{name}_shares({fixture}):
    print("worker", os.environ["PYTEST_XDIST_WORKER"])
def test_{name}_alone():
    pass
"""


def test_xdist_runs_the_tests_sharing_a_fixture_in_one_worker(tmp_path):
    """A real `pytest -n 2 --dist loadgroup` on a small suite: the tests sharing a session fixture across two
    modules carry one group and ran in one worker. (With pytest 9.2, xdist 3.8 could not add the group to the
    node ids and spread such tests over both workers, building the fixture twice, without a word.)"""
    suite = tmp_path / "tests"
    suite.mkdir()
    (suite / "conftest.py").write_text(SHARED + "from tests.conftest import pytest_collection_modifyitems  # noqa\n")
    for name in ("a", "b", "c", "d"):
        (suite / f"test_{name}.py").write_text(TEST_MODULE.format(name=name, fixture="expensive"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v", "-p", "no:cacheprovider"]
    done = subprocess.run([*command, "tests"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    shared = [line for line in done.stdout.splitlines() if line.startswith("[gw") and "_shares" in line]
    assert len(shared) == 4 and all("@session:tests:expensive" in line for line in shared), done.stdout[-3000:]
    assert len({line.split()[0] for line in shared}) == 1  # [gw0] or [gw1], the same for all four

"""Where the suite's scratch folders go (tests/conftest.py `scratch_root`): RAM when there is room, else pytest's
default, and a named folder always wins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import scratch_root

pytestmark = pytest.mark.fast


def test_a_named_folder_wins(tmp_path):
    assert scratch_root({"CSC_TEST_SCRATCH": "/somewhere/else"}, ram=tmp_path) == Path("/somewhere/else")


def test_a_writable_folder_with_room_is_used(tmp_path):
    assert scratch_root({}, ram=tmp_path, min_free=1) == tmp_path


def test_a_folder_without_room_is_not_used(tmp_path):
    assert scratch_root({}, ram=tmp_path, min_free=10**18) is None


def test_a_missing_folder_is_not_used(tmp_path):
    assert scratch_root({}, ram=tmp_path / "absent", min_free=1) is None


def test_this_session_put_its_scratch_where_scratch_root_says(tmp_path_factory):
    # the configure hook chose the root before pytest made its base folder (unless the run named its own)
    expected = scratch_root({k: v for k, v in os.environ.items() if k != "PYTEST_DEBUG_TEMPROOT"})
    chosen_by_the_hook = expected is not None and os.environ.get("PYTEST_DEBUG_TEMPROOT") == str(expected)
    base = tmp_path_factory.getbasetemp().resolve()
    assert not chosen_by_the_hook or base.is_relative_to(expected.resolve())

"""Definitions snapshot: every asset key, asset check, job, schedule and sensor equals the reviewed snapshot.
A rename is a visible diff; to accept an intended one, `make snapshot` and commit tests/definitions_snapshot.txt."""

from __future__ import annotations

import difflib

import pytest

from tests.definitions_snapshot import SNAPSHOT, render_snapshot

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def test_definitions_equal_the_reviewed_snapshot():
    actual = render_snapshot()
    expected = SNAPSHOT.read_text(encoding="utf-8")
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "snapshot", "definitions", lineterm="")
    diff = list(diff)
    assert not diff, "definitions differ from tests/definitions_snapshot.txt (run `make snapshot` if intended):\n" + (
        "\n".join(diff[:80])
    )


def test_the_snapshot_names_every_kind_of_definition():
    kinds = {line.split(" ", 1)[0] for line in SNAPSHOT.read_text(encoding="utf-8").splitlines() if line[:1] != "#"}
    assert kinds == {"asset", "check", "job", "schedule", "sensor"}

"""The dbt unit tests (edge cases of every rule, in dbt/models/**/_*.yml) run against the real calendar."""

from __future__ import annotations

import re

import pytest

from dagster_project.transform.dbt_vars import run_context
from tests.transform.dbt_runner import run_dbt

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def test_dbt_unit_tests_pass(conformance_warehouse):
    result = run_dbt(
        ["test", "--select", "test_type:unit"],
        conformance_warehouse.path,
        conformance_warehouse.work_dir,
        run_context("2020-03-31", "unit-tests"),
    )
    assert result.returncode == 0, result.stdout[-6000:]
    passed = re.search(r"PASS=(\d+)", result.stdout)
    assert passed and int(passed.group(1)) >= 12, result.stdout[-2000:]

"""The run's progress lines name the failed checks (issue 23): up to three, then "and N more". Hand-written."""

import pytest

from dagster_project.orchestration.progress import failed_checks_note, format_line

pytestmark = pytest.mark.fast


def test_up_to_three_failed_checks_are_named():
    assert failed_checks_note(["a", "b"]) == "2 check(s) failed: a, b"
    assert failed_checks_note(["a", "b", "c"]) == "3 check(s) failed: a, b, c"


def test_beyond_three_the_rest_are_counted():
    assert failed_checks_note(["a", "b", "c", "d", "e"]) == "5 check(s) failed: a, b, c and 2 more"


def test_the_step_line_carries_the_names():
    line = format_line("records_that_count_quality", None, 5.3, True, 2, ["visits_rule", "plans_rule"])
    assert line.endswith("5.3 s  (2 check(s) failed: visits_rule, plans_rule)")
    assert format_line("step", 10, 1.0, True).endswith("1.0 s")

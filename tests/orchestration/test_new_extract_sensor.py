"""The new-extract sensor: one run per distinct complete extract, incomplete folders reported."""

import dagster as dg
import pytest

from dagster_project.orchestration.sensors import new_extract_sensor
from dagster_project.run_context import EXTRACT_DATE_TAG
from tests.orchestration.conftest import drop_extract

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def evaluate(cursor=None):
    context = dg.build_sensor_context(cursor=cursor)
    result = new_extract_sensor(context)
    return result


def test_new_complete_extract_requests_exactly_one_run(landing):
    drop_extract(landing, "2020-03-31")
    first = evaluate()
    assert [r.tags[EXTRACT_DATE_TAG] for r in first.run_requests] == ["2020-03-31"]
    again = evaluate(first.cursor)
    assert not again.run_requests  # same extract never runs twice


def test_run_key_is_content_hash_so_touching_files_does_not_rerun(landing):
    folder = drop_extract(landing, "2020-03-31")
    first = evaluate()
    for f in folder.iterdir():
        f.touch()  # mtimes change, content does not
    second = evaluate(first.cursor)
    assert not second.run_requests
    with open(folder / "teams.csv", "a") as f:
        f.write("T9,New team,CIN\n")
    third = evaluate(second.cursor)
    assert len(third.run_requests) == 1
    assert third.run_requests[0].run_key != first.run_requests[0].run_key


def test_the_same_files_under_another_date_are_another_extract(landing):
    drop_extract(landing, "2020-03-30")
    first = evaluate()
    drop_extract(landing, "2020-03-31")  # byte-identical files, later date: figures as at another day
    second = evaluate(first.cursor)
    assert [r.tags[EXTRACT_DATE_TAG] for r in second.run_requests] == ["2020-03-31"]
    assert second.run_requests[0].run_key != first.run_requests[0].run_key  # the daemon would skip a reused key


def test_incomplete_folder_is_reported_not_run(landing):
    (drop_extract(landing, "2020-03-31") / "plans.csv").unlink()
    result = evaluate()
    assert not result.run_requests
    assert "2020-03-31 is incomplete (missing plans.csv)" in result.skip_reason.skip_message


def test_later_extracts_run_oldest_first_and_history_is_not_rerun_on_first_evaluation(landing):
    drop_extract(landing, "2020-03-29")
    drop_extract(landing, "2020-03-30")
    first = evaluate()
    assert [r.tags[EXTRACT_DATE_TAG] for r in first.run_requests] == ["2020-03-30"]
    drop_extract(landing, "2020-03-31")
    folder = drop_extract(landing, "2020-04-01")
    with open(folder / "teams.csv", "a") as f:
        f.write("T9,New team,CIN\n")
    second = evaluate(first.cursor)
    assert [r.tags[EXTRACT_DATE_TAG] for r in second.run_requests] == ["2020-03-31", "2020-04-01"]

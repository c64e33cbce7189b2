"""The nightly schedule: 02:30 Europe/London every day, across both clock changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._utils.schedules import cron_string_iterator  # the iterator the daemon itself uses

from dagster_project.orchestration.schedules import NIGHTLY_CRON, TIMEZONE, nightly_schedule
from dagster_project.run_context import EXTRACT_DATE_TAG
from tests.orchestration.conftest import drop_extract

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

LONDON = ZoneInfo(TIMEZONE)


@pytest.mark.parametrize(
    "start",
    [dt.datetime(2025, 3, 27, tzinfo=dt.UTC), dt.datetime(2025, 10, 23, tzinfo=dt.UTC)],
    ids=["march-clocks-forward", "october-clocks-back"],
)
def test_exactly_one_tick_a_day_at_0230_london_across_clock_change(start):
    ticks = cron_string_iterator(start.timestamp(), NIGHTLY_CRON, TIMEZONE)
    local = [next(ticks).astimezone(LONDON) for _ in range(7)]
    assert [t.time() for t in local] == [dt.time(2, 30)] * 7
    days = [t.date() for t in local]
    assert days == [days[0] + dt.timedelta(days=i) for i in range(7)]  # none skipped, none repeated


def test_schedule_targets_newest_extract(landing):
    drop_extract(landing, "2020-03-30")
    drop_extract(landing, "2020-03-31")
    tick = dt.datetime(2020, 4, 1, 2, 30, tzinfo=LONDON)
    request = nightly_schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick))
    [run] = request.run_requests
    assert run.tags[EXTRACT_DATE_TAG] == "2020-03-31"
    assert run.run_key == "nightly-2020-04-01"


def test_schedule_targets_newest_even_if_incomplete(landing):
    drop_extract(landing, "2020-03-30")
    (drop_extract(landing, "2020-03-31") / "visits.csv").unlink()
    tick = dt.datetime(2020, 4, 1, 2, 30, tzinfo=LONDON)
    request = nightly_schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick))
    # The run is requested for the incomplete extract so that it fails and alerts, never falling back.
    assert request.run_requests[0].tags[EXTRACT_DATE_TAG] == "2020-03-31"


def test_schedule_skips_when_landing_zone_empty(landing):
    result = nightly_schedule.evaluate_tick(dg.build_schedule_context())
    assert not result.run_requests and "no extract folder" in result.skip_message

"""How figures are written for Excel and for people (issue 23): the number formats, the sheet-name rule within
Excel's 31 characters, and numerators / denominators under team figures. Hand-written expectations."""

import pytest

from dagster_project.reports.formatting import count_text
from dagster_project.reports.xlsx import measure_sheet_text, number_pattern, sheet_name

pytestmark = pytest.mark.fast


def test_percentages_show_a_percent_sign_on_the_marts_scale_and_counts_are_whole():
    assert number_pattern("percent", 0) == '#,##0.0"%"'  # always 1 place, the value stays 0-100
    assert number_pattern("count", 0) == "#,##0"
    assert number_pattern("average", 1) == "#,##0.0"


def test_sheet_names_drop_whole_words_never_cut_one():
    used: set[str] = set()
    assert sheet_name(measure_sheet_text("Team", "workers_over_max_caseload_pct"), used) == (
        "Team workers over max caseload"
    )
    long = sheet_name("Team children in need plans started in the period by age band", used)
    assert long == "Team children in need plans" and len(long) <= 31
    assert sheet_name("Team children in need plans", used) == "Team children in need plans 2"
    assert sheet_name("Visits: [overdue]/due?", used) == "Visits overdue due"


def test_counts_are_whole_when_they_are_and_one_place_otherwise():
    assert count_text(57.99999999999999) == "58"  # an FTE sum as the marts hold it
    assert count_text(1014) == "1,014"
    assert count_text(8.6) == "8.6"
    assert count_text(None) == ""

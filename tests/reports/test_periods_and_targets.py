"""Periods (complete months only, month to date apart, quarters, as-at) and the targets file."""

import datetime as dt

import pytest

from dagster_project.reports.periods import monthly_view, months_before
from dagster_project.reports.targets import DEFAULT_TARGETS_FILE, Target, TargetsFileError, load_targets, target_for

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

D = dt.date


def months(last: dt.date, count: int, partial: dt.date | None = None):
    dates = [(months_before(last, n), True) for n in range(count - 1, -1, -1)]
    return dates + ([(partial, False)] if partial else [])


def test_the_partial_month_is_never_the_latest_month():
    view = monthly_view(months(D(2019, 2, 28), 20, partial=D(2019, 3, 1)))
    assert view.latest == D(2019, 2, 28)
    assert view.month_to_date == D(2019, 3, 1)
    assert view.previous == D(2019, 1, 31)
    assert view.three_months_earlier == D(2018, 11, 30)
    assert view.twelve_months_earlier == D(2018, 2, 28)
    assert len(view.trend) == 13 and view.trend[0] == D(2018, 2, 28) and view.trend[-1] == D(2019, 2, 28)


def test_no_month_to_date_when_the_extract_ends_a_month():
    view = monthly_view(months(D(2020, 3, 31), 15))
    assert view.latest == D(2020, 3, 31)
    assert view.month_to_date is None


def test_quarterly_view_is_the_last_five_quarter_end_months():
    view = monthly_view(months(D(2019, 2, 28), 24, partial=D(2019, 3, 1)))
    assert view.quarters == (D(2017, 12, 31), D(2018, 3, 31), D(2018, 6, 30), D(2018, 9, 30), D(2018, 12, 31))


def test_as_at_reports_an_earlier_stored_month_without_month_to_date():
    view = monthly_view(months(D(2019, 2, 28), 24, partial=D(2019, 3, 1)), as_at=D(2018, 9, 12))
    assert view.latest == D(2018, 9, 30)
    assert view.month_to_date is None
    assert view.quarters[-1] == D(2018, 9, 30)


def test_as_at_the_partial_month_falls_back_to_the_last_complete_one():
    view = monthly_view(months(D(2019, 2, 28), 24, partial=D(2019, 3, 1)), as_at=D(2019, 3, 1))
    assert view.latest == D(2019, 2, 28)


def test_no_complete_month_is_a_clear_error():
    with pytest.raises(ValueError, match="no complete month"):
        monthly_view([(D(2019, 3, 1), False)])


def test_shipped_targets_are_the_councils_december_2018_positions():
    targets = {t.measure: t for t in load_targets(DEFAULT_TARGETS_FILE)}
    assert {m: t.target for m, t in targets.items()} == {
        "cp_visits_in_time_pct": 85,
        "cla_visits_in_time_pct": 74,
        "cin_visits_in_time_pct": 59,
        "assessments_in_time_pct": 100,
        "workers_over_max_caseload_pct": 0,
    }
    assert all(t.tolerance == 5 for t in targets.values())


def test_effective_from_changes_a_target_without_rewriting_history():
    targets = [
        Target("cp_visits_in_time_pct", 85, 5, None),
        Target("cp_visits_in_time_pct", 90, 3, D(2019, 4, 1)),
    ]
    assert target_for(targets, "cp_visits_in_time_pct", D(2019, 3, 31)).target == 85
    assert target_for(targets, "cp_visits_in_time_pct", D(2019, 4, 1)).target == 90
    assert target_for(targets, "re_referrals_pct", D(2019, 4, 1)) is None


def test_targets_file_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "targets.csv"
    path.write_text("measure,target,tolerance,effective_from\nre_referrals_pct,20,2,2018-01-01\n")
    monkeypatch.setenv("CSC_TARGETS_FILE", str(path))
    assert load_targets() == [Target("re_referrals_pct", 20.0, 2.0, D(2018, 1, 1))]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("no_such_measure,1,1,", "line 2, column measure"),
        ("re_referrals_pct,twenty,1,", "line 2, column target"),
        ("re_referrals_pct,20,-1,", "line 2, column tolerance"),
        ("re_referrals_pct,20,1,01/04/2019", "line 2, column effective_from"),
    ],
)
def test_bad_targets_file_names_the_file_row_and_column(tmp_path, row, message):
    path = tmp_path / "targets.csv"
    path.write_text("measure,target,tolerance,effective_from\n" + row + "\n")
    with pytest.raises(TargetsFileError, match=message) as error:
        load_targets(path)
    assert str(path) in str(error.value)

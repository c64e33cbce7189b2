"""THE acceptance test: the conformance extract's marts.scorecard equals the expected scorecards (v1 and v2) on
every cell of every measure they cover; measures they do not cover are reported, not failed."""

from __future__ import annotations

import duckdb

from dagster_project.catalogue import measure_names
from tests.transform.conftest import EXPECTED_SCORECARDS
from tests.transform.scorecard_compare import differences, measures_without_expectations, read_actual, read_expected

# The published interface: these names are fixed, in this order; columns may be added after them.
PUBLISHED_COLUMNS = {
    "scorecard": "period_type as_at_date measure numerator denominator value extract_date run_id",
    "assessment_timeliness": "assessment_id child_id referral_id referral_date start_date authorised_date "
    "working_days in_time duration_band team_id worker_id",
    "visit_timeliness": "period_type as_at_date visit_type child_id base_date last_visit_date due_date in_time "
    "days_overdue team_id worker_id",
    "caseload": "period_type as_at_date worker_id team_id service_area employment_type fte caseload "
    "fte_adjusted_caseload over_max",
    "measures": "measure title definition kind unit polarity decimals family breakdown standard",
}


def test_scorecard_equals_expected_on_every_cell(conformance_warehouse):
    expected = {}
    for path in EXPECTED_SCORECARDS:
        expected.update(read_expected(path))
    with duckdb.connect(str(conformance_warehouse.path), read_only=True) as conn:
        actual = read_actual(conn)
    assert len(expected) == 1690 + 650
    problems = differences(expected, actual)
    assert not problems, f"{len(problems)} cells differ, first ones:\n" + "\n".join(problems[:30])
    unchecked = measures_without_expectations(expected, actual)
    print(f"measures with no expected values (not compared): {', '.join(unchecked) or 'none'}")
    print(f"dbt build of the conformance extract: {conformance_warehouse.build_seconds:.1f}s")


def test_scorecard_has_exactly_the_catalogue_measures(conformance_warehouse):
    with duckdb.connect(str(conformance_warehouse.path), read_only=True) as conn:
        in_scorecard = {r[0] for r in conn.execute("select distinct measure from marts.scorecard").fetchall()}
        published = {r[0] for r in conn.execute("select measure from marts.measures").fetchall()}
    assert in_scorecard == set(measure_names()) == published


def test_scorecard_carries_extract_date_and_run_id(conformance_warehouse):
    with duckdb.connect(str(conformance_warehouse.path), read_only=True) as conn:
        rows = conn.execute("select distinct cast(extract_date as varchar), run_id from marts.scorecard").fetchall()
    assert rows == [("2020-03-31", "conformance")]


def test_marts_have_the_published_columns(conformance_warehouse):
    with duckdb.connect(str(conformance_warehouse.path), read_only=True) as conn:
        for table, columns in PUBLISHED_COLUMNS.items():
            actual = [r[0] for r in conn.execute(f"describe marts.{table}").fetchall()]
            assert actual[: len(columns.split())] == columns.split(), table


def test_only_the_extracts_own_partial_period_is_marked_incomplete(conformance_warehouse):
    with duckdb.connect(str(conformance_warehouse.path), read_only=True) as conn:
        incomplete = conn.execute(
            "select distinct period_type, strftime(as_at_date, '%Y-%m-%d') from marts.scorecard "
            "where not is_complete_period"
        ).fetchall()
        flags = conn.execute("select count(distinct is_complete_period) from marts.scorecard").fetchone()[0]
    # The extract date 2020-03-31 is a month-end but a Tuesday: only its week is partial.
    assert incomplete == [("week", "2020-03-31")]
    assert flags == 2


def test_child_level_marts_cover_month_ends_13_sundays_and_extract_date(conformance_warehouse):
    with duckdb.connect(str(conformance_warehouse.path), read_only=True) as conn:
        weeks = conn.execute(
            "select distinct as_at_date from marts.visit_timeliness where period_type = 'week' order by 1"
        ).fetchall()
        months = conn.execute("select count(distinct as_at_date) from marts.caseload where period_type = 'month'")
        month_count = months.fetchone()[0]
        personal = conn.execute(
            "select count(*) from information_schema.columns where table_schema = 'marts' "
            "and column_name in ('forename', 'surname', 'postcode', 'worker_name', 'date_of_birth')"
        ).fetchone()[0]
    # 13 most recent Sundays + the partial week ending on the extract date (a Tuesday).
    assert len(weeks) == 14 and str(weeks[-1][0]) == "2020-03-31" and str(weeks[-2][0]) == "2020-03-29"
    assert month_count == 24  # April 2018 .. March 2020
    assert personal == 0


def test_visit_rows_agree_with_the_scorecard(conformance_warehouse):
    with duckdb.connect(str(conformance_warehouse.path), read_only=True) as conn:
        mismatches = conn.execute(
            """
            with child_counts as (
                select period_type, as_at_date, lower(visit_type) || '_visits_in_time_pct' as measure,
                       count(*) filter (where in_time) as in_time, count(*) as children
                from marts.visit_timeliness group by all
            )
            select count(*) from child_counts
            join marts.scorecard using (period_type, as_at_date, measure)
            where numerator <> in_time or denominator <> children
            """
        ).fetchone()[0]
    assert mismatches == 0

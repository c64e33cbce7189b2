"""Small-number suppression: primary (1 to 5, 0 shown), ratios on numerator or denominator, and the secondary
case where one hidden cell of a line could be derived from the total."""

import pytest

from dagster_project.reports.suppression import (
    OTHER_LABEL,
    cell_size,
    merged_value,
    primary_suppressed,
    secondary_suppression,
    too_small_to_show,
)

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


@pytest.mark.parametrize(
    ("numerator", "expected"), [(0, False), (1, True), (5, True), (6, False), (None, False), (120, False)]
)
def test_counts_from_1_to_5_are_suppressed_and_0_is_shown(numerator, expected):
    assert primary_suppressed("count", numerator, 1) is expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 0, False),  # no data, nothing to protect
        (0, 10, False),
        (3, 10, True),  # small numerator
        (6, 6, False),
        (5, 40, True),
        (9, 5, True),  # small denominator (an impossible ratio, still suppressed)
        (4, 4, True),
        (6, 7, False),
        (0, 3, True),  # 0 of 3 children: the denominator identifies them
    ],
)
def test_ratios_suppressed_on_numerator_or_denominator(numerator, denominator, expected):
    assert primary_suppressed("percent", numerator, denominator) is expected


def test_average_with_a_small_fte_denominator_is_suppressed():
    assert primary_suppressed("average", 40, 2.5)
    assert primary_suppressed("average", 40, 0.5)
    assert not primary_suppressed("average", 140, 7.5)


def test_secondary_suppresses_the_next_smallest_non_zero_cell_of_a_line():
    # one column of four service areas: sizes 3 (suppressed), 0, 12, 40
    sizes = [3, 0, 12, 40]
    flags = secondary_suppression([[0, 1, 2, 3]], sizes, [True, False, False, False])
    assert flags == [True, False, True, False]  # 12 hidden too; the zero cell is never the partner


def test_secondary_leaves_a_line_with_two_hidden_cells_alone():
    flags = secondary_suppression([[0, 1, 2]], [3, 4, 50], [True, True, False])
    assert flags == [True, True, False]


def test_secondary_with_nothing_to_pair_leaves_the_line():
    # the only other non-zero cell does not exist: nothing more can be hidden
    assert secondary_suppression([[0, 1]], [2, 0], [True, False]) == [True, False]


def test_secondary_repeats_across_crossing_lines_until_stable():
    # a 2 x 2 grid with row and column totals: hiding (0,0) pulls in (0,1) via the row, which leaves column 1
    # with one hidden cell, which pulls in (1,1); then column 0 still has one hidden cell: (1,0) follows
    sizes = [2, 10, 20, 30]  # row-major: (0,0) (0,1) / (1,0) (1,1)
    rows, columns = [[0, 1], [2, 3]], [[0, 2], [1, 3]]
    flags = secondary_suppression(rows + columns, sizes, [True, False, False, False])
    assert flags == [True, True, True, True]
    for line in rows + columns:
        assert sum(flags[i] for i in line) != 1


def test_cell_size_is_the_count_a_reader_could_derive():
    assert cell_size("count", 4, 1) == 4
    assert cell_size("percent", 3, 40) == 40
    assert cell_size("percent", None, None) == 0


# --- categories too small to show (issue 23) ---


def test_a_category_is_too_small_to_show_when_every_cell_is_suppressed_or_empty():
    assert too_small_to_show("percent", [(1, 1), None, (0, 0)])  # 1 of 1; no figure; no children
    assert too_small_to_show("count", [(3, None), (0, None)])
    assert not too_small_to_show("percent", [(1, 1), (60, 70)])  # one cell shows
    assert not too_small_to_show("count", [(6, None)])


def test_a_merged_row_recomputes_its_figure_from_the_summed_parts():
    assert merged_value("percent", 3, 4) == 75.0
    assert merged_value("average", 45, 2.5) == 18.0
    assert merged_value("count", 7, None) == 7
    assert merged_value("percent", 0, 0) is None


def _committee_breakdown(cells: dict[str | None, tuple[float, float]]):
    """The committee's service-area rows of one month for cp_visits_in_time_pct from constructed figures (the
    council figure their sum, as the marts hold it)."""
    import datetime as dt

    from dagster_project.catalogue import load_measures
    from dagster_project.reports.published import Figure, PublishedData
    from dagster_project.reports.scorecard import COMMITTEE, _breakdown

    measure = next(m for m in load_measures() if m.measure == "cp_visits_in_time_pct")
    month = dt.date(2020, 3, 31)
    by_area = {(measure.measure, month, a): Figure(n, d, 100 * n / d if d else None) for a, (n, d) in cells.items()}
    n, d = (sum(v[i] for v in cells.values()) for i in (0, 1))
    council = {(measure.measure, month): Figure(n, d, 100 * n / d)}
    data = PublishedData(month, "run", (measure,), [(month, True)], council, by_area, {}, {}, {}, (0, 0, 0))
    rows = _breakdown(measure, data, [month], [], COMMITTEE)
    return {r.label: (r.cells[0].numerator, r.cells[0].denominator, r.cells[0].text) for r in rows}


def test_no_team_merged_with_a_small_area_can_be_shown_so_nothing_large_is_hidden():
    # No team 3 of 4, Assessment 2 of 3 and Leaving care 1 of 2 are each small; merged, 6 of 9 shows, and Child
    # protection 134 of 170 stays shown either way
    rows = _committee_breakdown({"CP_COURT": (134, 170), "ASSESSMENT": (2, 3), "LEAVING_CARE": (1, 2), None: (3, 4)})
    assert rows["Child protection and court"] == (134, 170, "78.8%")
    assert rows[OTHER_LABEL] == (6, 9, "66.7%")
    assert "No team" not in rows


def test_when_merging_hides_more_the_rows_stay_as_they_are():
    # two small cells hide each other (two hidden in the column: neither can be derived); merged, 3 of 3 would be
    # one small cell and force Child protection to be hidden too: the rows are kept apart
    rows = _committee_breakdown({"CP_COURT": (134, 170), "ASSESSMENT": (1, 1), None: (2, 2)})
    assert rows["Child protection and court"][2] == "78.8%"
    assert rows["Assessment"][2] == rows["No team"][2] == "c"


def test_secondary_hides_the_smallest_complementary_cell_not_the_largest():
    # Other (No team 1 of 1) is small; of the shown areas, Child in need (30) is the smallest: it is hidden,
    # Child protection (170) is not
    rows = _committee_breakdown({"CP_COURT": (134, 170), "CIN": (25, 30), None: (1, 1)})
    assert rows[OTHER_LABEL][2] == "c"
    assert rows["Child in need"][2] == "c"
    assert rows["Child protection and court"][2] == "78.8%"

"""Small-number suppression: primary (1 to 5, 0 shown), ratios on numerator or denominator, and the secondary
case where one hidden cell of a line could be derived from the total."""

import pytest

from dagster_project.reports.suppression import cell_size, primary_suppressed, secondary_suppression

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

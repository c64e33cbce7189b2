"""RAG at every boundary, both polarities, NULL values and missing targets; direction through the polarity
and the stable band."""

import pytest

from dagster_project.reports.direction import direction
from dagster_project.reports.rag import AMBER, GREEN, NO_DATA, RED, rag

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, GREEN),
        (85.0, GREEN),  # exactly the target
        (84.999, AMBER),
        (80.0, AMBER),  # exactly target - tolerance
        (79.999, RED),
        (0.0, RED),
    ],
)
def test_higher_is_better_boundaries(value, expected):
    assert rag(value, 85.0, 5.0, "higher_is_better") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, GREEN),
        (10.0, GREEN),  # exactly the target
        (10.001, AMBER),
        (15.0, AMBER),  # exactly target + tolerance
        (15.001, RED),
        (100.0, RED),
    ],
)
def test_lower_is_better_boundaries(value, expected):
    assert rag(value, 10.0, 5.0, "lower_is_better") == expected


def test_zero_target_lower_is_better_like_workers_over_the_maximum():
    assert rag(0.0, 0.0, 5.0, "lower_is_better") == GREEN
    assert rag(5.0, 0.0, 5.0, "lower_is_better") == AMBER
    assert rag(5.1, 0.0, 5.0, "lower_is_better") == RED


def test_zero_tolerance_has_no_amber():
    assert rag(99.9, 100.0, 0.0, "higher_is_better") == RED
    assert rag(100.0, 100.0, 0.0, "higher_is_better") == GREEN


@pytest.mark.parametrize("polarity", ["higher_is_better", "lower_is_better"])
def test_null_value_is_no_data_not_red(polarity):
    assert rag(None, 85.0, 5.0, polarity) == NO_DATA


@pytest.mark.parametrize("polarity", ["higher_is_better", "lower_is_better", "neutral"])
def test_no_target_no_rag(polarity):
    assert rag(50.0, None, 5.0, polarity) is None
    assert rag(None, None, 5.0, polarity) is None


def test_neutral_measure_never_gets_a_rag():
    assert rag(50.0, 40.0, 5.0, "neutral") is None


def test_unknown_polarity_is_an_error():
    with pytest.raises(ValueError, match="polarity"):
        rag(1.0, 1.0, 0.0, "sideways")


@pytest.mark.parametrize(
    ("current", "earlier", "polarity", "unit", "expected"),
    [
        (86.0, 85.0, "higher_is_better", "percent", "improving"),  # exactly the 1-point band: moves
        (85.99, 85.0, "higher_is_better", "percent", "stable"),  # just inside the band
        (84.0, 85.0, "higher_is_better", "percent", "worsening"),
        (84.0, 85.0, "lower_is_better", "percent", "improving"),
        (86.0, 85.0, "lower_is_better", "percent", "worsening"),
        (17.5, 18.0, "lower_is_better", "average", "improving"),  # exactly the 0.5 band
        (17.6, 18.0, "lower_is_better", "average", "stable"),
        (7.0, 6.0, "lower_is_better", "count", "worsening"),  # counts: any change moves
        (6.0, 6.0, "lower_is_better", "count", "stable"),
        (30.0, 20.0, "neutral", "percent", "up"),
        (20.0, 30.0, "neutral", "percent", "down"),
        (20.5, 20.0, "neutral", "percent", "stable"),
        (None, 20.0, "higher_is_better", "percent", "no data"),
        (20.0, None, "higher_is_better", "percent", "no data"),
    ],
)
def test_direction(current, earlier, polarity, unit, expected):
    assert direction(current, earlier, polarity, unit) == expected

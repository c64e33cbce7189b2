"""Small-number suppression for open outputs (the DfE's practice for children's social care statistics).

Primary: a count from 1 to 5 is shown as "c"; a percentage or average whose numerator or denominator is
from 1 to 5 is "c"; 0 is shown as 0. An FTE denominator is small when it is above 0 and at most 5.
Secondary: in a breakdown shown with its total, when exactly one cell of a line (the cells that add up to a
total) is suppressed, the next smallest non-zero cell of that line is suppressed too, so the hidden one
cannot be found by subtraction; repeated until nothing changes. Applied at rendering time only: the marts
stay complete. Pure Python.

Before suppressing (issue 23), a breakdown's categories that are too small to show — "No team", and any category
whose every cell shown is suppressed on its own or empty — are merged into one "Other or unrecorded" row, so a
one-child cell does not force secondary suppression onto the large cell beside it as often: the merged row may
be large enough to show, and when it is not, the smallest complementary cell is the one hidden.
"""

from __future__ import annotations

from collections.abc import Sequence

SUPPRESSED = "c"
SMALL_MAX = 5


def _small(number: float | None) -> bool:
    return number is not None and 0 < number <= SMALL_MAX


def primary_suppressed(unit: str, numerator: float | None, denominator: float | None) -> bool:
    """Whether a cell is suppressed on its own. For a count the figure is the numerator."""
    if unit == "count":
        return _small(numerator)
    return _small(numerator) or _small(denominator)


def cell_size(unit: str, numerator: float | None, denominator: float | None) -> float:
    """What secondary suppression orders cells by: the count a reader could derive (a count's value, a
    ratio's denominator)."""
    return (numerator if unit == "count" else denominator) or 0.0


OTHER_LABEL = "Other or unrecorded"


def too_small_to_show(unit: str, figures: Sequence[tuple[float | None, float | None] | None]) -> bool:
    """A category whose every cell (numerator, denominator) is suppressed on its own or empty (no figure or
    a zero size): merged into "Other or unrecorded" before suppressing."""
    return all(f is None or primary_suppressed(unit, f[0], f[1]) or not cell_size(unit, f[0], f[1]) for f in figures)


def merged_value(unit: str, numerator: float | None, denominator: float | None) -> float | None:
    """The figure of a merged row from its summed numerator and denominator: a count is its numerator, a
    percentage 100 x numerator / denominator, an average numerator / denominator (None when the denominator
    is 0)."""
    if unit == "count":
        return numerator
    if not denominator:
        return None
    return (numerator or 0.0) / denominator * (100.0 if unit == "percent" else 1.0)


def secondary_suppression(
    lines: Sequence[Sequence[int]], sizes: Sequence[float], suppressed: Sequence[bool]
) -> list[bool]:
    """`lines`: groups of cell indexes that add up to a total shown beside them (a column of service areas
    under the council figure, say). Returns the suppression flags with secondary suppression applied."""
    flags = list(suppressed)
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [i for i in line if flags[i]]
            if len(hidden) != 1:
                continue
            candidates = [i for i in line if not flags[i] and sizes[i] > 0]
            if candidates:
                flags[min(candidates, key=lambda i: (sizes[i], i))] = True
                changed = True
    return flags

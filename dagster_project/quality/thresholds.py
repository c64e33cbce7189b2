"""Data-quality thresholds, read from the environment (documented in great_expectations/README.md)."""

from __future__ import annotations

import os


def _share(name: str, default: float) -> float:
    value = float(os.environ.get(name) or default)
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be a share between 0 and 1, got {value}")
    return value


def block_share() -> float:
    """A rule failing on more than this share of a file's rows blocks the run (marts not published)."""
    return _share("CSC_DQ_BLOCK_SHARE", 0.05)


def warn_share() -> float:
    """A rule failing on more than this share of rows fails the (non-blocking) row-level check with WARN."""
    return _share("CSC_DQ_WARN_SHARE", 0.01)


def jump_threshold() -> float:
    """A relative change vs the previous extract above this blocks the run (implausible jump)."""
    return _share("CSC_DQ_JUMP_THRESHOLD", 0.25)


def jump_min_change() -> int:
    """A change of fewer records than this is never an implausible jump on its own: a small file (a few UASC
    children, a handful of teams) moves by more than the share between two extracts as a matter of course."""
    value = int(os.environ.get("CSC_DQ_JUMP_MIN_CHANGE") or 10)
    if value < 0:
        raise ValueError(f"CSC_DQ_JUMP_MIN_CHANGE must be 0 or more, got {value}")
    return value


def implausible_jump(before: int | float | None, after: int | float | None) -> bool:
    """A count moved by more than the jump share of its previous value and by at least the minimum change."""
    if not before or after is None:
        return False
    change = abs(after - before)
    return change / before > jump_threshold() and change >= jump_min_change()

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

"""Named random streams: each part of the simulation draws from its own stream, derived only from the
seed and the part's name, so adding draws in one part never shifts another (and never depends on
the extract date)."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *names: str | int) -> np.random.Generator:
    key = [int(seed)] + [zlib.crc32(str(n).encode()) for n in names]
    return np.random.default_rng(np.random.SeedSequence(key))


def choice_by_weight(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    """Codes drawn with the given relative weights (object array of str)."""
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=p / p.sum())]

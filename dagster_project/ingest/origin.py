"""Where an extract came from: the generator marks the extracts it writes as synthetic.

The marker is a small JSON file, `_synthetic.json`, inside the extract folder. Ingest reads only the
export files the contract names, so files starting with `_` or `.` (markers, descriptors) never load.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import json
from pathlib import Path

SYNTHETIC_MARKER = "_synthetic.json"
SYNTHETIC = "synthetic"
REAL = "real"


def mark_synthetic(folder: Path, **details) -> Path:
    """Mark an extract folder as written by the generator (seed, preset... in `details`)."""
    marker = Path(folder) / SYNTHETIC_MARKER
    marker.write_text(json.dumps({"synthetic": True, **details}, sort_keys=True, default=str) + "\n", "utf-8")
    return marker


def extract_origin(folder: Path) -> str:
    """ "synthetic" when the generator wrote the extract, else "real"."""
    return SYNTHETIC if (Path(folder) / SYNTHETIC_MARKER).is_file() else REAL


def origin_label(origin: str | None) -> str:
    """Words for people: "synthetic data" or "real data"."""
    return "synthetic data" if origin == SYNTHETIC else "real data"

"""Reading an extract back as strings, parsing dates either way (ISO or UK)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from dagster_project.contract.model import load_contract

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def read(folder: Path, name: str, encoding: str = "utf-8") -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""], encoding=encoding)


def parse(values) -> np.ndarray:
    """ISO or UK date strings -> datetime64[D]; anything else NaT."""
    out = []
    for v in values:
        v = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        if ISO.match(v):
            out.append(np.datetime64(v, "D") if _valid(v[0:4], v[5:7], v[8:10]) else np.datetime64("NaT"))
        elif UK.match(v):
            out.append(np.datetime64(f"{v[6:10]}-{v[3:5]}-{v[0:2]}", "D") if _valid(v[6:10], v[3:5], v[0:2])
                       else np.datetime64("NaT"))  # fmt: skip
        else:
            out.append(np.datetime64("NaT"))
    return np.array(out, dtype="datetime64[D]")


def _valid(y, m, d) -> bool:
    try:
        np.datetime64(f"{y}-{m}-{d}", "D")
        return 1 <= int(m) <= 12
    except ValueError:
        return False


def all_files(folder: Path, encoding: str = "utf-8") -> dict[str, pd.DataFrame]:
    """Every contract file the folder holds (optional files only when generated with optional_files)."""
    files = load_contract().files.values()
    return {f.name: read(folder, f.name, encoding) for f in files if (Path(folder) / f.file_name).is_file()}

"""Formatting typed frames as contract strings and writing them as CSV (comma, header, double-quote
quoting only where needed, `\\n` line ends), chunk by chunk into one open file."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from dagster_project.contract.model import ExportFile

_UK_ORDER = [8, 9, 7, 5, 6, 4, 0, 1, 2, 3]  # from "YYYY-MM-DD" take DD, '/', MM, '/', YYYY


def format_dates(values, date_format: str) -> np.ndarray:
    """datetime64 values -> 'YYYY-MM-DD' or 'DD/MM/YYYY' strings (object array, None for NaT)."""
    d = np.asarray(values).astype("datetime64[D]")
    iso = np.datetime_as_string(d, unit="D").astype("<U10")
    if date_format == "uk":
        chars = iso.view("<U1").reshape(-1, 10)[:, _UK_ORDER].copy()
        chars[:, 2] = chars[:, 5] = "/"
        iso = chars.view("<U10").reshape(-1)
    out = iso.astype(object)
    out[np.isnat(d)] = None
    return out


def us_date(value: np.datetime64) -> str:
    """MM/DD/YYYY: what the contract never accepts (used to inject the us_date_format defect)."""
    s = str(np.datetime64(value, "D"))
    return f"{s[5:7]}/{s[8:10]}/{s[0:4]}"


def to_strings(df: pd.DataFrame, export: ExportFile, date_format: str) -> pd.DataFrame:
    """Contract columns in contract order, every value a str or None."""
    out = {}
    for col in export.columns:
        s = df[col.name]
        if col.type == "date":
            out[col.name] = format_dates(s.to_numpy(), date_format)
        elif col.type == "decimal":
            out[col.name] = np.array([None if pd.isna(v) else f"{v:g}" for v in s.to_numpy()], dtype=object)
        else:
            v = s.to_numpy(dtype=object, na_value=None)
            out[col.name] = v
    return pd.DataFrame(out, dtype=object)


class CsvOut:
    """One CSV file written in chunks; counts rows so line numbers can be reported (header = line 1)."""

    def __init__(self, path: Path, columns: list[str], encoding: str):
        self.path = path
        self.rows = 0
        self._f: TextIO = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115 - closed in close()
        self._w = csv.writer(self._f, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        self._w.writerow(columns)

    def write(self, strings: pd.DataFrame) -> None:
        self._w.writerows(strings.itertuples(index=False, name=None))
        self.rows += len(strings)

    def close(self) -> None:
        self._f.close()

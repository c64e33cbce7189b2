"""Compares a marts.scorecard against the expected conformance CSV, cell by cell."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import duckdb

KEY = ("period_type", "as_at_date", "measure")


def read_expected(path: Path) -> dict[tuple[str, str, str], tuple[float, float, float | None]]:
    with path.open(newline="") as f:
        return {
            (r["period_type"], r["as_at_date"], r["measure"]): (
                float(r["numerator"]),
                float(r["denominator"]),
                float(r["value"]) if r["value"] != "" else None,
            )
            for r in csv.DictReader(f)
        }


def read_actual(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], tuple[float, float, float | None]]:
    rows = conn.execute(
        "select period_type, strftime(as_at_date, '%Y-%m-%d'), measure, numerator, denominator, value "
        "from marts.scorecard"
    ).fetchall()
    return {(p, d, m): (n, den, v) for p, d, m, n, den, v in rows}


def measures_without_expectations(expected: dict, actual: dict) -> list[str]:
    """Measures the scorecard has but the expectations do not cover: reported, not failed (adding is allowed)."""
    return sorted({k[2] for k in actual} - {k[2] for k in expected})


def differences(expected: dict, actual: dict) -> list[str]:
    """Cell differences on the measures `expected` covers: every expected row must be there and equal, and a
    covered measure may have no extra rows. Rows of measures `expected` does not cover are not compared."""
    covered = {k[2] for k in expected}
    actual = {k: v for k, v in actual.items() if k[2] in covered}
    problems = [f"missing row {k}" for k in sorted(expected.keys() - actual.keys())]
    problems += [f"unexpected row {k}" for k in sorted(actual.keys() - expected.keys())]
    for key in sorted(expected.keys() & actual.keys()):
        (en, ed, ev), (an, ad, av) = expected[key], actual[key]
        same_value = (ev is None and av is None) or (
            ev is not None and av is not None and math.isclose(ev, av, rel_tol=0, abs_tol=1e-6)
        )
        if not (en == an and ed == ad and same_value):
            problems.append(f"{key}: expected {en}/{ed}={ev}, got {an}/{ad}={av}")
    return problems

"""Extracts generated once per test session (small scales keep the suite quick)."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.generate.extract import Options, generate

EXTRACT = dt.date(2019, 3, 1)


def _make(tmp_path_factory, label: str, **kw):
    out = tmp_path_factory.mktemp(label)
    opts = Options(out=out, extract_date=kw.pop("extract_date", EXTRACT), quiet=True, **kw)
    return generate(opts)


@pytest.fixture(scope="session")
def council_clean(tmp_path_factory):
    """The realism fixture: full council preset, no defects, with the optional files."""
    return _make(tmp_path_factory, "council_clean", defect_rate=0, optional_files=True)


@pytest.fixture(scope="session")
def defective(tmp_path_factory):
    """A small extract with many defects (5% of rows) so every kind occurs."""
    return _make(tmp_path_factory, "defective", scale=0.3, defect_rate=0.05, seed=11, optional_files=True)


@pytest.fixture(scope="session")
def uk_cp1252(tmp_path_factory):
    return _make(
        tmp_path_factory,
        "uk_cp1252",
        scale=0.2,
        encoding="cp1252",
        date_format="uk",
        defect_rate=0,
        optional_files=True,
    )


@pytest.fixture(scope="session")
def series(tmp_path_factory):
    """The same council a week apart (clean), sharing one timeline."""
    early = _make(tmp_path_factory, "series_a", scale=0.2, defect_rate=0, seed=3, optional_files=True)
    late = _make(
        tmp_path_factory, "series_b", scale=0.2, defect_rate=0, seed=3, extract_date=dt.date(2019, 3, 8),
        optional_files=True,
    )  # fmt: skip
    return early, late

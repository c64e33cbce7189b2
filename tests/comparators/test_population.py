"""The children's population behind the rates per 10,000: the ONS estimates shipped and re-imported byte for byte,
the estimate in force at a date, the synthetic council's own, and the DfE's published rate recomputed by hand."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from dagster_project.benchmarks.population import (
    PopulationImportError,
    build_population,
    load_population,
    population_periods,
    synthetic_population,
)
from dagster_project.benchmarks.snapshot import SNAPSHOT_DIR, load_snapshot
from dagster_project.benchmarks.table import council_population

pytestmark = pytest.mark.fast

D = dt.date
MIRROR = "/work/.mirror/dfe-analytical-services+CSC_outcomes_and_enablers/repo"
ONS_FILE = "ons_mid-year_population_estimates_2012_to_2024.csv"


def test_the_ons_file_reproduces_the_shipped_population_byte_for_byte(tmp_path):
    try:
        data = subprocess.run(
            ["git", "-C", MIRROR, "show", f"HEAD:data-raw/{ONS_FILE}"], capture_output=True, check=True
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip("the DfE's CSC_outcomes_and_enablers data is not on this machine")
    (tmp_path / ONS_FILE).write_bytes(data)
    for name, text in build_population(tmp_path / ONS_FILE).items():
        assert text.encode("utf-8") == (SNAPSHOT_DIR / name).read_bytes(), name


def test_a_file_of_another_shape_is_refused_in_one_line(tmp_path):
    wrong = tmp_path / "population.csv"
    wrong.write_text("year,population\n2024,1\n", encoding="utf-8")
    with pytest.raises(PopulationImportError) as refused:
        build_population(wrong)
    assert "\n" not in str(refused.value) and "time_period" in str(refused.value)


def test_the_estimate_in_force_is_the_latest_june_before_the_date():
    periods = population_periods({2023: 100, 2024: 200})
    assert periods == [(D.min, D(2024, 6, 30), 100), (D(2024, 6, 30), D.max, 200)]

    def at(day):
        return next(p for start, end, p in periods if start <= day < end)

    assert at(D(2025, 3, 31)) == 200  # 31 March 2025: the mid-2024 estimate
    assert at(D(2024, 6, 29)) == 100 and at(D(2024, 6, 30)) == 200
    assert at(D(2010, 1, 1)) == 100  # before the first estimate: the earliest


def test_the_dfe_rate_is_recomputed_from_the_shipped_population():
    """Herefordshire: 139 children on a plan at 31 March 2025 (DfE CPP_Num), 34,439 children at mid-2024 (ONS):
    139 / 3.4439 = 40.36, published by the DfE as 40.4 per 10,000 (CPP_rate)."""
    snapshot = load_snapshot()
    children = snapshot.values[("CPP_Num", 2025)][884]
    population = load_population()[884][2024]
    assert (children, population) == (139, 34439)
    assert round(children / (population / 10_000), 1) == snapshot.values[("CPP_rate", 2025)][884] == 40.4


def test_the_dfe_children_in_need_rate_is_recomputed_from_the_shipped_population():
    """Children in need at 31 March 2025 (the DfE's CIN census, "Characteristics of children in need",
    b1_children_in_need_2013_to_2025.csv, At31_episodes, as the CSC national framework dashboard ships it at commit
    2f5d11a): Herefordshire 1,574, England 402,400; divided by the ONS mid-2024 children (34,439 and 12,183,016):
    457.04 and 330.30, published by the DfE as 457 and 330.3 per 10,000 (CIN)."""
    snapshot = load_snapshot()
    population = load_population()
    assert (population[884][2024], population[970][2024]) == (34439, 12183016)
    assert round(1574 / (population[884][2024] / 10_000), 1) == snapshot.values[("CIN", 2025)][884] == 457.0
    assert round(402400 / (population[970][2024] / 10_000), 1) == snapshot.values[("CIN", 2025)][970] == 330.3


def test_the_synthetic_council_has_the_population_the_generator_gave_it(tmp_path, monkeypatch):
    monkeypatch.delenv("CSC_LA_CODE", raising=False)
    (tmp_path / "_synthetic.json").write_text(json.dumps({"synthetic": True, "child_population": 45000}))
    assert synthetic_population(tmp_path) == 45000
    assert council_population(None, tmp_path) == [(D.min, D.max, 45000)]
    assert council_population(None, tmp_path / "no_marker") == []  # a real extract and no council: no population


def test_the_generator_writes_the_population_into_its_marker(tmp_path):
    from dagster_project.generate.extract import Options, generate

    generate(Options(out=tmp_path, extract_date=D(2020, 3, 31), seed=3, preset="council", scale=0.05, quiet=True))
    assert synthetic_population(tmp_path / "2020-03-31") == round(45_000 * 0.05)

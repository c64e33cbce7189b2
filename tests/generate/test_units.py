"""Small pure pieces: date formatting, the cut, presets, the CLI's option names."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dagster_project.cli import main
from dagster_project.generate.calendar import default_history_start, make_frame
from dagster_project.generate.cut import cut
from dagster_project.generate.presets import resolve
from dagster_project.generate.writer import format_dates, us_date

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def test_format_dates_iso_uk_and_null():
    d = np.array(["2019-03-14", "NaT"], dtype="datetime64[D]")
    assert list(format_dates(d, "iso")) == ["2019-03-14", None]
    assert list(format_dates(d, "uk")) == ["14/03/2019", None]
    assert us_date(d[0]) == "03/14/2019"


def test_cut_drops_future_records_and_nulls_unknown_outcomes():
    df = pd.DataFrame({
        "contact_id": ["K1", "K2", "K3"],
        "contact_date": np.array(["2019-01-01", "2019-02-27", "2019-03-02"], "datetime64[D]"),
        "decision_date": np.array(["2019-01-02", "2019-03-05", "2019-03-02"], "datetime64[D]"),
        "outcome": np.array(["NFA", "REFERRAL", "NFA"], dtype=object),
    })  # fmt: skip
    out = cut("contacts", df, np.datetime64("2019-03-01"))
    assert list(out.contact_id) == ["K1", "K2"]
    assert out.outcome.isna().tolist() == [False, True]
    assert out.decision_date.isna().tolist() == [False, True]


def test_timeline_frame_depends_only_on_extract_year():
    assert (
        default_history_start(dt.date(2019, 3, 1))
        == default_history_start(dt.date(2019, 12, 31))
        == dt.date(2016, 1, 1)
    )
    f = make_frame(dt.date(2016, 1, 1))
    assert str(f.horizon) == "2020-12-31"


def test_scale_multiplies_the_preset():
    council, double = resolve("council"), resolve("council", 2)
    assert double.referrals_per_year == 2 * council.referrals_per_year
    assert resolve("large").referrals_per_year == 10 * council.referrals_per_year
    with pytest.raises(ValueError):
        resolve("council", 0)


def test_cli_options_and_extract_outside_timeline(tmp_path, capsys):
    args = ["generate", "--preset", "council", "--scale", "0.05", "--extract-date", "2019-03-01", "--seed", "7",
            "--out", str(tmp_path), "--defect-rate", "0", "--encoding", "utf-8-sig", "--date-format", "uk",
            "--history-start", "2016-01-01", "--quiet"]  # fmt: skip
    assert main(args) == 0
    assert (tmp_path / "2019-03-01" / "visits.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM once
    assert (tmp_path / "2019-03-01.defects.csv").exists()
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir()), "temporary folder left behind"
    with pytest.raises(ValueError, match="outside the simulated timeline"):
        main(args[:6] + ["2025-01-01"] + args[7:])


def test_big_presets_are_written_as_several_areas_with_unique_ids(tmp_path, monkeypatch):
    from dagster_project.generate import extract
    from tests.generate.checks import all_files

    monkeypatch.setattr(extract, "REGION_REFERRALS", 250)  # 450 referrals a year -> 2 areas
    assert len(extract.regions(resolve("council", 0.3), 7)) == 2
    res = extract.generate(extract.Options(out=tmp_path, extract_date=dt.date(2019, 3, 1), scale=0.3, quiet=True,
                                           defect_rate=0))  # fmt: skip
    files = all_files(res.folder)
    c = extract.load_contract()
    for name, export in c.files.items():
        if export.optional:
            assert name not in files  # not asked for: not written
            continue
        assert files[name][export.primary_key].is_unique, name
        for col in export.columns:
            if col.references:
                target = set(files[col.referenced_file][col.referenced_column])
                assert files[name][col.name].dropna().isin(target).all(), f"{name}.{col.name}"
    assert len(files["teams"]) == 2 * sum(resolve("council", 0.15).teams_per_area.values())


def test_per_kind_weights_select_the_defects(tmp_path):
    from dagster_project.generate.extract import Options, generate

    res = generate(Options(out=tmp_path, extract_date=dt.date(2019, 3, 1), scale=0.05, quiet=True, defect_rate=0.02,
                           defect_weights={"text_in_date": 1, "orphan_reference": 0}))  # fmt: skip
    kinds = set(pd.read_csv(res.manifest).defect_kind)
    assert kinds == {"text_in_date"}

"""`csc benchmarks import`: the snapshot is rebuilt byte for byte from LAIT's data; unknown shapes are refused in
one line; a refresh reports what changed.

The byte-for-byte check on LAIT's real files needs them: set CSC_LAIT_DIR to LAIT's `01_data/02_prod/` folder
(the repository's mirror is used when present). The round trip below needs nothing: it writes LAIT-shaped files
(parquet with LAIT's columns, stored floats such as 84.600000000000009, '-' for no figure, extra indicators and
years of the wrong kind, the data dictionary and the neighbours workbook laid out as LAIT's are) from the shipped
snapshot and imports them.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from dagster_project.benchmarks.lait_import import LaitImportError, canonical_value, import_snapshot
from dagster_project.benchmarks.snapshot import SNAPSHOT_DIR
from dagster_project.settings import PROJECT_ROOT

pytestmark = pytest.mark.fast

MIRROR = Path("/work/.mirror/dfe-analytical-services+local-authority-interactive-tool/repo")
SNAPSHOT_FILES = ("values.csv", "areas.csv", "indicators.csv", "statistical_neighbours.csv", "source.txt")


def _lait_dir() -> Path | None:
    if os.environ.get("CSC_LAIT_DIR"):
        return Path(os.environ["CSC_LAIT_DIR"])
    return None


@pytest.fixture(scope="module")
def lait_folder(tmp_path_factory) -> Path:
    """LAIT's real data folder: CSC_LAIT_DIR, or the three files read out of the local mirror of its repository."""
    folder = _lait_dir()
    if folder:
        return folder
    if not MIRROR.exists():
        pytest.skip("LAIT's data is not on this machine: set CSC_LAIT_DIR to its 01_data/02_prod/ folder")
    folder = tmp_path_factory.mktemp("lait")
    for name in ("bds_long_0.parquet", "lait_data_dictionary.csv", "sn_may_2025.xlsx"):
        data = subprocess.run(
            ["git", "-C", str(MIRROR), "show", f"HEAD:01_data/02_prod/{name}"], capture_output=True, check=True
        ).stdout
        (folder / name).write_bytes(data)
    return folder


def test_the_real_lait_files_reproduce_the_shipped_snapshot_byte_for_byte(lait_folder, tmp_path):
    out = tmp_path / "snapshot"
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "benchmarks", "import", str(lait_folder / "bds_long_0.parquet"),
         "--into", str(out)],
        capture_output=True, text=True, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for name in SNAPSHOT_FILES:
        assert (out / name).read_bytes() == (SNAPSHOT_DIR / name).read_bytes(), name


def _write_lait_shaped(folder: Path) -> None:
    """LAIT's three files, made from the shipped snapshot, with what LAIT's real files have that the snapshot drops."""
    folder.mkdir(parents=True)
    with (SNAPSHOT_DIR / "values.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (SNAPSHOT_DIR / "areas.csv").open(encoding="utf-8") as handle:
        area = {r["la_number"]: r["area"] for r in csv.DictReader(handle)}
    stored = []
    for i, r in enumerate(rows):
        value = r["value"]
        if not value:
            value = "-" if i % 2 else "c"
        elif value == "84.6":
            value = "84.600000000000009"  # how LAIT's parquet stores some floats
        stored.append((r["indicator"], None, r["year"], area[r["la_number"]], value, float(r["la_number"]), "Region"))
    stored.append(("RTA", "not in the catalogue", "2014-16", "Barnet", "10.79", 302.0, "Outer London"))
    stored.append(("LACFinance", "not in the catalogue", "2016-17 (OT)", "Barnet", "1", 302.0, "Outer London"))
    frame = pd.DataFrame(
        list(reversed(stored)),
        columns=["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"],
    )
    conn = duckdb.connect()
    conn.register("frame", frame)
    conn.execute(f"copy frame to '{folder / 'bds_long_0.parquet'}' (format parquet)")
    conn.close()
    with (SNAPSHOT_DIR / "indicators.csv").open(encoding="utf-8") as handle:
        indicators = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(["Measure_code", "Topic", "Measure", "Polarity", "Year_Type", "No_Quartile", "Table_status",
                     "Measure_short"])  # fmt: skip
    for r in indicators:
        polarity = r["polarity"] if r["polarity"] != "-" else "NA"
        writer.writerow(["1", "T", r["title"], polarity, r["year_type"], r["no_quartile"] or "NA", "", r["indicator"]])
        writer.writerow(["2", "Old", "discontinued twin", "High", "x", "NA", "DISCONTINUED", r["indicator"]])
    (folder / "lait_data_dictionary.csv").write_text(out.getvalue(), encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "LA SN Groups"
    sheet.append(["A", "B"])
    sheet.append([1, 2])
    sheet.append(
        ["LA num", "LA Name", "LA number", "GOInd", "GOReg", *[x for i in range(1, 11) for x in (f"SN{i}", "SNP")]]
    )
    with (SNAPSHOT_DIR / "statistical_neighbours.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            sns = [x for i in range(1, 11) for x in (int(r[f"sn{i}"]), "Close")]
            sheet.append([int(r["la_number"]), r["la_name"], int(r["la_number"]), 1, r["region"], *sns])
    book.save(folder / "sn_may_2025.xlsx")


def test_a_lait_shaped_folder_round_trips_to_the_same_data(tmp_path):
    _write_lait_shaped(tmp_path / "lait")
    report = import_snapshot(tmp_path / "lait", tmp_path / "snapshot")
    for name in ("values.csv", "areas.csv", "indicators.csv", "statistical_neighbours.csv"):
        assert (tmp_path / "snapshot" / name).read_bytes() == (SNAPSHOT_DIR / name).read_bytes(), name
    assert "bds_long_0.parquet sha256:" in report.files["source.txt"]
    assert "Open Government Licence v3.0" in report.files["source.txt"]


def test_a_refresh_reports_what_changed(tmp_path):
    target = tmp_path / "snapshot"
    target.mkdir()
    for name in SNAPSHOT_FILES:
        (target / name).write_bytes((SNAPSHOT_DIR / name).read_bytes())
    _write_lait_shaped(tmp_path / "lait")
    parquet = tmp_path / "lait" / "bds_long_0.parquet"
    conn = duckdb.connect()
    conn.execute(f"create table bds as select * from read_parquet('{parquet}')")
    conn.execute("""update bds set "Values" = '70.1' where "Short Desc" = 'Continue_Assess_Comp' and "Years" = '2018'
                    and "LA Number" = 884""")  # fmt: skip
    conn.execute("""insert into bds select "Short Desc", "Data item", '2026', "LA and Regions", "Values", "LA Number",
                    "Region" from bds where "Short Desc" = 'ReReferral' and "Years" = '2025'""")  # fmt: skip
    conn.execute(f"copy bds to '{parquet}' (format parquet)")
    conn.close()
    report = import_snapshot(tmp_path / "lait", target)
    assert "Continue_Assess_Comp: 1 value(s) revised" in report.changes
    assert "ReReferral: new year(s) 2026" in report.changes
    assert not any(line.startswith("indicators.csv") for line in report.changes)


def _refusal(path: Path) -> str:
    with pytest.raises(LaitImportError) as refused:
        import_snapshot(path, path.parent / "never_written")
    assert not (path.parent / "never_written").exists()
    message = str(refused.value)
    assert "\n" not in message
    return message


def test_an_unknown_shape_is_refused_in_one_line(tmp_path):
    wrong = tmp_path / "bds_long_0.parquet"
    duckdb.connect().execute(f"copy (select 1 as a, 'x' as b) to '{wrong}' (format parquet)")
    assert "expected LAIT's" in _refusal(wrong) and str(wrong) in _refusal(wrong)
    not_parquet = tmp_path / "other" / "bds_long_1.parquet"
    not_parquet.parent.mkdir()
    not_parquet.write_text("Short Desc,Values\n")
    assert "not a readable parquet file" in _refusal(not_parquet)
    assert "not a LAIT data folder" in _refusal(tmp_path / "nothing.csv")


def test_a_file_without_the_catalogues_indicators_is_refused(tmp_path):
    _write_lait_shaped(tmp_path / "lait")
    parquet = tmp_path / "lait" / "bds_long_0.parquet"
    conn = duckdb.connect()
    conn.execute(f"copy (select * from read_parquet('{parquet}') where \"Short Desc\" <> 'ReReferral') to "
                 f"'{tmp_path / 'lait' / 'x.parquet'}' (format parquet)")  # fmt: skip
    conn.close()
    (tmp_path / "lait" / "x.parquet").replace(parquet)
    assert "ReReferral" in _refusal(parquet)


@pytest.mark.parametrize(
    ("stored", "written"),
    [("84.600000000000009", "84.6"), ("71.099999999999994", "71.1"), ("53790", "53790"), ("-", ""), ("c", ""),
     ("..", ""), (None, ""), ("0", "0"), ("9.3000000000000007", "9.3")],
)  # fmt: skip
def test_values_are_written_in_one_canonical_form(stored, written):
    assert canonical_value(stored) == written

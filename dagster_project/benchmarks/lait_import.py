"""`csc benchmarks import PATH`: rebuild the snapshot from the DfE LA Interactive Tool's data folder.

PATH is LAIT's `01_data/02_prod/` folder or its `bds_long_*.parquet` file; the data dictionary
(`lait_data_dictionary.csv`) and the statistical neighbours (`sn_<month>_<year>.xlsx`, the latest year) are read
from the same folder, and kept from the current snapshot when that folder has none. Only the indicators the measure
catalogue compares with are kept (`catalogue.dfe_indicators`), all years, every council, region and England.
Deterministic: the same input gives the same bytes (rows sorted, values written in one canonical form).
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import openpyxl

from dagster_project.benchmarks.snapshot import (
    AREAS_COLUMNS,
    AREAS_FILE,
    INDICATORS_COLUMNS,
    INDICATORS_FILE,
    NEIGHBOURS,
    NEIGHBOURS_COLUMNS,
    NEIGHBOURS_FILE,
    SNAPSHOT_DIR,
    SOURCE_FILE,
    VALUES_COLUMNS,
    VALUES_FILE,
)
from dagster_project.catalogue import dfe_indicators

BDS_COLUMNS = ("Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region")
DICTIONARY_FILE = "lait_data_dictionary.csv"
DICTIONARY_COLUMNS = ("Measure_short", "Measure", "Polarity", "Year_Type", "No_Quartile", "Table_status")
NEIGHBOURS_SHEET = "LA SN Groups"
NEIGHBOURS_HEADER = ("LA num", "LA Name", "LA number", "GOInd", "GOReg")
# LAIT's own reading of Values (global.R): these mean "no figure".
NO_FIGURE = {"", "-", "c", "..", "x", "z"}
YEAR = re.compile(r"^\d{4}$")


class LaitImportError(ValueError):
    """The input is not a LAIT data file of a shape this importer knows (one line, naming the file)."""


@dataclass
class ImportReport:
    files: dict[str, str] = field(default_factory=dict)  # snapshot file name -> its new text
    changes: list[str] = field(default_factory=list)


def canonical_value(text: str | None) -> str:
    """One spelling per number: '84.600000000000009' (LAIT's stored float) and '84.6' both become '84.6'."""
    if text is None or text.strip() in NO_FIGURE:
        return ""
    try:
        number = float(text)
    except ValueError:
        return ""  # LAIT's as.numeric() reads any other text as no figure too
    return f"{number:.12g}"


def _csv(header: tuple[str, ...], rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _bds_files(path: Path) -> tuple[Path, list[Path]]:
    if path.is_dir():
        files = sorted(path.glob("bds_long_*.parquet"))
        if not files:
            raise LaitImportError(f"{path}: no bds_long_*.parquet in this folder (LAIT's 01_data/02_prod/)")
        return path, files
    if path.is_file() and path.suffix == ".parquet":
        return path.parent, [path]
    raise LaitImportError(f"{path}: not a LAIT data folder or bds_long parquet file")


def _read_bds(files: list[Path], wanted: list[str]) -> list[tuple[str, int, int, str, str]]:
    rows = []
    conn = duckdb.connect()
    try:
        for file in files:
            try:
                columns = tuple(
                    r[0] for r in conn.execute("describe select * from read_parquet(?)", [str(file)]).fetchall()
                )
            except duckdb.Error:
                raise LaitImportError(f"{file}: not a readable parquet file") from None
            if columns != BDS_COLUMNS:
                raise LaitImportError(f"{file}: columns {list(columns)}, expected LAIT's {list(BDS_COLUMNS)}")
            rows += conn.execute(
                'select "Short Desc", "Years", "LA Number", "LA and Regions", "Values" from read_parquet(?) '
                'where "Short Desc" in (select unnest(?))',
                [str(file), wanted],
            ).fetchall()
    finally:
        conn.close()
    out = []
    for indicator, year, number, area, value in rows:
        if year is None or not YEAR.match(str(year)) or number is None or number != int(number):
            raise LaitImportError(
                f"{files[0]}: indicator {indicator} has year {year!r} or LA number {number!r}, expected a four-digit "
                "year and a whole LA number"
            )
        out.append((indicator, int(year), int(number), area, canonical_value(value)))
    found = {r[0] for r in out}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise LaitImportError(f"{files[0]}: has no rows for the catalogue's DfE indicator(s) {', '.join(missing)}")
    keys = [(r[0], r[1], r[2]) for r in out]
    if len(set(keys)) != len(keys):
        raise LaitImportError(f"{files[0]}: an (indicator, year, LA number) appears more than once")
    return sorted(out, key=lambda r: (r[0], r[1], r[2]))


def _read_dictionary(path: Path, wanted: list[str]) -> list[tuple]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in DICTIONARY_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise LaitImportError(f"{path}: no column(s) {', '.join(missing)} (LAIT's data dictionary)")
        entries: dict[str, tuple] = {}
        for row in reader:
            short = (row["Measure_short"] or "").strip()
            # LAIT drops discontinued entries and keeps the first of each measure (global.R metrics_clean).
            if short in wanted and short not in entries and "DISCONTINUE" not in (row["Table_status"] or ""):
                polarity = row["Polarity"] if row["Polarity"] in ("High", "Low") else "-"
                entries[short] = (
                    short,
                    " ".join(row["Measure"].split()),
                    polarity,
                    " ".join(row["Year_Type"].split()),
                    "N" if row["No_Quartile"] == "N" else "",
                )
    missing = [i for i in wanted if i not in entries]
    if missing:
        raise LaitImportError(f"{path}: no dictionary entry for {', '.join(missing)}")
    return [entries[i] for i in sorted(entries)]


def _neighbours_file(folder: Path) -> Path | None:
    candidates = []
    for file in folder.glob("sn_*.xlsx"):
        year = re.search(r"(\d{4})", file.stem)
        candidates.append((int(year.group(1)) if year else 0, file.name, file))
    return max(candidates)[2] if candidates else None


def _read_neighbours(path: Path) -> list[tuple]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        raise LaitImportError(f"{path}: not a readable xlsx workbook") from None
    try:
        if NEIGHBOURS_SHEET not in book.sheetnames:
            raise LaitImportError(f"{path}: no sheet {NEIGHBOURS_SHEET!r} (the DfE statistical neighbours)")
        sheet_rows = list(book[NEIGHBOURS_SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    # LAIT reads the sheet with skip = 2: the third row is the header.
    header = tuple(sheet_rows[2][:5]) if len(sheet_rows) > 2 else ()
    if header != NEIGHBOURS_HEADER:
        raise LaitImportError(f"{path}: row 3 is {list(header)}, expected {list(NEIGHBOURS_HEADER)} then SN1, SNP ...")
    out = []
    for row in sheet_rows[3:]:
        if row[0] is None:
            continue
        neighbours = [row[5 + 2 * i] for i in range(NEIGHBOURS)]
        out.append((int(row[0]), row[1], row[4], *("" if n is None else int(n) for n in neighbours)))
    return sorted(out)


def _digest(files: list[Path]) -> str:
    sha = hashlib.sha256()
    for file in files:
        sha.update(file.read_bytes())
    return sha.hexdigest()[:12]


def build_snapshot(path: Path, current: Path = SNAPSHOT_DIR) -> dict[str, str]:
    """The snapshot's files (name -> text) built from LAIT data at `path`."""
    folder, bds = _bds_files(Path(path))
    wanted = dfe_indicators()
    values = _read_bds(bds, wanted)
    dictionary = folder / DICTIONARY_FILE
    neighbours = _neighbours_file(folder)
    # one name per LA number: the name of its latest year (a council renamed keeps its number)
    areas = {number: area for _, _, number, area, _ in sorted(values, key=lambda r: (r[1], r[2]))}
    files = {
        VALUES_FILE: _csv(VALUES_COLUMNS, [(i, y, n, v) for i, y, n, _, v in values]),
        AREAS_FILE: _csv(AREAS_COLUMNS, sorted(areas.items())),
    }
    files[INDICATORS_FILE] = (
        _csv(INDICATORS_COLUMNS, _read_dictionary(dictionary, wanted))
        if dictionary.exists()
        else (current / INDICATORS_FILE).read_text(encoding="utf-8")
    )
    files[NEIGHBOURS_FILE] = (
        _csv(NEIGHBOURS_COLUMNS, _read_neighbours(neighbours))
        if neighbours
        else (current / NEIGHBOURS_FILE).read_text(encoding="utf-8")
    )
    names = ", ".join(f.name for f in bds)
    sn_name = neighbours.name if neighbours else "kept"
    files[SOURCE_FILE] = (
        f"DfE LA Interactive Tool data ({names} sha256:{_digest(bds)}, statistical neighbours {sn_name}), "
        "Open Government Licence v3.0\n"
    )
    return files


def _value_map(text: str) -> dict[tuple[str, str, str], str]:
    return {(r["indicator"], r["year"], r["la_number"]): r["value"] for r in csv.DictReader(io.StringIO(text))}


def describe_changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """What the refresh changed, one line per indicator or file."""
    lines = []
    before = _value_map(old.get(VALUES_FILE, ",".join(VALUES_COLUMNS) + "\n"))
    after = _value_map(new[VALUES_FILE])
    for indicator in sorted({k[0] for k in (*before, *after)}):
        b = {k: v for k, v in before.items() if k[0] == indicator}
        a = {k: v for k, v in after.items() if k[0] == indicator}
        added_years = sorted({k[1] for k in a} - {k[1] for k in b})
        changed = sum(1 for k in a.keys() & b.keys() if a[k] != b[k])
        removed = len(b.keys() - a.keys())
        if added_years or changed or removed or len(a) != len(b):
            parts = []
            if added_years:
                parts.append(f"new year(s) {', '.join(added_years)}")
            if changed:
                parts.append(f"{changed} value(s) revised")
            if removed:
                parts.append(f"{removed} row(s) gone")
            lines.append(f"{indicator}: {'; '.join(parts) or 'rows added'}")
    for name in (AREAS_FILE, INDICATORS_FILE, NEIGHBOURS_FILE):
        if old.get(name) != new[name]:
            lines.append(f"{name}: changed")
    return lines


def import_snapshot(path: Path, target: Path = SNAPSHOT_DIR) -> ImportReport:
    """Write the snapshot built from `path` into `target`; report what changed against what was there."""
    new = build_snapshot(path, current=target)
    old = {name: (target / name).read_text(encoding="utf-8") for name in new if (target / name).exists()}
    target.mkdir(parents=True, exist_ok=True)
    for name, text in new.items():
        (target / name).write_text(text, encoding="utf-8", newline="")
    return ImportReport(files=new, changes=describe_changes(old, new))

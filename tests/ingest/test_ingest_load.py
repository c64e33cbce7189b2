"""The raw loader on real files and a real DuckDB warehouse: clean loads, idempotency, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dagster_project.contract.model import load_contract
from dagster_project.ingest.load import load_extract, load_file
from dagster_project.warehouse import WarehouseLockedError, connect

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

DATE = "2020-03-31"
HEADER = "child_id,forename,surname,sex,date_of_birth,expected_date_of_birth,ethnicity,disabled,postcode,date_of_death"
ROW = "{id},{name},Smith,F,2015-01-02,,WBRI,N,ZZ99 3WZ,"


def children_csv(rows: list[str], header: str = HEADER, newline: str = "\n", end: str = "\n") -> str:
    return newline.join([header, *rows]) + end


def rows(n: int, start: int = 1) -> list[str]:
    return [ROW.format(id=f"C{i:04d}", name=f"Child{i}") for i in range(start, start + n)]


def load_children(warehouse: Path, path: Path, run_id: str = "run1"):
    with connect(warehouse) as conn:
        return load_file(conn, "children", path, DATE, run_id)


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    with connect(warehouse, read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    tables = [f"raw.{name}" for name in load_contract().files] + [
        "ingest.manifest",
        "ingest.quarantine",
        "ingest.schema_drift",
    ]
    return {t: sorted(query(warehouse, f"SELECT * FROM {t}"), key=repr) for t in tables}


def test_clean_extract_loads_every_row_with_lineage(extract: Path, warehouse: Path):
    outcome = load_extract(warehouse, extract, DATE, "run1")
    assert not outcome.failures
    for name, export in load_contract().files.items():
        if export.optional:  # the fixture extract holds none: nothing loaded, nothing rejected
            assert (outcome.results[name].status, outcome.results[name].rows_loaded) == ("not_provided", 0)
            continue
        lines = (extract / export.file_name).read_text(encoding="utf-8").splitlines()
        result = outcome.results[name]
        assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", len(lines) - 1, 0)
        got = query(
            warehouse,
            f"SELECT min(_source_line), max(_source_line), count(DISTINCT _source_line), any_value(_run_id), "
            f"any_value(_extract_date)::VARCHAR, any_value(_source_file) FROM raw.{name}",
        )[0]
        assert got == (2, len(lines), len(lines) - 1, "run1", DATE, export.file_name)
    # values as delivered, in the row of the line they came from
    assert query(warehouse, "SELECT child_id, surname FROM raw.children WHERE _source_line = 2") == [
        ("100001", "O'Neil")
    ]
    types = query(warehouse, "SELECT data_type FROM information_schema.columns WHERE table_name = 'children'")
    assert {t for (t,) in types} >= {"VARCHAR", "DATE", "BIGINT", "TIMESTAMP"}


def test_loading_the_same_extract_twice_changes_nothing(extract: Path, warehouse: Path):
    load_extract(warehouse, extract, DATE, "run1")
    before = snapshot(warehouse)
    second = load_extract(warehouse, extract, DATE, "run2")
    assert {r.status for r in second.results.values()} == {"unchanged", "not_provided"}
    assert snapshot(warehouse) == before


def test_a_changed_file_replaces_its_rows(extract: Path, warehouse: Path):
    load_extract(warehouse, extract, DATE, "run1")
    path = extract / "children.csv"
    path.write_text(children_csv(rows(3)), encoding="utf-8")
    result = load_extract(warehouse, extract, DATE, "run2").results["children"]
    assert (result.status, result.rows_loaded) == ("loaded", 3)
    assert query(warehouse, "SELECT child_id, _source_line, _run_id FROM raw.children ORDER BY 2") == [
        ("C0001", 2, "run2"),
        ("C0002", 3, "run2"),
        ("C0003", 4, "run2"),
    ]
    # other files untouched, manifest keeps both loads of children.csv
    assert query(warehouse, "SELECT DISTINCT _run_id FROM raw.visits") == [("run1",)]
    assert query(
        warehouse, "SELECT run_id, rows_loaded FROM ingest.manifest WHERE file = 'children.csv' ORDER BY 1"
    ) == [
        ("run1", 800),
        ("run2", 3),
    ]


def test_windows_1252_accents_survive(tmp_path: Path, warehouse: Path):
    path = tmp_path / "children.csv"
    path.write_bytes(children_csv([ROW.format(id="C1", name="Zoë"), ROW.format(id="C2", name="José")]).encode("cp1252"))
    result = load_children(warehouse, path)
    assert (result.status, result.encoding, result.rows_loaded) == ("loaded", "windows-1252", 2)
    assert query(warehouse, "SELECT forename FROM raw.children ORDER BY _source_line") == [("Zoë",), ("José",)]


def test_utf8_with_bom(tmp_path: Path, warehouse: Path):
    path = tmp_path / "children.csv"
    body = children_csv([ROW.format(id="C1", name="Zoë"), "C2,too,few", ROW.format(id="C3", name="Łucja")])
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    result = load_children(warehouse, path)
    assert (result.status, result.encoding, result.rows_loaded, result.rows_rejected) == ("loaded", "utf-8-sig", 2, 1)
    assert query(warehouse, "SELECT child_id, forename, _source_line FROM raw.children ORDER BY 3") == [
        ("C1", "Zoë", 2),
        ("C3", "Łucja", 4),
    ]
    assert query(warehouse, "SELECT line_number, raw_line FROM ingest.quarantine") == [(3, "C2,too,few")]


def test_mixed_encodings_are_rejected_not_mangled(tmp_path: Path, warehouse: Path):
    path = tmp_path / "children.csv"
    path.write_bytes(
        children_csv(rows(1)).encode() + ROW.format(id="C9", name="Zoë").encode("utf-8") + b"\nC8,Jos\xe9,x\n"
    )
    result = load_children(warehouse, path)
    assert result.status == "rejected"
    assert "children.csv mixes encodings" in result.message and "line 3" in result.message


def test_headers_match_case_space_and_order_insensitively(tmp_path: Path, warehouse: Path):
    names = HEADER.split(",")
    header = ",".join(f"  {n.upper()} " for n in reversed(names))
    values = ["C1", "Ann", "Smith", "F", "2015-01-02", "", "WBRI", "N", "ZZ99 3WZ", ""]
    path = tmp_path / "children.csv"
    path.write_text(children_csv([",".join(reversed(values))], header=header), encoding="utf-8")
    result = load_children(warehouse, path)
    assert (result.status, result.drift_columns) == ("loaded", [])
    assert query(warehouse, "SELECT child_id, forename, ethnicity, _extra_columns FROM raw.children") == [
        ("C1", "Ann", "WBRI", None)
    ]


def test_extra_columns_are_kept_and_reported_as_drift(tmp_path: Path, warehouse: Path):
    path = tmp_path / "children.csv"
    path.write_text(children_csv([r + ",x1,7" for r in rows(2)], header=HEADER + ",Legacy_Ref, notes "), "utf-8")
    result = load_children(warehouse, path, "runD")
    assert (result.status, result.drift_columns, result.rows_loaded) == ("loaded", ["legacy_ref", "notes"], 2)
    # reported by position and count, never by name (issue 21: a header line may hold delivered values)
    assert result.drift_positions == [len(HEADER.split(",")) + 1, len(HEADER.split(",")) + 2]
    assert "legacy_ref" not in result.message.lower() and "2 unknown column(s)" in result.message
    extras = query(warehouse, "SELECT _extra_columns FROM raw.children ORDER BY _source_line")
    assert [json.loads(e) for (e,) in extras] == [{"legacy_ref": "x1", "notes": "7"}] * 2
    assert query(warehouse, 'SELECT extract_date::VARCHAR, file, "column", run_id FROM ingest.schema_drift') == [
        (DATE, "children.csv", "legacy_ref", "runD"),
        (DATE, "children.csv", "notes", "runD"),
    ]
    again = load_children(warehouse, path, "runE")
    assert (again.status, again.drift_columns) == ("unchanged", ["legacy_ref", "notes"])
    assert again.drift_positions == result.drift_positions


def test_missing_required_column_rejects_the_file_naming_the_column(extract: Path, warehouse: Path):
    header = HEADER.replace(",ethnicity", "")
    body = [",".join(v for i, v in enumerate(r.split(",")) if i != 6) for r in rows(2)]
    (extract / "children.csv").write_text(children_csv(body, header=header), encoding="utf-8")
    outcome = load_extract(warehouse, extract, DATE, "run1")
    assert [r.file for r in outcome.failures] == ["children.csv"]
    assert "2020-03-31/children.csv: missing required column ethnicity" in outcome.failure_message()
    assert query(warehouse, "SELECT count(*) FROM raw.children") == [(0,)]
    assert query(warehouse, "SELECT status FROM ingest.manifest WHERE file = 'children.csv'") == [("rejected",)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "children.csv is empty (0 bytes)"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary", "children.csv is not a CSV text file: binary content"),
        (HEADER.replace(",", ";").encode() + b"\nC1;Ann\n", "header is not comma-separated (found semicolon"),
        (b"\nC1,Ann\n", "children.csv line 1: no header row"),
        (b"\xff\xfe\x81\x00", "binary content"),
        (b"name,age\nAnn,3\n", "does not look like a children.csv export"),
        (HEADER.encode() + b"\nC1,\x81bad,Smith,F,2015-01-02,,WBRI,N,ZZ99 3WZ,\n", "neither UTF-8 nor Windows-1252"),
    ],
    ids=["empty", "binary", "semicolons", "blank-header", "utf16-like", "not-this-export", "undefined-1252-byte"],
)
def test_unusable_files_get_a_specific_message(tmp_path: Path, warehouse: Path, content: bytes, expected: str):
    path = tmp_path / "children.csv"
    path.write_bytes(content)
    result = load_children(warehouse, path)
    assert result.status == "rejected"
    assert expected in result.message
    assert "children.csv" in result.message


def test_header_only_file_loads_zero_rows_with_a_warning(tmp_path: Path, warehouse: Path):
    path = tmp_path / "children.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    result = load_children(warehouse, path)
    assert (result.status, result.rows_loaded) == ("loaded", 0)
    assert "WARNING: header only" in result.message


def quarantined(warehouse: Path) -> list[tuple]:
    return query(warehouse, "SELECT line_number, raw_line, reason, run_id FROM ingest.quarantine ORDER BY 1")


def test_truncated_last_line_is_quarantined(tmp_path: Path, warehouse: Path):
    path = tmp_path / "children.csv"
    path.write_text(children_csv(rows(3) + ["C0004,Ann,Smi"], end=""), encoding="utf-8")
    result = load_children(warehouse, path)
    assert (result.rows_loaded, result.rows_rejected) == (3, 1)
    [(line, raw, reason, run)] = quarantined(warehouse)
    assert (line, raw, run) == (5, "C0004,Ann,Smi", "run1")
    assert "MISSING COLUMNS" in reason


def test_unterminated_quote_on_the_last_line_is_quarantined(tmp_path: Path, warehouse: Path):
    path = tmp_path / "children.csv"
    path.write_text(children_csv(rows(2) + ['C0003,"Ann,Smith,F,2015-01-02,,WBRI,N,ZZ99 3WZ,']), encoding="utf-8")
    result = load_children(warehouse, path)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    [(line, raw, reason, _)] = quarantined(warehouse)
    assert (line, raw.strip()) == (4, 'C0003,"Ann,Smith,F,2015-01-02,,WBRI,N,ZZ99 3WZ,')
    assert "unterminated quote" in reason


def test_bad_rows_go_to_quarantine_and_good_rows_keep_their_line_numbers(tmp_path: Path, warehouse: Path):
    good = rows(8)
    lines = [good[0], "C9001,too,few", good[1], good[2], good[3] + ",extra", 'C9002,"bad"quote,Smith,F,,,WBRI,N,,']
    lines += good[4:]
    path = tmp_path / "children.csv"
    path.write_text(children_csv(lines, newline="\r\n", end="\r\n"), encoding="utf-8")
    result = load_children(warehouse, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (10, 7, 3)
    got = dict(query(warehouse, "SELECT child_id, _source_line FROM raw.children"))
    expected = {row.split(",")[0]: n for n, row in enumerate(lines, start=2) if row in good}
    assert got == expected
    reasons = [(line, raw.split(",")[0], reason.split(":")[0]) for line, raw, reason, _ in quarantined(warehouse)]
    assert reasons == [
        (3, "C9001", "MISSING COLUMNS"),
        (6, "C0004", "TOO MANY COLUMNS"),
        (7, "C9002", "UNQUOTED VALUE"),
    ]


def test_quoted_newlines_and_blank_lines_keep_line_numbers_right(tmp_path: Path, warehouse: Path):
    lines = [
        ROW.format(id="C1", name="Ann"),
        'C2,"Two\nLines",Smith,F,2015-01-02,,WBRI,N,ZZ99 3WZ,',  # lines 3-4
        "",  # line 5, blank
        "C3,short",  # line 6, rejected
        ROW.format(id="C4", name="Bo"),  # line 7
    ]
    path = tmp_path / "children.csv"
    path.write_text(children_csv(lines), encoding="utf-8")
    result = load_children(warehouse, path)
    assert (result.rows_loaded, result.rows_rejected) == (3, 1)
    assert query(warehouse, "SELECT child_id, forename, _source_line FROM raw.children ORDER BY 3") == [
        ("C1", "Ann", 2),
        ("C2", "Two\nLines", 3),
        ("C4", "Bo", 7),
    ]
    assert [(q[0], q[1]) for q in quarantined(warehouse)] == [(6, "C3,short")]


def test_retention_keeps_the_most_recent_extracts(raw_dir: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CSC_RAW_RETENTION_EXTRACTS", "2")
    for date in ["2020-04-01", "2020-04-02"]:
        (raw_dir / date).symlink_to(raw_dir / DATE, target_is_directory=True)
    for date in [DATE, "2020-04-01", "2020-04-02"]:
        outcome = load_extract(warehouse, raw_dir / date, date, f"run-{date}")
    assert outcome.expired_extracts == [DATE]
    dates = query(warehouse, "SELECT DISTINCT _extract_date::VARCHAR FROM raw.visits ORDER BY 1")
    assert dates == [("2020-04-01",), ("2020-04-02",)]
    assert query(warehouse, "SELECT DISTINCT status FROM ingest.manifest WHERE extract_date = ?", [DATE]) == [
        ("expired",)
    ]
    # rebuilding an old extract on purpose is never undone by retention in the same run
    outcome = load_extract(warehouse, raw_dir / DATE, DATE, "rebuild")
    assert outcome.results["visits"].status == "loaded"
    assert DATE not in outcome.expired_extracts
    assert query(warehouse, "SELECT count(*) > 0 FROM raw.visits WHERE _extract_date = ?", [DATE]) == [(True,)]


def test_a_lock_held_by_another_process_gives_the_friendly_message(extract: Path, warehouse: Path, lock_holder):
    holder = lock_holder(warehouse)
    with pytest.raises(WarehouseLockedError) as caught:
        load_extract(warehouse, extract, DATE, "run1")
    assert f"is locked by process {holder.pid}" in str(caught.value)


def test_warehouse_tables_are_plain_duckdb(extract: Path, warehouse: Path):
    load_extract(warehouse, extract, DATE, "run1")
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert conn.execute("SELECT count(*) FROM raw.teams WHERE _extract_date = DATE '2020-03-31'").fetchone() == (5,)
    finally:
        conn.close()


@pytest.mark.parametrize("max_inline", [2048, 2], ids=["inline-case", "update-pass"])
def test_many_rejects_number_lines_the_same_either_way(tmp_path, warehouse, monkeypatch, max_inline: int):
    # Above _MAX_INLINE_REJECTS the loader fixes line numbers with an UPDATE pass instead of inside the INSERT.
    monkeypatch.setattr("dagster_project.ingest.load._MAX_INLINE_REJECTS", max_inline)
    lines = []
    for i in range(1, 41):
        lines.append(ROW.format(id=f"C{i:04d}", name="x") if i % 7 else f"C{i:04d},bad")
    lines[1] = "C0002,bad"  # two rejects in a row
    path = tmp_path / "children.csv"
    path.write_text(children_csv(lines), encoding="utf-8")
    result = load_children(warehouse, path)
    bad = [n for n, row in enumerate(lines, start=2) if row.endswith(",bad")]
    assert result.rows_rejected == len(bad) == 6
    assert [q[0] for q in quarantined(warehouse)] == bad
    got = dict(query(warehouse, "SELECT child_id, _source_line FROM raw.children"))
    assert got == {row.split(",")[0]: n for n, row in enumerate(lines, start=2) if not row.endswith(",bad")}


def test_unterminated_quote_early_in_a_large_file_keeps_every_row_accounted_for(tmp_path: Path, warehouse: Path):
    """Before the fix: "field larger than field limit" (the csv module's 128 KB limit), the file's rows lost."""
    lines = [*rows(2), 'C0003,"Ann,Smith,F,2015-01-02,,WBRI,N,ZZ99 3WZ,', *rows(4000, start=4)]
    path = tmp_path / "children.csv"
    path.write_text(children_csv(lines), encoding="utf-8")
    result = load_children(warehouse, path)
    assert result.status == "loaded", result.message
    assert result.rows_loaded + result.rows_rejected >= 3
    [(line, _, reason, _)] = quarantined(warehouse)
    assert line == 4 and "quote" in reason.lower()


@pytest.mark.parametrize(
    ("early_name", "bad_name", "expected"),
    [
        # A UTF-8 'é' on line 2 and a Windows-1252 'ë' on line 101: the message used to name only line 2.
        ("José", b"Zo\xeb", "not valid UTF-8 at line 101, column forename (field 2, character 9)"),
        # A byte undefined in Windows-1252 (0x81) on line 101 of an otherwise plain file.
        ("Amy", b"Zo\x81", "byte 0x81 at line 101, column forename (field 2, character 9)"),
    ],
    ids=["mixed-encodings", "undefined-1252-byte"],
)
def test_an_encoding_error_names_its_own_line_and_column(tmp_path, warehouse, early_name, bad_name, expected):
    good = [ROW.format(id="C0000", name=early_name), *rows(98)]
    bad = ROW.format(id="C9999", name="NAME").encode().replace(b"NAME", bad_name)
    path = tmp_path / "children.csv"
    path.write_bytes(children_csv(good).encode("utf-8") + bad + b"\n")
    assert path.read_bytes().count(b"\n") == 101  # header + 99 good rows, then the bad row on line 101
    result = load_children(warehouse, path)
    assert result.status == "rejected"
    assert expected in result.message
    assert "Zo" not in result.message  # the value itself is personal: never quoted

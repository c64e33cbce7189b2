"""Malformed statutory returns (issue 26): each probe is refused with a one-line message naming the file
and line or element, or imported cleanly; never a traceback, never a delivered value in a message.

The 903 probes start from the hand-made return in tests/fixtures/statutory/ssda903_small (dates of birth
14/02/2010 and 03/11/2016), so "no value in a message" is checked against those dates."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from dagster_project.cli import main as csc
from dagster_project.sources.extract_writer import LINEAGE_FILE

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

STATUTORY = Path(__file__).resolve().parents[1] / "fixtures" / "statutory"
SMALL_903 = STATUTORY / "ssda903_small"
SMALL_CIN = STATUTORY / "cin_small.xml"
DATES_OF_BIRTH = ("14/02/2010", "03/11/2016", "2010-02-14", "2016-11-03")
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"


def _return(tmp_path: Path, header_csv: str | bytes | None = None, episodes_csv: str | None = None) -> Path:
    folder = tmp_path / "903"
    shutil.copytree(SMALL_903, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    if header_csv is not None:
        data = header_csv if isinstance(header_csv, bytes) else header_csv.encode("utf-8")
        (folder / "Header.csv").write_bytes(data)
    if episodes_csv is not None:
        (folder / "episodes.csv").write_text(episodes_csv, encoding="utf-8", newline="")
    return folder


def _import(folder: Path, out: Path, capsys, *extra: str) -> tuple[int, str]:
    code = csc(["import", "ssda903", str(folder), "--out", str(out), "--extract-date", "2023-03-31", *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _no_values(output: str) -> None:
    for value in DATES_OF_BIRTH:
        assert value not in output, f"a date of birth in the output: {output}"
    assert "Traceback" not in output


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_a_field_over_the_csv_modules_limit_is_read_not_a_traceback(tmp_path, capsys):
    # 200 KB in an unmapped column: the csv module's default 128 KB limit raised `_csv.Error` here.
    episodes = (SMALL_903 / "episodes.csv").read_text().replace(",,,XXXXXX\n", ",," + "P" * 200_000 + ",XXXXXX\n", 1)
    code, output = _import(_return(tmp_path, episodes_csv=episodes), tmp_path / "raw", capsys)
    assert code == 0, output
    assert len(_csv(tmp_path / "raw" / "2023-03-31" / "cla_episodes.csv")) == 3
    _no_values(output)


def test_an_unterminated_quote_is_refused_naming_its_line(tmp_path, capsys):
    rows = [f"9{n:05d},1,14/02/2010,WBRI,UN{n},," for n in range(20)]
    rows[2] = rows[2].replace(",WBRI,", ',"WBRI,')  # the quote is never closed: the rest of the file is one field
    code, output = _import(_return(tmp_path, HEADER + "\n".join(rows) + "\n"), tmp_path / "raw", capsys)
    assert code == 1
    assert "Import failed: Header.csv: line 4: a quoted value runs on to line 21 (an unterminated quote?)" in output
    assert not (tmp_path / "raw").exists()  # nothing half-imported
    _no_values(output)


def test_a_header_less_header_file_is_refused_without_showing_its_first_line(tmp_path, capsys):
    data_only = "".join((SMALL_903 / "Header.csv").read_text().splitlines(keepends=True)[1:])
    code, output = _import(_return(tmp_path, data_only), tmp_path / "raw", capsys)
    assert code == 1
    assert "Header.csv: line 1: not a header line: none of the columns the header file needs" in output
    assert "values not shown" in output and "900001" not in output
    _no_values(output)


def test_a_shifted_row_is_reported_by_count_and_its_warnings_carry_no_value(tmp_path, capsys):
    # An extra field in line 3 moves the date of birth into ETHNIC: its unknown-code warning once quoted it.
    shifted = HEADER + "900001,1,14/02/2010,WBRI,UN1,,\n900002,2,X,03/11/2016,MWBC,UN2,,\n"
    code, output = _import(_return(tmp_path, shifted), tmp_path / "raw", capsys)
    assert code == 0, output
    assert "Header.csv: line 3: (row): 8 fields where the header has 7" in output
    assert "Header.csv: line 3: ETHNIC: unknown code (not in the ethnicity code list; value not shown)" in output
    _no_values(output)


def test_a_trailing_comma_is_not_a_shifted_row(tmp_path, capsys):
    trailing = HEADER.replace("\n", ",\n") + "900001,1,14/02/2010,WBRI,UN1,,,\n"
    code, output = _import(_return(tmp_path, trailing), tmp_path / "raw", capsys)
    assert code == 0 and "fields where the header has" not in output


def test_a_bom_before_windows_1252_bytes_is_refused_as_mixed_encodings(tmp_path, capsys):
    # A UTF-8 byte-order mark, then a Windows-1252 e-acute (0xE9): the header once read as "ï»¿CHILD".
    mixed = b"\xef\xbb\xbf" + HEADER.encode() + b"900001,1,14/02/2010,WBRI,UN\xe91,,\n"
    code, output = _import(_return(tmp_path, mixed), tmp_path / "raw", capsys)
    assert code == 1
    assert "Import failed: Header.csv mixes encodings: it is not valid UTF-8 at line 2" in output
    assert "yet line 1 holds a UTF-8 character" in output and "ï»¿" not in output and "column CHILD" not in output
    _no_values(output)


def test_windows_1252_without_a_bom_still_imports(tmp_path, capsys):
    plain = HEADER.encode() + b"900001,1,14/02/2010,WBRI,UN\xe91,,\n"
    code, output = _import(_return(tmp_path, plain), tmp_path / "raw", capsys)
    assert code == 0, output
    assert [c["child_id"] for c in _csv(tmp_path / "raw" / "2023-03-31" / "children.csv")] == ["900001"]


def test_a_nul_byte_is_refused_not_written_into_the_extract(tmp_path, capsys):
    binary = HEADER.encode() + b"900001,1,14/02/2010,WBRI,UN1,,\n900002,2,03/11/2016,MW\x00BC,UN2,,\n"
    code, output = _import(_return(tmp_path, binary), tmp_path / "raw", capsys)
    assert code == 1
    assert "Import failed: Header.csv is not a CSV text file: binary content (NUL byte) at line 3" in output
    assert not (tmp_path / "raw").exists()
    _no_values(output)


def test_lineage_and_warnings_count_physical_lines_blank_lines_included(tmp_path, capsys):
    lines = (SMALL_903 / "episodes.csv").read_text().splitlines(keepends=True)
    # header, blank, row 1, blank, blank, row 2, row 3 (with an unknown RNE code)
    spaced = lines[0] + "\n" + lines[1] + "\n\n" + lines[2] + lines[3].replace(",S,V2,", ",Q,V2,")
    code, output = _import(_return(tmp_path, episodes_csv=spaced), tmp_path / "raw", capsys)
    assert code == 0, output
    lineage = _csv(tmp_path / "raw" / "2023-03-31" / LINEAGE_FILE)
    origins = [r["origin"] for r in lineage if r["source_file"] == "cla_episodes.csv"]
    assert origins == ["episodes.csv line 3", "episodes.csv line 6", "episodes.csv line 7"]
    assert "episodes.csv: line 7: RNE: unknown code" in output


@pytest.mark.parametrize("written", ["20240331", "2024-W13-7", "2024-3-31"])
def test_a_cin_reference_date_not_written_yyyy_mm_dd_is_refused(written, tmp_path, capsys):
    census = tmp_path / "cin.xml"
    census.write_text(SMALL_CIN.read_text().replace("<ReferenceDate>2024-03-31<", f"<ReferenceDate>{written}<"))
    assert csc(["import", "cin-census", str(census), "--out", str(tmp_path / "raw")]) == 1
    err = capsys.readouterr().err
    assert "cin.xml: /Message/Header/CollectionDetails/ReferenceDate: ReferenceDate is not a real YYYY-MM-DD" in err
    assert not (tmp_path / "raw").exists()


@pytest.mark.parametrize("kind", ["cin-census", "ssda903"])
@pytest.mark.parametrize("written", ["20240331", "2024-W13-7"])
def test_an_extract_date_not_written_yyyy_mm_dd_is_refused(kind, written, tmp_path, capsys):
    source = SMALL_CIN if kind == "cin-census" else SMALL_903
    assert csc(["import", kind, str(source), "--out", str(tmp_path / "raw"), "--extract-date", written]) == 2
    assert "is not a real date of the form YYYY-MM-DD" in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()


def test_a_cin_date_not_written_yyyy_mm_dd_is_kept_and_reported(tmp_path, capsys):
    census = tmp_path / "cin.xml"
    census.write_text(SMALL_CIN.read_text().replace("<PersonBirthDate>2015-05-01<", "<PersonBirthDate>20150501<"))
    assert csc(["import", "cin-census", str(census), "--out", str(tmp_path / "raw")]) == 0
    out = capsys.readouterr().out
    assert "Child[1]/ChildIdentifiers/PersonBirthDate: PersonBirthDate: not a YYYY-MM-DD date" in out
    assert "20150501" not in out


def test_a_cin_census_in_an_xml_namespace_is_refused(tmp_path, capsys):
    census = tmp_path / "cin.xml"
    census.write_text(SMALL_CIN.read_text().replace("<Message>", '<Message xmlns="http://example.org/not-cin">', 1))
    assert csc(["import", "cin-census", str(census), "--out", str(tmp_path / "raw")]) == 1
    err = capsys.readouterr().err
    assert "cin.xml: <Message>: element in an XML namespace (value not shown)" in err and "example.org" not in err
    assert "the DfE CIN census schema has no namespace" in err and not (tmp_path / "raw").exists()


@pytest.mark.parametrize(
    ("year", "reference", "expected"),
    [
        ("2099", "2099-03-31", "Year: schema year 2099 is outside the years this importer reads"),
        ("2024", "2030-03-31", "ReferenceDate: ReferenceDate does not belong to schema year 2024"),
        ("24", "2024-03-31", "Year: Year is not a four-digit year"),
    ],
)
def test_a_cin_schema_year_outside_the_known_schemas_is_refused(year, reference, expected, tmp_path, capsys):
    census = tmp_path / "cin.xml"
    text = SMALL_CIN.read_text().replace("<Year>2024</Year>", f"<Year>{year}</Year>")
    census.write_text(text.replace("<ReferenceDate>2024-03-31<", f"<ReferenceDate>{reference}<"))
    assert csc(["import", "cin-census", str(census), "--out", str(tmp_path / "raw")]) == 1
    assert f"cin.xml: /Message/Header/CollectionDetails/{expected}" in capsys.readouterr().err

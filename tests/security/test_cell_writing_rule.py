"""Findings 1 and 2 of issue 21, at the writers: every cell a workbook or CSV writes from data is a string or a
number, never a formula or a link; the DfE error list is owner-only. Real XlsxWriter files read back with
openpyxl, real CSV files read back with the csv module."""

from __future__ import annotations

import csv
import stat

import openpyxl
import pytest
import xlsxwriter

from dagster_project.quality.dfe_errors import DfeErrorRow, write_dfe_errors

# dagster_project.cells is imported inside the tests: this module also runs against main (no cells module), where
# the DfE-list tests reproduce finding 2.

FORMULAS = ("=1+1", "=cmd|' /C calc'!A0", "+HYPERLINK(1)", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
            '=HYPERLINK("http://x.invalid/","click")')  # fmt: skip
URLS = ("http://evil.invalid/phish", "mailto:x@evil.invalid", "ftp://evil.invalid/")


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_trigger_gets_a_leading_quote(value):
    from dagster_project.cells import neutralised

    assert neutralised(value) == "'" + value


@pytest.mark.parametrize("value", ("Child in Need", "O'Neil", "100001", "", "a=b", "T-1", "http://x.invalid"))
def test_ordinary_text_is_unchanged(value):
    from dagster_project.cells import neutralised

    assert neutralised(value) == value


def test_none_is_empty_and_rows_are_text():
    from dagster_project.cells import csv_row, neutralised

    assert neutralised(None) == ""
    assert csv_row([None, 3, "=1"]) == ["", "3", "'=1"]


def test_a_workbook_cell_from_data_is_never_a_formula_or_a_link(tmp_path):
    from dagster_project.cells import WORKBOOK_OPTIONS, write_data_cell

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    sheet = book.add_worksheet("Data")
    values = [*FORMULAS, *URLS, 12, 3.5, None]
    for row, value in enumerate(values):
        write_data_cell(sheet, row, 0, value)
    book.close()

    cells = [row[0] for row in openpyxl.load_workbook(path).active.iter_rows(max_row=len(values))]
    assert [c.data_type for c in cells if c.data_type == "f"] == []
    assert [c.coordinate for c in cells if c.hyperlink is not None] == []
    assert cells[0].value == "'=1+1"
    assert cells[len(FORMULAS)].value == URLS[0]  # plain text, not a link
    assert (cells[-3].value, cells[-2].value, cells[-1].value or "") == (12, 3.5, "")


def _row(key: str) -> DfeErrorRow:
    return DfeErrorRow("CIN", "8500", key, key, "children.csv line 3", "message", "children.child_id_format", "reject")


def test_the_dfe_error_list_neutralises_formulas_and_is_owner_only(tmp_path):
    out = write_dfe_errors([_row(k) for k in FORMULAS], tmp_path / "dq" / "dfe_errors.csv")

    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["record_key"] for r in rows] == ["'" + k for k in FORMULAS]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values())


def test_rewriting_an_existing_dfe_error_list_makes_it_owner_only(tmp_path):
    out = tmp_path / "dfe_errors.csv"
    out.write_text("old\n")
    out.chmod(0o644)
    write_dfe_errors([_row("100001")], out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

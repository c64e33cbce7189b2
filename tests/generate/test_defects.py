"""Every manifest entry is really in the files: the named line shows the named defect."""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd
import pytest

from dagster_project.contract.model import load_contract
from dagster_project.generate.defects import WEIGHTS
from tests.generate.checks import parse
from tests.generate.conftest import EXTRACT

C = load_contract()
E = np.datetime64(EXTRACT, "D")
US = re.compile(r"^(\d{2})/(\d{2})/\d{4}$")


@pytest.fixture(scope="module")
def extract(defective):
    lines = {}
    for export in C.files.values():
        with open(defective.folder / export.file_name, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        lines[export.name] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    manifest = pd.read_csv(defective.manifest, dtype=str, keep_default_na=False)
    return lines, manifest


def _d(v: str) -> np.datetime64:
    return parse([v])[0]


def _keys(lines, file, col):
    return {r[col] for r in lines[file]}


def has_defect(kind: str, name: str, row: dict, lines: dict, line_no: int) -> bool:
    export = C.files[name]
    rows = lines[name]
    pk = export.primary_key
    if kind == "duplicate_row":
        return sum(r == row for r in rows) >= 2
    if kind == "duplicate_key":
        same = [r for r in rows if r[pk] == row[pk]]
        return len(same) >= 2 and any(r != row for r in same)
    if kind == "orphan_reference":
        return any(row[c.name] and row[c.name] not in _keys(lines, c.referenced_file, c.referenced_column)
                   for c in export.columns if c.references)  # fmt: skip
    if kind == "end_before_start":
        s, e = {"referrals": ("referral_date", "closure_date")}.get(name, ("start_date", "end_date"))
        return _d(row[e]) < _d(row[s])
    if kind == "authorised_before_start":
        return _d(row["authorised_date"]) < _d(row["start_date"])
    if kind == "authorised_before_referral":
        ref = next(r for r in lines["referrals"] if r["referral_id"] == row["referral_id"])
        return _d(row["authorised_date"]) < _d(ref["referral_date"])
    if kind == "date_in_future":
        return any(_d(row[c.name]) > E for c in export.columns if c.type == "date" and row[c.name])
    if kind == "visit_before_birth":
        child = next(r for r in lines["children"] if r["child_id"] == row["child_id"])
        return _d(row["visit_date"]) < _d(child["date_of_birth"])
    if kind == "visit_by_departed_worker":
        w = next(r for r in lines["workers"] if r["worker_id"] == row["worker_id"])
        return bool(w["end_date"]) and _d(w["end_date"]) < _d(row["visit_date"])
    if kind == "invalid_code":
        return any(row[c.name] and row[c.name].strip().upper() not in {v.upper() for v in C.codes(c.codes)}
                   for c in export.columns if c.type == "code")  # fmt: skip
    if kind == "closure_reason_without_date":
        return bool(row["closure_reason"]) and not row["closure_date"]
    if kind == "closure_date_without_reason":
        return bool(row["closure_date"]) and not row["closure_reason"]
    if kind == "overlapping_cp_plans":
        s = _d(row["start_date"])
        for r in rows:
            if r is not row and r["child_id"] == row["child_id"] and r["plan_type"] == "CP" and r[pk] != row[pk]:
                rs, re_ = _d(r["start_date"]), _d(r["end_date"])
                if rs <= s and (np.isnat(re_) or re_ > s):
                    return True
        return False
    if kind == "overlapping_legal_statuses":  # another status of the child starts inside this one (or vice versa)
        s, e = _d(row["start_date"]), _d(row["end_date"])
        for r in rows:
            if r is not row and r["child_id"] == row["child_id"] and r[pk] != row[pk]:
                rs, re_ = _d(r["start_date"]), _d(r["end_date"])
                if (s <= rs and (np.isnat(e) or rs < e)) or (rs <= s and (np.isnat(re_) or s < re_)):
                    return True
        return False
    if kind == "allocation_team_mismatch":
        w = next(r for r in lines["workers"] if r["worker_id"] == row["worker_id"])
        return w["team_id"] != row["team_id"]
    if kind == "blank_required":
        return any(not row[c.name] for c in export.columns if not c.nullable)
    if kind == "us_date_format":
        return any((m := US.match(row[c.name])) and int(m.group(2)) > 12 for c in export.columns if c.type == "date")
    if kind == "text_in_date":
        return any(re.search("[A-Za-z]", row[c.name]) for c in export.columns if c.type == "date")
    if kind == "trailing_spaces":
        return any(v != v.strip() for v in row.values()) or any(
            row[c.name] and row[c.name] != row[c.name].upper() and row[c.name].upper() in C.codes(c.codes)
            for c in export.columns if c.codes)  # fmt: skip
    raise AssertionError(f"unknown kind {kind}")


def test_every_kind_is_injected(extract):
    _, manifest = extract
    assert set(manifest.defect_kind) == set(WEIGHTS)
    assert (manifest.detectable == "true").all()


def test_every_manifest_entry_is_on_its_line(extract):
    lines, manifest = extract
    for m in manifest.itertuples(index=False):
        name = m.file.removesuffix(".csv")
        row = lines[name][int(m.line) - 2]
        assert row[C.files[name].primary_key] == m.primary_key, m
        assert has_defect(m.defect_kind, name, row, lines, int(m.line)), m


def test_total_rate_is_about_as_asked(defective, extract):
    _, manifest = extract
    rows = sum(defective.rows.values())
    lines_hit = manifest[["file", "line"]].drop_duplicates()
    assert 0.03 * rows < len(lines_hit) < 0.07 * rows

"""Every file and column per the contract; a clean extract is internally consistent."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from dagster_project.contract.model import load_contract
from tests.generate.checks import ISO, UK, all_files, parse
from tests.generate.conftest import EXTRACT

C = load_contract()
E = np.datetime64(EXTRACT, "D")


@pytest.fixture(scope="module")
def clean(council_clean):
    return all_files(council_clean.folder)


def test_all_eleven_files_with_contract_headers_in_order(council_clean):
    names = sorted(p.name for p in council_clean.folder.iterdir() if not p.name.startswith("_"))
    assert names == sorted(C.file_names)
    assert (council_clean.folder / "_synthetic.json").is_file()  # generated extracts are marked synthetic
    for export in C.files.values():
        with open(council_clean.folder / export.file_name, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        assert header == export.column_names, export.name


def test_manifest_sits_next_to_the_extract_and_is_empty_when_clean(council_clean):
    assert council_clean.manifest.parent == council_clean.folder.parent
    assert council_clean.manifest.read_text().strip() == "file,primary_key,line,defect_kind,detectable"


def test_ids_codes_flags_required_values(clean):
    id_re = re.compile(C.id_pattern)
    for name, export in C.files.items():
        df = clean[name]
        assert len(df), name
        assert df[export.primary_key].is_unique, name
        for col in export.columns:
            s = df[col.name]
            if not col.nullable:
                assert s.notna().all(), f"{name}.{col.name} has blanks"
            v = s.dropna()
            if col.type == "id":
                assert v.map(lambda x: bool(id_re.match(x))).all(), f"{name}.{col.name}"
            if col.codes:
                assert set(v) <= set(C.codes(col.codes)), f"{name}.{col.name}: {set(v) - set(C.codes(col.codes))}"
            if col.type == "date":
                assert v.map(lambda x: bool(ISO.match(x))).all(), f"{name}.{col.name}"
                if col.name != "expected_date_of_birth":  # the one date that is meant to be in the future
                    assert (parse(v) <= E).all(), f"{name}.{col.name} after the extract date"
            if col.type == "decimal":
                x = v.astype(float)
                assert ((x > 0) & (x <= 1)).all()


def test_referential_integrity(clean):
    for name, export in C.files.items():
        for col in export.columns:
            if col.references:
                target = set(clean[col.referenced_file][col.referenced_column])
                v = clean[name][col.name].dropna()
                assert v.isin(target).all(), f"{name}.{col.name} -> {col.references}"
    a = clean["assessments"].merge(clean["referrals"], on="referral_id", suffixes=("", "_r"))
    assert (a.child_id == a.child_id_r).all()
    p = clean["plans"].merge(clean["referrals"], on="referral_id", suffixes=("", "_r"))
    assert (p.child_id == p.child_id_r).all()


def test_no_end_before_start_and_dependent_codes(clean):
    for name, (s, e) in {"workers": ("start_date", "end_date"), "allocations": ("start_date", "end_date"),
                         "plans": ("start_date", "end_date"), "cla_episodes": ("start_date", "end_date"),
                         "referrals": ("referral_date", "closure_date")}.items():  # fmt: skip
        df = clean[name]
        start, end = parse(df[s]), parse(df[e])
        assert not (end < start).any(), name
    r = clean["referrals"]
    assert (r.closure_date.isna() == r.closure_reason.isna()).all()
    c = clean["cla_episodes"]
    assert (c.end_date.isna() == c.reason_ceased.isna()).all()
    k = clean["contacts"]
    assert (k.decision_date.isna() == k.outcome.isna()).all()
    assert not (parse(k.decision_date) < parse(k.contact_date)).any()
    a = clean["assessments"].merge(r[["referral_id", "referral_date"]], on="referral_id")
    auth = parse(a.authorised_date)
    assert not (auth < parse(a.start_date)).any()
    assert not (auth < parse(a.referral_date)).any()
    assert (a.authorised_date.isna() == a.outcome.isna()).all()
    p = clean["plans"]
    assert ((p.plan_type == "CP") == p.category_of_abuse.notna()).all()
    v = clean["visits"]
    assert not (parse(v.recorded_date) < parse(v.visit_date)).any()


def test_visits_allocations_consistent_with_workers_and_children(clean):
    w = clean["workers"].set_index("worker_id")
    v = clean["visits"]
    ends = parse(w.end_date.reindex(v.worker_id))
    assert not (parse(v.visit_date) > ends).any(), "visit by a departed worker"
    dob = parse(clean["children"].set_index("child_id").date_of_birth.reindex(v.child_id))
    assert not (parse(v.visit_date) < dob).any(), "visit before birth"
    al = clean["allocations"]
    assert (al.team_id.to_numpy() == w.team_id.reindex(al.worker_id).to_numpy()).all()
    cp = clean["plans"][clean["plans"].plan_type == "CP"].assign(s=lambda d: parse(d.start_date),
                                                                  e=lambda d: parse(d.end_date))  # fmt: skip
    for _, g in cp.groupby("child_id"):
        if len(g) > 1:
            g = g.sort_values("s")
            prev_end = g.e.to_numpy()[:-1]
            assert not (np.isnat(prev_end) | (prev_end > g.s.to_numpy()[1:])).any(), "overlapping CP plans"


def test_care_periods_chain(clean):
    c = clean["cla_episodes"].assign(s=lambda d: parse(d.start_date), e=lambda d: parse(d.end_date))
    c = c.sort_values(["child_id", "s"])
    same_child = c.child_id.to_numpy()[1:] == c.child_id.to_numpy()[:-1]
    follows = same_child & (c.s.to_numpy()[1:] == c.e.to_numpy()[:-1])
    rne = c.reason_new_episode.to_numpy()
    assert (rne[1:][follows] != "S").all(), "a continuing episode restarts with S"
    assert (rne[1:][~follows] == "S").all(), "a new period of care must start with S"
    assert rne[0] == "S"
    assert (c.placement_intended_until_18 == "Y").any()


def test_children_details(clean):
    ch = clean["children"]
    unborn = ch.date_of_birth.isna()
    assert unborn.any() and (ch.expected_date_of_birth.notna() == unborn).all()
    assert ch.postcode.dropna().str.startswith("ZZ99 ").all()
    assert ch.child_id.str.startswith("00").any()
    assert ch.surname.str.contains("'").any() and ch.forename.str.contains("[éöë]", regex=True).any()
    assert ch.date_of_death.notna().any()
    assert set(clean["workers"].role) == set(C.codes("role"))
    assert set(clean["workers"].employment_type) == {"PERMANENT", "AGENCY"}
    assert set(clean["teams"].service_area) == set(C.codes("service_area"))
    assert set(clean["supervisions"].supervision_type) == {"INDIVIDUAL", "GROUP"}
    assert (clean["visits"].child_seen == "N").any()
    assert clean["contacts"].decision_date.isna().any(), "recent contacts still awaiting a decision"


def test_uk_dates_and_cp1252(uk_cp1252):
    folder = uk_cp1252.folder
    raw = (folder / "children.csv").read_bytes()
    assert b"\xe9" in raw or b"\xf6" in raw or b"\xeb" in raw  # accents as single cp1252 bytes
    files = all_files(folder, encoding="cp1252")
    assert files["children"].forename.str.contains("[éöë]", regex=True).any()
    for name, export in C.files.items():
        for col in export.columns:
            if col.type == "date":
                v = files[name][col.name].dropna()
                assert v.map(lambda x: bool(UK.match(x))).all(), f"{name}.{col.name}"
                assert not np.isnat(parse(v)).any()


def test_quoting_round_trips(clean, council_clean):
    # team names contain a comma: they must be quoted and read back whole
    text = (council_clean.folder / "teams.csv").read_text(encoding="utf-8")
    assert '"Children in Care, Team 1"' in text
    assert clean["teams"].team_name.str.contains(",").any()

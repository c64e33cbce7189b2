"""The rule registry: generated from the contract, complete, and rendered into dbt up to date."""

from __future__ import annotations

from dagster_project.contract.model import load_contract
from dagster_project.quality import render
from dagster_project.quality.rules import ACTIONS, DIMENSIONS, FILE_ORDER, MANIFEST_KINDS, registry, rules_for


def test_rendered_dbt_models_are_up_to_date():
    stale = [
        name
        for name, text in render.rendered_files().items()
        if not (render.VALIDATED_DIR / name).exists() or (render.VALIDATED_DIR / name).read_text() != text
    ]
    assert stale == [], "run `python -m dagster_project.quality.render` and commit the result"
    expected = {p.name for p in render.VALIDATED_DIR.iterdir()}
    assert expected == set(render.rendered_files()), "stray files in the validated folder"


def test_stale_models_names_an_edited_or_missing_model(tmp_path):
    render.write(tmp_path)
    assert render.stale_models(tmp_path) == []
    (tmp_path / "int_children_validated.sql").write_text("-- edited by hand\n", encoding="utf-8")
    (tmp_path / "int_records_flagged.sql").unlink()
    assert sorted(render.stale_models(tmp_path)) == ["int_children_validated.sql", "int_records_flagged.sql"]


def test_every_manifest_defect_kind_has_a_rule():
    kinds = {r.defect_kind for r in registry()}
    assert set(MANIFEST_KINDS) - kinds == set()


def test_contract_rules_follow_the_contract():
    contract = load_contract()
    ids = {r.id for r in registry()}
    for file in contract.files.values():
        for column in file.columns:
            assert (f"{file.name}.{column.name}.required" in ids) == (not column.nullable)
            if column.codes and column.codes != "flag_yn":
                rule = next(r for r in registry() if r.id == f"{file.name}.{column.name}.invalid_code")
                assert rule.in_set == (column.name, contract.codes(column.codes))
            if column.references:
                assert f"{file.name}.{column.name}.orphan" in ids
        assert {f"{file.name}.duplicate_row", f"{file.name}.duplicate_key"} <= ids


def test_rules_are_well_formed():
    for rule in registry():
        assert rule.dimension in DIMENSIONS and rule.action in ACTIONS
        assert rule.id.startswith(rule.file + ".")
    assert [r.file for r in registry()] == sorted((r.file for r in registry()), key=FILE_ORDER.index)


def test_cin_census_codes_are_attached():
    codes = {r.id: r.cin_code for r in registry() if r.cin_code}
    assert codes["assessments.authorised_before_start"] == "8608"
    assert codes["assessments.started_before_referral"] == "1103"
    assert codes["plans.overlapping_cp_plans"] == "8935/8940"
    assert codes["plans.cin_alongside_cp"] == "4001"
    assert {
        codes["referrals.closure_date_without_closure_reason"],
        codes["referrals.closure_reason_without_closure_date"],
    } == {
        "8805",
        "8810",
    }


def test_validated_models_drop_only_texts_and_date_of_birth():
    children = load_contract().files["children"]
    dropped = render.dropped_from_validated(children)
    assert "date_of_birth" in dropped and "sex_text" in dropped and "child_id" not in dropped
    assert rules_for("teams", "flag")  # trailing spaces, lower-case codes

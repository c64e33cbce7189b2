"""The rule registry: generated from the contract, complete, and rendered into dbt up to date."""

from __future__ import annotations

import re

import pytest

from dagster_project.contract.model import load_contract
from dagster_project.quality import render
from dagster_project.quality.dfe import catalogue
from dagster_project.quality.rule import ACTIONS, DIMENSIONS, FILE_ORDER, MANIFEST_KINDS
from dagster_project.quality.rules import registry, rule_by_id, rules_for

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


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


def test_dfe_codes_are_attached_with_their_metadata():
    codes = {r.id: r.dfe_codes for r in registry() if r.dfe}
    assert codes["assessments.authorised_before_start"] == ("CIN 8608",)
    assert codes["assessments.started_before_referral"] == ("CIN 1103",)
    assert codes["plans.overlapping_cp_plans"] == ("CIN 8940",)  # 8935 (open plans) is a rule of its own
    assert codes["referrals.closure_date_without_closure_reason"] == ("CIN 8805",)
    assert codes["referrals.closure_reason_without_closure_date"] == ("CIN 8810",)
    assert codes["children.sex.invalid_code"] == ("CIN 4180", "903 101")
    assert codes["cla_episodes.continuation_not_contiguous"] == ("903 433",)
    [query] = rule_by_id("assessments.open_over_45_working_days").dfe
    metadata = (query.dfe_return, query.dfe_code, query.dfe_type, query.dfe_ruleset)
    assert metadata == ("CIN", "8670Q", "query", "cin2024_25")
    assert query.dfe_message.startswith("Please check and either amend data or provide a reason: Assessment started")
    scopes = {d.dfe_code: d.scope for d in rule_by_id("plans.end_date_before_start_date").dfe}
    assert scopes == {"4011": "s.plan_type = 'CIN'", "8925": "s.plan_type = 'CP'"}


def test_ported_dfe_rules_flag_and_never_block():
    from dagster_project.quality.rules_dfe import dfe_rules

    ported = {r.id for r in dfe_rules()}
    assert len(ported) >= 40
    for rule in registry():
        assert (rule.id in ported) == (not rule.may_block), rule.id
        if rule.id in ported:
            assert rule.action == "flag" and rule.never_blocks and rule.dfe
    assert not rule_by_id("plans.overlapping_cp_plans").never_blocks  # the project's own flags are unchanged


def test_every_tag_names_a_rule_and_a_catalogued_code():
    for rule in registry():
        for dfe in rule.dfe:
            assert catalogue()[(dfe.dfe_return, dfe.dfe_code)].rule.dfe_message == dfe.dfe_message


def test_validated_models_drop_only_texts_and_date_of_birth():
    children = load_contract().files["children"]
    dropped = render.dropped_from_validated(children)
    assert "date_of_birth" in dropped and "sex_text" in dropped and "child_id" not in dropped
    assert rules_for("teams", "flag")  # trailing spaces, lower-case codes
    # the UPNs: in staging for the DfE's checks, never in the records that count (nor anything built on them)
    identifiers = load_contract().files["child_identifiers"]
    assert {"upn", "former_upn"} <= set(render.dropped_from_validated(identifiers))


def test_dfe_coverage_page_is_up_to_date():
    from dagster_project.quality import dfe_coverage

    assert dfe_coverage.COVERAGE_PATH.read_text(encoding="utf-8") == dfe_coverage.render(), (
        "run `make generate` and commit the result"
    )
    figures = dfe_coverage.coverage()
    assert figures["CIN"]["rules"] == 109 and figures["903"]["rules"] == 327
    assert all(f["implemented"] <= f["evaluable"] for f in figures.values())


def _window_specs(sql: str) -> list[str]:
    """The text of every window specification: `over (...)` and named `window w as (...)` clauses."""
    specs = []
    for match in re.finditer(r"\bover\s*\(|\bwindow\s+\w+\s+as\s*\(|,\s*\w+\s+as\s*\(partition by", sql):
        start = match.end() - 1 if sql[match.end() - 1] == "(" else sql.index("(", match.start())
        depth = 0
        for end in range(start, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                specs.append(sql[start : end + 1])
                break
    return specs


def test_rule_windows_order_rows_by_a_unique_key():
    """A window that orders rows must end on the source line: duplicate rows (same key and dates) would otherwise
    be ordered arbitrarily, and the dbt models and the one-pass check could count different rows (as at the
    national preset before this test)."""
    unordered = {
        rule.id: spec
        for rule in registry()
        for spec in _window_specs(rule.predicate)
        if "order by" in spec and "source_line" not in spec
    }
    assert unordered == {}
    assert _window_specs("lag(x) over (partition by c order by d) y window w as (order by e)") == [
        "(partition by c order by d)",
        "(order by e)",
    ]


def test_a_dfe_scope_reads_only_the_rules_own_row():
    """A scope is SQL on the row `s` as stored (dfe_parity.project_pairs runs it unrendered): no <<placeholder>>."""
    for rule in registry():
        for dfe in rule.dfe:
            assert dfe.scope is None or "<<" not in dfe.scope, (rule.id, dfe.dfe_code)

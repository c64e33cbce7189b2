"""The contract YAML is the single source of truth: the generated dbt files must be up to date with it."""

from __future__ import annotations

import csv

import pytest

from dagster_project.contract.model import load_contract
from dagster_project.transform.contract_render import DBT_DIR, STAGING_DIR, render_staging_sql, stale_files

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def test_generated_dbt_files_are_up_to_date():
    stale = stale_files()
    assert not stale, f"run `python -m dagster_project.transform.contract_render`; stale: {stale}"


def test_code_list_seed_matches_the_contract():
    with (DBT_DIR / "seeds" / "code_lists.csv").open(newline="") as f:
        seeded = {(r["list_name"], r["code"]) for r in csv.DictReader(f)}
    contract = load_contract()
    expected = {(name, code) for name, codes in contract.code_lists.items() for code in codes}
    assert seeded == expected


def test_staging_keeps_personal_fields_in_raw_except_date_of_birth_and_the_upns():
    contract = load_contract()
    for file in contract.files.values():
        sql = (STAGING_DIR / f"stg_case_management__{file.name}.sql").read_text()
        assert sql == render_staging_sql(file)
        for column in file.personal_columns:
            # kept for validation only (the DfE's date-of-birth and UPN checks); the records that count drop them
            kept = column in ("date_of_birth", "upn", "former_upn")
            assert (f"('{column}')" in sql) == kept, (file.name, column)
        for column in file.columns:
            if not column.personal:
                assert f"('{column.name}')" in sql, (file.name, column.name)


def test_every_staging_model_filters_on_the_run_extract():
    for path in STAGING_DIR.glob("stg_case_management__*.sql"):
        expected = "where _extract_date = cast('{{ csc_run_var(\"extract_date\") }}' as date)"
        assert expected in path.read_text(), path.name

"""Rules generated from the export contract: keys, required values, formats, code lists, references.

Nothing here lists columns by hand: every rule comes from a column's type, nullability, code list,
range or reference in `raw_exports.yaml`. Pure Python: no Dagster imports.
"""

from __future__ import annotations

from dagster_project.contract.model import PERSONAL_KEPT_IN_STAGING, Column, Contract, ExportFile
from dagster_project.quality.rule import Rule

# The staging models keep a `<column>_text` (trimmed delivered text) for these types.
TEXT_KEPT_TYPES = ("date", "flag", "decimal", "code")
# Lower-case codes/flags carry the defect kind `trailing_spaces`: the shared defect list files every
# formatting-only fix under that name.
# Dates that may legitimately lie after the extract date.
FUTURE_DATES_ALLOWED = {("children", "expected_date_of_birth")}
SLASHED_DATE = "regexp_full_match({}, '[0-9]+/[0-9]+/[0-9]+')"


def is_boolean_flag(column: Column) -> bool:
    """Y/N flags become BOOLEAN in staging; a Y/N/U flag stays an upper-cased code."""
    return column.type == "flag" and column.codes == "flag_yn"


def in_staging(file: ExportFile, column: Column) -> bool:
    """Personal fields never reach staging, except date_of_birth and the UPNs (kept there for validation only)."""
    return not column.personal or column.name in PERSONAL_KEPT_IN_STAGING


def _sql_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _raw_content(file: ExportFile) -> str:
    # Formatting (surrounding spaces) does not make a different record: staging trims it anyway.
    return ", ".join(f"trim({c})" for c in file.column_names)


def key_rules(file: ExportFile) -> list[Rule]:
    f, pk, content = file.name, file.primary_key, _raw_content(file)
    return [
        Rule(
            id=f"{f}.duplicate_row",
            file=f,
            description=f"exact copy of an earlier {file.file_name} line: the first copy is kept",
            dimension="uniqueness", severity="high", action="exclude", defect_kind="duplicate_row",
            relation="raw",
            predicate=(
                f"r._source_line in (select _source_line from (select _source_line, row_number() over "
                f"(partition by {content} order by _source_line) as copy_number from <<raw:{f}>>) "
                f"where copy_number > 1)"
            ),
        ),
        Rule(
            id=f"{f}.duplicate_key",
            file=f,
            description=f"{pk} appears on rows with different content: every row with that {pk} is excluded",
            dimension="uniqueness", severity="high", action="exclude", defect_kind="duplicate_key",
            relation="raw",
            predicate=(
                f"trim(r.{pk}) in (select trim({pk}) from <<raw:{f}>> group by trim({pk}) "
                f"having count(distinct row({content})) > 1)"
            ),
        ),
        Rule(
            id=f"{f}.trailing_spaces",
            file=f,
            description="a value has leading or trailing spaces (trimmed in staging; kept and flagged)",
            dimension="validity", severity="low", action="flag", defect_kind="trailing_spaces",
            relation="raw",
            predicate=" or ".join(f"r.{c} <> trim(r.{c})" for c in file.column_names),
        ),
    ]  # fmt: skip


def required_rule(file: ExportFile, column: Column) -> Rule:
    f, c = file.name, column.name
    if not in_staging(file, column):
        relation, predicate = "raw", f"nullif(trim(r.{c}), '') is null"
    elif column.type in TEXT_KEPT_TYPES:
        relation, predicate = "staging", f"s.{c}_text is null"
    else:
        relation, predicate = "staging", f"s.{c} is null"
    return Rule(
        id=f"{f}.{c}.required", file=f, description=f"{c} is required but empty",
        dimension="completeness", severity="high", action="exclude", defect_kind="blank_required",
        relation=relation, predicate=predicate,
    )  # fmt: skip


def id_rules(file: ExportFile, column: Column, id_max_length: int = 20) -> list[Rule]:
    f, c = file.name, column.name
    rules = [
        Rule(
            id=f"{f}.{c}.id_format", file=f,
            description=f"{c} is not an identifier (letters and digits, at most {id_max_length} characters)",
            dimension="validity", severity="high", action="exclude", defect_kind="invalid_id",
            # No `{1,20}` quantifier: braces clash with GX query templating.
            predicate=f"s.{c} is not null and (length(s.{c}) > {id_max_length} "
            f"or not regexp_full_match(s.{c}, '[A-Za-z0-9]+'))",
        )
    ]  # fmt: skip
    if column.references:
        parent, parent_col = column.referenced_file, column.referenced_column
        rules += [
            Rule(
                id=f"{f}.{c}.orphan", file=f, description=f"{c} points to no {parent} row",
                dimension="consistency", severity="high", action="exclude", defect_kind="orphan_reference",
                predicate=f"s.{c} is not null and not exists "
                f"(select 1 from <<stg:{parent}>> p where p.{parent_col} = s.{c})",
            ),
            Rule(
                id=f"{f}.{c}.parent_not_counted", file=f,
                description=f"{c} points to a {parent} row that is itself excluded (cascade)",
                dimension="consistency", severity="high", action="exclude", defect_kind="parent_not_counted",
                predicate=f"s.{c} is not null "
                f"and exists (select 1 from <<stg:{parent}>> p where p.{parent_col} = s.{c}) "
                f"and not exists (select 1 from <<valid:{parent}>> v where v.{parent_col} = s.{c})",
            ),
        ]  # fmt: skip
    return rules


def date_rules(file: ExportFile, column: Column) -> list[Rule]:
    f, c = file.name, column.name
    slashed = SLASHED_DATE.format(f"s.{c}_text")
    rules = [
        Rule(
            id=f"{f}.{c}.us_date", file=f,
            description=f"{c} is day/month/year text that is no valid UK date (US month/day order)",
            dimension="validity", severity="high", action="exclude", defect_kind="us_date_format",
            predicate=f"s.{c}_text is not null and s.{c} is null and {slashed}",
        ),
        Rule(
            id=f"{f}.{c}.not_a_date", file=f, description=f"{c} is not a date",
            dimension="validity", severity="high", action="exclude", defect_kind="text_in_date",
            predicate=f"s.{c}_text is not null and s.{c} is null and not {slashed}",
        ),
        Rule(
            id=f"{f}.{c}.uk_date", file=f, description=f"{c} delivered as DD/MM/YYYY (accepted, flagged)",
            dimension="validity", severity="low", action="flag", defect_kind="formatting",
            predicate=f"s.{c} is not null and {slashed}",
        ),
    ]  # fmt: skip
    if (f, c) not in FUTURE_DATES_ALLOWED:
        rules.append(
            Rule(
                id=f"{f}.{c}.in_future", file=f, description=f"{c} is after the extract date",
                dimension="accuracy", severity="high", action="exclude", defect_kind="date_in_future",
                predicate=f"s.{c} > <<extract_date>>",
            )
        )  # fmt: skip
    return rules


def code_rules(file: ExportFile, column: Column, codes: tuple[str, ...]) -> list[Rule]:
    f, c = file.name, column.name
    return [
        Rule(
            id=f"{f}.{c}.invalid_code", file=f, description=f"{c} is not in the code list {column.codes}",
            dimension="validity", severity="high", action="exclude", defect_kind="invalid_code",
            predicate=f"s.{c} is not null and s.{c} not in ({_sql_list(codes)})", in_set=(c, codes),
        ),
        Rule(
            id=f"{f}.{c}.lower_case", file=f, description=f"{c} delivered in lower case (upper-cased, flagged)",
            dimension="validity", severity="low", action="flag", defect_kind="trailing_spaces",
            predicate=f"s.{c}_text <> upper(s.{c}_text)",
        ),
    ]  # fmt: skip


def yes_no_column_rules(file: ExportFile, column: Column) -> list[Rule]:
    """Rules of a Y/N flag column (not to be confused with rules whose action is `flag`)."""
    f, c = file.name, column.name
    return [
        Rule(
            id=f"{f}.{c}.invalid_flag", file=f, description=f"{c} is not Y or N",
            dimension="validity", severity="high", action="exclude", defect_kind="invalid_code",
            predicate=f"s.{c}_text is not null and s.{c} is null",
        ),
        Rule(
            id=f"{f}.{c}.lower_case", file=f, description=f"{c} delivered as y/n (upper-cased, flagged)",
            dimension="validity", severity="low", action="flag", defect_kind="trailing_spaces",
            predicate=f"s.{c}_text <> upper(s.{c}_text)",
        ),
    ]  # fmt: skip


def decimal_rules(file: ExportFile, column: Column) -> list[Rule]:
    f, c = file.name, column.name
    rules = [
        Rule(
            id=f"{f}.{c}.not_a_number", file=f, description=f"{c} is not a number",
            dimension="validity", severity="high", action="exclude", defect_kind="invalid_number",
            predicate=f"s.{c}_text is not null and s.{c} is null",
        )
    ]  # fmt: skip
    bounds = []
    if column.min_exclusive is not None:
        bounds.append(f"s.{c} <= {column.min_exclusive}")
    if column.max is not None:
        bounds.append(f"s.{c} > {column.max}")
    if bounds:
        rules.append(
            Rule(
                id=f"{f}.{c}.out_of_range", file=f, description=f"{c} is outside its range",
                dimension="validity", severity="high", action="exclude", defect_kind="out_of_range",
                predicate=" or ".join(bounds),
            )
        )  # fmt: skip
    return rules


def contract_rules(contract: Contract) -> list[Rule]:
    rules: list[Rule] = []
    max_id = int(contract.id_pattern.rsplit(",", 1)[1].split("}")[0]) if "," in contract.id_pattern else 20
    for file in contract.files.values():
        rules += key_rules(file)
        for column in file.columns:
            if not column.nullable:
                rules.append(required_rule(file, column))
            if column.type == "id":
                rules += id_rules(file, column, max_id)
            elif column.type == "date" and in_staging(file, column):
                rules += date_rules(file, column)
            elif is_boolean_flag(column):
                rules += yes_no_column_rules(file, column)
            elif column.type in ("code", "flag"):
                rules += code_rules(file, column, contract.codes(column.codes))
            elif column.type == "decimal":
                rules += decimal_rules(file, column)
    return rules

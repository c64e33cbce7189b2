"""SSDA903 (looked-after children return) CSV files -> an extract folder.

Reads the files under their DfE names (header.csv, episodes.csv, ...; any case). header and episodes
carry what the contract holds (children, looked-after episodes, and the header's UPN: child_identifiers); missing,
reviews, oc3 and uasc (when present) fill the optional contract files missing_episodes, cla_reviews, care_leavers and
uasc_statuses; the others are recognised and checked for their columns but have no contract file to go to. Dates
are DD/MM/YYYY as the DfE specifies (YYYY-MM-DD is accepted too). Field mapping and derived ids: README.md in this
folder.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path

from dagster_project.contract.model import load_contract
from dagster_project.ingest import scan
from dagster_project.ingest.discovery import iso_date
from dagster_project.sources.descriptor import SourceDescriptor, collection_year_of
from dagster_project.sources.extract_writer import ImportedExtract, ImportIssue, ReturnImportError, derived_id

SOURCE = "ssda903"
# DfE file name -> the columns the return has (csc-validator-be-903's configuration, DfE order).
RETURN_COLUMNS = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "oc2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "placed_for_adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "previous_permanence": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "sw_episodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}  # fmt: skip
# Columns the importer reads: a file missing one of them cannot be imported.
READ_COLUMNS = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"),
    "missing": ("CHILD", "MISSING", "MIS_START", "MIS_END"),  # optional: fills missing_episodes when present
    "oc3": ("CHILD", "IN_TOUCH", "ACTIV", "ACCOM"),  # optional: fills care_leavers when present
    "reviews": ("CHILD", "REVIEW", "REVIEW_CODE"),  # optional: fills cla_reviews when present
    "uasc": ("CHILD", "DUC"),  # optional: fills uasc_statuses when present
}
REQUIRED_FILES = ("header", "episodes")
MISSING_FILES = (
    "teams", "workers", "allocations", "contacts", "referrals", "assessments", "plans", "visits", "supervisions",
)  # fmt: skip
MISSING_COLUMNS = {
    "children": ("forename", "surname", "expected_date_of_birth", "disabled", "postcode", "date_of_death"),
    "cla_episodes": ("placement_intended_until_18",),
    # the 903 records missing episodes but not return interviews (an Ofsted Annex A item)
    "missing_episodes": ("return_interview_offered", "return_interview_accepted"),
    # the 903's header UPN item is the UPN or its unknown code; there is no former UPN
    "child_identifiers": ("former_upn",),
}
# The header's UPN item holds a UPN, or the code saying why it is unknown (rule 168: UN1-UN5).
UPN_UNKNOWN_CODES = ("UN1", "UN2", "UN3", "UN4", "UN5")
# SEX: 1/2 before 2024-25; M/F/U from 2024-25 (the DfE validator accepts only these since then).
SEX_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}


def find_return_files(directory: Path) -> dict[str, Path]:
    """DfE name -> file, for the 903 files present (file names matched without case)."""
    found = {}
    for path in sorted(Path(directory).iterdir()):
        stem = path.stem.lower()
        if path.is_file() and path.suffix.lower() == ".csv" and stem in RETURN_COLUMNS:
            found[stem] = path
    return found


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (physical line, fields) per non-blank record, read by ingest's rules (`ingest/scan.py`):
    UTF-8 with or without BOM, or Windows-1252 (a file mixing the two is refused); a NUL byte is refused;
    no field size limit; line numbers count physical lines, blank lines included. A record spanning lines
    (an unterminated quote) is refused: no value of a 903 return holds a line break."""
    found = scan.scan_file(path)
    text = io.StringIO(newline="")
    try:
        scan.check_text(path, found, path.name)
        if found.encoding == "windows-1252":
            scan.transcode_cp1252_to(path, text, path.name, found.bad_utf8_offset)
        else:
            text.write(path.read_bytes().decode(found.encoding))
    except scan.FileFormatError as error:
        raise ReturnImportError(str(error)) from None
    text.seek(0)
    records = []
    for start, end, values in scan.csv_records(text):
        if end > start:
            raise ReturnImportError(
                f"{path.name}: line {start}: a quoted value runs on to line {end} (an unterminated quote?): "
                "values in an SSDA903 return hold no line breaks. Fix the quotes and import again."
            )
        records.append((start, [v.strip() for v in values]))
    if not records:
        raise ReturnImportError(f"{path.name}: line 1: the file is empty (no header line)")
    (_, header), rows = records[0], records[1:]
    return [h.upper() for h in header], rows


def _check_columns(name: str, path: Path, header: list[str], issues: list[ImportIssue]) -> None:
    needed = READ_COLUMNS.get(name, ())
    if needed and not set(needed) & set(header):
        # Without a header line the first line is data (a date of birth...): its values are never shown.
        raise ReturnImportError(
            f"{path.name}: line 1: not a header line: none of the columns the {name} file needs "
            f"({', '.join(needed)}) is there ({len(header)} fields; values not shown, the first line may be a "
            "data row). Check that the file starts with its header line."
        )
    missing = [c for c in needed if c not in header]
    if missing:
        raise ReturnImportError(
            f"{path.name}: line 1: column {', '.join(missing)} missing (the {name} file needs {', '.join(needed)})"
        )
    absent = [c for c in RETURN_COLUMNS[name] if c not in header]
    if absent:
        issues.append(ImportIssue(f"{path.name}: line 1", ", ".join(absent), "DfE column(s) missing (not used here)"))


def _fields(file_name: str, header: list[str], line: int, values: list[str], issues) -> dict[str, str]:
    """The record's fields by column name. A record with more or fewer fields than the header line (a
    comma inside a value, a lost field) is written field by position and reported by count (the source
    file keeps the row as delivered). A trailing comma on every line (header included) shifts nothing."""
    if len(values) != len(header):
        issues.append(
            ImportIssue(
                f"{file_name}: line {line}",
                "(row)",
                f"{len(values)} fields where the header has {len(header)}: values may be in the wrong columns "
                "(a shifted row); written by position, fields past the header's last column not written",
            )  # fmt: skip
        )
    return dict(zip(header, values, strict=False))


class _Row:
    def __init__(self, file_name: str, line: int, row: dict[str, str], issues: list[ImportIssue], codes):
        self.file_name, self.line, self.row, self.issues, self.codes = file_name, line, row, issues, codes

    def issue(self, field: str, message: str) -> None:
        self.issues.append(ImportIssue(f"{self.file_name}: line {self.line}", field, message))

    def text(self, field: str) -> str | None:
        return self.row.get(field) or None

    def date(self, field: str) -> str | None:
        value = self.text(field)
        if value is None:
            return None
        try:
            return dt.datetime.strptime(value, "%d/%m/%Y").date().isoformat()
        except ValueError:
            pass
        if (iso := iso_date(value)) is not None:
            return iso.isoformat()
        # the value is not repeated: it may be a date of birth (messages carry no personal values)
        self.issue(field, "not a DD/MM/YYYY date (written as delivered)")
        return value

    def code(self, field: str, code_list: str) -> str | None:
        value = self.text(field)
        if value is not None and value.upper() not in self.codes[code_list]:
            # the value is not repeated: in a shifted row it may be a date of birth
            self.issue(field, f"unknown code (not in the {code_list} code list; value not shown); written as delivered")
        return value

    def mapped(self, field: str, mapping: dict[str, str]) -> str | None:
        value = self.text(field)
        if value is None:
            return None
        if value in mapping:
            return mapping[value]
        self.issue(
            field, f"unknown code (expected one of {', '.join(sorted(mapping))}; value not shown); written as delivered"
        )
        return value


def default_extract_date(episodes: list[dict[str, str]]) -> str | None:
    """The collection-year end: the 31 March on or after the latest start or end date in the episodes."""
    latest = None
    for row in episodes:
        for field in ("DECOM", "DEC"):
            try:
                day = dt.datetime.strptime(row.get(field) or "", "%d/%m/%Y").date()
            except ValueError:
                continue
            latest = day if latest is None or day > latest else latest
    if latest is None:
        return None
    year_end = dt.date(latest.year, 3, 31)
    return (year_end if latest <= year_end else dt.date(latest.year + 1, 3, 31)).isoformat()


def parse_ssda903(directory: Path, extract_date: str | None = None) -> ImportedExtract:
    directory = Path(directory)
    if not directory.is_dir():
        raise ReturnImportError(f"{directory}: not a folder of SSDA903 CSV files")
    files = find_return_files(directory)
    for required in REQUIRED_FILES:
        if required not in files:
            raise ReturnImportError(
                f"{directory}: {required}.csv missing: the SSDA903 header and episodes files are needed"
            )
    if extract_date is not None and iso_date(extract_date) is None:
        raise ReturnImportError(f"extract date {extract_date!r} is not a real date of the form YYYY-MM-DD")
    issues: list[ImportIssue] = []
    tables = {}
    for name, path in files.items():
        header, records = _read_csv(path)
        _check_columns(name, path, header, issues)
        tables[name] = (path.name, [(line, _fields(path.name, header, line, v, issues)) for line, v in records])
    date = extract_date or default_extract_date([row for _, row in tables["episodes"][1]])
    if date is None:
        raise ReturnImportError(
            f"{tables['episodes'][0]}: DECOM/DEC: no valid date to take the collection year from; give --extract-date"
        )
    origin = ", ".join(sorted(p.name for p in files.values()))
    # The return holds the collection year its extract date falls in (the year end, by default).
    year = collection_year_of(dt.date.fromisoformat(date))
    descriptor = SourceDescriptor(SOURCE, MISSING_FILES, MISSING_COLUMNS, origin=origin, collection_year=year)
    extract = ImportedExtract(date, descriptor)
    extract.issues = issues
    codes = load_contract().code_lists
    file_name, rows = tables["header"]
    for line, values in rows:
        row = _Row(file_name, line, values, issues, codes)
        child_id = row.text("CHILD")
        extract.add(
            "children",
            {
                "child_id": child_id,
                "sex": row.mapped("SEX", SEX_CODES),
                "date_of_birth": row.date("DOB"),
                "ethnicity": row.code("ETHNIC", "ethnicity"),
            },
            child_id,
            f"{file_name} line {line}",
        )
    file_name, rows = tables["episodes"]
    occurrences: Counter = Counter()
    for line, values in rows:
        row = _Row(file_name, line, values, issues, codes)
        child_id, start = row.text("CHILD"), row.date("DECOM")
        occurrences[(child_id, start)] += 1
        extract.add(
            "cla_episodes",
            {
                "episode_id": derived_id("E", child_id or "", start or "", str(occurrences[(child_id, start)])),
                "child_id": child_id,
                "start_date": start,
                "end_date": row.date("DEC"),
                "reason_new_episode": row.code("RNE", "reason_new_episode"),
                "legal_status": row.code("LS", "legal_status"),
                "placement_type": row.code("PLACE", "placement_type"),
                "reason_ceased": row.code("REC", "reason_ceased"),
            },
            child_id,
            f"{file_name} line {line}",
        )
    if "missing" in files:
        _add_missing_episodes(extract, *tables["missing"], issues, codes)
    if "oc3" in files:
        born = {row.get("CHILD"): row.get("DOB") for _, row in tables["header"][1]}
        _add_care_leavers(extract, *tables["oc3"], born, dt.date.fromisoformat(date), issues, codes)
    if "reviews" in files:
        _add_cla_reviews(extract, *tables["reviews"], issues, codes)
    _add_child_fields(extract, tables, issues, codes)
    for name in sorted(set(files) - set(READ_COLUMNS)):
        issues.append(
            ImportIssue(files[name].name, "(file)", "no contract file holds this part of the return: not imported")
        )
    return extract


def _add_each_row(extract: ImportedExtract, name: str, id_column: str, prefix: str, file_name: str, rows, issues,
                  codes, read) -> None:  # fmt: skip
    """Each row of a 903 file -> one row of the contract file `name`. `read(row)` gives the parts of the row's id
    and its other values, each field read once (a bad value is one issue); the id is derived from those parts and
    their occurrence, so it is the same on every import. A file with no rows still writes `name`: the return has
    none of them."""
    extract.rows.setdefault(name, [])
    occurrences: Counter = Counter()
    for line, values in rows:
        key, record = read(_Row(file_name, line, values, issues, codes))
        occurrences[key] += 1
        row_id = derived_id(prefix, *(part or "" for part in key), str(occurrences[key]))
        extract.add(name, {id_column: row_id, **record}, record["child_id"], f"{file_name} line {line}")


def _add_missing_episodes(extract: ImportedExtract, file_name: str, rows, issues, codes) -> None:
    """missing.csv -> missing_episodes: one row per episode (the id derived from the child, the start and its
    occurrence, as for episodes)."""

    def read(row: _Row):
        child_id, start = row.text("CHILD"), row.date("MIS_START")
        return (child_id, start), {
            "child_id": child_id,
            "missing_or_absent": row.code("MISSING", "missing_or_absent"),
            "start_date": start,
            "end_date": row.date("MIS_END"),
        }

    _add_each_row(extract, "missing_episodes", "missing_episode_id", "MI", file_name, rows, issues, codes, read)


def birthday_in_collection_year(date_of_birth: dt.date, extract_date: dt.date) -> dt.date:
    """The child's birthday in the collection year (1 April - 31 March) the extract date falls in: the day the
    OC3 reports on (a 29 February birthday falls on 28 February in other years)."""
    first = extract_date.year if extract_date.month >= 4 else extract_date.year - 1
    for year in (first, first + 1):
        try:
            day = date_of_birth.replace(year=year)
        except ValueError:  # 29 February
            day = dt.date(year, 2, 28)
        if dt.date(first, 4, 1) <= day <= dt.date(first + 1, 3, 31):
            return day
    raise AssertionError("a birthday falls in every collection year")


def _add_care_leavers(extract: ImportedExtract, file_name: str, rows, born: dict, extract_date: dt.date, issues,
                      codes) -> None:  # fmt: skip
    """oc3.csv -> care_leavers: one row per care leaver, the contact of the return's collection year, dated the
    child's birthday in that year (the OC3 asks about the young person around that birthday), or the extract date
    when that birthday is after it (a return made before the year's end); eligibility RELEVANT
    at 17, FORMER_RELEVANT from 18 (the 903 does not record it: the OC3 cohort left care at 16 or over). The 903's
    0 for ACTIV/ACCOM ("not applicable") is an empty value. The date of birth is the OC3's, else the header's."""

    def read(row: _Row):
        child_id = row.text("CHILD")
        contact_date = eligibility = None
        if not row.text("DOB") and born.get(child_id):
            row.row = {**row.row, "DOB": born[child_id]}
        dob = row.date("DOB")
        if dob is None:
            row.issue("DOB", "no date of birth (here or in header.csv): contact date and eligibility not derived")
        elif iso_date(dob) is not None:
            birthday = birthday_in_collection_year(dt.date.fromisoformat(dob), extract_date)
            contact_date = min(birthday, extract_date).isoformat()
            eligibility = "RELEVANT" if birthday.year - dt.date.fromisoformat(dob).year < 18 else "FORMER_RELEVANT"
        return (child_id,), {
            "child_id": child_id,
            "eligibility": eligibility,
            "contact_date": contact_date,
            "in_touch": row.code("IN_TOUCH", "care_leaver_in_touch"),
            "activity": _code_or_zero(row, "ACTIV", "care_leaver_activity"),
            "accommodation": _code_or_zero(row, "ACCOM", "care_leaver_accommodation"),
        }

    _add_each_row(extract, "care_leavers", "care_leaver_record_id", "CL", file_name, rows, issues, codes, read)


def _add_cla_reviews(extract: ImportedExtract, file_name: str, rows, issues, codes) -> None:
    """reviews.csv -> cla_reviews: one row per review (REVIEW the date, REVIEW_CODE the participation PN0-PN7; the id
    derived from the child, the date and its occurrence)."""

    def read(row: _Row):
        child_id, review_date = row.text("CHILD"), row.date("REVIEW")
        return (child_id, review_date), {
            "child_id": child_id,
            "review_date": review_date,
            "participation": row.code("REVIEW_CODE", "review_participation"),
        }

    _add_each_row(extract, "cla_reviews", "review_id", "RV", file_name, rows, issues, codes, read)


def _code_or_zero(row: _Row, field: str, code_list: str) -> str | None:
    """The 903's 0 ("not applicable") is an empty value in the contract; any other value is a code."""
    return None if row.text(field) == "0" else row.code(field, code_list)


def _add_child_fields(extract: ImportedExtract, tables, issues, codes) -> None:
    """The header's UPN -> child_identifiers (a UN1-UN5 code -> upn_unknown), when the header has the column; uasc.csv
    -> uasc_statuses (CHILD, DUC: its SEX and DOB are the child's, in children), when present (header-only when it
    has no rows: no child was UASC)."""
    file_name, rows = tables["header"]
    if rows and "UPN" in rows[0][1]:
        for line, values in rows:
            row = _Row(file_name, line, values, issues, codes)
            child_id, upn = row.text("CHILD"), row.text("UPN")
            unknown = upn is not None and upn.upper() in UPN_UNKNOWN_CODES
            extract.add(
                "child_identifiers",
                {
                    "child_id": child_id,
                    "upn": None if unknown else upn,
                    "upn_unknown": upn.upper() if unknown else None,
                },
                child_id,
                f"{file_name} line {line}",
            )
    if "uasc" not in tables:
        return
    extract.rows.setdefault("uasc_statuses", [])
    file_name, rows = tables["uasc"]
    for line, values in rows:
        row = _Row(file_name, line, values, issues, codes)
        child_id = row.text("CHILD")
        extract.add(
            "uasc_statuses",
            {"child_id": child_id, "uasc_ceased_date": row.date("DUC")},
            child_id,
            f"{file_name} line {line}",
        )

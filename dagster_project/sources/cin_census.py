"""CIN census XML (DfE schema of the 2022-23 collection onwards) -> an extract folder.

Field mapping, derived ids and what the census cannot provide: README.md in this folder.
Parsed with the standard library's ElementTree (the census is a few MB at most). Errors that stop
the import name the file, the line (malformed XML) or the element path, and the field.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from dagster_project.contract.model import load_contract
from dagster_project.ingest.discovery import iso_date
from dagster_project.sources.descriptor import SourceDescriptor, collection_year_of
from dagster_project.sources.extract_writer import ImportedExtract, ImportIssue, ReturnImportError, derived_id

FIRST_SCHEMA_YEAR = 2022  # <Year> of the first collection this importer reads (see README: schema years)
# The newest <Year> accepted: 2027, the collection ending 31 March 2027 (2026-27), current when this was
# written. Files write Year as the collection's start or end year (the DfE validator's own 2022-23 test data
# has Year 2022), so ReferenceDate must fall in Year or Year + 1. A later Year is a schema no one has checked
# this importer against (or a typo): raise this once one is.
LAST_SCHEMA_YEAR = 2027
SOURCE = "cin_census"
MISSING_FILES = ("teams", "workers", "allocations", "contacts", "cla_episodes", "visits", "supervisions")
MISSING_COLUMNS = {
    "children": ("forename", "surname", "postcode"),
    "referrals": ("contact_id", "team_id", "worker_id"),
    "assessments": ("child_seen", "outcome", "team_id", "worker_id"),
    # The census's Section47 block has no strategy discussion, enquiry outcome or conference outcome.
    "section47_enquiries": ("strategy_discussion_date", "outcome", "icpc_outcome"),
}
# The optional contract files the census fills (always written, header-only when the return has none): a census
# holds every section 47 enquiry and CP plan of its year, so none is "none recorded", not "not available".
OPTIONAL_FILES = ("section47_enquiries", "cp_reviews", "cp_categories")
# The child fields (issue 24): every child of a census has its ChildIdentifiers and a Disabilities list.
CHILD_FIELD_FILES = ("child_identifiers", "child_disabilities")
# GenderCurrent (and Sex in later schemas): DfE codes -> contract sex.
SEX_CODES = {"0": "U", "1": "M", "2": "F", "9": "U", "M": "M", "F": "F", "U": "U"}
# assessments.factors holds the codes separated by "|", as every factor rule (quality/rules_dfe.py) reads them.
FACTOR_SEPARATOR = "|"
BOOLEAN_CODES = {"true": "Y", "1": "Y", "false": "N", "0": "N"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    for c in element:
        if _local(c.tag) == name:
            return c
    return None


def _child_or_empty(element: ET.Element, name: str) -> ET.Element:
    found = _child(element, name)
    return found if found is not None else ET.Element(name)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element, name: str) -> str | None:
    found = _child(element, name)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


class _Reader:
    def __init__(self, file_name: str, extract: ImportedExtract):
        self.file_name = file_name
        self.extract = extract
        self.codes = load_contract().code_lists

    def where(self, path: str) -> str:
        return f"{self.file_name} {path}"

    def issue(self, path: str, field: str, message: str) -> None:
        self.extract.issues.append(ImportIssue(f"{self.file_name}: {path}", field, message))

    def date(self, element: ET.Element, name: str, path: str) -> str | None:
        return self.date_value(_text(element, name), name, f"{path}/{name}")

    def date_value(self, value: str | None, name: str, path: str) -> str | None:
        """An ISO date; anything else as delivered, reported (path: the element's own path)."""
        if value is not None:
            if (day := iso_date(value)) is not None:
                return day.isoformat()
            # the value is not repeated: it may be a date of birth (messages carry no personal values)
            self.issue(path, name, "not a YYYY-MM-DD date (written as delivered)")
        return value

    def mapped(self, element: ET.Element, name: str, path: str, mapping: dict[str, str]) -> str | None:
        value = _text(element, name)
        if value is None:
            return None
        if value.lower() in mapping or value in mapping:
            return mapping.get(value.lower(), mapping.get(value))
        self.issue(
            f"{path}/{name}", name,
            f"unknown code (expected one of {', '.join(sorted(mapping))}; value not shown); written as delivered",
        )  # fmt: skip
        return value

    def code(self, element: ET.Element, name: str, path: str, code_list: str) -> str | None:
        value = _text(element, name)
        if value is not None and value.upper() not in self.codes[code_list]:
            self.issue(
                f"{path}/{name}", name,
                f"unknown code (not in the {code_list} code list; value not shown); written as delivered",
            )  # fmt: skip
        return value


def _check_namespace(root: ET.Element, file_name: str) -> None:
    """The DfE's CIN census schema declares no target namespace: its elements carry none. A file whose
    elements do is another schema (or a supplier's variant) and is refused rather than read by guesswork."""
    for element in root.iter():
        if element.tag.startswith("{"):
            raise ReturnImportError(
                f"{file_name}: <{_local(element.tag)}>: element in an XML namespace (value not shown): the DfE CIN "
                "census schema has no namespace (remove the xmlns declaration, or export the census again)"
            )


def _header(root: ET.Element, file_name: str) -> tuple[int, str]:
    """(collection year, reference date) from the header; errors stop the import."""
    _check_namespace(root, file_name)
    if _local(root.tag) != "Message":
        raise ReturnImportError(f"{file_name}: /{_local(root.tag)}: root element is not <Message>: not a CIN census")
    details = _child(_child_or_empty(root, "Header"), "CollectionDetails")
    path = "/Message/Header/CollectionDetails"
    if details is None:
        raise ReturnImportError(f"{file_name}: {path}: element missing: not a CIN census header")
    collection = _text(details, "Collection")
    if collection != "CIN":
        raise ReturnImportError(f"{file_name}: {path}/Collection: Collection is not 'CIN' (value not shown)")
    year_text = _text(details, "Year")
    if year_text is None or not re.fullmatch(r"\d{4}", year_text):
        raise ReturnImportError(f"{file_name}: {path}/Year: Year is not a four-digit year (value not shown)")
    year = int(year_text)
    if not FIRST_SCHEMA_YEAR <= year <= LAST_SCHEMA_YEAR:
        raise ReturnImportError(
            f"{file_name}: {path}/Year: schema year {year} is outside the years this importer reads (Year "
            f"{FIRST_SCHEMA_YEAR}, the {_collection(FIRST_SCHEMA_YEAR)} schema, to Year {LAST_SCHEMA_YEAR})"
        )
    reference = _text(details, "ReferenceDate")
    day = iso_date(reference)
    if day is None:
        raise ReturnImportError(
            f"{file_name}: {path}/ReferenceDate: ReferenceDate is not a real YYYY-MM-DD date (value not shown)"
        )
    if day.year not in (year, year + 1):
        raise ReturnImportError(
            f"{file_name}: {path}/ReferenceDate: ReferenceDate does not belong to schema year {year} "
            f"(expected a date in {year} or {year + 1})"
        )
    return year, reference


def _collection(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def parse_cin_census(path: Path, extract_date: str | None = None) -> ImportedExtract:
    path = Path(path)
    file_name = path.name
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        raise ReturnImportError(f"{file_name}: line {line}, column {column}: malformed XML ({exc.msg})") from None
    except OSError as exc:
        raise ReturnImportError(f"{file_name}: cannot read ({exc.strerror})") from None
    if extract_date is not None and iso_date(extract_date) is None:
        raise ReturnImportError(f"extract date {extract_date!r} is not a real date of the form YYYY-MM-DD")
    _, reference_date = _header(root, file_name)
    # The census covers the collection year its ReferenceDate falls in (the year end, in a real census).
    year = collection_year_of(dt.date.fromisoformat(reference_date))
    descriptor = SourceDescriptor(SOURCE, MISSING_FILES, MISSING_COLUMNS, origin=file_name, collection_year=year)
    extract = ImportedExtract(extract_date or reference_date, descriptor)
    for name in OPTIONAL_FILES + CHILD_FIELD_FILES:
        extract.rows.setdefault(name, [])
    reader = _Reader(file_name, extract)
    children = _child(root, "Children")
    if children is None:
        raise ReturnImportError(f"{file_name}: /Message/Children: element missing: the return holds no children")
    for child_number, child in enumerate(_children(children, "Child"), start=1):
        _read_child(reader, child, f"/Message/Children/Child[{child_number}]")
    return extract


def _read_child(reader: _Reader, child: ET.Element, path: str) -> None:
    extract = reader.extract
    ids = _child_or_empty(child, "ChildIdentifiers")
    chars = _child_or_empty(child, "ChildCharacteristics")
    ids_path, chars_path = f"{path}/ChildIdentifiers", f"{path}/ChildCharacteristics"
    child_id = _text(ids, "LAchildID")
    if child_id is None:
        reader.issue(f"{ids_path}/LAchildID", "LAchildID", "missing: the child and its records cannot count")
    sex_field = "Sex" if _child(ids, "Sex") is not None else "GenderCurrent"
    extract.add(
        "children",
        {
            "child_id": child_id,
            "sex": reader.mapped(ids, sex_field, ids_path, SEX_CODES),
            "date_of_birth": reader.date(ids, "PersonBirthDate", ids_path),
            "expected_date_of_birth": reader.date(ids, "ExpectedPersonBirthDate", ids_path),
            "ethnicity": reader.code(chars, "Ethnicity", chars_path, "ethnicity"),
            "disabled": _disabled(chars),
            "date_of_death": reader.date(ids, "PersonDeathDate", ids_path),
        },
        child_id,
        reader.where(path),
    )
    _add_child_fields(reader, ids, chars, path, child_id)
    occurrences: Counter = Counter()
    for n, details in enumerate(_children(child, "CINdetails"), start=1):
        _read_episode(reader, details, f"{path}/CINdetails[{n}]", child_id or "", occurrences)


def _add_child_fields(reader: _Reader, ids: ET.Element, chars: ET.Element, path: str, child_id: str | None) -> None:
    """ChildIdentifiers' UPN, FormerUPN and UPNunknown -> child_identifiers (one row per child); each
    ChildCharacteristics/Disabilities/Disability -> a child_disabilities row (its id derived from the child, the
    code and its occurrence, so a code given twice stays two rows for rule 8794)."""
    ids_path = f"{path}/ChildIdentifiers"
    reader.extract.add(
        "child_identifiers",
        {
            "child_id": child_id,
            "upn": _text(ids, "UPN"),
            "former_upn": _text(ids, "FormerUPN"),
            "upn_unknown": reader.code(ids, "UPNunknown", ids_path, "upn_unknown"),
        },
        child_id,
        reader.where(ids_path),
    )
    block = _child(chars, "Disabilities")
    occurrences: Counter = Counter()
    for n, element in enumerate(_children(block, "Disability") if block is not None else [], start=1):
        where = f"{path}/ChildCharacteristics/Disabilities/Disability[{n}]"
        code = (element.text or "").strip() or None
        if code is not None and code.upper() not in reader.codes["disability"]:
            reader.issue(where, "Disability", "unknown code (not in the disability code list; value not shown); "
                         "written as delivered")  # fmt: skip
        reader.extract.add(
            "child_disabilities",
            {
                "disability_record_id": derived_id(
                    "DI", child_id or "", code or "", _occurrence(occurrences, code or "")
                ),
                "child_id": child_id,
                "disability": code,
            },
            child_id,
            reader.where(where),
        )


def _disabled(chars: ET.Element) -> str:
    """Y when any <Disability> other than NONE, N when only NONE, U when the return has none."""
    block = _child(chars, "Disabilities")
    codes = [(d.text or "").strip().upper() for d in _children(block, "Disability")] if block is not None else []
    if not codes:
        return "U"
    return "Y" if any(c and c != "NONE" for c in codes) else "N"


def _occurrence(occurrences: Counter, *key: str) -> str:
    occurrences[key] += 1
    return str(occurrences[key])


def _read_episode(reader: _Reader, details: ET.Element, path: str, child_id: str, occurrences: Counter) -> None:
    extract = reader.extract
    referral_date = reader.date(details, "CINreferralDate", path)
    referral_id = derived_id("R", child_id, referral_date or "", _occurrence(occurrences, "R", referral_date or ""))
    extract.add(
        "referrals",
        {
            "referral_id": referral_id,
            "child_id": child_id,
            "referral_date": referral_date,
            "referral_source": reader.code(details, "ReferralSource", path, "referral_source"),
            "primary_need_code": reader.code(details, "PrimaryNeedCode", path, "primary_need_code"),
            "nfa": reader.mapped(details, "ReferralNFA", path, BOOLEAN_CODES),
            "closure_date": reader.date(details, "CINclosureDate", path),
            "closure_reason": reader.code(details, "ReasonForClosure", path, "closure_reason"),
        },
        child_id,
        reader.where(path),
    )
    for n, assessment in enumerate(_children(details, "Assessments"), start=1):
        a_path = f"{path}/Assessments[{n}]"
        start = reader.date(assessment, "AssessmentActualStartDate", a_path)
        factors = _factors(assessment)
        extract.add(
            "assessments",
            {
                "assessment_id": derived_id(
                    "A", referral_id, start or "", _occurrence(occurrences, "A", referral_id, start or "")
                ),
                "referral_id": referral_id,
                "child_id": child_id,
                "start_date": start,
                "authorised_date": reader.date(assessment, "AssessmentAuthorisationDate", a_path),
                "factors": FACTOR_SEPARATOR.join(factors) or None,
            },
            child_id,
            reader.where(a_path),
        )
    for n, plan in enumerate(_children(details, "CINPlanDates"), start=1):
        p_path = f"{path}/CINPlanDates[{n}]"
        start = reader.date(plan, "CINPlanStartDate", p_path)
        _add_plan(reader, "CIN", referral_id, child_id, start, reader.date(plan, "CINPlanEndDate", p_path), None,
                  p_path, occurrences)  # fmt: skip
    for n, enquiry in enumerate(_children(details, "Section47"), start=1):
        _add_section47(reader, enquiry, f"{path}/Section47[{n}]", referral_id, child_id, occurrences)
    for n, plan in enumerate(_children(details, "ChildProtectionPlans"), start=1):
        p_path = f"{path}/ChildProtectionPlans[{n}]"
        start = reader.date(plan, "CPPstartDate", p_path)
        # plans.category_of_abuse is the plan's initial category (its code list is the census's N00113, and a
        # case-management export's plan holds the category it started with); the latest is in cp_categories. A
        # return with only a latest category gives that one.
        initial = "InitialCategoryOfAbuse" if _text(plan, "InitialCategoryOfAbuse") else "LatestCategoryOfAbuse"
        category = reader.code(plan, initial, p_path, "category_of_abuse")
        plan_id = _add_plan(reader, "CP", referral_id, child_id, start, reader.date(plan, "CPPendDate", p_path),
                            category, p_path, occurrences)  # fmt: skip
        reviews = _add_cp_reviews(reader, plan, p_path, plan_id, child_id, occurrences)
        _add_cp_categories(reader, plan, p_path, plan_id, child_id, start, reviews, occurrences)


def _add_section47(reader, enquiry, path, referral_id, child_id, occurrences) -> None:
    """One section 47 enquiry: its start, whether a conference was not required, the conference date."""
    start = reader.date(enquiry, "S47ActualStartDate", path)
    occurrence = _occurrence(occurrences, "Q", referral_id, start or "")
    reader.extract.add(
        "section47_enquiries",
        {
            "s47_id": derived_id("Q", referral_id, start or "", occurrence),
            "child_id": child_id,
            "referral_id": referral_id,
            "s47_start_date": start,
            "icpc_not_required": reader.mapped(enquiry, "ICPCnotRequired", path, BOOLEAN_CODES),
            "icpc_date": reader.date(enquiry, "DateOfInitialCPC", path),
        },
        child_id,
        reader.where(path),
    )


def _add_cp_reviews(reader, plan, path, plan_id, child_id, occurrences) -> list[str]:
    """One cp_reviews row per `Reviews/CPPreviewDate` of the plan (one date per element, several elements or
    several `Reviews` blocks alike); returns the review dates that parse, in return order."""
    dates = []
    for n, block in enumerate(_children(plan, "Reviews"), start=1):
        for m, element in enumerate(_children(block, "CPPreviewDate"), start=1):
            r_path = f"{path}/Reviews[{n}]/CPPreviewDate[{m}]"
            day = reader.date_value((element.text or "").strip() or None, "CPPreviewDate", r_path)
            occurrence = _occurrence(occurrences, "V", plan_id, day or "")
            reader.extract.add(
                "cp_reviews",
                {"cp_review_id": derived_id("V", plan_id, day or "", occurrence), "child_id": child_id,
                 "cp_plan_id": plan_id, "review_date": day},
                child_id,
                reader.where(r_path),
            )  # fmt: skip
            if day and iso_date(day) is not None:
                dates.append(day)
    return dates


def _add_cp_categories(reader, plan, path, plan_id, child_id, start, reviews, occurrences) -> None:
    """The initial category from the plan's start; a different latest category from the plan's last review
    conference (the census gives it no date; a plan's category is changed at a review conference). A latest
    category with no review to date it is written without a date: the rules exclude and count it."""
    initial = _text(plan, "InitialCategoryOfAbuse")  # its code was checked with the plan
    latest = reader.code(plan, "LatestCategoryOfAbuse", path, "category_of_abuse") if initial else None
    latest = latest or _text(plan, "LatestCategoryOfAbuse")
    rows = [(initial, start, "InitialCategoryOfAbuse")]
    if latest and initial is None:  # only a latest category: the plan's category from its start
        rows = [(latest, start, "LatestCategoryOfAbuse")]
    elif latest and initial != latest:
        changed_on = max(reviews) if reviews else None
        if changed_on is None:
            reader.issue(f"{path}/LatestCategoryOfAbuse", "LatestCategoryOfAbuse",
                         "differs from the initial category but the plan has no review to date it: written without "
                         "a category_start_date")  # fmt: skip
        rows.append((latest, changed_on, "LatestCategoryOfAbuse"))
    for category, day, element in rows:
        if category is None:
            continue
        occurrence = _occurrence(occurrences, "K", plan_id, element)
        reader.extract.add(
            "cp_categories",
            {"cp_category_id": derived_id("K", plan_id, element, occurrence), "cp_plan_id": plan_id,
             "category": category, "category_start_date": day},
            child_id,
            reader.where(f"{path}/{element}"),
        )  # fmt: skip


def _factors(assessment: ET.Element) -> list[str]:
    """The DfE schema: `FactorsIdentifiedAtAssessment` holding one `AssessmentFactors` per code (as the DfE
    validator reads it). Also read: an `AssessmentFactors` block directly under `Assessments`, holding one
    element per code, or one code as its text."""
    block = _child(assessment, "FactorsIdentifiedAtAssessment")
    if block is None:
        block = _child(assessment, "AssessmentFactors")
        if block is not None and not len(block):
            return [text] if (text := (block.text or "").strip()) else []
    return [text for f in block if (text := (f.text or "").strip())] if block is not None else []


def _add_plan(reader, plan_type, referral_id, child_id, start, end, category, path, occurrences) -> str:
    occurrence = _occurrence(occurrences, "P", referral_id, plan_type, start or "")
    plan_id = derived_id("P", referral_id, plan_type, start or "", occurrence)
    reader.extract.add(
        "plans",
        {
            "plan_id": plan_id,
            "child_id": child_id,
            "referral_id": referral_id,
            "plan_type": plan_type,
            "start_date": start,
            "end_date": end,
            "category_of_abuse": category,
        },
        child_id,
        reader.where(path),
    )
    return plan_id

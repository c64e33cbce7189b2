"""Optional export files: an absent one is "not available from this source" (its rules not applicable, its
file checks not applicable, nothing loaded), a present one is loaded and checked like any other file, and an
extract without them is complete and hashes as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dagster_project.contract.model import load_contract
from dagster_project.ingest.discovery import choose_target, missing_files
from dagster_project.ingest.load import load_extract
from dagster_project.orchestration.extract_state import content_hash
from dagster_project.quality.applicability import not_applicable_rules
from dagster_project.quality.rules import registry
from dagster_project.sources.availability import measure_availability
from dagster_project.sources.descriptor import SourceDescriptor, read_descriptor, write_descriptor
from dagster_project.sources.extract_writer import ImportedExtract, write_extract

pytestmark = pytest.mark.fast
CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "2020-03-31"
S47_HEADER = (
    "s47_id,child_id,referral_id,strategy_discussion_date,s47_start_date,outcome,icpc_not_required,icpc_date,"
    "icpc_outcome\n"
)


@pytest.fixture
def extract(tmp_path) -> Path:
    folder = tmp_path / "raw" / CONFORMANCE.name
    shutil.copytree(CONFORMANCE, folder)
    return folder


def test_the_contract_marks_exactly_the_optional_files():
    contract = load_contract()
    optional = [f.name for f in contract.files.values() if f.optional]
    assert optional == [
        "section47_enquiries", "cla_reviews", "care_leavers", "missing_episodes", "cla_health", "cp_reviews",
        "cp_categories", "child_identifiers", "child_disabilities", "uasc_statuses", "legal_statuses",
        "pathway_plan_reviews",
    ]  # fmt: skip
    assert len(contract.required_file_names) == 11
    # a required file never refers to an optional one (it would be an orphan whenever the file is left out)
    for file in contract.files.values():
        for column in file.columns:
            if column.references and not file.optional:
                assert not contract.files[column.referenced_file].optional, f"{file.name}.{column.name}"


def test_an_extract_without_optional_files_is_complete_and_hashes_as_before(extract):
    assert missing_files(extract) == []
    assert choose_target(extract.parent, None) == (extract.name, extract)
    before = content_hash(extract)
    (extract / "section47_enquiries.csv").write_text(S47_HEADER, encoding="utf-8")
    assert content_hash(extract) != before  # a present optional file is part of the extract
    (extract / "section47_enquiries.csv").unlink()
    assert content_hash(extract) == before
    (extract / "children.csv").unlink()
    assert missing_files(extract) == ["children.csv"]  # a required file still makes it incomplete


def test_absent_optional_files_are_not_provided_and_their_rules_not_applicable(extract):
    descriptor = read_descriptor(extract)
    optional = tuple(f.name for f in load_contract().files.values() if f.optional)  # pinned by the test above
    assert descriptor == SourceDescriptor(missing_files=optional)
    skipped = not_applicable_rules(descriptor)
    missing = set(descriptor.missing_files)
    optional_rules = {r.id for r in registry() if r.file in missing or {f for _, f in r.referenced()} & missing}
    # every rule of those files, and of other files reading one (issue 24: plans.cp_not_started_at_icpc reads
    # section47_enquiries, 903 580 on episodes reads missing_episodes, CIN 8770Q on children reads
    # child_identifiers), and nothing else
    assert optional_rules and set(skipped) == optional_rules
    assert skipped["plans.cp_not_started_at_icpc"] == (
        "not applicable: case_management provides no section47_enquiries.csv"
    )
    assert (
        skipped["children.school_age_without_upn"]
        == "not applicable: case_management provides no child_identifiers.csv"
    )
    assert skipped["section47_enquiries.child_id.required"] == (
        "not applicable: case_management provides no section47_enquiries.csv"
    )
    # the measures built on them are unavailable, saying which file is missing; the others are available
    availability = {a.measure: a for a in measure_availability(descriptor)}
    assert availability["icpc_within_15wd_pct"].reason == (
        "not available from this source: the case-management export has no section47_enquiries.csv"
    )
    assert "care_leavers.csv" in availability["care_leavers_eet_pct"].reason
    assert "cla_reviews.csv" in availability["cla_reviews_in_time_pct"].reason
    assert "missing_episodes.csv" in availability["cla_missing_return_interview_offered_pct"].reason
    assert "cp_reviews.csv" in availability["cp_reviews_in_time_pct"].reason
    unavailable = {m for m, a in availability.items() if not a.available}
    assert unavailable == {
        "icpc_within_15wd_pct", "cla_reviews_in_time_pct", "care_leavers_in_touch_pct",
        "care_leavers_suitable_accommodation_pct", "care_leavers_eet_pct",
        "cla_went_missing_count", "cla_went_missing_pct", "cla_missing_return_interview_offered_pct",
        "cla_health_assessments_up_to_date_pct", "cla_dental_checks_up_to_date_pct", "cp_reviews_in_time_pct",
    }  # fmt: skip
    # an imported return's descriptor gets them too, once
    write_descriptor(extract, SourceDescriptor("ssda903", ("contacts", "cla_reviews")))
    assert read_descriptor(extract).missing_files == (
        "contacts", "cla_reviews", *(f for f in optional if f != "cla_reviews")
    )  # fmt: skip


def test_a_present_optional_file_is_loaded_and_its_rules_apply(extract, tmp_path):
    (extract / "section47_enquiries.csv").write_text(
        S47_HEADER + "Q1,100001,R00001,2020-01-06,2020-01-06,ICPC,N,2020-01-20,CP_PLAN\n", encoding="utf-8"
    )
    descriptor = read_descriptor(extract)
    assert "section47_enquiries" not in descriptor.missing_files
    assert not any(r.startswith("section47_enquiries.") for r in not_applicable_rules(descriptor))
    assert next(a for a in measure_availability(descriptor) if a.measure == "icpc_within_15wd_pct").available
    outcome = load_extract(tmp_path / "warehouse.duckdb", extract, extract.name, "run1")
    assert not outcome.failures
    loaded = outcome.results["section47_enquiries"]
    assert (loaded.status, loaded.rows_loaded) == ("loaded", 1)
    absent = outcome.results["care_leavers"]
    assert (absent.status, absent.rows_loaded, absent.ok) == ("not_provided", 0, True)
    assert "not provided" in absent.message


def test_a_present_optional_file_with_a_bad_header_is_unusable_like_any_other(extract, tmp_path):
    (extract / "cla_reviews.csv").write_text("review_id,child_id,review_date\nV1,100001,2020-01-06\n", encoding="utf-8")
    outcome = load_extract(tmp_path / "warehouse.duckdb", extract, extract.name, "run1")
    assert [f.file for f in outcome.failures] == ["cla_reviews.csv"]
    assert "missing required column participation" in outcome.failures[0].message


def test_a_reimport_without_an_optional_file_removes_the_earlier_imports_copy(tmp_path):
    """A return imported again into the same folder, now without the file (say, the 903 without missing.csv):
    the earlier import's missing_episodes.csv must not be read as this return's."""
    first = ImportedExtract("2027-03-31", SourceDescriptor("ssda903"))
    first.add("missing_episodes", {"missing_episode_id": "M1", "child_id": "C1"}, "C1", "missing.csv line 2")
    folder = write_extract(first, tmp_path)
    assert (folder / "missing_episodes.csv").is_file()
    again = ImportedExtract("2027-03-31", SourceDescriptor("ssda903", ("missing_episodes",)))
    write_extract(again, tmp_path)
    assert not (folder / "missing_episodes.csv").exists()
    assert (folder / "children.csv").is_file()  # required files are still written (header-only)

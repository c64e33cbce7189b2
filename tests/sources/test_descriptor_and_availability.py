"""The source descriptor, which rules apply to a source, and which measures it can support."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dagster_project.catalogue import load_measures
from dagster_project.contract.model import load_contract
from dagster_project.orchestration.extract_state import content_hash
from dagster_project.quality.applicability import columns_read, not_applicable_rules
from dagster_project.quality.rules import registry, rule_by_id
from dagster_project.sources import cin_census, ssda903
from dagster_project.sources.availability import load_requires, measure_availability
from dagster_project.sources.descriptor import (
    DescriptorError,
    SourceDescriptor,
    read_descriptor,
    write_descriptor,
)
from dagster_project.transform.dbt_vars import dbt_vars

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "2020-03-31"
CIN = SourceDescriptor("cin_census", cin_census.MISSING_FILES, cin_census.MISSING_COLUMNS)
# the contract's optional files: a folder without them does not provide them
OPTIONAL = tuple(f.name for f in load_contract().files.values() if f.optional)  # listed in test_optional_files.py
SSDA903 = SourceDescriptor("ssda903", ssda903.MISSING_FILES, ssda903.MISSING_COLUMNS)


def test_descriptor_round_trip_and_default(tmp_path):
    # no descriptor: the case-management export, providing all it holds (here, no optional file)
    assert read_descriptor(tmp_path) == SourceDescriptor(missing_files=OPTIONAL)
    write_descriptor(tmp_path, CIN)
    assert read_descriptor(tmp_path) == SourceDescriptor(
        "cin_census", (*cin_census.MISSING_FILES, *OPTIONAL), cin_census.MISSING_COLUMNS
    )
    (tmp_path / "_source.yaml").write_text("source: cin_census\nmissing_columns: {referrals: [colour]}\n")
    with pytest.raises(DescriptorError, match="referrals.csv has no column 'colour'"):
        read_descriptor(tmp_path)


def test_a_case_management_folder_has_every_rule_and_measure():
    assert not_applicable_rules(SourceDescriptor()) == {}
    assert all(a.available for a in measure_availability(SourceDescriptor()))
    plain = dbt_vars("2020-03-31", "r", raw_dir=CONFORMANCE.parent)  # holds no optional file
    # the rules of the optional files, and those of required files that read one (issue 24: 903 580 on episodes)
    optional_rules = sorted(
        r.id for r in registry() if r.file in OPTIONAL or {f for _, f in r.referenced()} & set(OPTIONAL)
    )
    assert sorted(plain["not_applicable_rules"]) == optional_rules and plain["source"] == "case_management"


def test_a_missing_column_never_makes_a_required_value_missing():
    skipped = not_applicable_rules(CIN)
    for file, columns in cin_census.MISSING_COLUMNS.items():
        for column in columns:
            rule_id = f"{file}.{column}.required"
            if any(r.id == rule_id for r in registry()):
                assert skipped[rule_id] == f"not applicable: cin_census does not provide {file}.{column}"
    assert "referrals.referral_date.required" not in skipped and "children.child_id.required" not in skipped
    assert "referrals.duplicate_row" not in skipped  # whole-row rules need the file, not every column
    assert skipped["visits.duplicate_row"] == "not applicable: cin_census provides no visits.csv"
    assert "cla_episodes.placement_intended_until_18.required" in not_applicable_rules(SSDA903)


def test_columns_read_by_a_rule():
    assert columns_read(rule_by_id("referrals.team_id.required")) == {("referrals", "team_id")}
    assert ("referrals", "closure_date") in columns_read(rule_by_id("referrals.closure_date_without_closure_reason"))
    assert columns_read(rule_by_id("children.duplicate_row")) == set()


def test_every_catalogue_measure_says_what_it_needs():
    requires = load_requires()
    assert {m.measure for m in load_measures()} <= set(requires)


def test_what_each_statutory_return_can_support():
    # as read from an imported folder: a census fills the section 47 and CP plan files, no other optional one
    assert set(cin_census.OPTIONAL_FILES) == {"section47_enquiries", "cp_reviews", "cp_categories"}
    not_filled = tuple(f for f in OPTIONAL if f not in cin_census.OPTIONAL_FILES)
    cin_folder = SourceDescriptor("cin_census", (*cin_census.MISSING_FILES, *not_filled), cin_census.MISSING_COLUMNS)
    cin = {a.measure: a for a in measure_availability(cin_folder)}
    # referrals and plans: issue 22's measures; cp_reviews_in_time_pct: the census's CPPreviewDate
    assert {m for m, a in cin.items() if a.available} == {
        "assessments_in_time_pct", "overdue_open_assessments", "referrals_nfa_pct", "re_referrals_pct",
        "children_cp_count", "children_cin_plan_count", "cp_plans_repeat_pct",
        "cp_plans_two_years_pct", "children_cp_rate_per_10k", "children_in_need_count",
        "children_in_need_rate_per_10k", "cp_reviews_in_time_pct"}  # fmt: skip
    assert cin["average_caseload"].reason.startswith("not available from this source: a CIN census has no")
    assert "visits.csv" in cin["cp_visits_in_time_pct"].reason
    # the census's Section47 block has the conference date but no strategy discussion
    assert cin["icpc_within_15wd_pct"].reason == (
        "not available from this source: a CIN census has no section47_enquiries.strategy_discussion_date"
    )
    ssda903_folder = SourceDescriptor("ssda903", (*ssda903.MISSING_FILES, *OPTIONAL), ssda903.MISSING_COLUMNS)
    ssda = {a.measure: a for a in measure_availability(ssda903_folder)}
    # the looked-after measures that need episodes only (issue 22); social workers need allocations, which a 903 lacks
    assert {m for m, a in ssda.items() if a.available} <= {
        "children_looked_after_count", "children_looked_after_rate_per_10k", "cla_three_placements_pct",
        "cla_ceased_sgo_pct", "cla_ceased_cao_pct", "cla_in_foster_care_pct", "cla_placed_with_parents_pct",
        "cla_in_childrens_homes_pct"}  # fmt: skip
    assert not ssda["cla_three_social_workers_pct"].available
    assert not ssda["cla_reviews_in_time_pct"].available  # the importers write no optional file
    assert ssda["re_referrals_pct"].reason == "not available from this source: an SSDA903 return has no referrals.csv"
    # the looked-after count (a catalogue measure once merged) needs only what a 903 provides
    assert not set(load_requires()["children_looked_after_count"]) & SSDA903.unprovided_columns()


def test_files_starting_with_underscore_or_dot_are_not_part_of_the_extract(tmp_path):
    folder = tmp_path / "2020-03-31"
    shutil.copytree(CONFORMANCE, folder)
    before = content_hash(folder)
    (folder / "_synthetic").write_text("generated\n")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "_lineage.csv").write_text("source_file,source_line,child_id,origin\n")
    assert content_hash(folder) == before
    write_descriptor(folder, CIN)  # the descriptor changes what a run does: a new hash
    assert content_hash(folder) != before

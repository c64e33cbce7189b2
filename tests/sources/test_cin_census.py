"""The CIN census importer on the peer's fake return and on hand-made edge cases."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dagster_project.cli import main as csc
from dagster_project.sources.cin_census import parse_cin_census
from dagster_project.sources.descriptor import read_descriptor
from dagster_project.sources.extract_writer import LINEAGE_FILE, ReturnImportError, write_extract

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PEER = FIXTURES / "peer_cin_census" / "fake_CIN_data.xml"
SMALL = FIXTURES / "statutory" / "cin_small.xml"


def _csv(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _xpath_counts(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    return {
        "children": len(root.findall("./Children/Child")),
        "referrals": len(root.findall("./Children/Child/CINdetails")),
        "assessments": len(root.findall("./Children/Child/CINdetails/Assessments")),
        "cin_plans": len(root.findall("./Children/Child/CINdetails/CINPlanDates")),
        "cp_plans": len(root.findall("./Children/Child/CINdetails/ChildProtectionPlans")),
        "section47_enquiries": len(root.findall("./Children/Child/CINdetails/Section47")),
        "cp_reviews": len(root.findall("./Children/Child/CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate")),
    }


def _imported_counts(folder: Path) -> dict[str, int]:
    plans = _csv(folder, "plans.csv")
    return {
        "children": len(_csv(folder, "children.csv")),
        "referrals": len(_csv(folder, "referrals.csv")),
        "assessments": len(_csv(folder, "assessments.csv")),
        "cin_plans": sum(p["plan_type"] == "CIN" for p in plans),
        "cp_plans": sum(p["plan_type"] == "CP" for p in plans),
        "section47_enquiries": len(_csv(folder, "section47_enquiries.csv")),
        "cp_reviews": len(_csv(folder, "cp_reviews.csv")),
    }


@pytest.mark.parametrize("xml", [PEER, SMALL], ids=["peer", "hand_made"])
def test_counts_match_the_returns_own_counts(xml, tmp_path):
    assert csc(["import", "cin-census", str(xml), "--out", str(tmp_path)]) == 0
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert _imported_counts(folder) == _xpath_counts(xml)
    child_ids = {c.findtext("./ChildIdentifiers/LAchildID") for c in ET.parse(xml).getroot().iter("Child")}
    assert {r["child_id"] for r in _csv(folder, "children.csv")} == child_ids


def test_peer_return_lands_as_an_extract_of_its_reference_date(tmp_path):
    extract = parse_cin_census(PEER)
    folder = write_extract(extract, tmp_path)
    assert folder.name == "2022-07-21" and extract.issues == []
    descriptor = read_descriptor(folder)
    assert descriptor.source == "cin_census" and "visits" in descriptor.missing_files
    for name in ("visits.csv", "workers.csv", "contacts.csv", "allocations.csv"):
        assert (folder / name).read_text(encoding="utf-8").count("\n") == 1  # header only
    # The census's section 47 and CP plan modules: always written (this return holds none: header only), so the
    # optional files a census fills are "none recorded", not "not available"; the others stay absent.
    for name in ("section47_enquiries.csv", "cp_reviews.csv", "cp_categories.csv"):
        assert (folder / name).read_text(encoding="utf-8").count("\n") == 1
    assert not (folder / "cla_reviews.csv").exists() and not (folder / "care_leavers.csv").exists()
    assert {"cla_reviews", "care_leavers"} <= set(descriptor.missing_files)
    assert not {"section47_enquiries", "cp_reviews", "cp_categories"} & set(descriptor.missing_files)
    assert descriptor.missing_columns["section47_enquiries"] == ("strategy_discussion_date", "outcome", "icpc_outcome")
    # The lineage names the element each row came from, ids only.
    lineage = _csv(folder, LINEAGE_FILE)
    assert lineage[0] == {"source_file": "children.csv", "source_line": "2", "child_id": "RND000215205141",
                          "origin": "fake_CIN_data.xml /Message/Children/Child[1]"}  # fmt: skip
    assert set(lineage[0]) == {"source_file", "source_line", "child_id", "origin"}


def test_field_mapping_and_derived_ids(tmp_path):
    folder = write_extract(parse_cin_census(SMALL), tmp_path)
    children = {c["child_id"]: c for c in _csv(folder, "children.csv")}
    assert children["C1001"]["sex"] == "F" and children["C1001"]["disabled"] == "N"
    assert children["C1002"]["sex"] == "M" and children["C1002"]["disabled"] == "Y"
    referrals = _csv(folder, "referrals.csv")
    assert [r["nfa"] for r in referrals] == ["N", "N", "Y", "N"]
    assert len({r["referral_id"] for r in referrals}) == 4  # two referrals on one day get distinct ids
    assert all(len(r["referral_id"]) == 16 and r["referral_id"].isalnum() for r in referrals)
    (closed,) = [r for r in referrals if r["closure_date"]]
    assert (closed["closure_date"], closed["closure_reason"]) == ("2024-02-01", "RC1")
    assessments = _csv(folder, "assessments.csv")
    assert assessments[0]["factors"] == "2A|3A" and assessments[0]["authorised_date"] == "2023-07-20"
    assert assessments[0]["referral_id"] == referrals[0]["referral_id"]
    assert assessments[2]["authorised_date"] == ""  # still open at the census date
    plans = _csv(folder, "plans.csv")
    # the CP plan's initial category (NEG; its latest, EMO, is in cp_categories below)
    assert [(p["plan_type"], p["category_of_abuse"]) for p in plans] == [("CP", "NEG"), ("CIN", "")]
    assert plans[1]["end_date"] == "2024-02-01"
    # Section 47 enquiries: the census's start, conference date and "ICPC not required"; no strategy discussion
    enquiries = _csv(folder, "section47_enquiries.csv")
    assert [(e["child_id"], e["s47_start_date"], e["icpc_date"], e["icpc_not_required"], e["strategy_discussion_date"])
            for e in enquiries] == [("C1001", "2023-06-07", "2023-07-25", "N", ""),
                                    ("C1002", "2024-03-05", "", "Y", "")]  # fmt: skip
    assert enquiries[0]["referral_id"] == referrals[0]["referral_id"]
    assert enquiries[1]["referral_id"] == referrals[3]["referral_id"]
    # CP reviews of the plan, and its categories: the initial one from the plan's start, the latest (which
    # differs) from its last review conference
    reviews = _csv(folder, "cp_reviews.csv")
    assert [(r["child_id"], r["cp_plan_id"], r["review_date"]) for r in reviews] == [
        ("C1001", plans[0]["plan_id"], "2023-10-16"), ("C1001", plans[0]["plan_id"], "2024-03-14")]  # fmt: skip
    categories = _csv(folder, "cp_categories.csv")
    assert [(c["cp_plan_id"], c["category"], c["category_start_date"]) for c in categories] == [
        (plans[0]["plan_id"], "NEG", "2023-07-25"), (plans[0]["plan_id"], "EMO", "2024-03-14")]  # fmt: skip
    ids = [r["cp_review_id"] for r in reviews] + [c["cp_category_id"] for c in categories] + [enquiries[0]["s47_id"]]
    assert len(set(ids)) == 5 and all(len(i) == 16 and i.isalnum() for i in ids)
    lineage = {(row["source_file"], row["origin"]) for row in _csv(folder, LINEAGE_FILE)}
    assert ("cp_reviews.csv", "cin_small.xml /Message/Children/Child[1]/CINdetails[1]/ChildProtectionPlans[1]"
            "/Reviews[2]/CPPreviewDate[1]") in lineage  # fmt: skip
    assert ("section47_enquiries.csv", "cin_small.xml /Message/Children/Child[2]/CINdetails[3]/Section47[1]") in lineage
    # Ids depend only on the child, the dates and the occurrence: the same in next year's return.
    again = write_extract(parse_cin_census(SMALL), tmp_path / "again")
    assert _csv(again, "referrals.csv") == referrals
    assert _csv(again, "cp_reviews.csv") == reviews and _csv(again, "cp_categories.csv") == categories


def test_reviews_in_one_block_and_a_latest_category_without_a_review(tmp_path):
    one_block = SMALL.read_text().replace(
        "</CPPreviewDate>\n          </Reviews>\n          <Reviews>\n            <CPPreviewDate>", "</CPPreviewDate>\n"
        "            <CPPreviewDate>", 1)  # fmt: skip
    assert one_block.count("<Reviews>") == 1
    (tmp_path / "one.xml").write_text(one_block)
    folder = write_extract(parse_cin_census(tmp_path / "one.xml"), tmp_path / "a")
    assert [r["review_date"] for r in _csv(folder, "cp_reviews.csv")] == ["2023-10-16", "2024-03-14"]
    # no review to date the change of category: written without a date (the rules exclude and count it), reported
    no_reviews = re.sub(r"\s*<Reviews>\s*<CPPreviewDate>[^<]*</CPPreviewDate>\s*</Reviews>", "", SMALL.read_text())
    (tmp_path / "none.xml").write_text(no_reviews)
    extract = parse_cin_census(tmp_path / "none.xml")
    folder = write_extract(extract, tmp_path / "b")
    assert _csv(folder, "cp_reviews.csv") == []
    assert [(c["category"], c["category_start_date"]) for c in _csv(folder, "cp_categories.csv")] == [
        ("NEG", "2023-07-25"), ("EMO", "")]  # fmt: skip
    [issue] = extract.issues
    assert issue.field == "LatestCategoryOfAbuse" and "no review to date it" in issue.message


def test_reimport_is_byte_identical(tmp_path):
    first = write_extract(parse_cin_census(PEER), tmp_path / "a")
    second = write_extract(parse_cin_census(PEER), tmp_path / "b")
    names = sorted(p.name for p in first.iterdir())
    # 11 required files, the 5 optional ones a census fills (section 47, CP reviews and categories, the child's
    # identifiers and disabilities), _source.yaml and _lineage.csv
    assert names == sorted(p.name for p in second.iterdir()) and len(names) == 18
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    mtime = (first / "referrals.csv").stat().st_mtime_ns
    write_extract(parse_cin_census(PEER), tmp_path / "a")  # the same return again: files untouched
    assert (first / "referrals.csv").stat().st_mtime_ns == mtime


def test_extract_date_override(tmp_path):
    assert csc(["import", "cin-census", str(SMALL), "--out", str(tmp_path), "--extract-date", "2024-04-02"]) == 0
    assert (tmp_path / "2024-04-02" / "children.csv").is_file()


def test_malformed_xml_names_the_line(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(
        SMALL.read_text().replace("</LAchildID>\n        <PersonBirthDate>2012", "\n <PersonBirthDate>2012", 1)
    )
    with pytest.raises(ReturnImportError, match=r"broken\.xml: line \d+, column \d+: malformed XML"):
        parse_cin_census(broken)


def test_wrong_schema_year_is_refused(tmp_path, capsys):
    old = tmp_path / "cin_2021.xml"
    old.write_text(SMALL.read_text().replace("<Year>2024</Year>", "<Year>2021</Year>"))
    assert csc(["import", "cin-census", str(old), "--out", str(tmp_path / "raw")]) == 1
    err = capsys.readouterr().err
    assert "cin_2021.xml: /Message/Header/CollectionDetails/Year: schema year 2021" in err
    assert "2022-23 schema" in err and not (tmp_path / "raw").exists()


def test_not_a_cin_collection_is_refused(tmp_path):
    other = tmp_path / "other.xml"
    other.write_text(SMALL.read_text().replace("<Collection>CIN</Collection>", "<Collection>SCHOOL</Collection>"))
    with pytest.raises(ReturnImportError, match="Collection: Collection is not 'CIN'"):
        parse_cin_census(other)


def test_unknown_code_is_kept_and_reported_with_its_element(tmp_path, capsys):
    odd = tmp_path / "odd.xml"
    text = SMALL.read_text().replace("<ReferralSource>2A</ReferralSource>", "<ReferralSource>ZZ</ReferralSource>")
    odd.write_text(text.replace("<GenderCurrent>1</GenderCurrent>", "<GenderCurrent>7</GenderCurrent>"))
    assert csc(["import", "cin-census", str(odd), "--out", str(tmp_path / "raw")]) == 0
    out = capsys.readouterr().out
    assert (
        "warning: odd.xml: /Message/Children/Child[2]/CINdetails[1]/ReferralSource: ReferralSource: "
        "unknown code (not in the referral_source code list; value not shown); written as delivered"
    ) in out
    assert "/Message/Children/Child[2]/ChildIdentifiers/GenderCurrent: GenderCurrent: unknown code (" in out
    assert "'ZZ'" not in out and "'7'" not in out
    referrals = _csv(tmp_path / "raw" / "2024-03-31", "referrals.csv")
    assert referrals[1]["referral_source"] == "ZZ"  # the invalid_code rule excludes and counts it


def test_an_imported_return_is_picked_up_by_the_sensor_once(landing):
    import dagster as dg

    from dagster_project.orchestration.sensors import new_extract_sensor
    from dagster_project.run_context import EXTRACT_DATE_TAG

    assert csc(["import", "cin-census", str(PEER), "--out", str(landing)]) == 0
    first = new_extract_sensor(dg.build_sensor_context())
    assert [r.tags[EXTRACT_DATE_TAG] for r in first.run_requests] == ["2022-07-21"]
    assert csc(["import", "cin-census", str(PEER), "--out", str(landing)]) == 0  # the same return again
    again = new_extract_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert not again.run_requests


def test_child_identifiers_and_disabilities_with_lineage(tmp_path):
    """ChildIdentifiers' UPN, FormerUPN and UPNunknown -> child_identifiers (one row per child); every Disability
    -> a child_disabilities row (a code given twice stays two rows, with their own ids, for rule 8794)."""
    text = SMALL.read_text(encoding="utf-8")
    ids_end = text.index("</ChildIdentifiers>")
    text = text[:ids_end] + "<UPN>R884123456789</UPN><FormerUPN>D884000000003</FormerUPN>" + text[ids_end:]
    codes = "<Disability>AUT</Disability><Disability>LD</Disability><Disability>AUT</Disability>"
    text = text.replace("<Disability>NONE</Disability>", codes, 1)  # the first child's only code
    (tmp_path / "census.xml").write_text(text, encoding="utf-8")
    folder = write_extract(parse_cin_census(tmp_path / "census.xml"), tmp_path / "raw")
    identifiers = _csv(folder, "child_identifiers.csv")
    first = identifiers[0]
    assert (first["upn"], first["former_upn"], first["upn_unknown"]) == ("R884123456789", "D884000000003", "")
    assert len(identifiers) == len(_csv(folder, "children.csv"))  # one row per child
    disabilities = [d for d in _csv(folder, "child_disabilities.csv") if d["child_id"] == first["child_id"]]
    assert [d["disability"] for d in disabilities] == ["AUT", "LD", "AUT"]
    assert len({d["disability_record_id"] for d in disabilities}) == len(disabilities)
    lineage = [r for r in _csv(folder, "_lineage.csv") if r["source_file"] == "child_disabilities.csv"]
    assert lineage and all("/ChildCharacteristics/Disabilities/Disability[" in r["origin"] for r in lineage)
    descriptor = read_descriptor(folder)
    assert not {"child_identifiers", "child_disabilities"} & set(descriptor.missing_files)
    assert "uasc_statuses" in descriptor.missing_files  # the census has no UASC file

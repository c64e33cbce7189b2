"""The CIN census importer on the peer's fake return and on hand-made edge cases."""

from __future__ import annotations

import csv
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
    }


def _imported_counts(folder: Path) -> dict[str, int]:
    plans = _csv(folder, "plans.csv")
    return {
        "children": len(_csv(folder, "children.csv")),
        "referrals": len(_csv(folder, "referrals.csv")),
        "assessments": len(_csv(folder, "assessments.csv")),
        "cin_plans": sum(p["plan_type"] == "CIN" for p in plans),
        "cp_plans": sum(p["plan_type"] == "CP" for p in plans),
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
    assert assessments[0]["factors"] == "2A,3A" and assessments[0]["authorised_date"] == "2023-07-20"
    assert assessments[0]["referral_id"] == referrals[0]["referral_id"]
    assert assessments[2]["authorised_date"] == ""  # still open at the census date
    plans = _csv(folder, "plans.csv")
    assert [(p["plan_type"], p["category_of_abuse"]) for p in plans] == [("CP", "EMO"), ("CIN", "")]
    assert plans[1]["end_date"] == "2024-02-01"
    # Ids depend only on the child, the dates and the occurrence: the same in next year's return.
    again = write_extract(parse_cin_census(SMALL), tmp_path / "again")
    assert _csv(again, "referrals.csv") == referrals


def test_reimport_is_byte_identical(tmp_path):
    first = write_extract(parse_cin_census(PEER), tmp_path / "a")
    second = write_extract(parse_cin_census(PEER), tmp_path / "b")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) and len(names) == 13
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

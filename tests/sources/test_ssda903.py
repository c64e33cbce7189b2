"""The SSDA903 importer on hand-made files: mapping, dates, ids, and its error messages."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from dagster_project.cli import main as csc
from dagster_project.sources.descriptor import read_descriptor
from dagster_project.sources.extract_writer import ReturnImportError, write_extract
from dagster_project.sources.ssda903 import default_extract_date, parse_ssda903

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "statutory" / "ssda903_small"


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "903"
    shutil.copytree(SMALL, target)
    for p in target.iterdir():
        p.chmod(0o644)
    return target


def test_mapping_dates_and_ids(tmp_path):
    assert csc(["import", "ssda903", str(SMALL), "--out", str(tmp_path)]) == 0
    folder = tmp_path / "2023-03-31"  # collection year end after the latest episode date (15/03/2023)
    children = _csv(folder / "children.csv")
    assert [(c["child_id"], c["sex"], c["date_of_birth"]) for c in children] == [
        ("900001", "M", "2010-02-14"), ("900002", "F", "2016-11-03")]  # fmt: skip
    assert all(c["disabled"] == "" for c in children)  # not in the 903: not applicable, never "missing"
    episodes = _csv(folder / "cla_episodes.csv")
    source_episodes = _csv(SMALL / "episodes.csv")
    assert len(episodes) == len(source_episodes)
    assert [(e["child_id"], e["start_date"], e["end_date"], e["reason_ceased"]) for e in episodes] == [
        ("900001", "2022-05-01", "2022-08-10", "X1"), ("900001", "2022-08-10", "", ""),
        ("900002", "2023-01-20", "2023-03-15", "E13")]  # fmt: skip
    assert len({e["episode_id"] for e in episodes}) == 3 and all(e["episode_id"].startswith("E") for e in episodes)
    descriptor = read_descriptor(folder)
    assert descriptor.source == "ssda903" and descriptor.dfe_return == "903"
    assert "placement_intended_until_18" in descriptor.missing_columns["cla_episodes"]
    for name in ("referrals.csv", "visits.csv", "plans.csv"):
        assert (folder / name).read_text(encoding="utf-8").count("\n") == 1


def test_default_extract_date_is_the_collection_year_end():
    assert default_extract_date([{"DECOM": "01/04/2022", "DEC": ""}]) == "2023-03-31"
    assert default_extract_date([{"DECOM": "31/03/2022", "DEC": ""}]) == "2022-03-31"
    assert default_extract_date([{"DECOM": "xx"}]) is None


def test_missing_column_names_file_and_column(tmp_path, capsys):
    folder = _copy(tmp_path)
    text = (folder / "episodes.csv").read_text()
    (folder / "episodes.csv").write_text(text.replace(",DECOM,", ",DECOMM,", 1))
    assert csc(["import", "ssda903", str(folder), "--out", str(tmp_path / "raw")]) == 1
    err = capsys.readouterr().err
    assert "Import failed: episodes.csv: line 1: column DECOM missing" in err
    assert not (tmp_path / "raw").exists()


def test_missing_header_file_is_refused(tmp_path):
    folder = _copy(tmp_path)
    (folder / "Header.csv").unlink()
    with pytest.raises(ReturnImportError, match="header.csv missing"):
        parse_ssda903(folder)


def test_unknown_code_and_bad_date_are_kept_and_reported_with_their_line(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "episodes.csv").read_text()
    (folder / "episodes.csv").write_text(text.replace(",P,C2,", ",Q,C2,").replace("20/01/2023", "2023/20/01"))
    (folder / "ad1.csv").write_text("CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\r\n")
    extract = parse_ssda903(folder, "2023-03-31")
    messages = [str(i) for i in extract.issues]
    assert (
        "episodes.csv: line 3: RNE: unknown code (not in the reason_new_episode code list; value not shown); "
        "written as delivered" in messages
    )
    assert "episodes.csv: line 4: DECOM: not a DD/MM/YYYY date (written as delivered)" in messages
    assert "ad1.csv: (file): no contract file holds this part of the return: not imported" in messages
    assert not any(m.startswith("reviews.csv: (file)") for m in messages)  # reviews.csv fills cla_reviews
    folder_out = write_extract(extract, tmp_path / "raw")
    assert _csv(folder_out / "cla_episodes.csv")[1]["reason_new_episode"] == "Q"


def test_reimport_is_byte_identical(tmp_path):
    a = write_extract(parse_ssda903(SMALL), tmp_path / "a")
    b = write_extract(parse_ssda903(SMALL), tmp_path / "b")
    for p in a.iterdir():
        assert p.read_bytes() == (b / p.name).read_bytes(), p.name


def test_missing_csv_fills_the_optional_missing_episodes_with_lineage(tmp_path):
    source = _copy(tmp_path)
    (source / "missing.csv").write_text(
        "CHILD,DOB,MISSING,MIS_START,MIS_END\r\n"
        "900001,14/02/2010,M,03/06/2022,04/06/2022\r\n"
        "900001,14/02/2010,A,03/06/2022,\r\n"  # same child and start: a second episode, its own id
        "900002,03/11/2016,X,01/02/2023,02/02/2023\r\n",  # an unknown code is written as delivered, and reported
        encoding="utf-8",
    )
    extract = parse_ssda903(source)
    assert [i.field for i in extract.issues if "missing.csv" in i.location] == ["MISSING"]
    folder = write_extract(extract, tmp_path / "raw")
    missing = _csv(folder / "missing_episodes.csv")
    assert [(m["child_id"], m["missing_or_absent"], m["start_date"], m["end_date"]) for m in missing] == [
        ("900001", "M", "2022-06-03", "2022-06-04"), ("900001", "A", "2022-06-03", ""),
        ("900002", "X", "2023-02-01", "2023-02-02")]  # fmt: skip
    assert len({m["missing_episode_id"] for m in missing}) == 3
    assert all(m["missing_episode_id"].startswith("MI") and len(m["missing_episode_id"]) <= 20 for m in missing)
    assert all(m["return_interview_offered"] == m["return_interview_accepted"] == "" for m in missing)
    lineage = [r for r in _csv(folder / "_lineage.csv") if r["source_file"] == "missing_episodes.csv"]
    assert [(r["source_line"], r["origin"]) for r in lineage] == [
        ("2", "missing.csv line 2"), ("3", "missing.csv line 3"), ("4", "missing.csv line 4")]  # fmt: skip
    descriptor = read_descriptor(folder)
    assert "missing_episodes" not in descriptor.missing_files
    assert descriptor.missing_columns["missing_episodes"] == ("return_interview_offered", "return_interview_accepted")
    # the same return again: the same ids (derived from child, start and occurrence)
    again = write_extract(parse_ssda903(source), tmp_path / "again")
    assert [m["missing_episode_id"] for m in _csv(again / "missing_episodes.csv")] == [
        m["missing_episode_id"] for m in missing
    ]


def test_without_missing_csv_the_file_is_not_available_and_an_empty_one_means_nobody_went_missing(tmp_path):
    source = _copy(tmp_path)
    assert not (source / "missing.csv").exists()
    folder = write_extract(parse_ssda903(source), tmp_path / "raw")
    assert not (folder / "missing_episodes.csv").exists()
    assert "missing_episodes" in read_descriptor(folder).missing_files
    (source / "missing.csv").write_text("CHILD,DOB,MISSING,MIS_START,MIS_END\r\n", encoding="utf-8")
    folder = write_extract(parse_ssda903(source), tmp_path / "raw2")
    assert _csv(folder / "missing_episodes.csv") == [] and (folder / "missing_episodes.csv").is_file()
    assert "missing_episodes" not in read_descriptor(folder).missing_files


def test_oc3_csv_fills_the_optional_care_leavers_dated_the_birthday_in_the_collection_year(tmp_path):
    source = _copy(tmp_path)
    (source / "oc3.csv").write_text(
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n"
        "900001,,YES,F2,B1\r\n"  # no DOB here: the header's (14/02/2010), birthday 14/02/2023 in 2022-23
        "900002,29/02/2004,RHOM,0,0\r\n"  # 0 is the 903's "not applicable": empty; 29 February -> 28/02/2023
        "900003,,NO,XX,0\r\n",  # in no header, no DOB: no contact date; an unknown code written and reported
        encoding="utf-8",
    )
    extract = parse_ssda903(source)  # collection year 2022-23 (to 31/03/2023, the default extract date)
    assert [i.field for i in extract.issues if "oc3.csv" in i.location] == ["DOB", "ACTIV"]
    folder = write_extract(extract, tmp_path / "raw")
    leavers = _csv(folder / "care_leavers.csv")
    assert [(c["child_id"], c["contact_date"], c["eligibility"], c["in_touch"], c["activity"], c["accommodation"])
            for c in leavers] == [
        ("900001", "2023-02-14", "RELEVANT", "YES", "F2", "B1"),  # 13 on that birthday: under 18
        ("900002", "2023-02-28", "FORMER_RELEVANT", "RHOM", "", ""),  # 19
        ("900003", "", "", "NO", "XX", ""),
    ]  # fmt: skip
    assert len({c["care_leaver_record_id"] for c in leavers}) == 3
    assert all(c["care_leaver_record_id"].startswith("CL") for c in leavers)
    lineage = [r for r in _csv(folder / "_lineage.csv") if r["source_file"] == "care_leavers.csv"]
    assert [(r["source_line"], r["origin"]) for r in lineage] == [
        ("2", "oc3.csv line 2"), ("3", "oc3.csv line 3"), ("4", "oc3.csv line 4")]  # fmt: skip
    assert "care_leavers" not in read_descriptor(folder).missing_files
    # made before the year's end: a birthday still to come is dated the extract date (never in the future)
    early = write_extract(parse_ssda903(source, "2022-12-31"), tmp_path / "early")
    assert [c["contact_date"] for c in _csv(early / "care_leavers.csv")][:2] == ["2022-12-31", "2022-12-31"]
    # imported again without oc3.csv into the same folder: the stale care_leavers.csv goes, not available
    (source / "oc3.csv").unlink()
    folder = write_extract(parse_ssda903(source), tmp_path / "raw")
    assert not (folder / "care_leavers.csv").exists()
    assert "care_leavers" in read_descriptor(folder).missing_files


def test_birthday_in_the_collection_year():
    import datetime as dt

    from dagster_project.sources.ssda903 import birthday_in_collection_year

    day = dt.date
    assert birthday_in_collection_year(day(2009, 4, 1), day(2027, 3, 31)) == day(2026, 4, 1)  # the year's first day
    assert birthday_in_collection_year(day(2009, 3, 31), day(2026, 10, 31)) == day(2027, 3, 31)  # its last day
    assert birthday_in_collection_year(day(2008, 2, 29), day(2028, 5, 1)) == day(2029, 2, 28)
    assert birthday_in_collection_year(day(2008, 2, 29), day(2027, 5, 1)) == day(2028, 2, 29)  # a leap year


def test_reviews_csv_fills_the_optional_cla_reviews_with_lineage_and_a_reimport_without_it_removes_it(tmp_path):
    source = _copy(tmp_path)
    (source / "reviews.csv").write_text(
        "CHILD,DOB,REVIEW,REVIEW_CODE\r\n"
        "900001,14/02/2010,20/05/2022,PN1\r\n"
        "900001,14/02/2010,20/05/2022,PN3\r\n"  # same child and date: a second review, its own id
        "900002,03/11/2016,2023-02-10,PN9\r\n",  # ISO accepted; an unknown code is written as delivered, and reported
        encoding="utf-8",
    )
    extract = parse_ssda903(source)
    assert [i.field for i in extract.issues if "reviews.csv" in i.location] == ["REVIEW_CODE"]
    folder = write_extract(extract, tmp_path / "raw")
    reviews = _csv(folder / "cla_reviews.csv")
    assert [(r["child_id"], r["review_date"], r["participation"]) for r in reviews] == [
        ("900001", "2022-05-20", "PN1"), ("900001", "2022-05-20", "PN3"), ("900002", "2023-02-10", "PN9")]  # fmt: skip
    assert len({r["review_id"] for r in reviews}) == 3
    assert all(r["review_id"].startswith("RV") and len(r["review_id"]) <= 20 for r in reviews)
    lineage = [r for r in _csv(folder / "_lineage.csv") if r["source_file"] == "cla_reviews.csv"]
    assert [(r["source_line"], r["child_id"], r["origin"]) for r in lineage] == [
        ("2", "900001", "reviews.csv line 2"), ("3", "900001", "reviews.csv line 3"),
        ("4", "900002", "reviews.csv line 4")]  # fmt: skip
    assert "cla_reviews" not in read_descriptor(folder).missing_files
    assert not any("reviews.csv" in i.location and i.field == "(file)" for i in extract.issues)  # imported
    # the same return again: the same ids; then without reviews.csv, into the same folder: the old copy goes
    again = write_extract(parse_ssda903(source), tmp_path / "again")
    assert [r["review_id"] for r in _csv(again / "cla_reviews.csv")] == [r["review_id"] for r in reviews]
    (source / "reviews.csv").unlink()
    assert write_extract(parse_ssda903(source), tmp_path / "raw") == folder
    assert not (folder / "cla_reviews.csv").exists()
    assert "cla_reviews" in read_descriptor(folder).missing_files
    assert not [r for r in _csv(folder / "_lineage.csv") if r["source_file"] == "cla_reviews.csv"]


def test_a_reviews_csv_without_review_code_is_refused(tmp_path):
    source = _copy(tmp_path)
    (source / "reviews.csv").write_text("CHILD,DOB,REVIEW\r\n900001,14/02/2010,20/05/2022\r\n", encoding="utf-8")
    with pytest.raises(ReturnImportError, match=r"reviews.csv: line 1: column REVIEW_CODE missing"):
        parse_ssda903(source)


def test_header_upn_and_uasc_csv_fill_the_child_fields_with_lineage(tmp_path):
    """The header's UPN item: a UN1-UN5 code -> upn_unknown, anything else -> upn (a personal field, written as
    delivered); uasc.csv -> uasc_statuses (CHILD, DUC), one row per line."""
    source = _copy(tmp_path)
    header = (source / "Header.csv").read_text(encoding="utf-8").replace("UN1", "R884123456789")
    (source / "Header.csv").write_text(header, encoding="utf-8")
    (source / "uasc.csv").write_text(
        "CHILD,SEX,DOB,DUC\r\n900001,1,14/02/2010,13/02/2028\r\n900002,2,03/11/2016,\r\n", encoding="utf-8"
    )
    folder = write_extract(parse_ssda903(source), tmp_path / "raw")
    identifiers = _csv(folder / "child_identifiers.csv")
    assert [(i["child_id"], i["upn"], i["former_upn"], i["upn_unknown"]) for i in identifiers] == [
        ("900001", "R884123456789", "", ""), ("900002", "", "", "UN2")]  # fmt: skip
    uasc = _csv(folder / "uasc_statuses.csv")
    assert [(u["child_id"], u["uasc_ceased_date"]) for u in uasc] == [("900001", "2028-02-13"), ("900002", "")]
    lineage = {(r["source_file"], r["source_line"]): r["origin"] for r in _csv(folder / "_lineage.csv")}
    assert lineage[("child_identifiers.csv", "3")] == "Header.csv line 3"
    assert lineage[("uasc_statuses.csv", "2")] == "uasc.csv line 2"
    descriptor = read_descriptor(folder)
    assert not {"child_identifiers", "uasc_statuses"} & set(descriptor.missing_files)
    assert "child_disabilities" in descriptor.missing_files  # the 903 has no disability codes
    assert descriptor.missing_columns["child_identifiers"] == ("former_upn",)
    # the same return without uasc.csv, into the same folder: the earlier import's uasc_statuses.csv goes
    (source / "uasc.csv").unlink()
    folder = write_extract(parse_ssda903(source), tmp_path / "raw")
    assert not (folder / "uasc_statuses.csv").exists()
    assert "uasc_statuses" in read_descriptor(folder).missing_files

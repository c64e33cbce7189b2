"""Annex A on the hand-made extract, worked by hand from the definitions in docs/annex-a.md (tests/reports/
annex_a_extract.py: tests/pipeline/hand_made_extract.py plus C11's two referrals, C10's third and C12's care).

As at Wed 10 Jan 2024 (the extract date), six months: the period is Tue 11 Jul 2023 to Wed 10 Jan 2024.
Only the records that count are listed (rows a data-quality rule excluded are not: R7-R11, A8, A9, P9, K7, L9).

List 1, contacts dated in the period: K1 C1 4 Dec, K2 C2 8 Dec, K3 C3 14 Dec, K4 C7 20 Dec, K8 C8 22 Dec, K5 C1 8 Jan,
K6 C8 9 Jan (K7 is after the extract date: excluded). Ages at 10 Jan 2024: C1 (1 Feb 2015) 8, C2 (2 Mar 2016) 7,
C3 (3 Apr 2012) 11, C7 (7 Aug 2013) 10, C8 (8 Sep 2011) 12.

List 3, referrals received in the period (first and last day included): R20 C11 11 Jul 2023 (the first day; R19 on
10 Jul is the day before: not listed), R16 C10 20 Nov, R1 C1 4 Dec, R2 C2 11 Dec, R3 C3 18 Dec (its exact duplicate
counts once), R4 C1 8 Jan, R5 C4 9 Jan, R6 C5 9 Jan, R12 C6 9 Jan (UK date, lower case: it counts), R21 C10 10 Jan
(the last day). Referrals in the last 12 months = the child's referrals from the same day a year before to this one,
this one included: R20 2 (R19 the day before), R16 1, R1 1, R2 1 (C2's other referrals R7-R11 are excluded), R3 1,
R4 2 (R1: C1 referred twice), R5 2 (R0 on 9 Jan 2023, exactly a year before), R6 1 (R00 on 8 Jan 2023 is a year and a
day before), R12 1 (R14, Dec 2022, is older), R21 2 (R16). Team and worker: the referral's (team T1 "Assessment").

List 4, assessments open at any point in the period (started by 10 Jan, not authorised before 11 Jul): A13 (2 Jun,
open), A1, A2, A3 (open), A4 (open), A6 (authorised 10 Jan). A00 and A0 were authorised in March 2023. "Requiring
support" only once authorised: SUPPORT -> Y (A1), NFA -> N (A2, A6).

List 6, children with a CIN episode (a referral not marked NFA, to its closure) open at any point in the period, one row
per child (the latest episode): C5 (R00 8 Jan 2023, open; R6 is NFA), C9 (R15), C7 (R13), C11 (R20; R19 was NFA), C3
(R3), C1 (R4), C4 (R5), C6 (R12), C10 (R21). C2's only referral R2 is NFA: not a child in need here (the check says so).
Case status as at 10 Jan: C7 looked after (E3); C1 CP plan (P1); C3 CIN plan (P3); C4 CIN plan (P5 from 9 Jan); C9's
and C10's CP plans ended on 8 Jan and C6's CIN plan on 31 Dec, C5 and C11 never had a plan: an open episode with no
plan or open assessment is "c) Child in need plan" too. Last seen: C1 3 Jan (V2), C3 2 Jan (V4); nobody else was seen.
Allocation open at 10 Jan: C1 L1 (T2 "Child in Need", W1), C3 L3 (T2, W2), C7 L5 (T2, W4); none is open for C9, whose
last allocation (L10, T1 "Assessment", W1, ended 1 Jul 2023) is shown; the others never had one.

List 7, CP plans open at any point in the period: P1 C1 6 Dec, P2 C2 20 Dec, P8 and P10 C10 4 Jan (two plans, two
rows), P7 C9 5 Jan (ended 8 Jan, inside the period). P6 (C9, ended 30 Jun 2023) ended before the period. Previous CP
plans (started before this one, ever): P7 1 (P6), the others 0 (P10 starts the same day as P8: not before it). Last
statutory visit during the plan with the child seen: P1 V2 3 Jan (seen alone not recorded); P2's V3 did not see C2.
Allocation as in list 6 (C2: L2, T1 "Assessment", W1; C9: its last, L10).

List 8, children looked after at any point in the period, one row per child: C12 (E4 1 May-20 Sep 2023: turned 18 on
20 Sep, inside the period, so aged 18 at the as-at date; ceased E8), C8 (E1 from 1 Dec, then E2 from 20 Dec: a legal
status change, so the period of care and the placement start on 1 Dec, the legal status C1 on 20 Dec; seen 8 Dec), C7
(E3 from 28 Dec). One placement each in the 12 months; no earlier period of care in the year: N.
"""

from __future__ import annotations

import csv
import datetime as dt
import stat
import zipfile

import openpyxl
import pytest

from dagster_project.reports.annex_a import build_annex_a
from dagster_project.reports.annex_a_lists import LISTS
from tests.reports.annex_a_extract import EXTRACT_DATE, PLANTED_NAMES, write_annex_a_extract

CHILD = ("Child Unique ID", "Sex", "Ethnicity", "Date of Birth", "Age of Child (Years)")
C = {  # child -> its five common columns
    "C1": ("C1", "F", "WBRI", "01/02/2015", "8"),
    "C2": ("C2", "M", "WBRI", "02/03/2016", "7"),
    "C3": ("C3", "M", "MWBC", "03/04/2012", "11"),
    "C4": ("C4", "F", "CHNE", "04/05/2010", "13"),
    "C5": ("C5", "F", "BAFR", "05/06/2019", "4"),
    "C6": ("C6", "M", "WIRI", "06/07/2008", "15"),
    "C7": ("C7", "M", "AIND", "07/08/2013", "10"),
    "C8": ("C8", "M", "OOTH", "08/09/2011", "12"),
    "C9": ("C9", "F", "WBRI", "09/10/2014", "9"),
    "C10": ("C10", "M", "WBRI", "10/11/2017", "6"),
    "C11": ("C11", "F", "WBRI", "05/05/2016", "7"),
    "C12": ("C12", "M", "BAFR", "20/09/2005", "18"),
}
DISABLED = {"C1": "N", "C2": "N", "C3": "U", "C4": "N", "C5": "Y", "C6": "N", "C7": "N", "C8": "N", "C9": "N",
            "C10": "N", "C11": "N", "C12": "N"}  # fmt: skip

LIST_1 = (
    ("Date of Contact", "Contact Source"),
    [("C1", "04/12/2023", "3A"), ("C2", "08/12/2023", "2B"), ("C3", "14/12/2023", "5A"), ("C7", "20/12/2023", "3A"),
     ("C8", "22/12/2023", "1A"), ("C1", "08/01/2024", "3A"), ("C8", "09/01/2024", "2B")],
)  # fmt: skip
LIST_3 = (
    ("Date of referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team",
     "Allocated Worker"),
    [("C11", "11/07/2023", "5A", "N", "2", "Assessment", "W1"),
     ("C10", "20/11/2023", "3A", "N", "1", "Assessment", "W1"),
     ("C1", "04/12/2023", "3A", "N", "1", "Assessment", "W1"),
     ("C2", "11/12/2023", "2B", "Y", "1", "Assessment", "W1"),
     ("C3", "18/12/2023", "5A", "N", "1", "Assessment", "W2"),
     ("C1", "08/01/2024", "3A", "N", "2", "Assessment", "W1"),
     ("C4", "09/01/2024", "1A", "N", "2", "Assessment", ""),
     ("C5", "09/01/2024", "3A", "Y", "1", "Assessment", "W1"),
     ("C6", "09/01/2024", "3A", "N", "1", "Assessment", "W1"),
     ("C10", "10/01/2024", "3A", "N", "2", "Assessment", "W1")],
)  # fmt: skip
LIST_4 = (
    ("Does the Child have a Disability", "Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
     "Continuous Assessment Date of Authorisation",
     "Was the child assessed as requiring LA children's social care support?", "Allocated Team", "Allocated Worker"),
    [("C7", "N", "02/06/2023", "Y", "", "", "Assessment", "W1"),
     ("C1", "N", "04/12/2023", "Y", "04/12/2023", "Y", "Assessment", "W1"),
     ("C2", "N", "11/12/2023", "Y", "20/12/2023", "N", "Assessment", "W1"),
     ("C3", "U", "19/12/2023", "Y", "", "", "Assessment", "W2"),
     ("C1", "N", "08/01/2024", "Y", "", "", "Assessment", "W1"),
     ("C5", "Y", "09/01/2024", "Y", "10/01/2024", "N", "Assessment", "W1")],
)  # fmt: skip
CIN_PLAN = "c) Child in need plan"
LIST_6 = (
    ("CIN Start Date", "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure",
     "Case Status", "Allocated Team", "Allocated Worker"),
    [("C5", "08/01/2023", "N1", "", "", "", CIN_PLAN, "", ""),
     ("C9", "20/01/2023", "N1", "", "", "", CIN_PLAN, "Assessment", "W1"),
     ("C7", "01/06/2023", "N1", "", "", "", "a) Looked after child", "Child in Need", "W4"),
     ("C11", "11/07/2023", "N1", "", "", "", CIN_PLAN, "", ""),
     ("C3", "18/12/2023", "N1", "02/01/2024", "", "", CIN_PLAN, "Child in Need", "W2"),
     ("C1", "08/01/2024", "N1", "03/01/2024", "", "", "b) Child Protection plan", "Child in Need", "W1"),
     ("C4", "09/01/2024", "", "", "", "", CIN_PLAN, "", ""),
     ("C6", "09/01/2024", "", "", "", "", CIN_PLAN, "", ""),
     ("C10", "10/01/2024", "N2", "", "", "", CIN_PLAN, "", "")],
)  # fmt: skip
LIST_7 = (
    ("Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse",
     "Date of the Last Statutory Visit", "Was the Child Seen Alone?", "Child Protection Plan End Date",
     "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"),
    [("C1", "06/12/2023", "NEG", "NEG", "03/01/2024", "", "", "0", "Child in Need", "W1"),
     ("C2", "20/12/2023", "EMO", "EMO", "", "", "", "0", "Assessment", "W1"),
     ("C10", "04/01/2024", "EMO", "EMO", "", "", "08/01/2024", "0", "", ""),
     ("C10", "04/01/2024", "EMO", "EMO", "", "", "08/01/2024", "0", "", ""),
     ("C9", "05/01/2024", "NEG", "NEG", "", "", "08/01/2024", "1", "Assessment", "W1")],
)  # fmt: skip
SECOND_PERIOD = "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"
LIST_8 = (
    ("Date Started to be Looked After", SECOND_PERIOD, "Start date of current legal status", "Child's Legal Status",
     "Date of Last Social Work Visit", "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
     "Reason Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type", "Allocated Team",
     "Allocated Worker"),
    [("C12", "01/05/2023", "N", "01/05/2023", "C2", "", "1", "20/09/2023", "E8", "01/05/2023", "U1", "", ""),
     ("C8", "01/12/2023", "N", "20/12/2023", "C1", "08/12/2023", "1", "", "", "01/12/2023", "U1", "Assessment", "W3"),
     ("C7", "28/12/2023", "N", "28/12/2023", "V2", "", "1", "", "", "28/12/2023", "K2", "Child in Need", "W4")],
)  # fmt: skip
DISABILITY_LISTS = {4, 6, 7, 8}


@pytest.fixture(scope="module")
def annex(tmp_path_factory):
    from tests.pipeline.run_pipeline import run_pipeline

    root = tmp_path_factory.mktemp("annex_a")
    write_annex_a_extract(root / "raw")
    outcome, paths = run_pipeline(root, EXTRACT_DATE, CSC_DQ_BLOCK_SHARE="1")  # defective rows on purpose
    assert outcome.success, f"{outcome.failed_step}: {outcome.error}"
    return paths, build_annex_a(paths)


def _csv(outputs, number: int) -> list[dict]:
    (annex,) = [a for a in LISTS if a.number == number]
    with open(outputs.folder / f"{annex.file_stem}.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == list(annex.headers)
        return list(reader)


@pytest.mark.parametrize(
    ("number", "expected"), [(1, LIST_1), (3, LIST_3), (4, LIST_4), (6, LIST_6), (7, LIST_7), (8, LIST_8)]
)
def test_each_list_equals_the_hand_working(annex, number, expected):
    _, outputs = annex
    columns, rows = expected
    got = _csv(outputs, number)
    keys = (*CHILD, *columns)
    want = [dict(zip(keys, (*C[row[0]], *row[1:]), strict=True)) for row in rows]
    if number in DISABILITY_LISTS and "Does the Child have a Disability" not in columns:
        keys = (*keys, "Does the Child have a Disability")
        want = [{**w, "Does the Child have a Disability": DISABLED[w["Child Unique ID"]]} for w in want]
    assert [{k: r[k] for k in keys} for r in got] == want
    # every other column (those the source cannot fill) is empty
    assert all(value == "" for r in got for header, value in r.items() if header not in keys)


def test_the_check_finds_what_the_hand_working_finds(annex):
    _, outputs = annex
    check = outputs.check
    # C2 is on a CP plan with only an NFA referral; C8 and C12 are looked after with no referral at all
    assert check.missing_from_list_6 == {7: ["C2"], 8: ["C12", "C8"]}
    by_number = {c.number: c for c in check.lists}
    assert [n for n, c in by_number.items() if c.rows is None] == [2, 5, 9, 10, 11]
    assert by_number[3].blanks == {"Allocated Worker": 1}  # R5 has no worker
    # list 6: no primary need code on R5 and R12 (C4, C6); no allocation ever for C4, C5, C6, C10, C11 (5)
    assert by_number[6].blanks == {"Primary Need Code": 2, "Allocated Team": 5, "Allocated Worker": 5}
    assert by_number[7].blanks == {"Allocated Team": 2, "Allocated Worker": 2}  # C10's two plans
    assert all(c.out_of_period == 0 and c.after_as_at == 0 for c in check.lists if c.rows is not None)
    page = outputs.check_page.read_text(encoding="utf-8")
    assert "C12, C8" in page and "Not available from this source" in page


def test_the_workbook_opens_with_real_dates_and_every_sheet_in_order(annex):
    _, outputs = annex
    book = openpyxl.load_workbook(outputs.workbook, read_only=True)
    assert book.sheetnames == ["Cover", *[f"List {n}" for n in range(1, 12)]]
    for annex_list in LISTS:
        first = next(book[annex_list.sheet_name].iter_rows(max_row=1, values_only=True))
        assert list(first) == list(annex_list.headers)
    rows = list(book["List 3"].iter_rows(min_row=2, values_only=True))
    assert rows[0][5] == dt.datetime(2023, 7, 11) and rows[-1][5] == dt.datetime(2024, 1, 10)
    assert rows[0][3] == dt.datetime(2016, 5, 5) and rows[0][8] == 2  # date of birth, referrals: a number
    book.close()
    styled = openpyxl.load_workbook(outputs.workbook)
    cell = styled["List 3"]["F2"]
    assert cell.is_date and cell.number_format == "dd/mm/yyyy"
    cover = [c for row in styled["Cover"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("Not available from this source: no early help file" in c for c in cover)
    assert "Date of latest review conference" in cover


MISSING_EPISODES = "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"


def test_the_optional_files_the_extract_leaves_out_are_named_on_the_cover(annex):
    """This extract holds none of the "rest of the case" files: list 5 and list 9 are not written and list 8's review,
    health and missing columns are left empty (checked above: never a count of 0), each named with the file."""
    _, outputs = annex
    by_number = {c.number: c for c in outputs.check.lists}
    assert by_number[5].rows is None and "does not hold section47_enquiries.csv" in by_number[5].unavailable_reason
    assert by_number[9].rows is None and "does not hold care_leavers.csv" in by_number[9].unavailable_reason
    book = openpyxl.load_workbook(outputs.workbook, read_only=True)
    cover = [[c for c in row if isinstance(c, str)] for row in book["Cover"].iter_rows(values_only=True)]
    book.close()
    named = {row[0]: row[-1] for row in cover if len(row) == 2}  # column -> reason
    for header, file in (
        ("Date of Latest Statutory Review", "cla_reviews.csv"),
        ("Date of Last Health Assessment", "cla_health.csv"),
        ("Date of Last Dental Check", "cla_health.csv"),
        (MISSING_EPISODES, "missing_episodes.csv"),
        ("Did the child accept a Return Interview after their last missing episode (Y/N)?", "missing_episodes.csv"),
    ):  # fmt: skip
        assert f"the extract does not hold {file}" in named[header], header
    assert "Allocated Personal Advisor" not in named  # list 9 is named whole, not column by column


def test_files_are_owner_only_and_no_name_is_in_them(annex):
    paths, outputs = annex
    for folder in (paths.restricted_dir / "annex_a", outputs.folder):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(outputs.folder.iterdir())
    assert len(files) == 8  # workbook, check page, six CSVs
    names = [*PLANTED_NAMES, "Ann Example", "Example"]  # a child's and the workers' names
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8")
        assert not [n for n in names if n in text], path.name


def test_an_earlier_as_at_date_sees_only_what_had_happened(annex):
    """As at Sun 31 Dec 2023 the period is 1 Jul-31 Dec 2023: R19 (10 Jul) is now inside it, January's referrals are
    not; P1's last visit is V1 on 13 Dec (V2 is on 3 Jan); the plans that started in January are not in list 7."""
    paths, _ = annex
    outputs = build_annex_a(paths, dt.date(2023, 12, 31))
    assert outputs.folder.name == "2023-12-31"
    referrals = [(r["Child Unique ID"], r["Date of referral"], r["Number of Referrals in Last 12 Months"])
                 for r in _csv(outputs, 3)]  # fmt: skip
    assert referrals == [("C11", "10/07/2023", "1"), ("C11", "11/07/2023", "2"), ("C10", "20/11/2023", "1"),
                         ("C1", "04/12/2023", "1"), ("C2", "11/12/2023", "1"), ("C3", "18/12/2023", "1")]  # fmt: skip
    plans = [(r["Child Unique ID"], r["Date of the Last Statutory Visit"]) for r in _csv(outputs, 7)]
    assert plans == [("C1", "13/12/2023"), ("C2", "")]
    # C1's age on 31 Dec 2023 (born 1 Feb 2015) is 8; C12's 18 (born 20 Sep 2005)
    ages = {r["Child Unique ID"]: r["Age of Child (Years)"] for r in _csv(outputs, 8)}
    assert ages == {"C12": "18", "C8": "12", "C7": "10"}


def test_the_reports_index_links_the_newest_annex_a(annex):
    from dagster_project.reports.build import build_reports

    paths, _ = annex
    index = build_reports(paths).index.read_text(encoding="utf-8")
    assert "../../restricted/annex_a/2024-01-10/annex_a_2024-01-10.xlsx" in index
    assert "annex_a_check.html" in index


def test_the_dagster_asset_builds_it_and_the_nightly_job_leaves_it_out(annex, monkeypatch):
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.orchestration.jobs import NIGHTLY_JOB
    from dagster_project.reports.assets import ANNEX_A_KEY, annex_a

    paths, _ = annex
    monkeypatch.setenv("CSC_DATA_DIR", str(paths.data_dir))
    monkeypatch.setenv("CSC_RAW_DIR", str(paths.raw_dir))
    result = dg.materialize([annex_a])
    assert result.success
    (materialization,) = result.asset_materializations_for_node("reports__annex_a")
    assert materialization.metadata["rows_list_3"].value == 10
    nightly = defs.resolve_job_def(NIGHTLY_JOB)
    assert dg.AssetKey(ANNEX_A_KEY) not in nightly.asset_layer.executable_asset_keys
    assert dg.AssetKey(["reports", "scorecards_and_worklists"]) in nightly.asset_layer.executable_asset_keys


def test_a_warehouse_of_another_extract_than_the_published_one_is_refused(annex):
    """A later run that stopped before publishing leaves the warehouse on another extract: no Annex A from it."""
    from dagster_project.reports.annex_a_period import Period
    from dagster_project.reports.annex_a_queries import AnnexDataError, read_lists

    paths, _ = annex
    with pytest.raises(AnnexDataError, match="holds extract 2024-01-10, the published database extract 2024-02-01"):
        next(read_lists(paths.warehouse, Period(dt.date(2024, 1, 10)), "2024-02-01"))


def test_csc_annex_a_says_what_is_wrong_in_one_line(annex, monkeypatch, capsys):
    from dagster_project.cli import main

    paths, _ = annex
    monkeypatch.setenv("CSC_DATA_DIR", str(paths.data_dir))
    monkeypatch.setenv("CSC_RAW_DIR", str(paths.raw_dir))
    assert main(["annex-a", "--as-at", "2024-02-01"]) == 1
    error = capsys.readouterr().err
    assert (
        error
        == "csc annex-a: --as-at 2024-02-01 is after the published extract's date 2024-01-10: nothing is known yet\n"
    )
    assert main(["annex-a", "--months", "3"]) == 0
    out = capsys.readouterr().out
    assert "11/10/2023 to 10/01/2024" in out  # three months to 10 Jan 2024: from 11 Oct 2023

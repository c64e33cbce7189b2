"""marts.benchmarks and the comparators in the reports, through the real pipeline on the hand-made extract with
CSC_LA_CODE=884 (Herefordshire); and an unknown CSC_LA_CODE refused before anything runs.

Hand-worked (hand_made_extract.py): the extract's records start in December 2022 (referral R14) and its extract date
is 10 January 2024, so no year to 31 March is covered (the year to March 2023 would need events before April
2022; the year to March 2024 is not over): every flow measure's council_computed is NULL. At the 31 March 2023
month-end one CP plan is open (P6 of C9, 1 Feb to 30 Jun 2023): children_cp_count 1; nobody is looked after
(the first episode starts 1 Dec 2023): children_looked_after_count 0. Children in need at 31 March 2023: the open
referrals R14 (C6), R15 (C9), R00 (C5) and R0 (C4): 4; Herefordshire's ONS mid-2022 estimate (in force from 30 June
2022) is 33,977 children: 4 / 3.3977 = 1.177 per 10,000, beside the DfE's 557.7 for Herefordshire and 338.7 for
England at 31 March 2023 (LAIT's CIN).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import duckdb
import openpyxl
import pytest
from pypdf import PdfReader

from dagster_project.settings import PROJECT_ROOT
from tests.pipeline.hand_made_extract import EXTRACT_DATE

D = dt.date


@pytest.fixture(scope="module")
def published(hand_made_run):
    return hand_made_run  # tests/pipeline/conftest.py: the hand-made extract's run with CSC_LA_CODE=884


def _rows(paths, sql, params=None):
    with duckdb.connect(str(paths.published_database), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def test_the_pinned_published_figures(published):
    """Issue 22: 69.7% against England's 82.7% in the year to 31 March 2018; England 85.7% in 2025, re-referrals
    22.6%, average caseload 15.2 at 30 September 2025."""
    figure = {
        (m, d): (published_value, england)
        for m, d, published_value, england in _rows(
            published, "select measure_id, period_end, council_published, england from marts.benchmarks"
        )
    }
    assert figure[("assessments_in_time_pct", D(2018, 3, 31))] == (69.7, 82.7)
    assert figure[("assessments_in_time_pct", D(2025, 3, 31))][1] == 85.7
    assert figure[("re_referrals_pct", D(2025, 3, 31))][1] == 22.6
    assert figure[("average_caseload", D(2025, 9, 30))][1] == 15.2


def test_the_council_figures_for_the_dfe_periods_worked_by_hand(published):
    computed = dict(
        ((m, d), v)
        for m, d, v in _rows(published, "select measure_id, period_end, council_computed from marts.benchmarks")
    )
    flows = {m for (m,) in _rows(published, "select measure from marts.measures where kind = 'flow'")}
    assert all(v is None for (m, _), v in computed.items() if m in flows)
    assert computed[("children_cp_count", D(2023, 3, 31))] == 1
    assert computed[("children_looked_after_count", D(2023, 3, 31))] == 0
    assert computed[("children_cp_count", D(2022, 3, 31))] is None  # before the extract's first month
    assert computed[("children_in_need_rate_per_10k", D(2023, 3, 31))] == pytest.approx(4 / 3.3977)
    published_cin = _rows(
        published,
        "select council_published, england from marts.benchmarks "
        "where measure_id = 'children_in_need_rate_per_10k' and period_end = '2023-03-31'",
    )
    assert published_cin == [(557.7, 338.7)]


def test_the_rates_per_10000_use_the_councils_ons_population(published):
    """31 Dec 2023: 2 children on a CP plan, 2 looked after, 10 in need (test_hand_made_extract.py); Herefordshire's
    ONS mid-2023 estimate (in force from 30 June 2023) is 34,260 children: 2 / 3.4260 = 0.5838 per 10,000 each, and
    10 / 3.4260 = 2.919 children in need per 10,000."""
    rows = dict(
        _rows(
            published,
            "select measure, value from marts.scorecard where period_type = 'month' and as_at_date = '2023-12-31' "
            "and measure in ('children_cp_rate_per_10k', 'children_looked_after_rate_per_10k', "
            "'children_in_need_rate_per_10k')",
        )
    )
    assert rows["children_cp_rate_per_10k"] == pytest.approx(2 / 3.4260)
    assert rows["children_looked_after_rate_per_10k"] == pytest.approx(2 / 3.4260)
    assert rows["children_in_need_rate_per_10k"] == pytest.approx(10 / 3.4260)


def test_a_measure_without_a_national_comparator_has_no_row(published):
    measures = {m for (m,) in _rows(published, "select distinct measure_id from marts.benchmarks")}
    assert "cp_visits_in_time_pct" not in measures and "assessments_in_time_pct" in measures
    bands = {b for (b,) in _rows(published, "select distinct quartile_band from marts.benchmarks")}
    assert bands <= {"A", "B", "C", "D", None} and {"A", "D"} <= bands


def test_the_scorecards_and_workbook_show_the_comparators(published):
    folder = published.reports_dir / EXTRACT_DATE
    html = (folder / "committee_scorecard.html").read_text(encoding="utf-8")
    assert "National comparators" in html and "Similar councils" in html and "Quartile band" in html
    assert "no national comparator" in html
    assert "England only: set CSC_LA_CODE" not in html  # the council is named
    page = (folder / "benchmarks.html").read_text(encoding="utf-8")
    assert "Assessments completed within 45 working days" in page and "<svg" in page and "69.7%" in page
    book = openpyxl.load_workbook(folder / "committee_scorecard.xlsx", read_only=True)
    rows = list(book["Comparators"].iter_rows(values_only=True))
    # the DfE period end is a real date (issue 23: dates as dates in every workbook)
    assessments_2018 = [r for r in rows if r[0] == "assessments_in_time_pct" and r[2] == dt.datetime(2018, 3, 31)]
    assert assessments_2018 and assessments_2018[0][4:6] == (69.7, 82.7)
    assert (folder / "committee_scorecard.pdf").read_bytes().startswith(b"%PDF")
    # children in need per 10,000 (DfE CIN) in the year the extract covers, 31 March 2023: the council's own 4
    # children (1.18 per 10,000) suppressed as a small number, beside Herefordshire's published 557.7 and England's
    # 338.7
    cin_2023 = [r for r in rows if r[0] == "children_in_need_rate_per_10k" and r[2] == dt.datetime(2023, 3, 31)]
    assert cin_2023 and cin_2023[0][3:6] == ("c", 557.7, 338.7)
    comparator_row = html[html.index("National comparators") :]
    comparator_row = comparator_row[comparator_row.index("Children in need per 10,000 children") :][:600]
    assert "557.7" in comparator_row and "338.7" in comparator_row
    pdf = "".join(page.extract_text() for page in PdfReader(folder / "committee_scorecard.pdf").pages)
    assert "Children in need per 10,000 children 2022-23 (to 31 Mar) c 557.7 338.7" in pdf


def test_an_unknown_la_code_is_refused_in_one_line(tmp_path):
    env = {**os.environ, "CSC_LA_CODE": "999", "CSC_RAW_DIR": str(tmp_path / "raw"), "CSC_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run"], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "CSC_LA_CODE='999'" in done.stderr
    assert not (tmp_path / "published").exists()

"""A worklist section's rows as its page shows them (worklists.Section.page_rows, .flagged): pure logic."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.reports.html import render_worklist
from dagster_project.reports.worklists import Row, Section, Worklist

pytestmark = pytest.mark.fast


def _section(rows: list[Row]) -> Section:
    return Section(
        key="visits",
        title="Visits",
        note="",
        headings=["Child", "Due", "Days over", "Status"],
        rows=rows,
        numeric=("Days over",),
        rag_column="Status",
        badges={"Due": lambda row: "amber" if row.cells["Days over"] == 0 else None},
    )


ROWS = [
    Row({"Child": "C1", "Due": dt.date(2026, 10, 29), "Days over": 3, "Status": "overdue"}, "red"),
    Row({"Child": "=C2", "Due": dt.date(2026, 11, 2), "Days over": 0, "Status": "due soon"}, "amber"),
    Row({"Child": "C3", "Due": None, "Days over": None, "Status": "no date"}, None),
]


def test_each_cell_is_shown_with_its_badge_and_whether_it_is_a_number():
    page = _section(ROWS).page_rows(10)
    assert page[0] == ("red", [("C1", None, False), ("29 Oct 2026", None, False), (3, None, True),
                               ("overdue", "red", False)])  # fmt: skip
    # the column's own badge, and the row's flag in its RAG column
    assert page[1] == ("amber", [("=C2", None, False), ("02 Nov 2026", "amber", False), (0, None, True),
                                 ("due soon", "amber", False)])  # fmt: skip
    assert page[2] == (None, [("C3", None, False), (None, None, False), (None, None, True), ("no date", None, False)])


def test_a_page_shows_at_most_its_limit_and_counts_every_flag():
    section = _section(ROWS * 3)
    assert len(section.page_rows(4)) == 4
    assert (section.flagged("red"), section.flagged("amber")) == (3, 3)


def test_the_page_puts_each_badge_and_counts_in_the_html():
    worklist = Worklist("T1", "Team one", None, [_section(ROWS)])
    page = render_worklist(worklist, dt.date(2026, 11, 1), "run-1")
    assert '<tr class="flag-red"><td>C1</td><td>29 Oct 2026</td><td class="num">3</td>' in page
    assert '<span class="rag rag-amber">02 Nov 2026</span>' in page
    assert '<span class="rag rag-red">overdue</span>' in page
    assert '<td class="num">1</td>\n    <td class="num">1</td></tr>' in page  # one red and one amber at a glance

"""Finding 3 of issue 21, at the charts: a team name is drawn as it is, never read as mathematics
(`Child in Need $$ 1` made matplotlib raise and stopped every report). Real matplotlib, both formats."""

from __future__ import annotations

import pytest

from dagster_project.reports.charts import caseload_chart

HOSTILE_NAMES = ("Child in Need $$ 1", "Costs $5 & $6", r"$\frac{1}{0}$", "$", "Team\nTwo", "x" * 300,
                 "\u202eRTL team", '<script>alert("x")</script>', "=1+1")  # fmt: skip


@pytest.mark.parametrize("fmt", ("svg", "png"))
def test_hostile_team_names_draw_the_caseload_chart(fmt):
    chart = caseload_chart([(name, [10.0, 14.0, 22.0]) for name in HOSTILE_NAMES], (12.0, 18.0), fmt=fmt)
    assert chart  # drawn, not raised
    if fmt == "svg":
        assert "<script" not in chart  # text is drawn as paths (svg.fonttype path), never as markup


def test_every_dollar_is_escaped_and_nothing_else_changes():
    from dagster_project.reports.charts import plain_text

    assert plain_text("Child in Need $$ 1") == r"Child in Need \$\$ 1"
    assert plain_text("Team <A> & 'B'") == "Team <A> & 'B'"

"""HTML pages from Jinja2 templates: self-contained (styles and SVG charts inline, no script, font or image
from anywhere), printable to A4. Pure Python."""

from __future__ import annotations

import datetime as dt
from functools import cache

import jinja2

from dagster_project.reports.annex_a_period import uk_day
from dagster_project.reports.charts import caseload_chart, trend_chart
from dagster_project.reports.comparators import COLUMNS, NO_COMPARATOR, comparators_note
from dagster_project.reports.formatting import count_text, format_value, month_label, service_area_label
from dagster_project.reports.scorecard import COMMITTEE, ScorecardView, column_labels
from dagster_project.reports.worklists import PAGE_MAX_ROWS


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dagster_project.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["area_label"] = service_area_label
    env.globals["count_text"] = count_text
    env.globals["rag_letter"] = {"green": "G", "amber": "A", "red": "R"}
    env.globals["format_target"] = lambda m: format_value(m.target.target, m.measure.unit, m.measure.decimals)
    return env


SYNTHETIC_BANNER = (
    "Synthetic data: every figure and identifier here comes from a generated demo extract, not a council's records."
)


def page_context(title: str, extract_date, run_id: str, synthetic: bool = False) -> dict:
    """What every page's template reads: the title, the extract and run, and the synthetic banner when due."""
    return {
        "synthetic_banner": SYNTHETIC_BANNER if synthetic else None,
        "title": title,
        "extract_date": extract_date,
        "run_id": run_id,
        "built_at": dt.datetime.now().strftime("%d %b %Y %H:%M"),
    }


def scorecard_title(view: ScorecardView) -> str:
    return ("Committee scorecard" if view.audience == COMMITTEE else "Management scorecard") + (
        f": children's social care, {month_label(view.view.latest)}"
    )


def render_scorecard(
    view: ScorecardView,
    caseloads: list[tuple[str, list[float]]] | None = None,
    band: tuple[int, int] = (16, 23),
    caseloads_by: str = "team",
) -> str:
    committee = view.audience == COMMITTEE
    context = page_context(scorecard_title(view), view.extract_date, view.run_id, view.synthetic)
    context.update(
        sensitivity=("OPEN" if committee else "INTERNAL") + (": SYNTHETIC DATA" if view.synthetic else ""),
        sensitivity_class=("open" if committee else "internal") + (" synthetic" if view.synthetic else ""),
        intro=(
            "Council and service-area figures for the scrutiny committee. Small numbers are suppressed; no child "
            "is identifiable."
            if committee
            else "Council, service-area and team figures for the directorate leadership team. Internal: unsuppressed."
        ),
        latest_label=month_label(view.view.latest),
        mtd_label=month_label(view.view.month_to_date) if view.view.month_to_date else None,
        suppressed=view.suppressed,
        columns=column_labels(view.view),
        families=view.by_family(),
        unavailable=view.unavailable,
        measures=view.measures,
        quarter_labels=[month_label(d) for d in view.view.quarters],
        charts={m.measure.measure: trend_chart(m) for m in view.measures},
        caseload_chart=caseload_chart(caseloads, band) if caseloads else None,
        caseloads_by=caseloads_by,
        band=band,
        breakdown_name="service area" if committee else "team",
        breakdown_heading="Service area" if committee else "Team",
        show_groups=not committee,
        # numerator / denominator under each team figure (issue 23: "No team 100.0%" is 1 of 1); internal only
        show_counts=not committee,
        breakdown_note=(
            'Service areas add up to the council ("Other or unrecorded": records without a team and the areas too '
            "small to show on their own, together). Quarter-end months and the latest month."
            if committee
            else 'Teams grouped by service area, adding up to the council ("No team": records without a team). '
            "Under each percentage or average: its numerator / denominator. Quarter-end months and the latest month."
        ),
        breakdown_labels=lambda m: [month_label(d) for d in m.breakdown_dates],
        # national comparators (templates/comparators.html.j2)
        comparators=view.comparators,
        comparators_note=comparators_note(view.comparators_council),
        comparator_columns=COLUMNS,
        no_comparator=NO_COMPARATOR,
    )
    return environment().get_template("scorecard.html.j2").render(**context)


def render_worklist(worklist, extract_date, run_id: str, synthetic: bool = False) -> str:
    context = page_context(f"Team worklist: {worklist.team_label}", extract_date, run_id, synthetic)
    context["worklist"] = worklist
    context["page_max_rows"] = PAGE_MAX_ROWS
    return environment().get_template("worklist.html.j2").render(**context)


def render_annex_a_check(check, extract_date, run_id: str, id_limit: int) -> str:
    """The one-page check of an Annex A (reports/annex_a_check.py)."""
    context = page_context("Annex A: check before sending", extract_date, run_id)
    context.update(check=check, day=uk_day, id_limit=id_limit)
    return environment().get_template("annex_a_check.html.j2").render(**context)


def render_index(context: dict) -> str:
    full = page_context(
        "Children's social care reports", context["extract_date"], context["run_id"], context.get("synthetic", False)
    )
    full.update(context)
    full.setdefault("synthetic", False)
    return environment().get_template("index.html.j2").render(**full)

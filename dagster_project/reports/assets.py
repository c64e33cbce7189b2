"""The reports as a Dagster asset downstream of the published database: rebuilt after every successful
publish; a blocked or failed run never reaches it, so the reports always match the published database."""

import dagster as dg

from dagster_project.settings import get_paths


@dg.asset(
    key=["reports", "scorecards_and_worklists"],
    deps=[dg.AssetKey(["published", "analytics_database"])],
    group_name="reports",
    description=(
        "Committee and management scorecards (HTML, PDF, xlsx) and the index page under "
        "<CSC_DATA_DIR>/reports/<extract_date>/ (reports/latest points at the newest), and one restricted "
        "worklist per team under <CSC_DATA_DIR>/restricted/worklists/<extract_date>/."
    ),
)
def report_outputs(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    # matplotlib, fpdf, openpyxl and Jinja take ~1-3 s to import: only when the reports are built, not each
    # time the definitions load (the daemon, the web UI, every `csc` command)
    from dagster_project.reports.build import build_reports

    # waits for a `csc report` in progress (one lock for every build) rather than failing the run
    outputs = build_reports(get_paths(), description=f"reports step of run {context.run_id}")
    context.log.info(f"reports index: {outputs.index}")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(outputs.index)),
            "files": dg.MetadataValue.int(len(outputs.files)),
            "worklists": dg.MetadataValue.int(len(outputs.worklists) // 2),
        }
    )


ANNEX_A_KEY = ["reports", "annex_a"]


@dg.asset(
    key=ANNEX_A_KEY,
    deps=[dg.AssetKey(["published", "analytics_database"])],
    group_name="reports",
    description=(
        "Ofsted's Annex A for the six months to the published extract's date, on demand (not in the nightly job; "
        "also `csc annex-a`): a workbook, one CSV per list and a check page under "
        "<CSC_DATA_DIR>/restricted/annex_a/<as_at>/ (owner-only). docs/annex-a.md."
    ),
)
def annex_a(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from dagster_project.reports.annex_a import build_annex_a

    outputs = build_annex_a(get_paths())
    context.log.info(f"Annex A: {outputs.workbook}")
    return dg.MaterializeResult(
        metadata={
            "workbook": dg.MetadataValue.path(str(outputs.workbook)),
            "check_page": dg.MetadataValue.path(str(outputs.check_page)),
            "things_to_look_at": dg.MetadataValue.int(outputs.check.problems),
            **{f"rows_list_{n}": dg.MetadataValue.int(rows) for n, rows in sorted(outputs.rows.items())},
        }
    )

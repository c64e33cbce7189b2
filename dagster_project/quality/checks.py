"""Dagster asset checks (wiring only; the logic lives in the pure modules of this package).

Two kinds of outcome:
* row-level defects: rows are excluded or flagged by the dbt models, counted in dq_results, and the
  run goes on. `row_level_rules` (non-blocking) fails with severity WARN only when a rule touches
  more than CSC_DQ_WARN_SHARE of a file's rows (formatting rules and DfE return-validation flags,
  `Rule.never_blocks`, are reported but never counted here).
* blocking problems: an unusable file, too many quarantined rows, an implausible jump against the
  previous extract, a rule failing on more than CSC_DQ_BLOCK_SHARE of a file's rows, or a rule that
  cannot be evaluated. These checks are `blocking=True` and fail with severity ERROR, so the
  downstream assets (staging after raw, marts after the records that count) are not built.
  `results.blocking_failures(history_db, run_id)` gives the publish step the same verdict.
"""

import dagster as dg

from dagster_project.ingest.target import target_extract_date
from dagster_project.quality import evidence, thresholds
from dagster_project.quality.file_checks import FILE_CHECKS
from dagster_project.quality.rule import FILE_ORDER
from dagster_project.quality.rules import rule_by_id
from dagster_project.run_context import WAREHOUSE_WRITER_POOL
from dagster_project.settings import get_paths

FILE_CHECK_DESCRIPTIONS = {
    "file_usable": "The file loaded with every required column (blocking).",
    "quarantined_rows": "Rows quarantined at load; blocks above CSC_DQ_BLOCK_SHARE.",
    "schema_drift": "Unknown extra columns (kept in raw, reported).",
    "plausibility": "Row counts (and open CP plans / open allocations) vs the previous extract; "
    "blocks above CSC_DQ_JUMP_THRESHOLD (and CSC_DQ_JUMP_MIN_CHANGE records); records that disappeared are "
    "reported.",
}


def raw_key(file: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", file])


def validated_key(file: str) -> dg.AssetKey:
    return dg.AssetKey([f"int_{file}_validated"])


RAW_SPECS = [
    dg.AssetCheckSpec(
        check, asset=raw_key(f), blocking=check != "schema_drift", description=FILE_CHECK_DESCRIPTIONS[check]
    )
    for f in FILE_ORDER
    for check in FILE_CHECKS
]
VALIDATED_SPECS = [
    spec
    for f in FILE_ORDER
    for spec in (
        dg.AssetCheckSpec(
            "row_level_rules",
            asset=validated_key(f),
            description="Registry rules run by Great Expectations; excluded/flagged rows are counted and reported.",
        ),
        dg.AssetCheckSpec(
            "blocking_rules",
            asset=validated_key(f),
            blocking=True,
            description="Fails (ERROR, marts not built) when a rule exceeds CSC_DQ_BLOCK_SHARE or cannot run.",
        ),
    )
]


def _severity(name: str) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if name == "ERROR" else dg.AssetCheckSeverity.WARN


@dg.multi_asset_check(specs=RAW_SPECS, name="raw_file_quality", pool=WAREHOUSE_WRITER_POOL)
def raw_file_quality(context: dg.AssetCheckExecutionContext):
    extract_date = target_extract_date(context)
    checks = evidence.run_file_quality(get_paths(), extract_date, context.run.run_id)
    done = set()
    for c in checks:
        done.add((c.file, c.check))
        yield dg.AssetCheckResult(
            asset_key=raw_key(c.file),
            check_name=c.check,
            passed=c.passed,
            severity=_severity(c.severity),
            description=c.message,
            metadata={"extract_date": extract_date, "rows_checked": c.rows_checked, "rows_failed": c.rows_failed},
        )
    for f in FILE_ORDER:  # checks that could not run because the file is unusable
        for check in FILE_CHECKS:
            if (f, check) not in done:
                yield dg.AssetCheckResult(
                    asset_key=raw_key(f),
                    check_name=check,
                    passed=False,
                    severity=dg.AssetCheckSeverity.WARN,
                    description="not evaluated: the file is unusable",
                )


@dg.multi_asset_check(specs=VALIDATED_SPECS, name="records_that_count_quality", pool=WAREHOUSE_WRITER_POOL)
def records_that_count_quality(context: dg.AssetCheckExecutionContext):
    extract_date = target_extract_date(context)
    evaluation = evidence.run_rule_quality(get_paths(), extract_date, context.run.run_id)
    warn_share = thresholds.warn_share()
    for f in FILE_ORDER:
        results = evaluation.for_file(f)
        counts = {r.check_name: r.rows_failed for r in results if r.rows_failed}
        rows = max((r.rows_checked for r in results), default=0)
        over_warn = [
            r.check_name
            for r in results
            if not rule_by_id(r.check_name).never_blocks and rows and (r.rows_failed or 0) / rows > warn_share
        ]
        blocking = [r.check_name for r in results if r.blocking]
        excluded = sum(n for rule, n in counts.items() if rule_by_id(rule).action == "exclude")
        metadata = {
            "extract_date": extract_date,
            "rows_checked": rows,
            "excluded_row_rule_pairs": excluded,
            "flagged_row_rule_pairs": sum(counts.values()) - excluded,
            "failing_rules": dg.MetadataValue.json(counts),
        }
        # GX marks a validation failed as soon as one row fails a rule; this check fails only above the warning
        # share. Both are stated here so the Dagster check and the GX Data Docs tell the same story.
        gx_status = "GX validation passed"
        if counts:
            gx_status = f"GX validation failed: {len(counts)} rule(s) with failing rows"
        threshold = f"rules above {warn_share:.0%} of rows: {over_warn}" if over_warn else "within threshold"
        yield dg.AssetCheckResult(
            asset_key=validated_key(f),
            check_name="row_level_rules",
            passed=not over_warn,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{threshold} ({gx_status}; excluded and flagged records are counted, not blocking)",
            metadata={**metadata, "gx_validation_success": not counts},
        )
        yield dg.AssetCheckResult(
            asset_key=validated_key(f),
            check_name="blocking_rules",
            passed=not blocking,
            severity=dg.AssetCheckSeverity.ERROR,
            description=f"blocking: {blocking}" if blocking else "no blocking problem",
            metadata={"extract_date": extract_date, "blocking_rules": dg.MetadataValue.json(blocking)},
        )


raw_asset_checks = [raw_file_quality]
validated_asset_checks = [records_that_count_quality]

__all__ = ["raw_asset_checks", "validated_asset_checks"]

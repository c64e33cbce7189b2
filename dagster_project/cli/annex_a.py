"""`csc annex-a [--as-at YYYY-MM-DD] [--months 6]`: Ofsted's Annex A from the warehouse of the published run."""

from __future__ import annotations

import datetime as dt
import sys


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"csc annex-a: --as-at {text!r} is not a date (YYYY-MM-DD)") from None


def cmd_annex_a(args) -> int:
    from dagster_project.file_modes import owner_only_files
    from dagster_project.reports.annex_a import build_annex_a
    from dagster_project.reports.annex_a_queries import AnnexDataError
    from dagster_project.settings import get_paths

    try:
        with owner_only_files():
            outputs = build_annex_a(get_paths(), _day(args.as_at) if args.as_at else None, args.months)
    except (AnnexDataError, ValueError) as error:
        print(f"csc annex-a: {error}", file=sys.stderr)
        return 1
    period = outputs.check.period
    print(f"Annex A (restricted), {period.start:%d/%m/%Y} to {period.end:%d/%m/%Y}: {outputs.workbook}")
    print("  rows: " + ", ".join(f"list {n} {rows:,}" for n, rows in sorted(outputs.rows.items())))
    print(f"  check before sending ({outputs.check.problems:,} things to look at): {outputs.check_page}")
    return 0


def register(sub) -> None:
    parser = sub.add_parser(
        "annex-a",
        help="write Ofsted's Annex A (restricted) from the published run's warehouse",
        description="Write Ofsted's Annex A for the months before the as-at date into "
        "<CSC_DATA_DIR>/restricted/annex_a/<as_at>/: a workbook with a sheet per list, one CSV per list and a "
        "check page. Definitions: docs/annex-a.md.",
    )
    parser.add_argument(
        "--as-at", dest="as_at", metavar="YYYY-MM-DD", help="the last day of the period (default: the extract date)"
    )
    parser.add_argument("--months", type=int, default=6, help="months in the period (default 6, as Ofsted asks)")
    parser.set_defaults(handler=cmd_annex_a)

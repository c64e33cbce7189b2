"""`csc report [--as-at YYYY-MM-DD]`: rebuild the reports from the published database."""

from __future__ import annotations

import datetime as dt
import sys


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"csc report: --as-at {text!r} is not a date (YYYY-MM-DD)") from None


def cmd_report(args) -> int:
    from dagster_project.file_modes import owner_only_files
    from dagster_project.reports.build import build_reports
    from dagster_project.reports.build_lock import ReportsBusyError
    from dagster_project.reports.published import ReportDataError
    from dagster_project.reports.targets import TargetsFileError
    from dagster_project.settings import get_paths

    try:
        with owner_only_files():  # as in a run: only the open reports are opened up
            outputs = build_reports(get_paths(), _month(args.as_at) if args.as_at else None)
    except ReportsBusyError as error:  # another build (a `csc report` or a run's reports step) held the lock
        print(str(error), file=sys.stderr)
        return 2
    except (ReportDataError, TargetsFileError, ValueError) as error:
        print(f"csc report: {error}", file=sys.stderr)
        return 1
    print(f"Reports: {outputs.index}")
    print(f"  team worklists (restricted): {outputs.worklist_folder}")
    return 0


def register(sub) -> None:
    parser = sub.add_parser(
        "report",
        help="rebuild the scorecards, index page and team worklists from the published database",
        description="Rebuild the committee and management scorecards, the index page and the team worklists "
        "from data/published/analytics.duckdb. --as-at reports the month containing that date (any stored month).",
    )
    parser.add_argument("--as-at", dest="as_at", metavar="YYYY-MM-DD", help="report as at this month")
    parser.set_defaults(handler=cmd_report)

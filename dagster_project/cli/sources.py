"""`csc import cin-census`, `csc import ssda903` and `csc dq dfe-errors`."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_project.settings import get_paths


def register(sub) -> None:
    imp = sub.add_parser("import", help="import a statutory return (CIN census, SSDA903) as an extract folder")
    kinds = imp.add_subparsers(dest="return_kind", required=True)
    cin = kinds.add_parser("cin-census", help="a CIN census XML file (2022-23 schema onwards)")
    cin.add_argument("file", type=Path)
    cin.set_defaults(handler=cmd_import, parse="cin")
    ssda = kinds.add_parser("ssda903", help="a folder of SSDA903 CSV files under their DfE names")
    ssda.add_argument("directory", type=Path)
    ssda.set_defaults(handler=cmd_import, parse="903")
    for parser in (cin, ssda):
        parser.add_argument("--out", type=Path, help="landing zone to write <extract_date>/ into (default CSC_RAW_DIR)")
        parser.add_argument("--extract-date", help="YYYY-MM-DD (default: the return's reference date / year end)")

    dq = sub.add_parser("dq", help="data-quality lists for people")
    lists = dq.add_subparsers(dest="dq_command", required=True)
    dfe = lists.add_parser("dfe-errors", help="validator-style error list (return, rule code, child id, ...) as CSV")
    dfe.add_argument("--run", dest="run_id", help="run id (default: the run of the newest extract)")
    dfe.add_argument("--out", type=Path, required=True)
    dfe.set_defaults(handler=cmd_dfe_errors)


def cmd_import(args) -> int:
    from dagster_project.ingest.discovery import iso_date
    from dagster_project.sources.cin_census import parse_cin_census
    from dagster_project.sources.extract_writer import ReturnImportError, write_extract
    from dagster_project.sources.ssda903 import parse_ssda903

    if args.extract_date and iso_date(args.extract_date) is None:
        print(f"--extract-date {args.extract_date!r} is not a real date of the form YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        if args.parse == "cin":
            extract = parse_cin_census(args.file, args.extract_date)
        else:
            extract = parse_ssda903(args.directory, args.extract_date)
    except ReturnImportError as exc:
        print(f"Import failed: {exc}", file=sys.stderr)
        return 1
    folder = write_extract(extract, args.out or get_paths().raw_dir)
    counts = ", ".join(f"{f} {n}" for f, n in ((f, extract.count(f)) for f in extract.rows) if n)
    print(f"Imported {extract.descriptor.source} as extract {extract.extract_date} into {folder}: {counts}.")
    for issue in extract.issues:
        print(f"  warning: {issue}")
    return 0


def cmd_dfe_errors(args) -> int:
    from dagster_project.publish.history import last_run
    from dagster_project.quality.dfe_errors import dfe_error_rows, write_dfe_errors

    paths = get_paths()
    last = last_run(paths.history_database) if not args.run_id else None
    run_id, rows = dfe_error_rows(
        paths.restricted_dir, paths.raw_dir, args.run_id or (last or {}).get("run_id"), warehouse=paths.warehouse
    )
    if run_id is None:
        print(f"No row-level failures recorded in {paths.restricted_dir}: run the pipeline first.", file=sys.stderr)
        return 1
    write_dfe_errors(rows, args.out)
    print(f"{len(rows)} rows for run {run_id} written to {args.out}")
    return 0

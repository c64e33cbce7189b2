"""`csc generate`: write a synthetic case-management extract (synthetic data only)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from dagster_project.generate.file_formats import DATE_FORMATS, ENCODINGS
from dagster_project.generate.presets import PRESETS

EPILOG = """\
Series: one timeline is simulated from --history-start (default: 1 January of extract year - 3, after a
warm-up) to history start + 5 years - 1 day, then cut at --extract-date. So every extract date of the same
year (or any dates sharing --history-start) with the same seed is a later snapshot of the same council.
--scale multiplies the chosen preset's volumes (referrals, stocks, staff, teams); rates stay the same."""


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {s!r}") from e


def _positive(s: str) -> float:
    v = float(s)
    if v <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return v


def _rate(s: str) -> float:
    v = float(s)
    if not 0 <= v <= 0.5:
        raise argparse.ArgumentTypeError("must be between 0 and 0.5")
    return v


def register(sub) -> None:
    p = sub.add_parser("generate", help="write a synthetic extract", description=__doc__, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--preset", choices=sorted(PRESETS), default="council")
    p.add_argument("--scale", type=_positive, default=1.0, help="multiplies the preset's volumes (default 1)")
    p.add_argument("--extract-date", type=_date, default=dt.date.today(), help="YYYY-MM-DD (default today)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, default=Path("raw"), help="landing folder (default raw/)")
    p.add_argument(
        "--defect-rate", type=_rate, default=None, help="share of rows with a defect (default 0.0075; 0 = clean)"
    )
    p.add_argument("--encoding", choices=ENCODINGS, default="utf-8")
    p.add_argument("--date-format", choices=DATE_FORMATS, default="iso")
    p.add_argument("--history-start", type=_date, default=None, help="default: 1 January of extract year - 3")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument(
        "--optional-files", action="store_true",
        help="also write the contract's optional files (section47_enquiries, cla_reviews, care_leavers, "
        "missing_episodes, cla_health, cp_reviews, cp_categories, legal_statuses, pathway_plan_reviews)",
    )  # fmt: skip
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dagster_project.generate.defects import DEFAULT_RATE
    from dagster_project.generate.extract import Options, generate

    result = generate(Options(
        out=args.out, extract_date=args.extract_date, seed=args.seed, preset=args.preset, scale=args.scale,
        defect_rate=DEFAULT_RATE if args.defect_rate is None else args.defect_rate, encoding=args.encoding,
        date_format=args.date_format, history_start=args.history_start, quiet=args.quiet,
        optional_files=args.optional_files,
    ))  # fmt: skip
    if not args.quiet:
        print(f"{result.folder}  ({sum(result.rows.values()):,} rows; {result.defects:,} defects in {result.manifest})")
    return 0

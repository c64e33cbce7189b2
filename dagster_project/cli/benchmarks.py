"""`csc benchmarks import PATH`: refresh the DfE comparator snapshot from the LA Interactive Tool's data;
`csc benchmarks import-population FILE`: refresh the children's population (ONS) for the rates per 10,000;
`csc benchmarks show`: the council CSC_LA_CODE names, its region and statistical neighbours."""

from __future__ import annotations

import sys
from pathlib import Path


def cmd_import(args) -> int:
    from dagster_project.benchmarks.lait_import import LaitImportError, import_snapshot
    from dagster_project.benchmarks.snapshot import SNAPSHOT_DIR

    target = Path(args.into) if args.into else SNAPSHOT_DIR
    try:
        report = import_snapshot(Path(args.path), target)
    except LaitImportError as error:
        print(f"csc benchmarks import: refused: {error}", file=sys.stderr)
        return 2
    print(f"Snapshot written to {target} ({report.files['values.csv'].count(chr(10)) - 1} values).")
    for line in report.changes or ["no change"]:
        print(f"  {line}")
    return 0


def cmd_import_population(args) -> int:
    from dagster_project.benchmarks.population import PopulationImportError, import_population
    from dagster_project.benchmarks.snapshot import SNAPSHOT_DIR

    target = Path(args.into) if args.into else SNAPSHOT_DIR
    try:
        files = import_population(Path(args.path), target)
    except PopulationImportError as error:
        print(f"csc benchmarks import-population: refused: {error}", file=sys.stderr)
        return 2
    print(f"Population written to {target} ({files['population.csv'].count(chr(10)) - 1} estimates).")
    return 0


def cmd_show(args) -> int:
    from dagster_project.benchmarks.council import HOW_TO_SET, UnknownCouncilError, resolve_council
    from dagster_project.benchmarks.snapshot import load_snapshot

    try:
        council = resolve_council()
    except UnknownCouncilError as error:
        print(str(error), file=sys.stderr)
        return 2
    snapshot = load_snapshot()
    print(snapshot.source)
    if council is None:
        print(HOW_TO_SET)
        return 0
    names = ", ".join(f"{n} {snapshot.councils[n].name}" for n in council.neighbours if n in snapshot.councils)
    print(f"{council.la_number} {council.name}, region {council.region}; statistical neighbours: {names}")
    return 0


def register(sub) -> None:
    parser = sub.add_parser("benchmarks", help="the DfE's published figures the scorecards compare with")
    commands = parser.add_subparsers(dest="benchmarks_command", required=True)
    importer = commands.add_parser(
        "import",
        help="refresh the snapshot from LAIT's 01_data/02_prod/ folder or its bds_long parquet file",
    )
    importer.add_argument("path", help="the LAIT data folder or bds_long_*.parquet file")
    importer.add_argument("--into", help="write the snapshot here instead of dagster_project/benchmarks/snapshot/")
    importer.set_defaults(handler=cmd_import)
    population = commands.add_parser(
        "import-population",
        help="refresh the children's population (ONS mid-year estimates, 0-17) for the rates per 10,000",
    )
    population.add_argument("path", help="ons_mid-year_population_estimates_*.csv (DfE CSC national framework data)")
    population.add_argument("--into", help="write it here instead of dagster_project/benchmarks/snapshot/")
    population.set_defaults(handler=cmd_import_population)
    show = commands.add_parser("show", help="the council CSC_LA_CODE names, its region and statistical neighbours")
    show.set_defaults(handler=cmd_show)

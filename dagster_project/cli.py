"""`csc`: the project's command line. Subcommands live with their area; this only dispatches."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="csc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    from dagster_project.generate import cli as generate_cli
    from dagster_project.ops import cli as ops_cli
    from dagster_project.reports import cli as reports_cli
    from dagster_project.sources import cli as sources_cli

    generate_cli.register(sub)
    ops_cli.register(sub)
    sources_cli.register(sub)
    reports_cli.register(sub)

    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

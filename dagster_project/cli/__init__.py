"""`csc`: the project's command line. One module per group of subcommands; this only dispatches.

The CLI is the top layer with `definitions`: it may import every area, and no area imports it."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="csc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    from dagster_project.cli import annex_a, benchmarks, generate, job, reports, sources

    generate.register(sub)
    job.register(sub)
    sources.register(sub)
    reports.register(sub)
    benchmarks.register(sub)
    annex_a.register(sub)

    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

"""`python -m dagster_project.cli`: the same as `csc`."""

import sys

from dagster_project.cli import main

sys.exit(main())

"""Local standards (docs/measures.md): settings with defaults, overridable from the environment.

Councils set their own CP, CIN and supervision standards; the statutory ones have defaults too.
Each is passed to dbt as a var of the same name (dbt_project.yml carries the same defaults for
standalone dbt use; a test keeps the two in step). Environment override: CSC_<NAME upper-cased>,
e.g. CSC_CASELOAD_MAX=20. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Standards:
    assessment_standard_wd: int = 45  # statutory: Working Together 2018
    cp_visit_standard_wd: int = 10  # local default
    cin_visit_standard_wd: int = 20  # local default
    caseload_max: int = 23  # top of the report's 16-23 range
    supervision_standard_days: int = 28  # local default
    cla_first_visit_days: int = 7  # reg 28(2)(a)
    cla_visit_days: int = 42  # six weeks
    cla_long_term_visit_days: int = 91  # reg 28(2)(b): three months after the first year

    def as_dbt_vars(self) -> dict[str, int]:
        return asdict(self)


def load_standards(environ: dict[str, str] | None = None) -> Standards:
    env = os.environ if environ is None else environ
    values = {}
    for f in fields(Standards):
        raw = env.get(f"CSC_{f.name.upper()}")
        if raw is not None and raw.strip():
            try:
                values[f.name] = int(raw)
            except ValueError as error:
                raise ValueError(f"CSC_{f.name.upper()} must be a whole number, got {raw!r}") from error
            if values[f.name] <= 0:
                raise ValueError(f"CSC_{f.name.upper()} must be positive, got {raw!r}")
    return Standards(**values)

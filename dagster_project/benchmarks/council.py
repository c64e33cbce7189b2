"""Which council the warehouse belongs to: `CSC_LA_CODE`, the DfE's three-digit LA number (e.g. 884).

Unset: the outputs show England only and say how to set it. A code the snapshot does not know is refused with one
line. Pure Python: no Dagster imports.
"""

from __future__ import annotations

from dagster_project.benchmarks.snapshot import Council, Snapshot, load_snapshot
from dagster_project.settings import la_code

LA_CODE_VARIABLE = "CSC_LA_CODE"
HOW_TO_SET = (
    f"Set {LA_CODE_VARIABLE} to the council's DfE three-digit LA number (e.g. {LA_CODE_VARIABLE}=884) to compare "
    "with its region and statistical neighbours; England only until then."
)


class UnknownCouncilError(ValueError):
    """CSC_LA_CODE names no council in the DfE snapshot."""


def resolve_council(code: str | None = None, snapshot: Snapshot | None = None) -> Council | None:
    """The council `code` (default: CSC_LA_CODE) names, None when unset; UnknownCouncilError when unknown."""
    code = la_code() if code is None else code.strip() or None
    if code is None:
        return None
    snapshot = snapshot or load_snapshot()
    number = int(code) if code.isdigit() else None
    if number not in snapshot.councils:
        raise UnknownCouncilError(
            f"{LA_CODE_VARIABLE}={code!r} is not a council in the DfE statistical-neighbour list "
            f"({len(snapshot.councils)} councils, e.g. 884 Herefordshire); set the three-digit LA number or unset it."
        )
    return snapshot.councils[number]

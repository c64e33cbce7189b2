"""The optional file `legal_statuses` (issue 24), derived from the looked-after episodes of the same timeline, as a
case-management system records a child's legal status apart from the placements: a new status starts with the
episode that changed it (or that started a period of care) and lasts until the next change, or until care ends (open
while the period's latest episode is). No random stream: the file follows from the episodes alone, so building it
changes nothing in the other files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def legal_statuses(episodes: pd.DataFrame) -> pd.DataFrame:
    """episodes: cla_episodes with `ref` (the period of care), `child`, start_date, end_date and legal_status. One row
    per run of a period's consecutive episodes with one legal status: child, legal_status, start_date, end_date."""
    e = episodes.sort_values(["ref", "start_date"], kind="stable")
    ref, status = e.ref.to_numpy(), e.legal_status.to_numpy()
    first = np.r_[True, (ref[1:] != ref[:-1]) | (status[1:] != status[:-1])] if len(e) else np.zeros(0, bool)
    last = np.r_[first[1:], True] if len(e) else first
    # the period's episodes follow one another day to day: a run ends when its last episode does (NaT while open)
    return pd.DataFrame({
        "child": e.child.to_numpy()[first],
        "legal_status": status[first].astype(object),
        "start_date": e.start_date.to_numpy().astype("datetime64[D]")[first],
        "end_date": e.end_date.to_numpy().astype("datetime64[D]")[last],
    })  # fmt: skip

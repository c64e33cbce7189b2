"""Teams, workers and supervisions.

Workers fill *posts*: each post is held by a sequence of workers (tenure, then a vacancy gap, then the
next worker). Case-holding posts grow by `case_holders_growth` over the first 3 years of history, so
caseloads drift down as headcount grows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.contract.model import load_contract
from dagster_project.generate.calendar import Frame
from dagster_project.generate.dates import NAT, plus_days, uniform_dates
from dagster_project.generate.people import names
from dagster_project.generate.presets import Preset
from dagster_project.generate.rng import stream

TEAM_LABEL = {
    "MASH": "MASH",
    "ASSESSMENT": "Assessment",
    "CIN": "Child in Need",
    "CP_COURT": "Child Protection and Court",
    "LAC": "Children in Care, Team",  # a comma on purpose: exercises CSV quoting
    "DISABLED_CHILDREN": "Disabled Children",
    "LEAVING_CARE": "Leaving Care",
}
CASE_HOLDING = ("SW", "ASYE", "SP")


def teams(preset: Preset, counter) -> pd.DataFrame:
    rows = []
    for area in load_contract().codes("service_area"):
        for i in range(preset.teams_per_area.get(area, 0)):
            rows.append((area, f"{TEAM_LABEL.get(area, area.title())} {i + 1}"))
    df = pd.DataFrame(rows, columns=["service_area", "team_name"])
    first = counter.take("T", len(df)) + 1
    df.insert(0, "team_id", [f"T{i:04d}" for i in range(first, first + len(df))])
    return df


def area_loads(preset: Preset) -> dict[str, float]:
    """Children open to each area at a time (sets the split of case-holding posts)."""
    assessing = preset.referrals_per_year * 0.93 * 45 / 365
    return {
        "MASH": 0.03 * assessing,
        "ASSESSMENT": assessing,
        "CIN": 0.85 * preset.cin_plan_stock,
        "DISABLED_CHILDREN": 0.15 * preset.cin_plan_stock,
        "CP_COURT": preset.cp_stock + 0.4 * preset.cp_stock * 150 / 365,
        "LAC": preset.cla_stock,
    }


def _posts(preset: Preset, team_df: pd.DataFrame, frame: Frame, rng) -> pd.DataFrame:
    """One row per post: team, kind (CASE / TM / FSW / PA) and the date it opens."""
    loads = area_loads(preset)
    total = sum(loads.values())
    rows = []
    for area, load in loads.items():
        team_ids = team_df.loc[team_df.service_area == area, "team_id"].to_numpy()
        if not len(team_ids):
            continue
        n0 = max(len(team_ids), round(preset.case_holders_start * load / total))
        n_new = round(preset.case_holders_growth * load / total)
        opens = np.r_[
            np.full(n0, frame.sim_start),
            np.sort(uniform_dates(rng, frame.history_start, frame.history_start + 3 * 365, n_new)),
        ]
        for i, when in enumerate(opens):
            rows.append((team_ids[i % len(team_ids)], "CASE", when))
    for team_id, area in team_df[["team_id", "service_area"]].itertuples(index=False):
        rows.append((team_id, "TM", frame.sim_start))
        if area in ("CIN", "DISABLED_CHILDREN", "ASSESSMENT"):
            rows.append((team_id, "FSW", frame.sim_start))
    lc = team_df.loc[team_df.service_area == "LEAVING_CARE", "team_id"].to_numpy()
    for i in range(max(len(lc), round(preset.cla_stock * 0.5 / 20))):
        rows.append((lc[i % len(lc)], "PA", frame.sim_start))
    return pd.DataFrame(rows, columns=["team_id", "kind", "opens"])


def workers(preset: Preset, team_df: pd.DataFrame, frame: Frame, seed: int, counter) -> pd.DataFrame:
    rng = stream(seed, "workers")
    posts = _posts(preset, team_df, frame, rng)
    post = np.arange(len(posts))
    kind = posts["kind"].to_numpy()
    opens = posts["opens"].to_numpy().astype("datetime64[D]")
    # The first holder of an original post started some time before the simulation.
    start = np.where(opens == frame.sim_start, plus_days(opens, -rng.integers(0, 6 * 365, len(post))), opens)
    gens = []
    g = 0
    while len(post):
        r = stream(seed, "workers", g)
        n = len(post)
        agency_p = np.where(kind == "CASE", 0.18, np.where(kind == "TM", 0.06, 0.05))
        agency = r.random(n) < agency_p
        tenure = np.where(agency, r.exponential(0.8 * 365, n), r.exponential(4.5 * 365, n)).astype(np.int64) + 60
        end = plus_days(start, tenure)
        gens.append(pd.DataFrame({
            "post": post, "team_id": posts["team_id"].to_numpy()[post], "kind": kind,
            "agency": agency, "start_date": start, "end_date": end, "u": r.random(n),
        }))  # fmt: skip
        gap = np.where(kind == "TM", 0, r.integers(0, 60, n))  # managers are covered at once
        start = plus_days(end, gap)
        alive = start <= frame.horizon
        post, kind, start = post[alive], kind[alive], start[alive]
        g += 1
    df = pd.concat(gens, ignore_index=True)
    df = df[df.end_date >= frame.sim_start].copy()
    case_role = np.select([df.u < 0.12, df.u < 0.34], ["ASYE", "SP"], "SW")
    mash_case = (df.kind == "CASE") & df.team_id.isin(team_df.loc[team_df.service_area == "MASH", "team_id"])
    df["role"] = np.where(df.kind == "CASE", np.where(mash_case, "SW", case_role), df.kind)
    df.loc[(df.role == "ASYE") & df.agency, "role"] = "SW"  # newly qualified staff are not agency
    fr = stream(seed, "workers", "fte")
    df["fte"] = np.where(fr.random(len(df)) < 0.8, 1.0, fr.choice([0.5, 0.6, 0.8, 0.9], len(df)))
    df["employment_type"] = np.where(df.agency, "AGENCY", "PERMANENT")
    df["end_date"] = df.end_date.to_numpy().astype("datetime64[D]")
    df.loc[df.end_date > frame.horizon, "end_date"] = NAT
    df = df.sort_values(["start_date", "post"], kind="stable").reset_index(drop=True)
    first = counter.take("W", len(df)) + 1
    df["worker_id"] = [f"W{i:06d}" for i in range(first, first + len(df))]
    fore, sur = names(fr, len(df))
    df["worker_name"] = fore.astype(object) + " " + sur.astype(object)
    return df[["worker_id", "worker_name", "role", "team_id", "fte", "employment_type", "start_date", "end_date",
               "post"]]  # fmt: skip


def supervisions(worker_df: pd.DataFrame, frame: Frame, seed: int) -> pd.DataFrame:
    """INDIVIDUAL supervision about every 4 weeks (with gaps), some GROUP, by the team manager in post."""
    rng = stream(seed, "supervisions")
    sup = worker_df[worker_df.role.isin(CASE_HOLDING + ("FSW", "PA"))]
    first = np.maximum(sup.start_date.to_numpy().astype("datetime64[D]"), frame.sim_start)
    last = sup.end_date.to_numpy().astype("datetime64[D]")
    last = np.where(np.isnat(last), frame.horizon, last)
    span = np.maximum((last - first).astype(int), 0)
    count = span // 21 + 2
    who = np.repeat(np.arange(len(sup)), count)
    u = rng.random(len(who))
    gap = np.select([u < 0.8, u < 0.95], [rng.integers(21, 33, len(who)), rng.integers(33, 50, len(who))],
                    rng.integers(50, 90, len(who)))  # fmt: skip
    gap[np.r_[0, np.cumsum(count)[:-1]]] = rng.integers(5, 25, len(count))  # first one soon after starting
    starts = np.r_[0, np.cumsum(count)[:-1]]
    cum = np.cumsum(gap)
    offset = cum - np.repeat(cum[starts] - gap[starts], count)
    date = plus_days(np.repeat(first, count), offset)
    keep = date < np.repeat(last, count)
    out = pd.DataFrame({"worker_id": sup.worker_id.to_numpy()[who][keep], "team_id": sup.team_id.to_numpy()[who][keep],
                        "supervision_date": date[keep]})  # fmt: skip
    out["supervision_type"] = np.where(rng.random(len(out)) < 0.1, "GROUP", "INDIVIDUAL")
    # Supervisor: the team manager in post that day (manager posts are never vacant).
    tms = worker_df[worker_df.role == "TM"][["team_id", "worker_id", "start_date"]].rename(
        columns={"worker_id": "supervisor_id"}
    )
    tms = tms.assign(start_date=tms.start_date.astype("datetime64[s]")).sort_values("start_date")
    out = out.assign(supervision_date=out.supervision_date.astype("datetime64[s]")).sort_values("supervision_date")
    out = pd.merge_asof(out, tms, left_on="supervision_date", right_on="start_date", by="team_id",
                        direction="backward")  # fmt: skip
    out = out.dropna(subset=["supervisor_id"])
    out["supervision_date"] = out.supervision_date.to_numpy().astype("datetime64[D]")
    return out[["worker_id", "supervisor_id", "supervision_date", "supervision_type"]].reset_index(drop=True)

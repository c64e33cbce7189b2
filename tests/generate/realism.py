"""Measures of a generated extract (read back from the CSV files), for the realism tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dagster_project.workdays import wd


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])


def _d(s: pd.Series) -> np.ndarray:
    return pd.to_datetime(s).to_numpy().astype("datetime64[D]")


def open_at(df: pd.DataFrame, d: np.datetime64, start="start_date", end="end_date") -> pd.Series:
    s, e = _d(df[start]), _d(df[end])
    return pd.Series((s <= d) & (np.isnat(e) | (e > d)), index=df.index)


def measures(folder: Path, extract_date: str) -> dict[str, float]:
    e = np.datetime64(extract_date, "D")
    year_ago = e - np.timedelta64(365, "D")
    ref, plans, cla = read(folder, "referrals"), read(folder, "plans"), read(folder, "cla_episodes")
    asm, alloc, workers = read(folder, "assessments"), read(folder, "allocations"), read(folder, "workers")
    contacts = read(folder, "contacts")
    rd = _d(ref.referral_date)
    last_year = (rd > year_ago) & (rd <= e)
    # re-referrals: another referral of the child in the 12 months before (not the same day)
    r = ref.assign(rd=rd).sort_values(["child_id", "rd"])
    prev = r.groupby("child_id").rd.shift(1)
    prev_d = prev.to_numpy().astype("datetime64[D]")
    rr = ~np.isnat(prev_d) & (prev_d >= r.rd.to_numpy() - np.timedelta64(365, "D")) & (prev_d < r.rd.to_numpy())
    in_year = (r.rd.to_numpy() > year_ago) & (r.rd.to_numpy() <= e)
    a = asm.merge(ref[["referral_id", "referral_date"]], on="referral_id")
    a = a[a.authorised_date.notna()]
    days = wd(_d(a.referral_date), _d(a.authorised_date))
    auth = _d(a.authorised_date)
    m = {
        "referrals_last_year": float(last_year.sum()),
        "nfa_pct": float((ref.nfa[last_year] == "Y").mean() * 100),
        "re_referral_pct": float(rr[in_year].mean() * 100),
        "contacts_per_referral": float((_d(contacts.contact_date) > year_ago).sum() / max(last_year.sum(), 1)),
        "cp_open": float(plans[(plans.plan_type == "CP") & open_at(plans, e)].child_id.nunique()),
        "cin_open": float(plans[(plans.plan_type == "CIN") & open_at(plans, e)].child_id.nunique()),
        "cla_open": float(cla[open_at(cla, e)].child_id.nunique()),
        "assessment_median_wd": float(np.median(days[auth > year_ago])),
        "assessment_median_all": float(np.median(days)),
        "assessment_pct_45_all": float((days <= 45).mean() * 100),
        "assessment_pct_45_last_year": float((days[auth > year_ago] <= 45).mean() * 100),
        "assessment_median_first_year": float(np.median(days[auth < e - np.timedelta64(2 * 365, "D")])),
    }
    for label, d in (("early", e - np.timedelta64(3 * 365 - 60, "D")), ("now", e)):
        ch = workers[workers.role.isin(["SW", "ASYE", "SP"]) & open_at(workers, d)]
        held = alloc[open_at(alloc, d)].groupby("worker_id").child_id.nunique()
        load = held.reindex(ch.worker_id).fillna(0)
        fte = ch.set_index("worker_id").fte.astype(float)
        holding = load > 0
        m[f"case_holders_{label}"] = float(len(ch))
        m[f"caseload_avg_{label}"] = float(load.sum() / fte[holding.to_numpy()].sum())
        m[f"caseload_median_{label}"] = float(load[holding].median())
    return m

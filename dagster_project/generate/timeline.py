"""The whole simulated history of one council as typed frames (contract column names, dates as
datetime64, ids assigned), before any cut at an extract date. Hidden helper columns start with `_`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dagster_project.generate import allocate, care, casework, child_fields, cp_files, visits, workforce
from dagster_project.generate import optional_files as optional
from dagster_project.generate.calendar import Frame
from dagster_project.generate.cla_health import cla_health
from dagster_project.generate.dates import NAT, plus_days
from dagster_project.generate.legal_statuses import legal_statuses
from dagster_project.generate.missing_episodes import missing_episodes
from dagster_project.generate.pathway_plan_reviews import pathway_plan_reviews
from dagster_project.generate.people import ids, names, postcodes
from dagster_project.generate.presets import Preset
from dagster_project.generate.rng import stream

CHILD_ID_BASE = 12_000  # child ids like 0012001: keeps the leading-zero style of many systems


class IdCounter:
    """Identifiers already handed out per prefix, so regions written into one extract never collide."""

    def __init__(self):
        self.used: dict[str, int] = {}

    def take(self, prefix: str, n: int) -> int:
        start = self.used.get(prefix, 0)
        self.used[prefix] = start + n
        return start


@dataclass
class Timeline:
    frame: Frame
    tables: dict[str, pd.DataFrame]  # every file but visits
    visit_sources: pd.DataFrame
    visit_allocations: pd.DataFrame
    dob: np.ndarray  # by internal child number
    child_ids: np.ndarray  # by internal child number
    seed: int
    counter: IdCounter

    def visits(self) -> Iterator[pd.DataFrame]:
        """Visits in chunks, with ids numbered over the whole timeline (stable whatever the cut)."""
        for chunk in visits.visit_chunks(self.visit_sources, self.visit_allocations, self.dob, self.seed):
            first = self.counter.take("V", len(chunk)) + 1
            chunk.insert(0, "visit_id", ids("V", np.arange(first, first + len(chunk)), 9))
            chunk["child_id"] = self.child_ids[chunk.pop("child").to_numpy()]
            yield chunk


def _ordered_ids(counter: IdCounter, prefix: str, width: int, *sort_keys: np.ndarray) -> np.ndarray:
    order = np.lexsort(tuple(reversed(sort_keys)))
    out = np.empty(len(order), dtype=object)
    first = counter.take(prefix, len(order)) + 1
    out[order] = ids(prefix, np.arange(first, first + len(order)), width)
    return out


def build(
    frame: Frame, preset: Preset, seed: int, counter: IdCounter | None = None, optional_files: bool = False
) -> Timeline:
    counter = counter or IdCounter()
    cw = casework.simulate(frame, preset, seed)
    ref, kids, oc = cw.referrals, cw.children, cw.contacts
    dob = kids["dob"]
    ref["disabled"] = kids["disabled"][ref["child"]]

    # Keep what is still open a year before history start, or later (older closed work is archived).
    keep = np.isnat(ref["closure"]) | (ref["closure"] >= frame.keep_from)
    ref = {k: v[keep] for k, v in ref.items()}
    n_ref = len(ref["referral_date"])
    ref_id = _ordered_ids(counter, "R", 8, ref["referral_date"], np.arange(n_ref))

    team_df = workforce.teams(preset, counter)
    worker_df = workforce.workers(preset, team_df, frame, seed, counter)
    seg = allocate.segments(ref, dob, frame.horizon)
    alloc = allocate.allocate(seg, worker_df, team_df, seed)
    alloc["child"] = ref["child"][alloc.ref.to_numpy()]

    # Children: everyone with a kept referral or a contact, numbered by first appearance.
    via = ref["via_contact"]
    rc_date = plus_days(ref["referral_date"], -ref["contact_lag"])
    appear = pd.DataFrame({"child": np.r_[ref["child"], ref["child"][via], oc["child"]],
                           "date": np.r_[ref["referral_date"], rc_date[via], oc["contact_date"]]})  # fmt: skip
    first = appear.groupby("child").date.min()
    n_child = len(dob)
    first_seen = np.full(n_child, NAT)
    first_seen[first.index.to_numpy()] = first.to_numpy().astype("datetime64[D]")
    present = ~np.isnat(first_seen)
    order = np.lexsort((np.arange(n_child), first_seen))
    order = order[present[order]]
    child_ids = np.full(n_child, None, dtype=object)
    first_child = CHILD_ID_BASE + counter.take("child", len(order)) + 1
    child_ids[order] = ids("", first_child + np.arange(len(order)), 7)

    rng = stream(seed, "children", "details")
    fore, sur = names(rng, n_child)
    edd = plus_days(dob, rng.integers(-12, 13, n_child))
    # A few deaths, after the child's last referral closed.
    far = np.datetime64("2200-01-01", "D")
    closes = pd.Series(np.where(np.isnat(ref["closure"]), far, ref["closure"]))
    last_close = closes.groupby(ref["child"]).max()  # "far" = still open
    last_close = last_close[last_close.to_numpy() < far]
    death = np.full(n_child, NAT)
    cand = last_close.index.to_numpy()[rng.random(len(last_close)) < 0.004]
    death[cand] = plus_days(last_close.loc[cand].to_numpy().astype("datetime64[D]"), rng.integers(1, 200, len(cand)))
    pc = postcodes(rng, n_child)
    pc[rng.random(n_child) < 0.01] = None
    children = pd.DataFrame({
        "child_id": child_ids, "forename": fore.astype(object), "surname": sur.astype(object), "sex": kids["sex"],
        "date_of_birth": dob, "expected_date_of_birth": edd, "ethnicity": kids["ethnicity"],
        "disabled": kids["disabled"], "postcode": pc, "date_of_death": death, "_first": first_seen,
    })[present].sort_values("child_id").reset_index(drop=True)  # fmt: skip

    # Contacts: the referral's own contact, plus contacts that went no further.
    contacts = pd.DataFrame({
        "child": np.r_[ref["child"][via], oc["child"]],
        "contact_date": np.r_[rc_date[via], oc["contact_date"]],
        "contact_source": np.r_[ref["source"][via], oc["source"]],
        "decision_date": np.r_[ref["referral_date"][via], oc["decision_date"]],
        "outcome": np.r_[np.full(via.sum(), "REFERRAL", dtype=object), oc["outcome"]],
        "_ref": np.r_[np.flatnonzero(via), np.full(len(oc["child"]), -1)],
    })  # fmt: skip
    contacts.insert(
        0, "contact_id", _ordered_ids(counter, "K", 8, contacts.contact_date.to_numpy(), np.arange(len(contacts)))
    )
    ref_contact = np.full(n_ref, None, dtype=object)
    rc = contacts[contacts._ref >= 0]
    ref_contact[rc._ref.to_numpy()] = rc.contact_id.to_numpy()

    first_alloc = alloc.sort_values(["ref", "start_date"]).drop_duplicates("ref").set_index("ref")
    r_team = first_alloc.team_id.reindex(np.arange(n_ref)).to_numpy()
    r_worker = first_alloc.worker_id.reindex(np.arange(n_ref)).to_numpy().astype(object)
    u = stream(seed, "unallocated")
    r_worker[u.random(n_ref) < 0.03] = None
    mash = team_df.team_id[team_df.service_area == "MASH"].to_numpy()
    no_team = pd.isna(r_team)  # closed the day it arrived: never allocated, stays with the front door
    r_team = np.where(no_team, mash[u.integers(0, len(mash), n_ref)], r_team)
    referrals = pd.DataFrame({
        "referral_id": ref_id, "child": ref["child"], "contact_id": ref_contact, "referral_date": ref["referral_date"],
        "referral_source": ref["source"], "primary_need_code": np.where(ref["has_assessment"], ref["need"], None),
        "nfa": np.where(ref["nfa"], "Y", "N").astype(object), "closure_date": ref["closure"],
        "closure_reason": ref["closure_reason"], "team_id": r_team, "worker_id": r_worker,
        "_assessed_on": ref["a_auth"],
    })  # fmt: skip

    a = np.flatnonzero(ref["has_assessment"])
    at = pd.DataFrame({"ref": a, "at": ref["a_start"][a].astype("datetime64[s]"), "order": np.arange(len(a))})
    al = (
        alloc[["ref", "start_date", "worker_id", "team_id"]]
        .assign(start_date=alloc.start_date.astype("datetime64[s]"))
        .sort_values("start_date")
    )
    at = pd.merge_asof(at.sort_values("at"), al, left_on="at", right_on="start_date", by="ref").sort_values("order")
    assessments = pd.DataFrame({
        "referral_id": ref_id[a], "child": ref["child"][a], "start_date": ref["a_start"][a],
        "authorised_date": ref["a_auth"][a], "child_seen": ref["a_seen"][a], "outcome": ref["a_outcome"][a],
        "factors": ref["factors"][a], "team_id": at.team_id.to_numpy(), "worker_id": at.worker_id.to_numpy(),
    })  # fmt: skip
    assessments.insert(0, "assessment_id", _ordered_ids(counter, "A", 8, assessments.start_date.to_numpy(), a))

    plan_parts = []
    for ptype, s, e in (
        ("CIN", "cin_start", "cin_end"),
        ("CP", "cp_start", "cp_end"),
        ("CIN", "cin2_start", "cin2_end"),
    ):
        m = np.flatnonzero(~np.isnat(ref[s]))
        plan_parts.append(pd.DataFrame({
            "ref": m, "child": ref["child"][m], "plan_type": ptype, "start_date": ref[s][m], "end_date": ref[e][m],
            "category_of_abuse": ref["abuse"][m] if ptype == "CP" else None,
        }))  # fmt: skip
    plans = pd.concat(plan_parts, ignore_index=True)
    plans = plans[plans.start_date.to_numpy() <= frame.horizon].reset_index(drop=True)
    plans.insert(0, "plan_id", _ordered_ids(counter, "P", 8, plans.start_date.to_numpy(), np.arange(len(plans))))
    plans.insert(2, "referral_id", ref_id[plans.ref.to_numpy()])

    m = np.flatnonzero(~np.isnat(ref["cla_start"]) & (ref["cla_start"] <= frame.horizon))
    periods = pd.DataFrame({"ref": m, "child": ref["child"][m], "start": ref["cla_start"][m], "end": ref["cla_end"][m],
                            "to_18": ref["cla_to_18"][m]})  # fmt: skip
    cla = care.episodes(periods, frame.horizon, seed)
    cla.insert(0, "episode_id", _ordered_ids(counter, "E", 8, cla.start_date.to_numpy(), np.arange(len(cla))))

    visit_sources = _visit_sources(plans, cla, frame)
    allocations = alloc.assign(child_id=child_ids[alloc.child.to_numpy()])
    a_start = allocations.start_date.to_numpy().astype("datetime64[D]")
    a_keys = (a_start, allocations.ref.to_numpy(), np.arange(len(allocations)))
    allocations.insert(0, "allocation_id", _ordered_ids(counter, "L", 8, *a_keys))
    sup = workforce.supervisions(worker_df, frame, seed)
    sup.insert(0, "supervision_id", _ordered_ids(counter, "S", 8, sup.supervision_date.to_numpy(), np.arange(len(sup))))

    def child_col(df):
        df = df.copy()
        df.insert(1, "child_id", child_ids[df.pop("child").to_numpy()])
        return df

    tables = {
        "children": children,
        "teams": team_df,
        "workers": worker_df.drop(columns="post"),
        "allocations": allocations[["allocation_id", "child_id", "worker_id", "team_id", "start_date", "end_date"]],
        "contacts": child_col(contacts.drop(columns="_ref")),
        "referrals": child_col(referrals),
        "assessments": child_col(assessments.set_index("assessment_id").reset_index()),
        "plans": child_col(plans.drop(columns="ref")),
        "cla_episodes": child_col(cla.drop(columns="ref")),
        "supervisions": sup,
    }
    if optional_files:
        s47 = optional.section47_enquiries(ref, frame.horizon, seed)
        s47.insert(0, "s47_id", _ordered_ids(counter, "Q", 8, s47.s47_start_date.to_numpy(), np.arange(len(s47))))
        s47.insert(1, "child", ref["child"][s47.ref.to_numpy()])
        s47.insert(2, "referral_id", ref_id[s47.pop("ref").to_numpy()])
        reviews = optional.cla_reviews(periods, dob, frame.horizon, seed)
        keys = (reviews.review_date.to_numpy(), np.arange(len(reviews)))
        reviews.insert(0, "review_id", _ordered_ids(counter, "CR", 8, *keys))
        leavers = optional.care_leavers(periods, cla, dob, frame.horizon, seed)
        keys = (leavers.contact_date.to_numpy(), np.arange(len(leavers)))
        leavers.insert(0, "care_leaver_record_id", _ordered_ids(counter, "CL", 8, *keys))
        tables |= {"section47_enquiries": child_col(s47), "cla_reviews": child_col(reviews),
                   "care_leavers": child_col(leavers)}  # fmt: skip
        missing = missing_episodes(periods, dob, frame.horizon, seed)
        keys = (missing.start_date.to_numpy(), np.arange(len(missing)))
        missing.insert(0, "missing_episode_id", _ordered_ids(counter, "MI", 8, *keys))
        tables["missing_episodes"] = child_col(missing)
        health = cla_health(periods, dob, frame.horizon, seed)
        keys = (health.check_date.to_numpy(), np.arange(len(health)))
        health.insert(0, "health_check_id", _ordered_ids(counter, "HC", 8, *keys))
        tables["cla_health"] = child_col(health)
        # child protection reviews and categories (cp_files.py), from the CP plans
        cp_reviews = cp_files.cp_reviews(plans, frame.horizon, seed)
        keys = (cp_reviews.review_date.to_numpy(), np.arange(len(cp_reviews)))
        cp_categories = cp_files.cp_categories(plans, cp_reviews, frame.horizon, seed)
        cp_reviews.insert(0, "cp_review_id", _ordered_ids(counter, "CPR", 8, *keys))
        keys = (cp_categories.category_start_date.to_numpy(), np.arange(len(cp_categories)))
        cp_categories.insert(0, "cp_category_id", _ordered_ids(counter, "CPC", 8, *keys))
        tables |= {"cp_reviews": child_col(cp_reviews), "cp_categories": cp_categories}
        # the child fields of the returns (child_fields.py): UPN, disabilities, UASC status
        disabilities = child_fields.child_disabilities(children, seed)
        disabilities.insert(
            0,
            "disability_record_id",
            _ordered_ids(counter, "DI", 8, disabilities._first.to_numpy(), np.arange(len(disabilities))),
        )
        tables |= {"child_identifiers": child_fields.child_identifiers(children, seed),
                   "child_disabilities": disabilities,
                   "uasc_statuses": child_fields.uasc_statuses(children, periods, child_ids, seed)}  # fmt: skip
        # legal statuses from the episodes; pathway plan reviews for the young people care_leavers follows
        statuses = legal_statuses(cla)
        keys = (statuses.start_date.to_numpy(), np.arange(len(statuses)))
        statuses.insert(0, "legal_status_id", _ordered_ids(counter, "LS", 8, *keys))
        pathway = pathway_plan_reviews(periods, leavers, dob, frame.horizon, seed)
        keys = (pathway.review_date.to_numpy(), np.arange(len(pathway)))
        pathway.insert(0, "pathway_plan_review_id", _ordered_ids(counter, "PPR", 8, *keys))
        tables |= {"legal_statuses": child_col(statuses), "pathway_plan_reviews": child_col(pathway)}
    for name, df in tables.items():
        pk = df.columns[0]
        tables[name] = df.sort_values(pk, kind="stable").reset_index(drop=True)
    return Timeline(frame, tables, visit_sources, alloc, dob, child_ids, seed, counter)


def _visit_sources(plans: pd.DataFrame, cla: pd.DataFrame, frame: Frame) -> pd.DataFrame:
    """One row per plan and per placement, with the last day visits can fall on."""

    def last(end):
        end = end.to_numpy().astype("datetime64[D]")
        return np.where(np.isnat(end) | (end > frame.horizon), frame.horizon, end)

    p = pd.DataFrame({"ref": plans.ref, "child": plans.child, "visit_type": plans.plan_type,
                      "start": plans.start_date.to_numpy().astype("datetime64[D]"), "last": last(plans.end_date),
                      "until18": False})  # fmt: skip
    c = cla.sort_values(["ref", "start_date"], kind="stable").reset_index(drop=True)
    new_placement = (c.reason_new_episode != "L").to_numpy() | np.r_[
        True, c.ref.to_numpy()[1:] != c.ref.to_numpy()[:-1]
    ]
    placement = np.cumsum(new_placement)
    g = c.assign(placement=placement, last=last(c.end_date)).groupby("placement")
    pl = pd.DataFrame({"ref": g.ref.first(), "child": g.child.first(), "visit_type": "CLA",
                       "start": g.start_date.first().to_numpy().astype("datetime64[D]"), "last": g["last"].max(),
                       "until18": g.placement_intended_until_18.first() == "Y"})  # fmt: skip
    return pd.concat([p, pl], ignore_index=True)

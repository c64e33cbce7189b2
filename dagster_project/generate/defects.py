"""Injecting the defects real extracts contain, with a ground-truth manifest (file, primary key, line,
kind, detectable). Only defects detectable in principle are injected (e.g. US dates only where day > 12).

Each file gets about `rate` x rows defects, split over the kinds that apply to it by WEIGHTS; each defect
hits a different row. Defects are applied to the formatted strings; the typed frame supplies dates."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dagster_project.contract.model import ExportFile, load_contract
from dagster_project.generate.writer import format_dates, us_date

DEFAULT_RATE = 0.0075
WEIGHTS = {
    "duplicate_row": 10, "duplicate_key": 6, "orphan_reference": 8, "end_before_start": 6,
    "authorised_before_start": 4, "authorised_before_referral": 4, "date_in_future": 5, "visit_before_birth": 4,
    "visit_by_departed_worker": 4, "invalid_code": 8, "closure_reason_without_date": 4,
    "closure_date_without_reason": 4, "overlapping_cp_plans": 4, "allocation_team_mismatch": 5, "blank_required": 8,
    "us_date_format": 6, "text_in_date": 5, "trailing_spaces": 12, "overlapping_legal_statuses": 4,
}  # fmt: skip
END_OF = {"workers": ("start_date", "end_date"), "allocations": ("start_date", "end_date"),
          "referrals": ("referral_date", "closure_date"), "plans": ("start_date", "end_date"),
          "cla_episodes": ("start_date", "end_date"),
          "section47_enquiries": ("strategy_discussion_date", "icpc_date"),
          "missing_episodes": ("start_date", "end_date"), "legal_statuses": ("start_date", "end_date")}  # fmt: skip
EVENT_DATE = {"contacts": "contact_date", "visits": "visit_date", "supervisions": "supervision_date",
              "section47_enquiries": "s47_start_date", "cla_reviews": "review_date",
              "care_leavers": "contact_date", "missing_episodes": "start_date",
              "cla_health": "check_date",
              "cp_reviews": "review_date", "cp_categories": "category_start_date",
              "pathway_plan_reviews": "review_date"}  # fmt: skip
ONLY_IN = {
    "authorised_before_start": "assessments", "authorised_before_referral": "assessments",
    "visit_before_birth": "visits", "visit_by_departed_worker": "visits", "closure_reason_without_date": "referrals",
    "closure_date_without_reason": "referrals", "overlapping_cp_plans": "plans",
    "allocation_team_mismatch": "allocations", "overlapping_legal_statuses": "legal_statuses",
}  # fmt: skip
# Values other files' defects are judged against: a defect that compares with one of these is only
# injected where that value reached the file intact, so that it stays detectable in principle.
DEPENDED_ON = {"children": ["date_of_birth"], "workers": ["end_date"], "referrals": ["referral_date"]}
TEXT_IN_DATE = np.array(["unknown", "N/K", "TBC", "not recorded"], dtype=object)
MANIFEST_COLUMNS = ["file", "primary_key", "line", "defect_kind", "detectable"]


@dataclass
class Context:
    """What defects need to know beyond the file itself (all from the clean, cut extract)."""

    extract_date: np.datetime64
    date_format: str
    referral_dates: pd.Series  # by referral_id
    dob: pd.Series  # by child_id
    departed: pd.DataFrame  # worker_id, end_date (workers who had left by the extract date), sorted by end_date
    team_ids: np.ndarray
    worker_team: pd.Series  # by worker_id
    next_id: dict = field(default_factory=dict)
    altered: dict = field(default_factory=dict)  # "file.column" -> keys whose value a defect changed

    def intact(self, file: str, column: str, keys: pd.Series) -> np.ndarray:
        return ~keys.isin(self.altered.get(f"{file}.{column}", set())).to_numpy()


def applicable(kind: str, export: ExportFile) -> bool:
    name = export.name
    if name == "teams":
        return False  # every other file hangs off teams: keep them clean
    if kind in ONLY_IN:
        return ONLY_IN[kind] == name
    cols = export.columns
    return {
        "orphan_reference": any(c.references for c in cols),
        "end_before_start": name in END_OF,
        "date_in_future": name in EVENT_DATE,
        "invalid_code": any(c.type == "code" for c in cols),
        "us_date_format": any(c.type == "date" for c in cols),
        "text_in_date": any(c.type == "date" for c in cols),
        "trailing_spaces": any(_spaceable(c, export) for c in cols),
    }.get(kind, True)


def _spaceable(c, export: ExportFile) -> bool:
    return c.type in ("code", "flag", "text") or (c.type == "id" and c.name != export.primary_key)


class _Injector:
    def __init__(self, export: ExportFile, s: pd.DataFrame, t: pd.DataFrame, ctx: Context, rng):
        self.e, self.s, self.t, self.ctx, self.rng = export, s, t, ctx, rng
        self.cols = {c.name: c for c in export.columns}
        self.inserts: list[tuple[int, list, list[str]]] = []  # (after row, values, kinds)
        self.hits: list[tuple[int, list[str]]] = []  # (row, kinds)

    # helpers
    def fmt(self, d) -> str:
        return format_dates(np.array([d], dtype="datetime64[D]"), self.ctx.date_format)[0]

    def day(self, col: str, i: int) -> np.datetime64:
        return np.datetime64(self.t[col].iloc[i], "D")

    def nonnull(self, col: str) -> np.ndarray:
        return self.s[col].notna().to_numpy().copy()

    def set(self, i: int, col: str, value) -> None:
        self.s.iat[i, self.s.columns.get_loc(col)] = value

    def new_id(self, prefix: str) -> str:
        n = self.ctx.next_id.get(prefix, 0) + 1
        self.ctx.next_id[prefix] = n
        return f"{prefix}{n:07d}"

    # eligibility per kind (boolean mask over rows)
    def eligible(self, kind: str) -> np.ndarray:
        n = len(self.s)
        yes = np.ones(n, dtype=bool)
        if kind == "end_before_start":
            return self.nonnull(END_OF[self.e.name][1])
        if kind in ("authorised_before_start", "authorised_before_referral"):
            ok = self.nonnull("authorised_date")
            if kind == "authorised_before_referral":
                ok &= self.ctx.intact("referrals", "referral_date", self.t.referral_id)
            if kind == "authorised_before_start":
                ref = self.ctx.referral_dates.reindex(self.t.referral_id).to_numpy().astype("datetime64[D]")
                ok &= self.t.start_date.to_numpy().astype("datetime64[D]") > ref + 1
            return ok
        if kind == "visit_before_birth":
            known = self.ctx.dob.reindex(self.t.child_id).notna().to_numpy()
            return known & self.ctx.intact("children", "date_of_birth", self.t.child_id)
        if kind == "visit_by_departed_worker":
            departed = self.departed_intact()
            first_left = departed.end_date.min() if len(departed) else None
            if first_left is None:
                return ~yes
            return self.t.visit_date.to_numpy().astype("datetime64[D]") > np.datetime64(first_left, "D")
        if kind in ("closure_reason_without_date", "closure_date_without_reason"):
            return self.nonnull("closure_date")
        if kind in ("overlapping_cp_plans", "overlapping_legal_statuses"):
            start = self.t.start_date.to_numpy().astype("datetime64[D]")
            end = self.t.end_date.to_numpy().astype("datetime64[D]")
            room = np.where(np.isnat(end), self.ctx.extract_date, end) - start
            of_kind = (self.s.plan_type == "CP").to_numpy() if kind == "overlapping_cp_plans" else yes
            return of_kind & (room.astype(int) >= 3)
        if kind == "allocation_team_mismatch":
            return (self.s.team_id.notna() & self.s.worker_id.notna()).to_numpy() & (len(self.ctx.team_ids) > 1)
        if kind == "us_date_format":
            ok = ~yes
            for c in self.e.columns:
                if c.type == "date":
                    d = self.t[c.name].to_numpy().astype("datetime64[D]")
                    dom = (d - d.astype("datetime64[M]")).astype(int) + 1
                    ok |= ~np.isnat(d) & (dom > 12)
            return ok
        cols = {
            "invalid_code": [c.name for c in self.e.columns if c.type == "code"],
            "orphan_reference": [c.name for c in self.e.columns if c.references],
            "blank_required": [c.name for c in self.e.columns if not c.nullable and c.name != self.e.primary_key],
            "trailing_spaces": [c.name for c in self.e.columns if _spaceable(c, self.e)],
            "duplicate_key": [
                c.name for c in self.e.columns if c.type in ("code", "flag", "date") and (c.codes or c.type == "date")
            ],
        }.get(kind)
        if cols is None:
            return yes
        return self.s[cols].notna().any(axis=1).to_numpy().copy()

    def apply(self, kind: str, i: int) -> None:
        getattr(self, kind)(i)

    # the kinds
    def duplicate_row(self, i):
        self.inserts.append((i, list(self.s.iloc[i]), ["duplicate_row"]))

    def duplicate_key(self, i):
        row = self.s.iloc[i].copy()
        lists = load_contract().code_lists
        changeable = [c for c in self.e.columns if c.type in ("code", "flag") and c.codes and pd.notna(row[c.name])]
        if changeable:
            c = changeable[self.rng.integers(len(changeable))]
            others = [v for v in lists[c.codes] if v != row[c.name]]
            row[c.name] = others[self.rng.integers(len(others))]
        else:
            dates = [c.name for c in self.e.columns if c.type == "date" and pd.notna(row[c.name])]
            c = dates[0]
            row[c] = self.fmt(self.day(c, i) - np.timedelta64(int(self.rng.integers(1, 8)), "D"))
        self.inserts.append((i, list(row), ["duplicate_key"]))

    def orphan_reference(self, i):
        refs = [c.name for c in self.e.columns if c.references and pd.notna(self.s[c.name].iloc[i])]
        col = refs[self.rng.integers(len(refs))]
        self.set(i, col, f"ZZ{self.rng.integers(10**6, 10**7)}")  # no id in any file starts with ZZ
        self.hits.append((i, ["orphan_reference"]))

    def end_before_start(self, i):
        start, end = END_OF[self.e.name]
        self.set(i, end, self.fmt(self.day(start, i) - np.timedelta64(int(self.rng.integers(1, 31)), "D")))
        self.hits.append((i, ["end_before_start"]))

    def authorised_before_start(self, i):
        self.set(i, "authorised_date", self.fmt(self.day("start_date", i) - np.timedelta64(1, "D")))
        self.hits.append((i, ["authorised_before_start"]))

    def authorised_before_referral(self, i):
        ref = np.datetime64(self.ctx.referral_dates[self.t.referral_id.iloc[i]], "D")
        self.set(i, "authorised_date", self.fmt(ref - np.timedelta64(int(self.rng.integers(1, 11)), "D")))
        self.hits.append((i, ["authorised_before_referral", "authorised_before_start"]))  # before its start too

    def date_in_future(self, i):
        col = EVENT_DATE[self.e.name]
        future = self.fmt(self.ctx.extract_date + np.timedelta64(int(self.rng.integers(1, 61)), "D"))
        self.set(i, col, future)
        if self.e.name == "visits":
            self.set(i, "recorded_date", future)
        if self.e.name == "contacts":  # a decision cannot precede the contact: still awaiting one
            self.set(i, "decision_date", None)
            self.set(i, "outcome", None)
        if self.e.name == "missing_episodes":  # not back yet: no end and no return interview (else also end < start)
            for col in ("end_date", "return_interview_offered", "return_interview_accepted"):
                self.set(i, col, None)
        self.hits.append((i, ["date_in_future"]))

    def visit_before_birth(self, i):
        dob = np.datetime64(self.ctx.dob[self.t.child_id.iloc[i]], "D")
        d = dob - np.timedelta64(int(self.rng.integers(1, 60)), "D")
        self.set(i, "visit_date", self.fmt(d))
        self.set(i, "recorded_date", self.fmt(d + np.timedelta64(1, "D")))
        self.hits.append((i, ["visit_before_birth"]))

    def departed_intact(self) -> pd.DataFrame:
        dep = self.ctx.departed
        return dep[self.ctx.intact("workers", "end_date", dep.worker_id)]

    def visit_by_departed_worker(self, i):
        dep = self.departed_intact()
        n_left = np.searchsorted(
            dep.end_date.to_numpy().astype("datetime64[D]"), self.day("visit_date", i), side="left"
        )
        self.set(i, "worker_id", dep.worker_id.iloc[int(self.rng.integers(0, n_left))])
        self.hits.append((i, ["visit_by_departed_worker"]))

    def invalid_code(self, i):
        codes = [c for c in self.e.columns if c.type == "code" and pd.notna(self.s[c.name].iloc[i])]
        c = codes[self.rng.integers(len(codes))]
        valid = {v.upper() for v in load_contract().codes(c.codes)}
        bad = [v for v in ("XX", "Z9", "99", "N10", "RC0", "OTHER") if v not in valid]
        self.set(i, c.name, bad[self.rng.integers(len(bad))])
        self.hits.append((i, ["invalid_code"]))

    def closure_reason_without_date(self, i):
        self.set(i, "closure_date", None)
        self.hits.append((i, ["closure_reason_without_date"]))

    def closure_date_without_reason(self, i):
        self.set(i, "closure_reason", None)
        self.hits.append((i, ["closure_date_without_reason"]))

    def overlapping_cp_plans(self, i, kind="overlapping_cp_plans", prefix="PX"):
        """A second row of the child (new key) starting inside this one's span: two plans or statuses at once."""
        row = self.s.iloc[i].copy()
        start = self.day("start_date", i)
        end = (
            np.datetime64(self.t.end_date.iloc[i], "D") if pd.notna(self.t.end_date.iloc[i]) else self.ctx.extract_date
        )
        span = int((end - start).astype(int))
        row[self.e.primary_key] = self.new_id(prefix)
        row["start_date"] = self.fmt(start + np.timedelta64(int(self.rng.integers(1, span // 2 + 1)), "D"))
        self.inserts.append((i, list(row), [kind]))

    def overlapping_legal_statuses(self, i):
        self.overlapping_cp_plans(i, "overlapping_legal_statuses", "LX")

    def allocation_team_mismatch(self, i):
        own = self.ctx.worker_team.get(self.s.worker_id.iloc[i])
        others = self.ctx.team_ids[self.ctx.team_ids != own]
        self.set(i, "team_id", others[self.rng.integers(len(others))])
        self.hits.append((i, ["allocation_team_mismatch"]))

    def blank_required(self, i):
        cols = [c.name for c in self.e.columns if not c.nullable and c.name != self.e.primary_key
                and pd.notna(self.s[c.name].iloc[i])]  # fmt: skip
        self.set(i, cols[self.rng.integers(len(cols))], None)
        self.hits.append((i, ["blank_required"]))

    def us_date_format(self, i):
        for c in self.rng.permutation([c.name for c in self.e.columns if c.type == "date"]):
            v = self.t[c].iloc[i]
            if pd.notna(v) and np.datetime64(v, "D").astype(object).day > 12:
                self.set(i, c, us_date(v))
                self.hits.append((i, ["us_date_format"]))
                return

    def text_in_date(self, i):
        dates = [c.name for c in self.e.columns if c.type == "date"]
        self.set(i, dates[self.rng.integers(len(dates))], TEXT_IN_DATE[self.rng.integers(len(TEXT_IN_DATE))])
        self.hits.append((i, ["text_in_date"]))

    def trailing_spaces(self, i):
        cols = [c for c in self.e.columns if _spaceable(c, self.e) and pd.notna(self.s[c.name].iloc[i])]
        c = cols[self.rng.integers(len(cols))]
        v = self.s[c.name].iloc[i]
        lower = c.type in ("code", "flag") and v.lower() != v and self.rng.random() < 0.5
        self.set(i, c.name, v.lower() if lower else v + "  ")
        self.hits.append((i, ["trailing_spaces"]))


def inject(
    export: ExportFile,
    strings: pd.DataFrame,
    typed: pd.DataFrame,
    ctx: Context,
    rate: float,
    rng,
    line_offset: int = 0,
    weights: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, list[tuple]]:
    """Returns the defective strings (rows possibly inserted) and manifest rows. line_offset = data rows
    already written to this file (chunked files)."""
    n = len(strings)
    if rate <= 0 or n == 0:
        return strings, []
    s = strings.copy().reset_index(drop=True)
    t = typed.reset_index(drop=True)
    inj = _Injector(export, s, t, ctx, rng)
    weights = WEIGHTS if weights is None else weights
    unknown = set(weights) - set(WEIGHTS)
    if unknown:
        raise ValueError(f"unknown defect kinds: {sorted(unknown)}")
    kinds = [k for k in weights if weights[k] > 0 and applicable(k, export)]
    if not kinds:
        return strings, []
    total = int(rng.binomial(n, min(rate, 0.5)))
    w = np.array([weights[k] for k in kinds], dtype=float)
    counts = rng.multinomial(total, w / w.sum())
    used = np.zeros(n, dtype=bool)
    for kind, k in zip(kinds, counts, strict=True):
        if not k:
            continue
        cand = np.flatnonzero(inj.eligible(kind) & ~used)
        if not len(cand):
            continue
        for i in rng.choice(cand, size=min(k, len(cand)), replace=False):
            used[i] = True
            inj.apply(kind, int(i))
    for column in DEPENDED_ON.get(export.name, []):
        before, after = strings[column].reset_index(drop=True), s[column]
        changed = ~((before == after) | (before.isna() & after.isna())).to_numpy()
        ctx.altered.setdefault(f"{export.name}.{column}", set()).update(s[export.primary_key][changed])
    # Assemble: inserted rows go right after the row they copy.
    key = np.arange(n, dtype=float) * 2
    extra_rows, extra_keys, extra_kinds = [], [], []
    for j, (after, values, ks) in enumerate(inj.inserts):
        extra_rows.append(values)
        extra_keys.append(after * 2 + 1 + j * 1e-9)
        extra_kinds.append(ks)
    all_keys = np.r_[key, extra_keys]
    order = np.argsort(all_keys, kind="stable")
    out = pd.concat([s, pd.DataFrame(extra_rows, columns=s.columns, dtype=object)], ignore_index=True).iloc[order]
    line_of = np.empty(len(order), dtype=np.int64)
    line_of[order] = np.arange(len(order)) + 2 + line_offset
    pk = out.columns.get_loc(export.primary_key)
    manifest = []
    for i, ks in inj.hits:
        for kd in ks:
            manifest.append((export.file_name, s.iat[i, pk], int(line_of[i]), kd, "true"))
    for j, ks in enumerate(extra_kinds):
        for kd in ks:
            manifest.append((export.file_name, extra_rows[j][pk], int(line_of[n + j]), kd, "true"))
    return out.reset_index(drop=True), manifest

"""The optional files of the child fields (child_identifiers, child_disabilities, uasc_statuses) are generated
realistically and consistently with the required files: a UPN with the DfE's check letter for most children of
school age, the reason it is unknown for the others (UN1 under school age); disability codes agreeing with
children.disabled; a small share of looked-after children UASC, mostly boys who came into care at 14 to 17."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dagster_project.contract.model import load_contract
from dagster_project.generate.child_fields import upn_check_letter
from tests.generate.checks import all_files, parse
from tests.generate.conftest import EXTRACT

pytestmark = pytest.mark.fast
C = load_contract()


@pytest.fixture(scope="module")
def files(council_clean):
    return all_files(council_clean.folder)


def test_the_check_letter_as_the_dfe_works_it():
    # by hand: 2*8 + 3*8 + 4*4 + 5*1 + 6*2 + 7*3 + 8*4 + 9*5 + 10*6 + 11*7 + 12*8 + 13*9 = 521 = 22*23 + 15 -> R
    assert upn_check_letter("884123456789") == "R"
    assert upn_check_letter("884000000001") == "A"  # 16 + 24 + 16 + 13 = 69 = 3*23 + 0
    assert upn_check_letter("884000000008") == "Z"  # 56 + 104 = 160 = 6*23 + 22


def test_one_row_per_child_and_upns_valid_and_distinct(files):
    ids, children = files["child_identifiers"], files["children"]
    assert sorted(ids.child_id) == sorted(children.child_id)
    upns = ids.upn.dropna()
    assert upns.str.fullmatch(r"[A-HJ-NP-RT-Z]8[0-9]{11}|[A-HJ-NP-RT-Z][39][0-9]{11}").all()
    assert (upns.str[0] == upns.str[1:].map(upn_check_letter)).all()
    assert upns.is_unique and not set(upns) & set(ids.former_upn.dropna())
    assert (upns.str[1:4] == "884").mean() > 0.85  # mostly the council's own schools
    # exactly one of a UPN and the reason it is unknown
    assert (ids.upn.isna() != ids.upn_unknown.isna()).all()
    assert ids.former_upn[ids.upn.isna()].isna().all()


def test_upn_by_school_age_at_the_extract_date(files):
    ids = files["child_identifiers"].merge(files["children"][["child_id", "date_of_birth"]], on="child_id")
    dob = parse(ids.date_of_birth)
    age = (np.datetime64(EXTRACT, "D") - dob).astype("timedelta64[D]").astype(float) / 365.25  # NaN: unborn
    young = ids[np.isnat(dob) | (age < 4)]
    assert len(young) and (young.upn_unknown == "UN1").all()  # not yet of school age
    school = ids[age >= 4]
    assert 0.88 < school.upn.notna().mean() < 0.97
    assert set(school.upn_unknown.dropna()) <= {"UN2", "UN3", "UN5"}  # reasons the 903 also takes


def test_disabilities_agree_with_the_disabled_flag(files):
    d = files["child_disabilities"].merge(files["children"][["child_id", "disabled"]], on="child_id")
    assert set(d.disability) <= set(C.codes("disability"))
    assert (d[d.disabled == "N"].disability == "NONE").all() and (d[d.disabled == "Y"].disability != "NONE").all()
    children = files["children"]
    assert set(d.child_id) == set(children.child_id[children.disabled != "U"])  # U: nothing recorded
    per_child = d[d.disabled == "Y"].groupby("child_id").disability
    assert (per_child.nunique() == per_child.size()).all()  # never the same code twice
    assert 1.2 < per_child.size().mean() < 1.8  # some children have two or three


def test_uasc_are_few_mostly_boys_who_came_into_care_at_14_to_17(files):
    uasc = files["uasc_statuses"]
    episodes = files["cla_episodes"].assign(start=lambda e: parse(e.start_date))
    looked_after = episodes.child_id.nunique()
    assert uasc.child_id.is_unique and 0.02 < len(uasc) / looked_after < 0.15
    kids = files["children"].set_index("child_id").reindex(uasc.child_id)
    assert (kids.sex == "M").mean() > 0.8
    first = episodes.groupby("child_id").start.min().reindex(uasc.child_id)
    first = first.to_numpy().astype("datetime64[D]")
    in_care = ~np.isnat(first)  # the others arrived shortly before the extract date: not in care yet
    assert in_care.mean() > 0.8
    age = (first - parse(kids.date_of_birth))[in_care].astype(int) / 365.25
    assert ((age >= 14) & (age < 18)).all()
    ceased = parse(uasc.uasc_ceased_date)
    eighteen = (pd.to_datetime(kids.date_of_birth.to_numpy()) + pd.DateOffset(years=18)).to_numpy()
    known = ~np.isnat(ceased)
    assert (
        known.any()
        and (ceased[known] <= eighteen[known]).all()
        and (ceased[known] <= np.datetime64(EXTRACT, "D")).all()
    )

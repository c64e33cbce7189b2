"""The council preset looks like a small shire county (seed 7, extract 2019-03-01; tolerances stated)."""

from __future__ import annotations

import pytest

from tests.generate.realism import measures

# measure -> (low, high): the brief's targets with room for chance variation
TARGETS = {
    "referrals_last_year": (1350, 1650),  # about 1,500 a year
    "re_referral_pct": (18, 26),  # ~22% within 12 months
    "nfa_pct": (5, 10),
    "contacts_per_referral": (3, 4),
    "cp_open": (150, 200),
    "cla_open": (255, 345),  # ~300
    "cin_open": (340, 460),  # ~400 on CIN plans
    "assessment_median_all": (27, 33),  # ~30 working days from referral
    "assessment_pct_45_all": (78, 86),  # ~80-85% within 45
    "case_holders_now": (60, 70),
    "caseload_avg_early": (24, 32),  # high 20s to 30s at the start of the history
    "caseload_avg_now": (16, 23),
}


@pytest.fixture(scope="module")
def m(council_clean):
    return measures(council_clean.folder, "2019-03-01")


@pytest.mark.parametrize("name", list(TARGETS))
def test_within_target(m, name):
    low, high = TARGETS[name]
    assert low <= m[name] <= high, f"{name} = {m[name]:.1f}, expected {low}-{high}"


def test_assessments_worse_early_better_later(m):
    assert m["assessment_median_first_year"] > m["assessment_median_wd"] + 3
    assert m["assessment_pct_45_last_year"] > m["assessment_pct_45_all"]


def test_headcount_grows_and_caseloads_fall(m):
    assert m["case_holders_now"] - m["case_holders_early"] >= 12
    assert m["caseload_avg_now"] < m["caseload_avg_early"] - 4


def test_referral_sources_in_census_proportions(council_clean):
    from tests.generate.checks import read

    share = read(council_clean.folder, "referrals").referral_source.value_counts(normalize=True)
    assert 0.25 < share["6"] < 0.33  # police
    assert 0.16 < share["2A"] + share["2B"] < 0.24  # schools / education
    health = sum(share.get(c, 0) for c in ("3A", "3B", "3C", "3D", "3E", "3F"))
    assert 0.10 < health < 0.18

"""Each DfE code list in the export contract equals the DfE's specification of its collection year.

The expected lists below are copied from the DfE's specifications as implemented by the DfE validators
(PyPI csc-validator-be-cin 0.1.13, ruleset cin2024_25; csc-validator-be-903 0.1.17, ruleset
lac2026_27), which check each data item against these codes. Source per list: the validator rule that
holds it. A change in the DfE's lists must be made here, with its source, and in the contract.
"""

from __future__ import annotations

import pytest

from dagster_project.contract.model import load_contract
from dagster_project.generate import care, casework

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

# list name -> (collection year, where the list is specified, codes)
DFE_LISTS = {
    "sex": ("2024-25", "CIN census Sex, rule 4180 (cin2024_25); SSDA903 SEX, rule 101 (lac2024_25)", {"M", "F", "U"}),
    "ethnicity": ("2024-25", "CIN census Ethnicity, rule 4220; SSDA903 ETHNIC, rule 103", {
        "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH",
        "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"}),
    "referral_source": ("2024-25", "CIN census Source of referral, rule 8866", {
        "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6",
        "7", "8", "9", "10"}),
    "primary_need_code": ("2024-25", "CIN census Primary need code, rule 8650", {f"N{i}" for i in range(10)}),
    "closure_reason": ("2024-25", "CIN census Reason for closure, rule 8640", {f"RC{i}" for i in range(1, 10)}),
    "category_of_abuse": ("2024-25", "CIN census Initial category of abuse, rule 8905",
                          {"NEG", "PHY", "SAB", "EMO", "MUL"}),
    "reason_new_episode": ("2025-26", "SSDA903 RNE, rule 143", {"S", "P", "L", "T", "U", "B"}),
    "legal_status": ("2025-26", "SSDA903 LS, rule 144", {
        "C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"}),
    "placement_type": ("2025-26", "SSDA903 PLACE, rule 146 (lac2025_26)", {
        "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3",
        "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14"}),
    "reason_ceased": ("2025-26", "SSDA903 REC, rule 149", {
        "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E8",
        "E9", "E14", "E15", "E16", "E17", "X1"}),
    # Optional files. Rules 131, 132, 133 and 167 were written for lac2022_23 and are unchanged to lac2026_27.
    # The 903's "0" (ACTIV/ACCOM: no information, e.g. not in touch) is an empty value in the contract.
    "review_participation": ("2026-27", "SSDA903 REVIEW_CODE, rule 167 (lac2026_27)", {f"PN{i}" for i in range(8)}),
    "care_leaver_in_touch": ("2026-27", "SSDA903 OC3 IN_TOUCH, rule 131 (lac2026_27)",
                             {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}),
    "care_leaver_activity": ("2026-27", "SSDA903 OC3 ACTIV, rule 132 (lac2026_27)", {
        "F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6"}),
    "care_leaver_accommodation": ("2026-27", "SSDA903 OC3 ACCOM, rule 133 (lac2026_27)", {
        "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2", "S2", "T1",
        "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2"}),
    # missing_episodes: the 903 missing file's MISSING, checked by rule 1006 ("Missing type invalid").
    "missing_or_absent": ("2026-27", "SSDA903 MISSING, rule 1006 (lac2026_27)", {"M", "A"}),
    # the child fields: CIN census Disability, rule 8540's list; UPNunknown, rule 8770Q's UN2-UN7 plus UN1 (which
    # 8770Q names and excludes: "child is not of school age"); the 903's UPN item takes UN1-UN5 (rule 168)
    "disability": ("2024-25", "CIN census Disability, rule 8540 (cin2022_23, unchanged to cin2024_25)", {
        "NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"}),
    "upn_unknown": ("2024-25", "CIN census UPNunknown, rule 8770Q (cin2024_25)", {f"UN{i}" for i in range(1, 8)}),
}  # fmt: skip
# Codes the DfE retired that the contract still accepts on older records (placement types of 2022-23 to 2024-25).
RETIRED = {"placement_type": {"H5", "P2", "Z1"}}


@pytest.mark.parametrize("name", sorted(DFE_LISTS))
def test_dfe_code_list_matches_its_specification(name):
    contract = load_contract()
    year, _source, codes = DFE_LISTS[name]
    source = contract.code_list_sources[name]
    assert source.collection_year == year and source.source != "project"
    assert set(contract.codes(name)) - set(source.retired) == codes
    assert set(source.retired) == RETIRED.get(name, set())


def test_every_other_list_is_the_projects_own():
    contract = load_contract()
    own = {n for n, s in contract.code_list_sources.items() if s.source == "project"}
    assert own == set(contract.code_lists) - set(DFE_LISTS)


def test_generator_draws_only_current_codes():
    contract = load_contract()
    current = set(contract.codes("placement_type")) - set(contract.code_list_sources["placement_type"].retired)
    recoded = set(care.RECODED_PLACEMENTS)
    assert set(care.PLACEMENTS) - recoded <= current and set(care.RECODED_PLACEMENTS.values()) <= current
    assert {"18A", "19A"}.isdisjoint(casework.FACTOR_CODES)  # retired factor codes (DfE 8945Q, 8950Q)

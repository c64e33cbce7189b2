"""Every Annex A sheet's headers equal Ofsted's template, 2026 form; and what is named unavailable, and why.

The header list below is Social Finance's, not ours: liia-tools-pipeline,
docs/file_headers_by_dataset/annex_a_headers.md at commit 6497443d37c946db3b879ef9c10cdf14e54219c4 (branch
add_file_header_readme, 3 Jul 2026; the same headers are the keys of Annex_A_schema.yml in its
liiatools/annex_a_pipeline package at that commit), with the 2026 template's one change applied: "Gender" is "Sex"
(issue 25). That repository's Annex A files still say "Gender" (its 903-sex-update branch makes the same change for
SSDA903 only), so the rename is applied here, in one place (TEMPLATE_2026).
"""

from __future__ import annotations

import pytest

from dagster_project.contract import load_contract
from dagster_project.reports.annex_a_lists import LISTS, OPTIONAL_SOURCES, unavailable

pytestmark = pytest.mark.fast

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
LIIA_TOOLS_HEADERS = {
    1: [*CHILD, "Date of Contact", "Contact Source"],
    2: [*CHILD, "Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    3: [*CHILD, "Date of referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months",
        "Allocated Team", "Allocated Worker"],
    4: [*CHILD, "Does the Child have a Disability", "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?", "Allocated Team",
        "Allocated Worker"],
    5: [*CHILD, "Does the Child have a Disability", "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
        "Allocated Team", "Allocated Worker"],
    6: [*CHILD, "Does the Child have a Disability", "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen",
        "CIN Closure Date", "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"],
    7: [*CHILD, "Does the Child have a Disability", "Child Protection Plan Start Date", "Initial Category of Abuse",
        "Latest Category of Abuse", "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
        "Date of latest review conference", "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"],
    8: [*CHILD, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        "Does the Child have a Disability", "Date Started to be Looked After", "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status", "Child's Legal Status", "Date of Latest Statutory Review",
        "Date of Last Social Work Visit", "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment", "Date of Last Dental Check",
        "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type",
        "Placement Provider", "Placement postcode", "URN of Placement", "Placement Location", "LA of Placement",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?", "Allocated Team",
        "Allocated Worker"],
    9: [*CHILD, "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Does the Child have a Disability", "Allocated Team", "Allocated Worker", "Allocated Personal Advisor",
        "Eligibility Category", "Latest Pathway Plan Review Date", "LA in Touch", "Latest Date of Contact",
        "Type of Accommodation", "Suitability of Accommodation", "Activity Status"],
    10: ["Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
         "Does the Child have a Disability", "Date the Child Entered Care",
         "Date of Decision that Child Should be Placed for Adoption", "Date of Placement Order",
         "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption", "Date of Adoption Order",
         "Date of Decision that Child Should No Longer be Placed for Adoption",
         "Reason Why Child No Longer Placed for Adoption",
         "Date the child was placed for fostering in FFA or concurrent planning placement"],
    11: ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity", "Disability",
         "Is the (prospective) adopter fostering for adoption?", "Date enquiry received", "Date Stage 1 started",
         "Date Stage 1 ended", "Date Stage 2 started", "Date Stage 2 ended", "Date application submitted",
         "Date application approved", "Date adopter matched with child(ren)",
         "Date child/children placed with adopter(s)", "No. of children placed", "Date of Adoption Order",
         "Date of leaving adoption process", "Reason for leaving adoption process"],
}  # fmt: skip
TEMPLATE_2026 = {n: ["Sex" if h == "Gender" else h for h in headers] for n, headers in LIIA_TOOLS_HEADERS.items()}


def test_every_list_in_ofsteds_order_with_the_2026_headers():
    assert [annex.number for annex in LISTS] == list(range(1, 12))
    for annex in LISTS:
        assert list(annex.headers) == TEMPLATE_2026[annex.number], f"list {annex.number}"
        assert "Gender" not in annex.headers


def test_todays_contract_leaves_lists_2_5_9_10_11_unavailable_with_a_reason():
    missing = unavailable(set(load_contract().file_names), set())
    assert sorted(u.list_number for u in missing if u.header is None) == [2, 5, 9, 10, 11]
    assert all(u.reason for u in missing)
    by_list = {(u.list_number, u.header) for u in missing if u.header}
    assert (7, "Date of latest review conference") in by_list
    assert (8, "Placement postcode") in by_list
    assert not any(number in (1, 3, 4, 6) for number, _ in by_list)  # those lists are filled in full


def test_an_optional_file_in_the_contract_and_read_fills_its_list():
    files = set(load_contract().file_names) | {"section47_enquiries.csv"}
    not_read = unavailable(files, set())
    (list_5,) = [u for u in not_read if u.list_number == 5]
    assert "in the contract but this version does not read it yet" in list_5.reason
    read = unavailable(files, {"section47_enquiries.csv"})
    assert 5 not in {u.list_number for u in read}
    assert {u.list_number for u in read if u.header is None} == {2, 9, 10, 11}


def test_an_optional_file_the_extract_leaves_out_leaves_its_column_unavailable():
    files = set(load_contract().file_names)
    assert "cp_reviews.csv" in files
    held = {(u.list_number, u.header) for u in unavailable(files, {"cp_reviews.csv"})}
    assert (7, "Date of latest review conference") not in held
    left_out = unavailable(files, {"cp_reviews.csv"}, frozenset({"cp_reviews.csv"}))
    (review,) = [u for u in left_out if u.header == "Date of latest review conference"]
    assert review.reason == (
        "no child protection review conference file: the extract does not hold cp_reviews.csv (an optional export file)"
    )
    # only that column: the whole lists and other columns are as before
    assert {(u.list_number, u.header) for u in left_out} - held == {(7, "Date of latest review conference")}


def test_every_unavailable_column_is_a_header_of_its_list():
    headers = {annex.number: annex.headers for annex in LISTS}
    for source in OPTIONAL_SOURCES:
        for number, header in source.columns:
            assert header in headers[number], (source.file_name, header)

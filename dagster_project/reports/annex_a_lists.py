"""Ofsted's Annex A: the eleven lists, their column headers (the 2026 template, "Sex" where the earlier one said
"Gender") and which export file fills what. A list or column whose file is not in the export contract is named
unavailable, with the reason, on the Annex A's cover sheet (as the scorecards' "not available from this source").
docs/annex-a.md holds each list's definition and the source of each rule. Pure Python.

The availability map is keyed by contract file name: when one of the "rest of the case" files (section 47
enquiries, reviews, care leavers...) is added to contract/raw_exports.yaml and its query to annex_a_queries.py,
the lists and columns it fills become available without touching anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

CHILD = ("Child Unique ID", "Sex", "Ethnicity", "Date of Birth", "Age of Child (Years)")
DISABILITY = "Does the Child have a Disability"
ALLOCATED = ("Allocated Team", "Allocated Worker")


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str
    headers: tuple[str, ...]

    @property
    def sheet_name(self) -> str:
        return f"List {self.number}"

    @property
    def file_stem(self) -> str:
        return f"list_{self.number:02d}_" + self.title.lower().replace(" ", "_").replace("-", "_")


LISTS = (
    AnnexList(1, "Contacts", (*CHILD, "Date of Contact", "Contact Source")),
    AnnexList(
        2,
        "Early help",
        (*CHILD, "Assessment start date", "Assessment completion date", "Organisation completing assessment"),
    ),
    AnnexList(
        3,
        "Referrals",
        (
            *CHILD,
            "Date of referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
            *ALLOCATED,
        ),  # fmt: skip
    ),
    AnnexList(
        4,
        "Assessments",
        (
            *CHILD,
            DISABILITY,
            "Continuous Assessment Start Date",
            "Child Seen During Continuous Assessment",
            "Continuous Assessment Date of Authorisation",
            "Was the child assessed as requiring LA children's social care support?",
            *ALLOCATED,
        ),  # fmt: skip
    ),
    AnnexList(
        5,
        "Section 47 enquiries",
        (
            *CHILD,
            DISABILITY,
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Was an Initial Child Protection Conference deemed unnecessary?",
            "Date of Initial Child Protection Conference",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            "Number of Section 47 Enquiries in the last 12 months",
            "Number of ICPCs in the last 12 months",
            *ALLOCATED,
        ),  # fmt: skip
    ),
    AnnexList(
        6,
        "Children in need",
        (
            *CHILD,
            DISABILITY,
            "CIN Start Date",
            "Primary Need Code",
            "Date Child Was Last Seen",
            "CIN Closure Date",
            "Reason for Closure",
            "Case Status",
            *ALLOCATED,
        ),  # fmt: skip
    ),
    AnnexList(
        7,
        "Child protection",
        (
            *CHILD,
            DISABILITY,
            "Child Protection Plan Start Date",
            "Initial Category of Abuse",
            "Latest Category of Abuse",
            "Date of the Last Statutory Visit",
            "Was the Child Seen Alone?",
            "Date of latest review conference",
            "Child Protection Plan End Date",
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
            "Number of Previous Child Protection Plans",
            *ALLOCATED,
        ),  # fmt: skip
    ),
    AnnexList(
        8,
        "Children looked after",
        (
            *CHILD,
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            DISABILITY,
            "Date Started to be Looked After",
            "Child's Category of Need",
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
            "Start date of current legal status",
            "Child's Legal Status",
            "Date of Latest Statutory Review",
            "Date of Last Social Work Visit",
            "What is the permanence plan for this child?",
            "Date of Last IRO Visit / Contact to the Child",
            "Date of Last Health Assessment",
            "Date of Last Dental Check",
            "Number of Placements in the Last 12 months",
            "Date Ceased to be Looked After",
            "Reason Ceased to be Looked After",
            "Start Date of Most Recent Placement",
            "Placement Type",
            "Placement Provider",
            "Placement postcode",
            "URN of Placement",
            "Placement Location",
            "LA of Placement",
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
            "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            *ALLOCATED,
        ),  # fmt: skip
    ),
    AnnexList(
        9,
        "Care leavers",
        (
            *CHILD,
            "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
            DISABILITY,
            *ALLOCATED,
            "Allocated Personal Advisor",
            "Eligibility Category",
            "Latest Pathway Plan Review Date",
            "LA in Touch",
            "Latest Date of Contact",
            "Type of Accommodation",
            "Suitability of Accommodation",
            "Activity Status",
        ),  # fmt: skip
    ),
    AnnexList(
        10,
        "Adoption children",
        (
            "Child Unique ID",
            "Family identifier",
            "Sex",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            DISABILITY,
            "Date the Child Entered Care",
            "Date of Decision that Child Should be Placed for Adoption",
            "Date of Placement Order",
            "Date of Matching Child and Prospective Adopters",
            "Date Placed for Adoption",
            "Date of Adoption Order",
            "Date of Decision that Child Should No Longer be Placed for Adoption",
            "Reason Why Child No Longer Placed for Adoption",
            "Date the child was placed for fostering in FFA or concurrent planning placement",
        ),  # fmt: skip
    ),
    AnnexList(
        11,
        "Adopters",
        (
            "Individual adopter identifier",
            "Family identifier",
            "Sex",
            "Ethnicity",
            "Disability",
            "Is the (prospective) adopter fostering for adoption?",
            "Date enquiry received",
            "Date Stage 1 started",
            "Date Stage 1 ended",
            "Date Stage 2 started",
            "Date Stage 2 ended",
            "Date application submitted",
            "Date application approved",
            "Date adopter matched with child(ren)",
            "Date child/children placed with adopter(s)",
            "No. of children placed",
            "Date of Adoption Order",
            "Date of leaving adoption process",
            "Reason for leaving adoption process",
        ),  # fmt: skip
    ),
)
LISTS_BY_NUMBER = {annex.number: annex for annex in LISTS}


@dataclass(frozen=True)
class OptionalSource:
    """An export file outside today's contract, and what it would fill."""

    file_name: str
    reason: str  # why the list or column is empty without it
    lists: tuple[int, ...] = ()  # whole lists it fills
    columns: tuple[tuple[int, str], ...] = ()  # (list, header) it fills in a list another file provides


# Keyed by contract file name (the "rest of the case" files): absent from the contract -> named unavailable.
OPTIONAL_SOURCES = (
    OptionalSource("early_help.csv", "no early help file in the export contract", lists=(2,)),
    OptionalSource("section47_enquiries.csv", "no section 47 enquiry / initial conference file", lists=(5,)),
    OptionalSource("care_leavers.csv", "no care leavers file", lists=(9,)),
    OptionalSource(
        "care_leaver_details.csv",
        "care_leavers.csv has no UASC status",
        columns=((9, "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)"),),
    ),
    # the optional contract file pathway_plan_reviews (issue 24): the latest review and the adviser at it
    OptionalSource(
        "pathway_plan_reviews.csv",
        "no pathway plan review file",
        columns=((9, "Allocated Personal Advisor"), (9, "Latest Pathway Plan Review Date")),
    ),
    OptionalSource("adoptions.csv", "no adoption file in the export contract", lists=(10,)),
    OptionalSource("adopters.csv", "no adopters file in the export contract", lists=(11,)),
    # the optional contract file cp_reviews (issue 24); its categories' sibling cp_categories fills the initial and
    # latest categories of list 7, which without it both show the plan's one category (no column left empty)
    OptionalSource(
        "cp_reviews.csv",
        "no child protection review conference file",
        columns=((7, "Date of latest review conference"),),
    ),
    OptionalSource("cla_reviews.csv", "no looked-after review file", columns=((8, "Date of Latest Statutory Review"),)),
    OptionalSource(
        "iro_contacts.csv",
        "no IRO visit / contact file in the export contract",
        columns=((8, "Date of Last IRO Visit / Contact to the Child"),),
    ),
    OptionalSource(
        "legal_orders.csv",
        "no emergency protection order / police protection file in the export contract",
        columns=(
            (7, "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"),
        ),
    ),
    OptionalSource(
        "cla_details.csv",
        "cla_episodes.csv has no UASC status, category of need or permanence plan",
        columns=(
            (8, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"),
            (8, "Child's Category of Need"),
            (8, "What is the permanence plan for this child?"),
        ),
    ),
    OptionalSource(
        "cla_health.csv",
        "no health assessment / dental check file",
        columns=((8, "Date of Last Health Assessment"), (8, "Date of Last Dental Check")),
    ),
    OptionalSource(
        "placements.csv",
        "cla_episodes.csv has no placement provider, postcode, URN, location or placing authority",
        columns=tuple(
            (8, h)
            for h in (
                "Placement Provider",
                "Placement postcode",
                "URN of Placement",
                "Placement Location",
                "LA of Placement",
            )  # fmt: skip
        ),
    ),
    OptionalSource(
        "missing_episodes.csv",
        "no missing / absent from placement file",
        columns=tuple(
            (8, h) for h in LISTS_BY_NUMBER[8].headers if "'Missing'" in h or "'Absent'" in h or "Return Interview" in h
        ),
    ),
)


@dataclass(frozen=True)
class Unavailable:
    list_number: int
    header: str | None  # None: the whole list
    reason: str


def unavailable(contract_files: set[str], readers: set[str], absent: frozenset[str] = frozenset()) -> list[Unavailable]:
    """What this Annex A cannot fill: every optional source not in the contract, in it but not yet read
    (`readers`: the optional files annex_a_queries.py reads), or read but left out of this extract (`absent`: the
    optional contract files the extract does not hold, e.g. {"cp_reviews.csv"})."""
    out = []
    for source in OPTIONAL_SOURCES:
        name = source.file_name
        if name in contract_files and name in readers and name not in absent:
            continue
        if name not in contract_files:
            reason = source.reason
        elif name not in readers:
            reason = f"{name} is in the contract but this version does not read it yet"
        else:
            reason = f"{source.reason}: the extract does not hold {name} (an optional export file)"
        out += [Unavailable(number, None, reason) for number in source.lists]
        out += [Unavailable(number, header, reason) for number, header in source.columns]
    # a column of a list that is not available at all is not named twice
    whole = {u.list_number for u in out if u.header is None}
    # in Ofsted's order: by list, then by the column's place in the list (whole lists first)
    return sorted(
        (u for u in out if u.header is None or u.list_number not in whole),
        key=lambda u: (
            u.list_number,
            -1 if u.header is None else LISTS_BY_NUMBER[u.list_number].headers.index(u.header),
        ),
    )

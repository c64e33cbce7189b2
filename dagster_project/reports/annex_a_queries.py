"""The Annex A lists the data supports (1, 3, 4, 6, 7, 8; 5 and 9 from the optional files), read from the working
warehouse (owner-only: it holds the raw layer, with the children's dates of birth). Only the records that count are
read (the validated models: rows a data-quality rule excluded are not listed), and the children's dates of birth come
from the staging table of the same extract. Every value is taken as it stood at the as-at date: records starting
after it are left out and dates after it (an end, a closure, an authorisation) are read as not yet happened.
docs/annex-a.md defines each list and column. Each query names its columns by the Annex A header they fill. Pure
Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dagster_project.contract.model import staging_model, validated_model
from dagster_project.reports.annex_a_period import Period
from dagster_project.warehouse import WarehouseLockedError, connect

STAGING, INTERMEDIATE = "staging", "intermediate"
# The optional "rest of the case" files a query reads (annex_a_lists.OPTIONAL_SOURCES). An extract without one has
# no rows in its validated model, so the query gives an empty column (named unavailable) or today's fallback.
OPTIONAL_READERS: set[str] = {
    "cp_reviews.csv",
    "cp_categories.csv",
    "section47_enquiries.csv",
    "cla_reviews.csv",
    "cla_health.csv",
    "missing_episodes.csv",
    "care_leavers.csv",
    "legal_statuses.csv",
    "pathway_plan_reviews.csv",
}


class AnnexDataError(RuntimeError):
    """The warehouse cannot give an Annex A matching the published database."""


def _as_at(file: str, columns: str, start: str, ends: tuple[str, ...] = ()) -> str:
    """A temporary view of a file's records that count as they stood at the as-at date ($end)."""
    nulled = ", ".join(f"case when {c} <= $end then {c} end as {c}" for c in ends)
    replace = f" replace ({nulled})" if nulled else ""
    return (
        f"create or replace temp view a_{file} as select {columns}{replace} "
        f"from {INTERMEDIATE}.{validated_model(file)} where {start} <= $end"
    )


VIEWS = (
    # children: the validated rows with the date of birth of the same staging row (validation drops it)
    f"""
    create or replace temp view a_children as
    select s.child_id, s.sex, s.ethnicity, s.date_of_birth, s.disabled
    from {STAGING}.{staging_model("children")} as s
    where s.source_line in (select v.source_line from {INTERMEDIATE}.{validated_model("children")} as v)
    """,
    f"create or replace temp view a_teams as select team_id, team_name from {INTERMEDIATE}.{validated_model('teams')}",
    _as_at("contacts", "*", "contact_date"),
    _as_at("referrals", "*", "referral_date", ("closure_date",)),
    _as_at("assessments", "*", "start_date", ("authorised_date",)),
    _as_at("plans", "*", "start_date", ("end_date",)),
    _as_at("cla_episodes", "*", "start_date", ("end_date",)),
    _as_at("visits", "*", "visit_date"),
    _as_at("allocations", "*", "start_date", ("end_date",)),
    _as_at("cp_reviews", "*", "review_date"),
    _as_at("cp_categories", "*", "category_start_date"),
    _as_at("cla_reviews", "*", "review_date"),
    _as_at("cla_health", "*", "check_date"),
    _as_at("care_leavers", "*", "contact_date"),
    _as_at("legal_statuses", "*", "start_date", ("end_date",)),
    _as_at("pathway_plan_reviews", "*", "review_date"),
    # an enquiry starts with its strategy discussion (the CIN census's S47 start date is that discussion's date, so a
    # census import, which has no strategy discussion column, uses it); a conference after the as-at date has not
    # been held yet, so neither has its outcome
    f"""
    create or replace temp view a_section47_enquiries as
    select * replace (
        case when icpc_date <= $end then icpc_date end as icpc_date,
        case when icpc_date <= $end then icpc_outcome end as icpc_outcome
    )
    from (
        select *, coalesce(strategy_discussion_date, s47_start_date) as enquiry_start
        from {INTERMEDIATE}.{validated_model("section47_enquiries")}
    )
    where enquiry_start <= $end
    """,
    # a missing episode ending after the as-at date was still open then: no end, no return interview yet
    f"""
    create or replace temp view a_missing_episodes as
    select * replace (
        case when end_date <= $end then end_date end as end_date,
        case when end_date <= $end then return_interview_offered end as return_interview_offered,
        case when end_date <= $end then return_interview_accepted end as return_interview_accepted
    )
    from {INTERMEDIATE}.{validated_model("missing_episodes")} where start_date <= $end
    """,
    # the allocation that places a child with a team and worker at the as-at date (int_children_allocations_current's
    # rule: the open one that started last); a child with none open (a closed case) keeps their last one
    """
    create or replace temp view a_allocation as
    select child_id, team_name, worker_id from (
        select a.child_id, t.team_name, a.worker_id,
            row_number() over (
                partition by a.child_id
                order by a.end_date is null desc, a.start_date desc, a.worker_id asc, a.allocation_id asc
            ) as allocation_rank
        from a_allocations as a left join a_teams as t using (team_id)
    ) where allocation_rank = 1
    """,
)

CHILD_COLUMNS = """
    ch.child_id as "Child Unique ID", ch.sex as "Sex", ch.ethnicity as "Ethnicity",
    ch.date_of_birth as "Date of Birth", ch.disabled as "Does the Child have a Disability"
"""

QUERIES = {
    1: f"""
    select {CHILD_COLUMNS}, k.contact_date as "Date of Contact", k.contact_source as "Contact Source"
    from a_contacts as k inner join a_children as ch using (child_id)
    where k.contact_date >= $start
    order by k.contact_date, ch.child_id, k.contact_id
    """,
    3: f"""
    select {CHILD_COLUMNS}, r.referral_date as "Date of referral", r.referral_source as "Referral Source",
        r.nfa as "Referral NFA?",
        (
            select count(*) from a_referrals as earlier
            where earlier.child_id = r.child_id
                and earlier.referral_date between cast(r.referral_date - interval 12 month as date) and r.referral_date
        ) as "Number of Referrals in Last 12 Months",
        t.team_name as "Allocated Team", r.worker_id as "Allocated Worker"
    from a_referrals as r inner join a_children as ch using (child_id) left join a_teams as t using (team_id)
    where r.referral_date >= $start
    order by r.referral_date, ch.child_id, r.referral_id
    """,
    4: f"""
    select {CHILD_COLUMNS}, a.start_date as "Continuous Assessment Start Date",
        a.child_seen as "Child Seen During Continuous Assessment",
        a.authorised_date as "Continuous Assessment Date of Authorisation",
        case when a.authorised_date is null then null when a.outcome = 'SUPPORT' then 'Y' else 'N' end
            as "Was the child assessed as requiring LA children's social care support?",
        t.team_name as "Allocated Team", a.worker_id as "Allocated Worker"
    from a_assessments as a inner join a_children as ch using (child_id) left join a_teams as t using (team_id)
    where a.authorised_date is null or a.authorised_date >= $start
    order by a.start_date, ch.child_id, a.assessment_id
    """,
    # One row per enquiry whose strategy discussion is in the period. The two counts look back 12 months from this
    # enquiry's strategy discussion (this one included, as list 3's referrals); the conferences counted are those of
    # the enquiries counted, held by the as-at date.
    5: f"""
    select {CHILD_COLUMNS},
        s.enquiry_start as "Strategy discussion initiating Section 47 Enquiry Start Date",
        s.icpc_not_required as "Was an Initial Child Protection Conference deemed unnecessary?",
        s.icpc_date as "Date of Initial Child Protection Conference",
        case s.icpc_outcome when 'CP_PLAN' then 'Y' when 'NO_PLAN' then 'N' end
            as "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        (
            select count(*) from a_section47_enquiries as earlier
            where earlier.child_id = s.child_id and earlier.enquiry_start
                between cast(s.enquiry_start - interval 12 month as date) and s.enquiry_start
        ) as "Number of Section 47 Enquiries in the last 12 months",
        (
            select count(earlier.icpc_date) from a_section47_enquiries as earlier
            where earlier.child_id = s.child_id and earlier.enquiry_start
                between cast(s.enquiry_start - interval 12 month as date) and s.enquiry_start
        ) as "Number of ICPCs in the last 12 months",
        al.team_name as "Allocated Team", al.worker_id as "Allocated Worker"
    from a_section47_enquiries as s
    inner join a_children as ch using (child_id)
    left join a_allocation as al using (child_id)
    where s.enquiry_start >= $start
    order by s.enquiry_start, ch.child_id, s.s47_id
    """,
    6: f"""
    with episodes as (
        select *, row_number() over (partition by child_id order by referral_date desc, referral_id desc) as latest
        from a_referrals
        where not nfa and (closure_date is null or closure_date >= $start)
    ),
    last_seen as (
        select child_id, max(visit_date) as visit_date from a_visits where child_seen group by child_id
    ),
    status as (
        select e.child_id,
            case
                when exists (select 1 from a_cla_episodes as c where c.child_id = e.child_id and c.end_date is null)
                    then 'a) Looked after child'
                when exists (
                    select 1 from a_plans as p
                    where p.child_id = e.child_id and p.plan_type = 'CP' and p.end_date is null
                ) then 'b) Child Protection plan'
                when exists (
                    select 1 from a_plans as p
                    where p.child_id = e.child_id and p.plan_type = 'CIN' and p.end_date is null
                ) then 'c) Child in need plan'
                when exists (
                    select 1 from a_assessments as a where a.child_id = e.child_id and a.authorised_date is null
                ) then 'd) Open assessment'
                when e.closure_date is not null then 'e) Closed episode'
                else 'c) Child in need plan'
            end as case_status
        from episodes as e where e.latest = 1
    )
    select {CHILD_COLUMNS}, e.referral_date as "CIN Start Date", e.primary_need_code as "Primary Need Code",
        s.visit_date as "Date Child Was Last Seen", e.closure_date as "CIN Closure Date",
        e.closure_reason as "Reason for Closure", st.case_status as "Case Status",
        al.team_name as "Allocated Team", al.worker_id as "Allocated Worker"
    from episodes as e
    inner join a_children as ch using (child_id)
    inner join status as st using (child_id)
    left join last_seen as s using (child_id)
    left join a_allocation as al using (child_id)
    where e.latest = 1
    order by e.referral_date, ch.child_id
    """,
    7: f"""
    with cp as (select * from a_plans where plan_type = 'CP'),
    visits as (
        select p.plan_id, v.visit_date, v.seen_alone,
            row_number() over (partition by p.plan_id order by v.visit_date desc, v.visit_id desc) as latest
        from cp as p inner join a_visits as v
            on v.child_id = p.child_id and v.visit_type = 'CP' and v.child_seen
            and v.visit_date >= p.start_date and (p.end_date is null or v.visit_date <= p.end_date)
    ),
    -- review conferences after the plan's start (its initial conference is none), up to its end
    reviews as (
        select p.plan_id, max(r.review_date) as review_date
        from cp as p inner join a_cp_reviews as r
            on r.cp_plan_id = p.plan_id and r.review_date > p.start_date
            and (p.end_date is null or r.review_date <= p.end_date)
        group by p.plan_id
    ),
    -- the plan's first and latest categories as at the as-at date; without cp_categories, its one category
    categories as (
        select cp_plan_id as plan_id, category,
            row_number() over (partition by cp_plan_id order by category_start_date, cp_category_id) as first_one,
            row_number() over (partition by cp_plan_id order by category_start_date desc, cp_category_id desc)
                as latest_one
        from a_cp_categories
    )
    select {CHILD_COLUMNS}, p.start_date as "Child Protection Plan Start Date",
        coalesce(ci.category, p.category_of_abuse) as "Initial Category of Abuse",
        coalesce(cl.category, p.category_of_abuse) as "Latest Category of Abuse",
        v.visit_date as "Date of the Last Statutory Visit", v.seen_alone as "Was the Child Seen Alone?",
        r.review_date as "Date of latest review conference",
        p.end_date as "Child Protection Plan End Date",
        (
            select count(*) from cp as earlier where earlier.child_id = p.child_id and earlier.start_date < p.start_date
        ) as "Number of Previous Child Protection Plans",
        al.team_name as "Allocated Team", al.worker_id as "Allocated Worker"
    from cp as p
    inner join a_children as ch using (child_id)
    left join visits as v on v.plan_id = p.plan_id and v.latest = 1
    left join reviews as r on r.plan_id = p.plan_id
    left join categories as ci on ci.plan_id = p.plan_id and ci.first_one = 1
    left join categories as cl on cl.plan_id = p.plan_id and cl.latest_one = 1
    left join a_allocation as al using (child_id)
    where p.end_date is null or p.end_date >= $start
    order by p.start_date, ch.child_id, p.plan_id
    """,
    # Episodes chain into periods of care (an episode starting the day the previous one ended continues the period),
    # legal-status runs and placements (a new placement starts with reason_new_episode S, P, B, T or U).
    8: f"""
    with ordered as (
        select *,
            lag(end_date) over (partition by child_id order by start_date, episode_id) as previous_end,
            lag(legal_status) over (partition by child_id order by start_date, episode_id) as previous_status
        from a_cla_episodes
    ),
    flagged as (
        select *,
            previous_end is null or previous_end <> start_date as new_period,
            previous_end is null or previous_end <> start_date or previous_status <> legal_status as new_status,
            previous_end is null or previous_end <> start_date or reason_new_episode in ('S', 'P', 'B', 'T', 'U')
                as new_placement
        from ordered
    ),
    numbered as (
        select *,
            sum(new_period::int) over (partition by child_id order by start_date, episode_id) as period_no,
            sum(new_status::int) over (partition by child_id order by start_date, episode_id) as status_no,
            sum(new_placement::int) over (partition by child_id order by start_date, episode_id) as placement_no
        from flagged
    ),
    dated as (
        select *,
            min(start_date) over (partition by child_id, period_no) as period_start,
            max(coalesce(end_date, date '9999-12-31')) over (partition by child_id, period_no) as period_end,
            min(start_date) over (partition by child_id, status_no) as status_start,
            min(start_date) over (partition by child_id, placement_no) as placement_start,
            row_number() over (partition by child_id order by start_date desc, episode_id desc) as latest
        from numbered
    ),
    current as (
        select * from dated
        where latest = 1 and period_end >= $start
    ),
    year_before as (select cast($end - interval 12 month as date) as day),
    placements as (
        select child_id, count(distinct placement_no) as placements
        from dated
        where coalesce(end_date, date '9999-12-31') >= (select day from year_before)
        group by child_id
    ),
    earlier_periods as (
        select distinct d.child_id
        from dated as d inner join current as c
            on d.child_id = c.child_id and d.period_no < c.period_no and d.period_end >= (select day from year_before)
    ),
    last_visit as (
        select c.child_id, max(v.visit_date) as visit_date
        from current as c inner join a_visits as v
            on v.child_id = c.child_id and v.visit_type = 'CLA' and v.child_seen
            and v.visit_date >= c.period_start
        group by c.child_id
    ),
    -- the latest statutory review of the current period of care
    last_review as (
        select c.child_id, max(r.review_date) as review_date
        from current as c inner join a_cla_reviews as r on r.child_id = c.child_id and r.review_date >= c.period_start
        group by c.child_id
    ),
    -- the legal status from legal_statuses.csv: for a child still looked after, the status open at the as-at date; for
    -- one who has left care, the last of those overlapping the period of care (ending after it started, starting
    -- before it ended); latest started first. A child with none keeps the episodes' run (as without the file).
    status_rows as (
        select c.child_id, s.legal_status, s.start_date,
            row_number() over (partition by c.child_id order by s.start_date desc, s.legal_status_id desc) as latest
        from current as c inner join a_legal_statuses as s
            on s.child_id = c.child_id and s.start_date < coalesce(c.end_date, date '9999-12-31')
            and case
                when c.end_date is null then s.end_date is null
                else s.end_date is null or s.end_date > c.period_start
            end
    ),
    legal as (select child_id, legal_status, start_date from status_rows where latest = 1),
    health as (
        select child_id,
            max(check_date) filter (where check_type = 'HEALTH_ASSESSMENT') as health_assessment,
            max(check_date) filter (where check_type = 'DENTAL_CHECK') as dental_check
        from a_cla_health
        group by child_id
    ),
    -- missing / absent episodes that started in the 12 months to the as-at date while the child was looked after
    away as (
        select m.*,
            row_number() over (
                partition by m.child_id, m.missing_or_absent order by m.start_date desc, m.missing_episode_id desc
            ) as latest
        from a_missing_episodes as m
        where m.start_date >= (select day from year_before)
            and exists (
                select 1 from dated as d
                where d.child_id = m.child_id and d.start_date <= m.start_date
                    and m.start_date <= coalesce(d.end_date, date '9999-12-31')
            )
    ),
    away_counts as (
        select child_id,
            count(*) filter (where missing_or_absent = 'M') as missing,
            count(*) filter (where missing_or_absent = 'A') as absent
        from away group by child_id
    )
    select {CHILD_COLUMNS}, c.period_start as "Date Started to be Looked After",
        case when e.child_id is null then 'N' else 'Y' end as
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        case when lg.child_id is null then c.status_start else lg.start_date end
            as "Start date of current legal status",
        case when lg.child_id is null then c.legal_status else lg.legal_status end as "Child's Legal Status",
        rv.review_date as "Date of Latest Statutory Review",
        v.visit_date as "Date of Last Social Work Visit",
        h.health_assessment as "Date of Last Health Assessment", h.dental_check as "Date of Last Dental Check",
        pl.placements as "Number of Placements in the Last 12 months",
        c.end_date as "Date Ceased to be Looked After",
        case when c.end_date is not null then c.reason_ceased end as "Reason Ceased to be Looked After",
        c.placement_start as "Start Date of Most Recent Placement", c.placement_type as "Placement Type",
        coalesce(ac.missing, 0)
            as "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        coalesce(ac.absent, 0)
            as "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        lm.return_interview_offered
            as "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        lm.return_interview_accepted
            as "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        al.team_name as "Allocated Team", al.worker_id as "Allocated Worker"
    from current as c
    inner join a_children as ch using (child_id)
    left join earlier_periods as e using (child_id)
    left join placements as pl using (child_id)
    left join last_visit as v using (child_id)
    left join last_review as rv using (child_id)
    left join legal as lg using (child_id)
    left join health as h using (child_id)
    left join away_counts as ac using (child_id)
    left join away as lm on lm.child_id = c.child_id and lm.missing_or_absent = 'M' and lm.latest = 1
    left join a_allocation as al using (child_id)
    order by c.period_start, ch.child_id
    """,
    # One row per young person with a care-leaver record by the as-at date, aged under 26 then (leaving care support
    # runs to 25), described by their latest record. The DfE accommodation code carries its suitability (suffix 1
    # suitable, 2 not): its letter is the type.
    9: f"""
    with latest as (
        select *,
            row_number() over (partition by child_id order by contact_date desc, care_leaver_record_id desc) as latest
        from a_care_leavers
    ),
    -- the latest pathway plan review on or before the as-at date, with whether an adviser was allocated at it
    pathway as (
        select *,
            row_number() over (
                partition by child_id order by review_date desc, pathway_plan_review_id desc
            ) as latest
        from a_pathway_plan_reviews
    )
    select {CHILD_COLUMNS}, al.team_name as "Allocated Team", al.worker_id as "Allocated Worker",
        pw.personal_adviser_allocated as "Allocated Personal Advisor",
        pw.review_date as "Latest Pathway Plan Review Date",
        l.eligibility as "Eligibility Category", l.in_touch as "LA in Touch",
        l.contact_date as "Latest Date of Contact",
        left(l.accommodation, 1) as "Type of Accommodation",
        case right(l.accommodation, 1) when '1' then 'Suitable' when '2' then 'Not suitable' end
            as "Suitability of Accommodation",
        l.activity as "Activity Status"
    from latest as l
    inner join a_children as ch using (child_id)
    left join a_allocation as al using (child_id)
    left join pathway as pw on pw.child_id = l.child_id and pw.latest = 1
    where l.latest = 1 and ch.date_of_birth > cast($end - interval 26 year as date)
    order by l.contact_date, ch.child_id
    """,
}


def warehouse_extract_date(conn) -> str | None:
    row = conn.execute(f"select max(extract_date) from {STAGING}.{staging_model('children')}").fetchone()
    return None if row is None or row[0] is None else row[0].isoformat()


def _with_dates(sql: str, period: Period) -> str:
    """The SQL with the period's dates as literals (views take no parameters; the dates are ours, not input)."""
    return sql.replace("$start", f"date '{period.start.isoformat()}'").replace(
        "$end", f"date '{period.end.isoformat()}'"
    )


FETCH_ROWS = 50_000  # rows fetched at a time: a list is streamed to its files, never held whole


def read_lists(
    warehouse: Path, period: Period, published_extract: str, skip: set[int] = frozenset()
) -> Iterator[tuple[int, list[str], Iterator]]:
    """(list number, column names = Annex A headers, the rows as tuples) for every list a query fills but those in
    `skip` (lists named unavailable: their optional file is not in this extract), as at `period.as_at`, in Ofsted's
    order; consume each list's rows before asking for the next. Refused when the
    warehouse holds another extract than the published database (a later run stopped before publishing)."""
    if not Path(warehouse).exists():
        raise AnnexDataError(f"{warehouse}: no warehouse yet (run `csc run` first)")
    try:
        with connect(warehouse, read_only=True) as conn:
            built = warehouse_extract_date(conn)
            if built != published_extract:
                raise AnnexDataError(
                    f"{warehouse} holds extract {built}, the published database extract {published_extract}: a "
                    "later run stopped before publishing. Run `csc run` again (or fix what blocked it) first"
                )
            for view in VIEWS:
                conn.execute(_with_dates(view, period))
            for number, sql in QUERIES.items():
                if number in skip:
                    continue
                cursor = conn.execute(_with_dates(sql, period))
                names = [d[0] for d in cursor.description]
                yield number, names, _batches(cursor)
    except WarehouseLockedError as error:  # a run is writing the warehouse
        raise AnnexDataError(f"{error} Produce Annex A after the run.") from error


def _batches(cursor) -> Iterator[tuple]:
    while batch := cursor.fetchmany(FETCH_ROWS):
        yield from batch

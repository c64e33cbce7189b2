-- The complete, unsuppressed scorecard series (published-interface.md, kpi-definitions.md).
-- grain: one row per (period_type, as_at_date, measure)
-- Flow measures count events from period_start_date (the Monday / the 1st) to as_at_date; as-at measures
-- look at as_at_date only. A ratio with a zero denominator has numerator 0, denominator 0 and value NULL.

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

assessments as (

    select * from {{ ref('int_assessments_timeliness_evaluated') }}

),

overdue_assessments as (

    select * from {{ ref('int_assessments_overdue_counted') }}

),

visits as (

    select * from {{ ref('int_visits_timeliness_evaluated') }}

),

caseloads as (

    select * from {{ ref('int_workers_caseload_measured') }}

),

unallocated as (

    select * from {{ ref('int_children_unallocated_counted') }}

),

contacts as (

    select * from {{ ref('int_contacts_decisions_evaluated') }}

),

referrals as (

    select * from {{ ref('int_referrals_re_referral_flagged') }}

),

supervision as (

    select * from {{ ref('int_workers_supervision_evaluated') }}

),

assessment_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'assessments_in_time_pct' as measure,
        count(*) filter (where assessments.in_time) as numerator,
        count(assessments.assessment_id) as denominator
    from reporting_dates
    left join assessments
        on assessments.authorised_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

overdue_as_at as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'overdue_open_assessments' as measure,
        overdue_assessments.overdue_assessments as numerator,
        1 as denominator
    from reporting_dates
    inner join overdue_assessments on reporting_dates.as_at_date = overdue_assessments.as_at_date

),

visit_types as (

    select * from (
        values ('CP', 'cp_visits_in_time_pct'), ('CIN', 'cin_visits_in_time_pct'),
        ('CLA', 'cla_visits_in_time_pct')
    ) as visit_types (visit_type, measure)  -- noqa: AL05

),

visits_by_date as (

    select
        as_at_date,
        visit_type,
        count(*) filter (where in_time) as in_time_children,
        count(*) as open_children
    from visits
    group by all

),

visits_as_at as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        visit_types.measure,
        coalesce(visits_by_date.in_time_children, 0) as numerator,
        coalesce(visits_by_date.open_children, 0) as denominator
    from reporting_dates
    cross join visit_types
    left join visits_by_date
        on
            reporting_dates.as_at_date = visits_by_date.as_at_date
            and visit_types.visit_type = visits_by_date.visit_type

),

caseload_by_date as (

    select
        as_at_date,
        sum(caseload) as total_caseload,
        -- summed left to right in worker_id order, so the FTE total is the same float on every run
        list_sum(list(fte order by worker_id) filter (where caseload >= 1)) as holding_fte,
        count(*) filter (where over_max) as workers_over_max,
        count(*) as workers_employed
    from caseloads
    group by as_at_date

),

caseload_as_at as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'average_caseload' as measure,
        coalesce(caseload_by_date.total_caseload, 0) as numerator,
        coalesce(caseload_by_date.holding_fte, 0) as denominator
    from reporting_dates
    left join caseload_by_date on reporting_dates.as_at_date = caseload_by_date.as_at_date
    union all
    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'workers_over_max_caseload_pct' as measure,
        coalesce(caseload_by_date.workers_over_max, 0) as numerator,
        coalesce(caseload_by_date.workers_employed, 0) as denominator
    from reporting_dates
    left join caseload_by_date on reporting_dates.as_at_date = caseload_by_date.as_at_date

),

unallocated_as_at as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'unallocated_children' as measure,
        unallocated.unallocated_children as numerator,
        1 as denominator
    from reporting_dates
    inner join unallocated on reporting_dates.as_at_date = unallocated.as_at_date

),

contact_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(*) filter (where contacts.decided_in_1wd) as decided_in_1wd,
        count(*) filter (where contacts.converted_to_referral) as converted,
        count(*) filter (where contacts.has_decision) as decided
    from reporting_dates
    left join contacts
        on contacts.contact_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

contact_measures as (

    select
        period_type,
        as_at_date,
        'contacts_decided_in_1wd_pct' as measure,
        decided_in_1wd as numerator,
        decided as denominator
    from contact_flow
    union all
    select
        period_type,
        as_at_date,
        'contacts_to_referral_pct' as measure,
        converted as numerator,
        decided as denominator
    from contact_flow

),

referral_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(*) filter (where referrals.nfa) as nfa_referrals,
        count(*) filter (where referrals.is_re_referral) as re_referrals,
        count(referrals.referral_id) as all_referrals
    from reporting_dates
    left join referrals
        on referrals.referral_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

referral_measures as (

    select
        period_type,
        as_at_date,
        'referrals_nfa_pct' as measure,
        nfa_referrals as numerator,
        all_referrals as denominator
    from referral_flow
    union all
    select
        period_type,
        as_at_date,
        're_referrals_pct' as measure,
        re_referrals as numerator,
        all_referrals as denominator
    from referral_flow

),

supervision_by_date as (

    select
        as_at_date,
        count(*) filter (where in_time) as in_time_workers,
        count(*) as workers_employed
    from supervision
    group by as_at_date

),

supervision_as_at as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'supervision_in_time_pct' as measure,
        coalesce(supervision_by_date.in_time_workers, 0) as numerator,
        coalesce(supervision_by_date.workers_employed, 0) as denominator
    from reporting_dates
    left join supervision_by_date on reporting_dates.as_at_date = supervision_by_date.as_at_date

),

measures as (

    select * from assessment_flow
    union all by name
    select * from overdue_as_at
    union all by name
    select * from visits_as_at
    union all by name
    select * from caseload_as_at
    union all by name
    select * from unallocated_as_at
    union all by name
    select * from contact_measures
    union all by name
    select * from referral_measures
    union all by name
    select * from supervision_as_at

),

valued as (

    select
        measures.period_type,
        cast(measures.as_at_date as date) as as_at_date,
        measures.measure,
        cast(case when measures.denominator = 0 then 0 else measures.numerator end as double) as numerator,
        cast(measures.denominator as double) as denominator,
        case
            when measures.denominator = 0 then null
            when measures.measure like '%\_pct' escape '\'
                then cast(measures.numerator as double) * 100 / measures.denominator
            else cast(measures.numerator as double) / measures.denominator
        end as value,  -- noqa: RF04
        cast('{{ var("extract_date") }}' as date) as extract_date,
        cast('{{ var("run_id") }}' as varchar) as run_id,
        reporting_dates.is_complete_period
    from measures
    inner join reporting_dates
        on
            measures.period_type = reporting_dates.period_type
            and measures.as_at_date = reporting_dates.as_at_date

),

available as (

    -- a measure the extract's source cannot support (e.g. caseloads from a CIN census) is left out,
    -- never shown as 0: marts.measure_availability says why
    select valued.*
    from valued
    where valued.measure not in (
        select measure_availability.measure from {{ ref('measure_availability') }} as measure_availability
        where not measure_availability.available
    )

)

select * from available

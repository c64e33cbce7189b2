-- Scorecard rows of the looked-after family (docs/measures.md): placement and social-worker stability over the
-- 12 months to the reporting date, the placement type mix at the date, how periods of care end, and reviews in
-- time from the optional file cla_reviews.csv (no rows, and unavailable in marts.measure_availability, when an
-- extract leaves it out), and children missing from care and return interviews from the optional file
-- missing_episodes.csv, and health assessments and dental checks up to date from the optional file cla_health.csv
-- (likewise). One CTE per measure.
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

open_cases as (

    select * from {{ ref('int_children_open_cases_listed') }}

),

episodes as (

    select * from {{ ref('int_cla_episodes_validated') }}

),

allocations as (

    select * from {{ ref('int_allocations_validated') }}

),

workers as (

    select * from {{ ref('int_workers_validated') }}

),

reviews as (

    select * from {{ ref('int_cla_reviews_timeliness_evaluated') }}

),

missing_episodes as (

    select * from {{ ref('int_missing_episodes_validated') }}

),

placement_dated as (

    select * from {{ ref('int_cla_episodes_placement_dated') }}

),

health_checks as (

    select * from {{ ref('int_cla_health_validated') }}

),

placement_start_reasons as (

    select code from {{ ref('code_lists') }}
    where list_name = 'placement_start_reason'

),

case_holding_roles as (

    select code from {{ ref('code_lists') }}
    where list_name = 'case_holding_role'

),

episodes_flagged as (

    select
        episodes.child_id,
        episodes.start_date,
        episodes.end_date,
        placement_start_reasons.code is not null as starts_placement
    from episodes
    left join placement_start_reasons on episodes.reason_new_episode = placement_start_reasons.code

),

-- the children looked after at each reporting date, with the start of their 12-month window (exclusive)
looked_after as (

    select
        as_at_date,
        child_id,
        cast(as_at_date - interval 12 month as date) as window_start
    from open_cases
    where visit_type = 'CLA'

),

-- placements in the window: the one in progress at its start (any episode open then) plus each episode that
-- started a new placement (reason S, P, B, T or U; L is a legal-status change) after it, up to the date
placements_counted as (

    select
        looked_after.as_at_date,
        looked_after.child_id,
        bool_or(episodes_flagged.start_date <= looked_after.window_start) as in_progress_at_start,
        count(*) filter (
            where episodes_flagged.start_date > looked_after.window_start and episodes_flagged.starts_placement
        ) as placements_started
    from looked_after
    inner join episodes_flagged
        on
            looked_after.child_id = episodes_flagged.child_id
            and looked_after.as_at_date >= episodes_flagged.start_date
            and (episodes_flagged.end_date is null or looked_after.window_start < episodes_flagged.end_date)
    group by all

),

three_placements_by_date as (

    select
        as_at_date,
        count(*) filter (
            where placements_started + cast(in_progress_at_start as integer) >= 3
        ) as children_three_placements
    from placements_counted
    group by as_at_date

),

children_by_date as (

    select
        as_at_date,
        count(*) as looked_after_children
    from looked_after
    group by as_at_date

),

cla_three_placements_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'cla_three_placements_pct' as measure,
        coalesce(three_placements_by_date.children_three_placements, 0) as numerator,
        coalesce(children_by_date.looked_after_children, 0) as denominator
    from reporting_dates
    left join children_by_date on reporting_dates.as_at_date = children_by_date.as_at_date
    left join three_placements_by_date on reporting_dates.as_at_date = three_placements_by_date.as_at_date

),

-- case-holding workers (SW, ASYE, SP) with an allocation to the child open at any time in the window
workers_in_window as (

    select
        looked_after.as_at_date,
        looked_after.child_id,
        count(distinct allocations.worker_id) as social_workers
    from looked_after
    inner join allocations
        on
            looked_after.child_id = allocations.child_id
            and looked_after.as_at_date >= allocations.start_date
            and (allocations.end_date is null or looked_after.window_start < allocations.end_date)
    inner join workers on allocations.worker_id = workers.worker_id
    inner join case_holding_roles on workers.role = case_holding_roles.code
    group by all

),

three_workers_by_date as (

    select
        as_at_date,
        count(*) filter (where social_workers >= 3) as children_three_workers
    from workers_in_window
    group by as_at_date

),

cla_three_social_workers_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'cla_three_social_workers_pct' as measure,
        coalesce(three_workers_by_date.children_three_workers, 0) as numerator,
        coalesce(children_by_date.looked_after_children, 0) as denominator
    from reporting_dates
    left join children_by_date on reporting_dates.as_at_date = children_by_date.as_at_date
    left join three_workers_by_date on reporting_dates.as_at_date = three_workers_by_date.as_at_date

),

-- a period of care ends with an episode whose reason_ceased is not X1 (X1: the episode ends and another begins)
care_ended_by_period as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(*) as periods_ended,
        count(*) filter (where episodes.reason_ceased in ('E45', 'E46', 'E47', 'E48')) as to_sgo,
        count(*) filter (where episodes.reason_ceased = 'E41') as to_cao
    from reporting_dates
    inner join episodes
        on episodes.end_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    where episodes.reason_ceased is not null and episodes.reason_ceased <> 'X1'
    group by all

),

cla_ceased_sgo_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'cla_ceased_sgo_pct' as measure,
        coalesce(care_ended_by_period.to_sgo, 0) as numerator,
        coalesce(care_ended_by_period.periods_ended, 0) as denominator
    from reporting_dates
    left join care_ended_by_period
        on
            reporting_dates.period_type = care_ended_by_period.period_type
            and reporting_dates.as_at_date = care_ended_by_period.as_at_date

),

cla_ceased_cao_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'cla_ceased_cao_pct' as measure,
        coalesce(care_ended_by_period.to_cao, 0) as numerator,
        coalesce(care_ended_by_period.periods_ended, 0) as denominator
    from reporting_dates
    left join care_ended_by_period
        on
            reporting_dates.period_type = care_ended_by_period.period_type
            and reporting_dates.as_at_date = care_ended_by_period.as_at_date

),

-- the placement at the reporting date: the child's episode open then (two open, a data defect: the latest start)
current_placements as (

    select
        looked_after.as_at_date,
        looked_after.child_id,
        arg_max(episodes.placement_type, episodes.start_date) as placement_type
    from looked_after
    inner join episodes
        on
            looked_after.child_id = episodes.child_id
            and looked_after.as_at_date >= episodes.start_date
            and (episodes.end_date is null or looked_after.as_at_date < episodes.end_date)
    group by all

),

-- SSDA903 placement codes grouped as the DfE publishes them: foster care U1-U6, placed with parents or another
-- person with parental responsibility P1, secure children's homes and children's homes K1, K2
placement_mix_by_date as (

    select
        as_at_date,
        count(*) filter (where placement_type in ('U1', 'U2', 'U3', 'U4', 'U5', 'U6')) as in_foster_care,
        count(*) filter (where placement_type = 'P1') as placed_with_parents,
        count(*) filter (where placement_type in ('K1', 'K2')) as in_childrens_homes
    from current_placements
    group by as_at_date

),

placement_mix as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        coalesce(placement_mix_by_date.in_foster_care, 0) as in_foster_care,
        coalesce(placement_mix_by_date.placed_with_parents, 0) as placed_with_parents,
        coalesce(placement_mix_by_date.in_childrens_homes, 0) as in_childrens_homes,
        coalesce(children_by_date.looked_after_children, 0) as looked_after_children
    from reporting_dates
    left join children_by_date on reporting_dates.as_at_date = children_by_date.as_at_date
    left join placement_mix_by_date on reporting_dates.as_at_date = placement_mix_by_date.as_at_date

),

cla_in_foster_care_pct as (

    select
        period_type,
        as_at_date,
        'cla_in_foster_care_pct' as measure,
        in_foster_care as numerator,
        looked_after_children as denominator
    from placement_mix

),

cla_placed_with_parents_pct as (

    select
        period_type,
        as_at_date,
        'cla_placed_with_parents_pct' as measure,
        placed_with_parents as numerator,
        looked_after_children as denominator
    from placement_mix

),

cla_in_childrens_homes_pct as (

    select
        period_type,
        as_at_date,
        'cla_in_childrens_homes_pct' as measure,
        in_childrens_homes as numerator,
        looked_after_children as denominator
    from placement_mix

),

review_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(*) filter (where reviews.in_time) as in_time,
        count(reviews.review_id) as reviews_held
    from reporting_dates
    left join reviews
        on reviews.review_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

cla_reviews_in_time_pct as (

    select
        period_type,
        as_at_date,
        'cla_reviews_in_time_pct' as measure,
        in_time as numerator,
        reviews_held as denominator
    from review_flow

),

-- children missing from care: missing (M, not A "away without authorisation") episodes that began while the child
-- was looked after (an episode of care open on the day, "Open at a date")
missing_from_care as (

    select missing_episodes.*
    from missing_episodes
    where
        missing_episodes.missing_or_absent = 'M'
        and exists (
            select 1 from episodes
            where
                episodes.child_id = missing_episodes.child_id
                and episodes.start_date <= missing_episodes.start_date
                and (episodes.end_date is null or missing_episodes.start_date < episodes.end_date)
        )

),

-- children looked after on some day of the period: an episode of care starting by the date and not ended by the
-- period's first day
looked_after_in_period as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(distinct episodes.child_id) as looked_after_children
    from reporting_dates
    inner join episodes
        on
            reporting_dates.as_at_date >= episodes.start_date
            and (episodes.end_date is null or reporting_dates.period_start_date < episodes.end_date)
    group by all

),

went_missing_by_period as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(distinct missing_from_care.child_id) as children_went_missing
    from reporting_dates
    inner join missing_from_care
        on missing_from_care.start_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

went_missing as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        coalesce(went_missing_by_period.children_went_missing, 0) as children_went_missing,
        coalesce(looked_after_in_period.looked_after_children, 0) as looked_after_children
    from reporting_dates
    left join went_missing_by_period
        on
            reporting_dates.period_type = went_missing_by_period.period_type
            and reporting_dates.as_at_date = went_missing_by_period.as_at_date
    left join looked_after_in_period
        on
            reporting_dates.period_type = looked_after_in_period.period_type
            and reporting_dates.as_at_date = looked_after_in_period.as_at_date

),

cla_went_missing_count as (

    select
        period_type,
        as_at_date,
        'cla_went_missing_count' as measure,
        children_went_missing as numerator,
        1 as denominator
    from went_missing

),

cla_went_missing_pct as (

    select
        period_type,
        as_at_date,
        'cla_went_missing_pct' as measure,
        children_went_missing as numerator,
        looked_after_children as denominator
    from went_missing

),

-- missing episodes from care that ended in the period, and those after which a return interview was offered
return_interviews_by_period as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(missing_from_care.missing_episode_id) as episodes_ended,
        count(*) filter (where missing_from_care.return_interview_offered = 'Y') as interviews_offered
    from reporting_dates
    left join missing_from_care
        on missing_from_care.end_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

cla_missing_return_interview_offered_pct as (

    select
        period_type,
        as_at_date,
        'cla_missing_return_interview_offered_pct' as measure,
        interviews_offered as numerator,
        episodes_ended as denominator
    from return_interviews_by_period

),

-- health checks from the optional file cla_health.csv (OC2): children looked after continuously for 12 months or
-- more at the date: looked after at D in a period of care that began on or before D - 12 months
periods_of_care as (

    select
        child_id,
        period_of_care_number,
        min(start_date) as care_start_date,
        max(coalesce(end_date, date '9999-12-31')) as care_end_date
    from placement_dated
    group by all

),

looked_after_12_months as (

    select
        looked_after.as_at_date,
        looked_after.child_id
    from looked_after
    inner join periods_of_care
        on
            looked_after.child_id = periods_of_care.child_id
            and looked_after.as_at_date >= periods_of_care.care_start_date
            and looked_after.as_at_date < periods_of_care.care_end_date
    where periods_of_care.care_start_date <= looked_after.window_start

),

-- the latest check of each type on or before the date, per child of the cohort
latest_checks as (

    select
        looked_after_12_months.as_at_date,
        looked_after_12_months.child_id,
        max(health_checks.check_date) filter (where health_checks.check_type = 'HEALTH_ASSESSMENT')
            as last_health_assessment,
        max(health_checks.check_date) filter (where health_checks.check_type = 'DENTAL_CHECK') as last_dental_check
    from looked_after_12_months
    left join health_checks
        on
            looked_after_12_months.child_id = health_checks.child_id
            and looked_after_12_months.as_at_date >= health_checks.check_date
    group by all

),

health_by_date as (

    select
        as_at_date,
        count(*) as children_12_months,
        count(*) filter (where last_health_assessment > cast(as_at_date - interval 12 month as date))
            as health_assessment_up_to_date,
        count(*) filter (where last_dental_check > cast(as_at_date - interval 12 month as date))
            as dental_check_up_to_date
    from latest_checks
    group by as_at_date

),

cla_health_assessments_up_to_date_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'cla_health_assessments_up_to_date_pct' as measure,
        coalesce(health_by_date.health_assessment_up_to_date, 0) as numerator,
        coalesce(health_by_date.children_12_months, 0) as denominator
    from reporting_dates
    left join health_by_date on reporting_dates.as_at_date = health_by_date.as_at_date

),

cla_dental_checks_up_to_date_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'cla_dental_checks_up_to_date_pct' as measure,
        coalesce(health_by_date.dental_check_up_to_date, 0) as numerator,
        coalesce(health_by_date.children_12_months, 0) as denominator
    from reporting_dates
    left join health_by_date on reporting_dates.as_at_date = health_by_date.as_at_date

),

family_measures as (

    select * from cla_three_placements_pct
    union all by name
    select * from cla_three_social_workers_pct
    union all by name
    select * from cla_ceased_sgo_pct
    union all by name
    select * from cla_ceased_cao_pct
    union all by name
    select * from cla_in_foster_care_pct
    union all by name
    select * from cla_placed_with_parents_pct
    union all by name
    select * from cla_in_childrens_homes_pct
    union all by name
    select * from cla_reviews_in_time_pct
    union all by name
    select * from cla_went_missing_count
    union all by name
    select * from cla_went_missing_pct
    union all by name
    select * from cla_missing_return_interview_offered_pct
    union all by name
    select * from cla_health_assessments_up_to_date_pct
    union all by name
    select * from cla_dental_checks_up_to_date_pct

)

select * from family_measures

-- The team breakdown summed to service areas, so the committee scorecard's service-area figures are rows of
-- the marts too. grain: one row per (period_type, as_at_date, measure, service_area); NULL = no team
-- (records with no team, or a team with no service area). A count's denominator stays 1, as in the scorecard.

with by_team as (

    select * from {{ ref('scorecard_by_team') }}

),

catalogue as (

    select * from {{ ref('measures') }}

),

summed as (

    select
        by_team.period_type,
        by_team.as_at_date,
        by_team.measure,
        by_team.service_area,
        sum(by_team.numerator) as numerator,
        case
            when any_value(catalogue.unit) = 'count' then 1
            -- FTE denominators summed in team order, so the float is the same on every run
            else list_sum(list(by_team.denominator order by by_team.team_id nulls last))
        end as denominator
    from by_team
    left join catalogue on by_team.measure = catalogue.measure
    group by by_team.period_type, by_team.as_at_date, by_team.measure, by_team.service_area

),

valued as (

    select
        summed.period_type,
        summed.as_at_date,
        summed.measure,
        summed.service_area,
        summed.numerator,
        summed.denominator,
        case
            when summed.denominator = 0 then null
            when summed.measure like '%\_pct' escape '\' then summed.numerator * 100 / summed.denominator
            else summed.numerator / summed.denominator
        end as value,  -- noqa: RF04
        cast('{{ csc_run_var("extract_date") }}' as date) as extract_date,
        cast('{{ csc_run_var("run_id") }}' as varchar) as run_id
    from summed

)

select * from valued

-- The team breakdown summed to service areas, so the committee scorecard's service-area figures are rows of
-- the marts too. grain: one row per (period_type, as_at_date, measure, service_area); NULL = no team
-- (records with no team, or a team with no service area).

with by_team as (

    select * from {{ ref('scorecard_by_team') }}

),

summed as (

    select
        period_type,
        as_at_date,
        measure,
        service_area,
        sum(numerator) as numerator,
        -- FTE denominators summed in team order, so the float is the same on every run
        list_sum(list(denominator order by team_id nulls last)) as denominator
    from by_team
    group by all

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

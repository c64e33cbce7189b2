-- The teams of marts.scorecard_by_team, "no team" included, add up to the council figure of marts.scorecard:
-- every date and measure of the breakdown, numerator and denominator (FTE denominators to rounding; a count's
-- denominator is 1 on every row, so only its numerator adds up).
-- Returns the rows that do not add up.

with catalogue as (

    select * from {{ ref('measures') }}

),

by_team as (

    select
        teams.period_type,
        teams.as_at_date,
        teams.measure,
        sum(teams.numerator) as numerator,
        case when any_value(catalogue.unit) = 'count' then 1 else sum(teams.denominator) end as denominator
    from {{ ref('scorecard_by_team') }} as teams
    left join catalogue on teams.measure = catalogue.measure
    group by teams.period_type, teams.as_at_date, teams.measure

),

council as (

    select * from {{ ref('scorecard') }}

),

compared as (

    select
        by_team.period_type,
        by_team.as_at_date,
        by_team.measure,
        by_team.numerator as teams_numerator,
        council.numerator as council_numerator,
        by_team.denominator as teams_denominator,
        council.denominator as council_denominator
    from by_team
    left join council
        on
            by_team.period_type = council.period_type
            and by_team.as_at_date = council.as_at_date
            and by_team.measure = council.measure

)

select * from compared
where
    council_numerator is null
    or abs(teams_numerator - council_numerator) > 1e-6
    or abs(teams_denominator - council_denominator) > 1e-6

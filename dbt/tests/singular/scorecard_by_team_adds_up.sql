-- The teams of marts.scorecard_by_team, "no team" included, add up to the council figure of marts.scorecard:
-- every date and measure of the breakdown, numerator and denominator (FTE denominators to rounding).
-- Returns the rows that do not add up.

with by_team as (

    select
        period_type,
        as_at_date,
        measure,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from {{ ref('scorecard_by_team') }}
    group by all

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

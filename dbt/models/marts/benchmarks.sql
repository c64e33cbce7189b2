-- The council's figures beside the DfE's published ones (docs/published-database.md "marts.benchmarks"):
-- England, region, statistical-neighbour average and quartile band from the shipped DfE snapshot
-- (reference.dfe_benchmarks, dagster_project/benchmarks/), and the council's own figure for the DfE's period
-- computed from this extract where it covers that period.
-- grain: one row per (measure_id, period_end)

with published as (

    select * from {{ source('reference', 'dfe_benchmarks') }}

),

catalogue as (

    select * from {{ ref('measures') }}

),

complete_months as (

    select * from {{ ref('scorecard') }}
    where period_type = 'month' and is_complete_period

),

series_start as (

    -- the first month-end with any of the measure's events (a denominator above 0): a year is covered only if
    -- they started before it (the series itself may start years earlier, with an old looked-after episode)
    select
        measure,
        min(as_at_date) as first_month_end
    from complete_months
    where denominator > 0
    group by measure

),

year_to_date as (

    -- flow measures: the twelve month-ends of the year to period_end, numerators and denominators added
    select
        published.measure_id,
        published.period_end,
        sum(complete_months.numerator) as numerator,
        sum(complete_months.denominator) as denominator,
        count(*) as months
    from published
    inner join catalogue on published.measure_id = catalogue.measure and catalogue.kind = 'flow'
    inner join complete_months
        on
            published.measure_id = complete_months.measure
            and published.period_end - interval 1 year < complete_months.as_at_date
            and published.period_end >= complete_months.as_at_date
    group by published.measure_id, published.period_end

),

computed as (

    select
        published.measure_id,
        published.period_end,
        year_to_date.months = 12
        and series_start.first_month_end <= published.period_end - interval 1 year as year_covered,
        case
            when catalogue.kind = 'as_at' then at_date.value
            when year_covered
                then {{ measure_value('year_to_date.numerator', 'year_to_date.denominator', 'catalogue.unit') }}
        end as council_computed,
        -- what small-number suppression reads (reports): the figure's own numerator and denominator
        case
            when catalogue.kind = 'as_at' then at_date.numerator
            when year_covered then year_to_date.numerator
        end as computed_numerator,
        case
            when catalogue.kind = 'as_at' then at_date.denominator
            when year_covered then year_to_date.denominator
        end as computed_denominator
    from published
    inner join catalogue on published.measure_id = catalogue.measure
    left join complete_months as at_date
        on published.measure_id = at_date.measure and published.period_end = at_date.as_at_date
    left join year_to_date
        on published.measure_id = year_to_date.measure_id and published.period_end = year_to_date.period_end
    left join series_start on published.measure_id = series_start.measure

),

joined as (

    select
        published.measure_id,
        published.dfe_indicator,
        published.period_end,
        computed.council_computed,
        published.council_published,
        published.england,
        published.region,
        published.statistical_neighbours,
        published.quartile_band,
        published.polarity,
        published.source,
        computed.computed_numerator,
        computed.computed_denominator
    from published
    inner join computed
        on published.measure_id = computed.measure_id and published.period_end = computed.period_end

)

select * from joined

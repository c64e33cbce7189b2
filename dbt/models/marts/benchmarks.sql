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

    -- the first month-end of each measure's series: a year is covered only if the series started before it
    select
        measure,
        min(as_at_date) as first_month_end
    from complete_months
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
        case
            when catalogue.kind = 'as_at' then at_date.value
            when
                year_to_date.months = 12
                and series_start.first_month_end <= published.period_end - interval 1 year
                then {{ measure_value('year_to_date.numerator', 'year_to_date.denominator', 'catalogue.unit') }}
        end as council_computed
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
        published.source
    from published
    inner join computed
        on published.measure_id = computed.measure_id and published.period_end = computed.period_end

)

select * from joined

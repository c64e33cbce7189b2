-- The complete, unsuppressed scorecard series (docs/published-database.md, definitions in docs/measures.md).
-- grain: one row per (period_type, as_at_date, measure)
-- The union of one model per measure family (models/marts/scorecard_families/), the families listed by the measure
-- catalogue (macro measure_families, generated), valued once here: a ratio with a zero denominator has
-- numerator 0, denominator 0 and value NULL; percent measures (unit from the catalogue) are x 100.

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

catalogue as (

    select * from {{ ref('measures') }}

),

family_measures as (

    {% for family in measure_families() %}
        select * from {{ ref('scorecard_' ~ family) }}
        {% if not loop.last %}union all by name{% endif %}
    {% endfor %}

),

valued as (

    select
        family_measures.period_type,
        cast(family_measures.as_at_date as date) as as_at_date,
        family_measures.measure,
        {{ measure_numerator('family_measures.numerator', 'family_measures.denominator') }} as numerator,
        cast(family_measures.denominator as double) as denominator,
        {{ measure_value('family_measures.numerator', 'family_measures.denominator', 'catalogue.unit') }}
            as value,  -- noqa: RF04
        cast('{{ csc_run_var("extract_date") }}' as date) as extract_date,
        cast('{{ csc_run_var("run_id") }}' as varchar) as run_id,
        reporting_dates.is_complete_period
    from family_measures
    inner join reporting_dates
        on
            family_measures.period_type = reporting_dates.period_type
            and family_measures.as_at_date = reporting_dates.as_at_date
    -- left: a measure missing from the catalogue still shows (value NULL) and fails the relationships test
    left join catalogue on family_measures.measure = catalogue.measure

),

available as (

    -- a measure the extract's source cannot support (e.g. caseloads from a CIN census) is left out,
    -- never shown as 0: marts.measure_availability says why
    select valued.*
    from valued
    where valued.measure not in ({{ unavailable_measures() }})

)

select * from available

-- Scorecard rows of the front-door family (docs/measures.md): contacts and referrals in the period.
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

contacts as (

    select * from {{ ref('int_contacts_decisions_evaluated') }}

),

referrals as (

    select * from {{ ref('int_referrals_re_referral_flagged') }}

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

contacts_decided_in_1wd_pct as (

    select
        period_type,
        as_at_date,
        'contacts_decided_in_1wd_pct' as measure,
        decided_in_1wd as numerator,
        decided as denominator
    from contact_flow

),

contacts_to_referral_pct as (

    select
        period_type,
        as_at_date,
        'contacts_to_referral_pct' as measure,
        converted as numerator,
        decided as denominator
    from contact_flow

),

referrals_nfa_pct as (

    select
        period_type,
        as_at_date,
        'referrals_nfa_pct' as measure,
        nfa_referrals as numerator,
        all_referrals as denominator
    from referral_flow

),

re_referrals_pct as (

    select
        period_type,
        as_at_date,
        're_referrals_pct' as measure,
        re_referrals as numerator,
        all_referrals as denominator
    from referral_flow

),

family_measures as (

    select * from contacts_decided_in_1wd_pct
    union all by name
    select * from contacts_to_referral_pct
    union all by name
    select * from referrals_nfa_pct
    union all by name
    select * from re_referrals_pct

)

select * from family_measures

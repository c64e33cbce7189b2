-- The front-door measures (docs/measures.md "Front door") split by team: contacts by the front-door team
-- (int_contacts_teams_assigned), referrals by the referral's own team_id. Numerators and denominators as in
-- scorecard_front_door, so the teams add up to the council. Child-level dates only (scorecard_by_team's).
-- grain: one row per (period_type, as_at_date, measure, team_id); team_id NULL = no team

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}
    where is_child_level_date

),

contacts as (

    select * from {{ ref('int_contacts_teams_assigned') }}

),

referrals as (

    select * from {{ ref('int_referrals_re_referral_flagged') }}

),

contact_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        contacts.team_id,
        count(*) filter (where contacts.decided_in_1wd) as decided_in_1wd,
        count(*) filter (where contacts.converted_to_referral) as converted,
        count(*) filter (where contacts.has_decision) as decided
    from reporting_dates
    inner join contacts
        on contacts.contact_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

referral_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        referrals.team_id,
        count(*) filter (where referrals.nfa) as nfa_referrals,
        count(*) filter (where referrals.is_re_referral) as re_referrals,
        count(*) as all_referrals
    from reporting_dates
    inner join referrals
        on referrals.referral_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

-- a team whose contacts in the period have no decision yet has denominator 0 (value NULL), as the council does
contact_measures as (

    select
        period_type,
        as_at_date,
        'contacts_decided_in_1wd_pct' as measure,
        team_id,
        decided_in_1wd as numerator,
        decided as denominator
    from contact_flow
    union all
    select
        period_type,
        as_at_date,
        'contacts_to_referral_pct' as measure,
        team_id,
        converted as numerator,
        decided as denominator
    from contact_flow

),

referral_measures as (

    select
        period_type,
        as_at_date,
        'referrals_nfa_pct' as measure,
        team_id,
        nfa_referrals as numerator,
        all_referrals as denominator
    from referral_flow
    union all
    select
        period_type,
        as_at_date,
        're_referrals_pct' as measure,
        team_id,
        re_referrals as numerator,
        all_referrals as denominator
    from referral_flow

),

counted as (

    select * from contact_measures
    union all by name
    select * from referral_measures

)

select * from counted

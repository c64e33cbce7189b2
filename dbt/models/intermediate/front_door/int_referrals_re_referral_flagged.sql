-- Referrals flagged as re-referrals (docs/measures.md, "Front door"): the child has another referral (NFA
-- included) dated in [referral_date - 12 months, referral_date). Month arithmetic: 29 Feb - 12 months = 28 Feb;
-- two referrals on the same day are not re-referrals of each other.
-- grain: one row per referral_id

with referrals as (

    select * from {{ ref('int_referrals_validated') }}

),

earlier_referrals as (

    select distinct later.referral_id
    from referrals as later
    inner join referrals as earlier
        on
            later.child_id = earlier.child_id
            and earlier.referral_date >= cast(later.referral_date - interval 12 month as date)
            and later.referral_date > earlier.referral_date

),

flagged as (

    select
        referrals.referral_id,
        referrals.child_id,
        referrals.referral_date,
        referrals.referral_source,
        referrals.nfa,
        referrals.team_id,
        earlier_referrals.referral_id is not null as is_re_referral
    from referrals
    left join earlier_referrals on referrals.referral_id = earlier_referrals.referral_id

)

select * from flagged

-- Contacts with their decision timeliness and conversion (docs/measures.md, "Front door").
-- grain: one row per contact_id

with contacts as (

    select * from {{ ref('int_contacts_validated') }}

),

evaluated as (

    select
        contact_id,
        child_id,
        contact_date,
        contact_source,
        decision_date,
        outcome,
        decision_date is not null as has_decision,
        decision_date is not null and {{ wd('contact_date', 'decision_date') }} <= 1 as decided_in_1wd,
        decision_date is not null and outcome = 'REFERRAL' as converted_to_referral
    from contacts

)

select * from evaluated

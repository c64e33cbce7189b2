-- Looked-after episodes with their period of care and current placement start (docs/measures.md, "Visits").
-- grain: one row per episode_id
-- A period of care is a chain of episodes, each starting the day the previous one ended, back to an
-- episode with reason S (or the chain's first episode). placement_start_date (P) = the latest start,
-- up to this episode, of an episode in the chain that starts a placement (S, P, B, T, U; never L),
-- or the chain's earliest start if none does.

with episodes as (

    select * from {{ ref('int_cla_episodes_validated') }}

),

placement_start_reasons as (

    select code from {{ ref('code_lists') }}
    where list_name = 'placement_start_reason'

),

ordered as (

    select
        episodes.*,
        placement_start_reasons.code is not null as starts_placement,
        lag(episodes.end_date) over (
            partition by episodes.child_id order by episodes.start_date, episodes.episode_id
        ) as previous_end_date
    from episodes
    left join placement_start_reasons on episodes.reason_new_episode = placement_start_reasons.code

),

chained as (

    select
        *,
        sum(case when reason_new_episode = 'S' or previous_end_date is distinct from start_date then 1 else 0 end)
            over (partition by child_id order by start_date, episode_id rows unbounded preceding)
            as period_of_care_number
    from ordered

),

placement_dated as (

    select
        *,
        coalesce(
            max(case when starts_placement then start_date end) over (
                partition by child_id, period_of_care_number
                order by start_date, episode_id rows unbounded preceding
            ),
            min(start_date) over (partition by child_id, period_of_care_number)
        ) as placement_start_date
    from chained

)

select * exclude (previous_end_date) from placement_dated

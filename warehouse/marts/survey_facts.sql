-- One row per survey sent, with the segment columns of the ticket it followed and the score
-- flags the survey KPIs aggregate (warehouse/kpis.py). Nothing here depends on "now", so it is
-- stored, and rebuilt when the surveys or the tickets change (warehouse.migrations). Sorted by
-- sending so that a period filter skips whole row groups.
create or replace table marts.survey_facts as
with

surveyed_tickets as (
    -- Surveys name a ticket id but not its help desk; if two help desks share an id, the most
    -- recently updated (then created) ticket wins so that each survey stays one row.
    select
        ticket_id,
        source_system as ticket_source_system,
        team,
        channel,
        priority,
        agent,
        language,
        is_complaint
    from core.tickets
    where ticket_id in (select ticket_id from core.survey_responses)
    qualify
        row_number() over (
            partition by ticket_id
            order by updated_at desc nulls last, created_at desc, source_system
        ) = 1
),

final as (
    select
        surveys.* replace (
            -- The ticket's segment first; the survey's own when the ticket is unknown.
            coalesce(tickets.language, surveys.language) as language,
            coalesce(tickets.channel, surveys.channel) as channel
        ),
        surveys.language as survey_language,
        surveys.channel as survey_channel,
        tickets.ticket_source_system,
        tickets.team,
        tickets.priority,
        tickets.agent,
        tickets.is_complaint,
        tickets.ticket_id is not null as has_ticket,
        surveys.answered_at is not null as is_answered,
        surveys.csat_score >= 4 as is_satisfied,
        surveys.nps_score >= 9 as is_promoter,
        surveys.nps_score <= 6 as is_detractor,
        -- CES 2.0 asks for agreement with "made it easy": 5-7 (agree) is low effort.
        surveys.ces_score >= 5 as is_low_effort
    from core.survey_responses as surveys
    left join surveyed_tickets as tickets on tickets.ticket_id = surveys.ticket_id
)

select * from final
order by sent_at;

-- Which shown root cause each ticket and survey response has under the current model: one row
-- per (record, root cause). A ticket has the root cause of its complaint text; a survey response
-- has the root cause of its own comment and the one of the ticket it followed (both, when they
-- differ). Merged and excluded root causes are not shown, so they have no members.
with

current_assignments as (
    select
        documents.document_kind,
        documents.source_system,
        documents.record_id,
        documents.root_cause_id
    from topics.document_root_causes as documents
    inner join topics.model_versions as versions
        on versions.model_version = documents.model_version
    inner join topics.root_causes as causes
        on
            causes.model_version = documents.model_version
            and causes.root_cause_id = documents.root_cause_id
    where versions.is_current and causes.status not in ('merged', 'excluded')
),

ticket_members as (
    select
        'ticket' as record_kind,
        source_system,
        record_id,
        root_cause_id
    from current_assignments
    where document_kind = 'ticket'
),

comment_members as (
    select
        'survey_response' as record_kind,
        source_system,
        record_id,
        root_cause_id
    from current_assignments
    where document_kind = 'comment'
),

surveyed_ticket_members as (
    select
        'survey_response' as record_kind,
        surveys.source_system,
        surveys.response_id as record_id,
        tickets.root_cause_id
    from marts.survey_facts as surveys
    inner join ticket_members as tickets
        on
            tickets.source_system = surveys.ticket_source_system
            and tickets.record_id = surveys.ticket_id
)

select * from ticket_members
union all
(select * from comment_members union select * from surveyed_ticket_members)

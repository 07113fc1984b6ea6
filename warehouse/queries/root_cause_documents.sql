-- The documents of the current root-cause model (complaint tickets and survey comments) in a
-- scope: occurred in [$starts_at, $ends_at) (UTC; null = open-ended) and matching the segment
-- filters ($team, $channel, $priority, $language; null = any). root_cause_id is the shown root
-- cause, null for outliers (is_outlier) and for documents of an excluded root cause; they still
-- count as complaints. local_date is the day in $time_zone, the reporting calendar's zone.
with

current_documents as (
    select
        documents.document_id,
        documents.document_kind,
        documents.source_system,
        documents.record_id,
        documents.probability,
        documents.centre_similarity,
        case
            when causes.status not in ('merged', 'excluded') then documents.root_cause_id
        end as root_cause_id,
        -- no root cause at all (an excluded cause's documents have one, just not shown)
        documents.root_cause_id is null as is_outlier
    from topics.document_root_causes as documents
    inner join topics.model_versions as versions
        on versions.model_version = documents.model_version
    left join topics.root_causes as causes
        on
            causes.model_version = documents.model_version
            and causes.root_cause_id = documents.root_cause_id
    where versions.is_current
),

ticket_documents as (
    select
        documents.*,
        tickets.created_at as occurred_at,
        tickets.team,
        tickets.channel,
        tickets.priority,
        tickets.language,
        concat_ws(
            '. ', nullif(trim(tickets.subject), ''), nullif(trim(tickets.description), '')
        ) as text
    from current_documents as documents
    inner join core.tickets as tickets
        on
            tickets.source_system = documents.source_system
            and tickets.ticket_id = documents.record_id
    where documents.document_kind = 'ticket'
),

comment_documents as (
    -- A comment takes the segments of the ticket it followed (marts.survey_facts).
    select
        documents.*,
        coalesce(surveys.answered_at, surveys.sent_at) as occurred_at,
        surveys.team,
        surveys.channel,
        surveys.priority,
        surveys.language,
        trim(surveys.comment) as text
    from current_documents as documents
    inner join marts.survey_facts as surveys
        on
            surveys.source_system = documents.source_system
            and surveys.response_id = documents.record_id
    where documents.document_kind = 'comment'
),

final as (
    select
        *,
        timezone($time_zone, timezone('UTC', occurred_at))::date as local_date
    from (select * from ticket_documents union all select * from comment_documents)
    where
        ($starts_at is null or occurred_at >= $starts_at)
        and ($ends_at is null or occurred_at < $ends_at)
        and ($team is null or team = $team)
        and ($channel is null or channel = $channel)
        and ($priority is null or priority = $priority)
        and ($language is null or language = $language)
)

select * from final

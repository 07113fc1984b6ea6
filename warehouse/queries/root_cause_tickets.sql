-- One page ($limit, $offset) of the complaint tickets of one root cause ($root_cause_id),
-- newest first, with the number of matching tickets. Follows the `documents` CTE that
-- root_causes.py puts before it.
root_cause_tickets as (
    select
        tickets.source_system,
        tickets.ticket_id,
        tickets.created_at,
        tickets.subject,
        documents.centre_similarity,
        tickets.status,
        tickets.priority,
        tickets.channel,
        tickets.team,
        tickets.agent,
        tickets.language,
        count(*) over () as count_tickets
    from documents
    join core.tickets as tickets
        on tickets.source_system = documents.source_system
        and tickets.ticket_id = documents.record_id
    where documents.document_kind = 'ticket' and documents.root_cause_id = $root_cause_id
)
select * from root_cause_tickets
order by created_at desc, source_system, ticket_id
limit $limit offset $offset

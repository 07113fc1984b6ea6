-- The canonical ticket: one row per (source_system, ticket_id), the newest version loaded.
-- All *_at columns are UTC. Unknown values are NULL, never guessed.
create table if not exists core.tickets (
    source_system varchar not null,
    ticket_id varchar not null,
    created_at timestamp not null,
    updated_at timestamp,                      -- source's last update: the newest version wins
    first_public_reply_at timestamp,           -- first public agent reply (not notes, not bots)
    first_resolved_at timestamp,
    last_resolved_at timestamp,
    closed_at timestamp,
    status varchar,                            -- new | open | pending | on_hold | solved | closed | canceled
    status_raw varchar,
    priority varchar,                          -- low | normal | high | urgent
    channel varchar,                           -- email | web | phone | chat | social | api | walk_in | other
    team varchar,
    agent varchar,
    requester_hash varchar,                    -- sha256 of the requester's e-mail or name
    subject varchar,                           -- PII redacted
    description varchar,                       -- PII redacted
    language varchar,                          -- ISO 639-1, detected offline
    tags varchar[],
    category varchar,
    is_complaint boolean,
    reopen_count integer,
    transfer_count integer,                    -- reassignments between groups or agents
    agent_reply_count integer,                 -- public agent replies
    is_escalated boolean,                      -- to a team lead or a higher tier
    escalated_at timestamp,
    sla_response_target_minutes double,
    sla_resolution_target_minutes double,
    sla_response_breached boolean,             -- as reported by the source
    sla_resolution_breached boolean,
    has_follow_up boolean,
    follow_up_at timestamp,
    is_callback_promised boolean,
    is_callback_kept boolean,
    customer_update_count integer,             -- proactive updates sent to the customer
    is_contact_ended_for_abuse boolean,
    is_out_of_scope boolean,
    fault_attribution varchar,                 -- own | third_party | user | unknown
    source_file varchar not null,
    source_line bigint not null,
    load_id bigint not null,
    row_hash varchar not null
);

-- Every distinct version of a ticket ever loaded (append-only), for audit and replays.
create table if not exists raw.ticket_versions as
select * from core.tickets with no data;

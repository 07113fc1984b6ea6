-- One row per survey sent (answered or not) from a survey tool export.
create table if not exists core.survey_responses (
    source_system varchar not null,
    response_id varchar not null,
    ticket_id varchar,                         -- the ticket the survey followed, when the export links it
    sent_at timestamp,
    answered_at timestamp,                     -- null: sent but not (fully) answered
    csat_score integer,                        -- 1..5
    nps_score integer,                         -- 0..10
    ces_score integer,                         -- 1..7 (CES 2.0)
    comment varchar,                           -- PII redacted
    language varchar,
    channel varchar,
    is_complete boolean,
    source_file varchar not null,
    source_line bigint not null,
    load_id bigint not null,
    row_hash varchar not null
);

create table if not exists raw.survey_response_versions as
select * from core.survey_responses with no data;

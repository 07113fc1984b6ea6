create sequence if not exists meta.load_id_seq start 1;

-- One row per file handed to `critica load`, successful or not. The counts always satisfy
-- rows_read = rows_loaded + rows_quarantined + duplicates_merged for a succeeded load.
create table if not exists meta.load_history (
    load_id bigint primary key,
    started_at timestamp not null,
    finished_at timestamp,
    file_path varchar not null,
    file_name varchar not null,
    file_sha256 varchar not null,
    file_bytes bigint not null,
    profile varchar not null,
    entity varchar not null,            -- tickets | survey_responses
    source_time_zone varchar not null,
    status varchar not null,            -- succeeded | failed
    rows_read bigint not null default 0,
    rows_loaded bigint not null default 0,
    rows_inserted bigint not null default 0,
    rows_updated bigint not null default 0,
    rows_quarantined bigint not null default 0,
    duplicates_merged bigint not null default 0,
    duration_seconds double,
    error_message varchar
);

-- Every input row that was not loaded, with the reason a person can act on.
create table if not exists quarantine.rejected_rows (
    load_id bigint not null,
    file_sha256 varchar not null,       -- a re-load of the same bytes does not quarantine twice
    file_name varchar not null,
    line_number bigint not null,        -- physical line in the file (1 = first header line)
    column_name varchar,                -- source column at fault; null when the whole row is
    reason varchar not null,
    raw_row varchar not null,           -- the row as JSON, with PII redacted
    rejected_at timestamp not null default now()
);

-- Decisions people take about root causes (rename, merge, split, exclude). They are kept as an
-- append-only log so that every refit of the topic model can re-apply them in order.
create table if not exists curation_events (
    event_id integer primary key autoincrement,
    created_at text not null,                  -- UTC, ISO 8601
    author text not null,
    action text not null check (action in ('rename', 'merge', 'split', 'exclude', 'include')),
    root_cause_id integer not null,
    payload_json text not null default '{}'    -- e.g. {"label": "..."} or {"into": 7}
);

create index if not exists curation_events_by_root_cause on curation_events (root_cause_id);

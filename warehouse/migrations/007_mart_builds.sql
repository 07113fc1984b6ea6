-- What each stored mart was last built from (see warehouse.migrations.refresh_stored_marts):
-- a rebuild is skipped while the definition and its inputs' fingerprint are unchanged.
create table if not exists meta.mart_builds (
    mart varchar primary key,
    fingerprint varchar not null,
    built_at timestamp not null
);

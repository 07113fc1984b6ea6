-- The continual improvement register (ITIL 4), its targets and their periodic check-ups.
-- People write these, so they live here rather than in the warehouse (decision 0001). Rows are
-- only ever inserted, except the register entry itself, whose fields people edit: its state
-- changes, the check-ups and the notes are kept as history.
create table if not exists improvements (
    improvement_id integer primary key autoincrement,
    title text not null check (length(trim(title)) > 0),
    description text not null default '',
    justification text not null default '',     -- why: the business case
    owner text not null default '',
    raised_by text not null,
    source text not null default '',            -- complaint theme, survey, KPI breach, audit
    scope text not null default '',             -- the team or service it concerns
    priority text not null default 'medium'
        check (priority in ('low', 'medium', 'high', 'critical')),
    effort text not null default 'medium' check (effort in ('small', 'medium', 'large')),
    planned_actions text not null default '',   -- the process change
    state text not null default 'new' check (state in (
        'new', 'accepted', 'in_progress', 'on_hold', 'review', 'closed', 'canceled')),
    lessons_learned text not null default '',
    created_at text not null,                   -- UTC, ISO 8601
    updated_at text not null
);

-- The root causes (topics' stable root_cause_id) an improvement addresses.
create table if not exists improvement_root_causes (
    improvement_id integer not null references improvements (improvement_id),
    root_cause_id integer not null,
    primary key (improvement_id, root_cause_id)
);

create table if not exists improvement_state_changes (
    change_id integer primary key autoincrement,
    improvement_id integer not null references improvements (improvement_id),
    changed_at text not null,
    author text not null,
    from_state text,                            -- null for the creation
    to_state text not null,
    reason text not null default ''
);

create index if not exists improvement_state_changes_by_improvement
    on improvement_state_changes (improvement_id, change_id);

-- A target: a metric, the scope it is measured in, a baseline frozen at creation, the value to
-- reach by the due date, and how often it is checked.
create table if not exists targets (
    target_id integer primary key autoincrement,
    improvement_id integer not null references improvements (improvement_id),
    metric text not null,                       -- a KPI name, or root_cause_volume / _impact
    root_cause_id integer,                      -- the root cause a target is scoped to
    scope_json text not null default '{}',      -- segment filters, e.g. {"team": "Billing"}
    direction text not null check (direction in ('lower', 'higher')),
    baseline_start text not null,               -- local dates of the reporting calendar
    baseline_end text not null,
    baseline_value real not null,
    baseline_n integer not null,                -- rows (or documents) behind the baseline
    baseline_sample_json text not null,         -- what the significance tests compare against
    target_value real not null,
    target_input text not null,                 -- as given: "45" or "-30%"
    start_date text not null,                   -- when the change starts to act
    due_date text not null,
    cadence_months integer not null default 1 check (cadence_months in (1, 3)),
    created_at text not null,
    author text not null
);

create index if not exists targets_by_improvement on targets (improvement_id);

-- One check-up of one target for one period. Never updated: a forced re-run inserts a new
-- check-up and records which one it replaced in checkup_replacements.
create table if not exists checkups (
    checkup_id integer primary key autoincrement,
    target_id integer not null references targets (target_id),
    period_month text not null,                 -- first day of the check-up's last month
    period_start text not null,
    period_end text not null,
    created_at text not null,
    author text not null,
    actual_value real,
    actual_n integer not null,
    glide_value real not null,
    status text not null check (status in (
        'achieved', 'on_track', 'at_risk', 'off_track', 'too_early')),
    change real,                                -- actual minus baseline
    ci_low real,
    ci_high real,
    p_value real,
    method text not null,
    is_significant integer not null default 0,
    sample_warning text                         -- why the sample is too small to judge
);

create index if not exists checkups_by_target on checkups (target_id, period_month);

create table if not exists checkup_replacements (
    replaced_checkup_id integer primary key references checkups (checkup_id),
    new_checkup_id integer not null references checkups (checkup_id),
    replaced_at text not null,
    author text not null,
    reason text not null
);

create table if not exists checkup_notes (
    note_id integer primary key autoincrement,
    checkup_id integer not null references checkups (checkup_id),
    created_at text not null,
    author text not null,
    body text not null check (length(trim(body)) > 0)
);

create index if not exists checkup_notes_by_checkup on checkup_notes (checkup_id)

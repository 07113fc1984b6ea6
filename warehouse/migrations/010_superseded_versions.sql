-- raw.*_versions become views: the current version of each record lives only in core, and the
-- versions it replaced in raw.superseded_*_versions. A load used to write every new or changed
-- row twice (core and raw), which cost as much as the rest of the upsert; now it writes each
-- row once, and moves the row it replaces into the superseded table. The views still hold every
-- distinct version ever loaded. `union all by name` keeps them readable when a later migration
-- adds a column to core: superseded versions show NULL in it.
create table raw.superseded_ticket_versions as
select versions.*
from raw.ticket_versions as versions
where not exists (
    select 1
    from core.tickets as current
    where
        current.source_system = versions.source_system
        and current.ticket_id = versions.ticket_id
        and current.load_id = versions.load_id
);

drop table raw.ticket_versions;

create view raw.ticket_versions as
select * from raw.superseded_ticket_versions
union all by name
select * from core.tickets;

create table raw.superseded_survey_response_versions as
select versions.*
from raw.survey_response_versions as versions
where not exists (
    select 1
    from core.survey_responses as current
    where
        current.source_system = versions.source_system
        and current.response_id = versions.response_id
        and current.load_id = versions.load_id
);

drop table raw.survey_response_versions;

create view raw.survey_response_versions as
select * from raw.superseded_survey_response_versions
union all by name
select * from core.survey_responses;

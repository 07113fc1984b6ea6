-- The values each segment takes in the tickets, for the dashboard's filter choices. Stored:
-- listing them scans every ticket, and every page's sidebar asks.
create or replace table marts.segment_values as
select distinct
    dimension,
    value
from (
    unpivot (select team, channel, priority, language from core.tickets)
    on team, channel, priority, language
    into name dimension value value
)
order by dimension, value;

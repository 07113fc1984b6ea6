-- Row fingerprints (row_hash) change from md5 over the row as JSON to md5 over each business
-- value's text, joined by the unit separator chr(31) with chr(30) standing for NULL: turning
-- every value into JSON cost the loader twice as much. The loader compares an incoming row's
-- fingerprint with the stored one (etl/loading.py, row_fingerprint_sql), so every stored row is
-- recomputed here with the same formula; otherwise the first reload of an already loaded file
-- would see every row as changed. The business columns are every column but source_system and
-- the load metadata (source_file, source_line, load_id, row_hash), in table order.
create or replace temp macro critica_ticket_fingerprint(r) as md5(concat_ws(
    chr(31),
    coalesce(r.ticket_id::varchar, chr(30)),
    coalesce(r.created_at::varchar, chr(30)),
    coalesce(r.updated_at::varchar, chr(30)),
    coalesce(r.first_public_reply_at::varchar, chr(30)),
    coalesce(r.first_resolved_at::varchar, chr(30)),
    coalesce(r.last_resolved_at::varchar, chr(30)),
    coalesce(r.closed_at::varchar, chr(30)),
    coalesce(r.status::varchar, chr(30)),
    coalesce(r.status_raw::varchar, chr(30)),
    coalesce(r.priority::varchar, chr(30)),
    coalesce(r.channel::varchar, chr(30)),
    coalesce(r.team::varchar, chr(30)),
    coalesce(r.agent::varchar, chr(30)),
    coalesce(r.requester_hash::varchar, chr(30)),
    coalesce(r.subject::varchar, chr(30)),
    coalesce(r.description::varchar, chr(30)),
    coalesce(r.language::varchar, chr(30)),
    coalesce(r.tags::varchar, chr(30)),
    coalesce(r.category::varchar, chr(30)),
    coalesce(r.is_complaint::varchar, chr(30)),
    coalesce(r.reopen_count::varchar, chr(30)),
    coalesce(r.transfer_count::varchar, chr(30)),
    coalesce(r.agent_reply_count::varchar, chr(30)),
    coalesce(r.is_escalated::varchar, chr(30)),
    coalesce(r.escalated_at::varchar, chr(30)),
    coalesce(r.sla_response_target_minutes::varchar, chr(30)),
    coalesce(r.sla_resolution_target_minutes::varchar, chr(30)),
    coalesce(r.sla_response_breached::varchar, chr(30)),
    coalesce(r.sla_resolution_breached::varchar, chr(30)),
    coalesce(r.has_follow_up::varchar, chr(30)),
    coalesce(r.follow_up_at::varchar, chr(30)),
    coalesce(r.is_callback_promised::varchar, chr(30)),
    coalesce(r.is_callback_kept::varchar, chr(30)),
    coalesce(r.customer_update_count::varchar, chr(30)),
    coalesce(r.is_contact_ended_for_abuse::varchar, chr(30)),
    coalesce(r.is_out_of_scope::varchar, chr(30)),
    coalesce(r.fault_attribution::varchar, chr(30))
));

create or replace temp macro critica_survey_response_fingerprint(r) as md5(concat_ws(
    chr(31),
    coalesce(r.response_id::varchar, chr(30)),
    coalesce(r.ticket_id::varchar, chr(30)),
    coalesce(r.sent_at::varchar, chr(30)),
    coalesce(r.answered_at::varchar, chr(30)),
    coalesce(r.csat_score::varchar, chr(30)),
    coalesce(r.nps_score::varchar, chr(30)),
    coalesce(r.ces_score::varchar, chr(30)),
    coalesce(r.comment::varchar, chr(30)),
    coalesce(r.language::varchar, chr(30)),
    coalesce(r.channel::varchar, chr(30)),
    coalesce(r.is_complete::varchar, chr(30))
));

update core.tickets set row_hash = critica_ticket_fingerprint(tickets);
update raw.ticket_versions set row_hash = critica_ticket_fingerprint(ticket_versions);
update core.survey_responses set row_hash = critica_survey_response_fingerprint(survey_responses);
update raw.survey_response_versions
set row_hash = critica_survey_response_fingerprint(survey_response_versions);

drop macro critica_ticket_fingerprint;
drop macro critica_survey_response_fingerprint;

"""Freshdesk ticket CSV export (Tickets > Export), contact fields and custom fields included."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from etl.profiles.base import (
    ExportProfile,
    Field,
    choice,
    integer,
    tag_list,
    text,
    timestamp,
)
from etl.profiles.service_fields import complaint_fields, service_fields

_STATUS: Final = {
    "open": "open",
    "pending": "pending",
    "waiting on customer": "pending",
    "waiting on third party": "on_hold",
    "resolved": "solved",
    "closed": "closed",
}
_PRIORITY: Final = {"low": "low", "medium": "normal", "high": "high", "urgent": "urgent"}
_CHANNEL: Final = {
    "email": "email",
    "outbound email": "email",
    "portal": "web",
    "feedback widget": "web",
    "forum": "web",
    "phone": "phone",
    "chat": "chat",
    "bot": "chat",
    "twitter": "social",
    "facebook": "social",
    "whatsapp": "social",
    "instagram": "social",
    "api": "api",
    "walk-in": "walk_in",
}
# "First response status" and "Resolution status": the SLA verdict, as a breach flag.
_SLA_BREACHED: Final = {"sla violated": "true", "within sla": "false"}


def _fields_for_columns(
    columns: Sequence[str], _header_records: Sequence[Sequence[str]]
) -> Mapping[str, Field]:
    return complaint_fields(columns, ("Type", "Tags"))


FRESHDESK: Final = ExportProfile(
    name="freshdesk",
    entity="tickets",
    source_system="freshdesk",
    title="Freshdesk ticket CSV export",
    signature=("Ticket ID", "Created time", "Last update time", "Agent interactions", "Source"),
    required=("Ticket ID", "Created time"),
    fields={
        "ticket_id": text("Ticket ID"),
        "created_at": timestamp("Created time"),
        "updated_at": timestamp("Last update time"),
        # The (in hrs) columns count business hours and are often empty: the timestamp is exact.
        "first_public_reply_at": timestamp("Initial response time"),
        "last_resolved_at": timestamp("Resolved time"),
        "closed_at": timestamp("Closed time"),
        # Custom statuses stay NULL: the marts then judge by the dates.
        "status": choice("Status", _STATUS),
        "status_raw": text("Status"),
        "priority": choice("Priority", _PRIORITY),
        "channel": choice("Source", _CHANNEL, otherwise="other"),
        "team": text("Group"),
        "agent": text("Agent"),
        "subject": text("Subject"),
        "tags": tag_list("Tags", ","),
        "category": text("Type"),
        "agent_reply_count": integer("Agent interactions"),
        "sla_response_breached": choice("First response status", _SLA_BREACHED),
        "sla_resolution_breached": choice("Resolution status", _SLA_BREACHED),
        **service_fields(lambda label, _kind: label),
    },
    requester_name_columns=("Full name",),
    requester_identity_columns=("Email", "Contact ID", "Full name"),
    resolve_fields=_fields_for_columns,
)

PROFILES: Final = (FRESHDESK,)

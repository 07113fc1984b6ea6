"""ServiceNow incident list export (CSV), with field names (``opened_at``) or display labels.

A CSV export names columns by field; an export of a list layout names them by label (Opened,
Short description...). Labels are renamed to field names, so one profile reads both. Choice
values come as codes (state 2) or as their labels (In Progress); both are mapped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from etl.profiles.base import (
    ExportProfile,
    Field,
    choice,
    expression,
    integer,
    quote,
    text,
    timestamp,
)
from etl.profiles.service_fields import SERVICE_FIELD_LABELS, complaint_fields, service_fields

_STATE: Final = {
    "1": "new",
    "new": "new",
    "2": "open",
    "in progress": "open",
    "active": "open",
    "3": "on_hold",
    "on hold": "on_hold",
    "6": "solved",
    "resolved": "solved",
    "7": "closed",
    "closed": "closed",
    "8": "canceled",
    "canceled": "canceled",
    "cancelled": "canceled",
}
# On hold waiting for the caller is the canonical "pending" (waiting on the customer).
_AWAITING_CALLER: Final = ("1", "awaiting caller")
_PRIORITY: Final = {
    "1": "urgent",
    "1 - critical": "urgent",
    "critical": "urgent",
    "2": "high",
    "2 - high": "high",
    "high": "high",
    "3": "normal",
    "3 - moderate": "normal",
    "moderate": "normal",
    "4": "low",
    "4 - low": "low",
    "low": "low",
    "5": "low",
    "5 - planning": "low",
    "planning": "low",
}
_CHANNEL: Final = {
    "email": "email",
    "phone": "phone",
    "self-service": "web",
    "walk-in": "walk_in",
    "chat": "chat",
    "virtual_agent": "chat",
    "virtual agent": "chat",
    "social": "social",
}
# escalation: 0 Normal, 1 Moderate, 2 High, 3 Overdue; any level above Normal is an escalation.
_ESCALATED: Final = {
    "0": "false",
    "normal": "false",
    "1": "true",
    "moderate": "true",
    "2": "true",
    "high": "true",
    "3": "true",
    "overdue": "true",
}

_LABELS: Final = {
    "Number": "number",
    "Short description": "short_description",
    "Description": "description",
    "State": "state",
    "Impact": "impact",
    "Urgency": "urgency",
    "Priority": "priority",
    "Category": "category",
    "Subcategory": "subcategory",
    "Channel": "contact_type",
    "Contact type": "contact_type",
    "Caller": "caller_id",
    "Opened by": "opened_by",
    "Opened": "opened_at",
    "Assigned to": "assigned_to",
    "Assignment group": "assignment_group",
    "Resolved by": "resolved_by",
    "Resolved": "resolved_at",
    "Closed by": "closed_by",
    "Closed": "closed_at",
    "Resolution code": "close_code",
    "Resolution notes": "close_notes",
    "On hold reason": "hold_reason",
    "Reopen count": "reopen_count",
    "Reassignment count": "reassignment_count",
    "Made SLA": "made_sla",
    "Business duration": "business_duration",
    "Duration": "calendar_duration",
    "Escalation": "escalation",
    "Updated": "sys_updated_on",
}


def _custom_field(label: str, _kind: str = "") -> str:
    """A custom field's name: ``u_`` and the label in snake case (``u_call_back_kept``)."""
    return "u_" + re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


_SERVICE_LABELS: Final = tuple(
    label for label, _, _ in SERVICE_FIELD_LABELS.values() if label != "Description"
)


def _escalated(columns: Sequence[str]) -> Field:
    """Escalated when the escalation level is above Normal or the team-lead flag is set."""
    by_level = f"try_cast({choice('escalation', _ESCALATED).sql} as boolean)"
    flag = _custom_field("Escalated to team lead")
    if flag not in columns:
        return expression(by_level, ("escalation",), "an escalation level", strict=False)
    return expression(
        f"greatest({by_level}, critica_boolean({quote(flag)}))",
        ("escalation", flag),
        "yes or no",
        checked=flag,
        check_sql=f"critica_boolean({quote(flag)})",
    )


def _fields_for_columns(
    columns: Sequence[str], _header_records: Sequence[Sequence[str]]
) -> Mapping[str, Field]:
    """Fields that combine columns a list layout may leave out."""
    fields: dict[str, Field] = dict(complaint_fields(columns, ("category", "subcategory")))
    if "hold_reason" in columns:
        state = choice("state", _STATE).sql
        awaiting_caller = ", ".join(f"'{code}'" for code in _AWAITING_CALLER)
        fields["status"] = expression(
            f"case when {state} = 'on_hold' and lower(trim(\"hold_reason\")) in ({awaiting_caller})"
            f" then 'pending' else {state} end",
            ("state", "hold_reason"),
            "a known value",
            strict=False,
        )
    if "escalation" in columns:
        fields["is_escalated"] = _escalated(columns)
    return fields


SERVICENOW: Final = ExportProfile(
    name="servicenow",
    entity="tickets",
    source_system="servicenow",
    title="ServiceNow incident CSV export",
    signature=("number", "opened_at", "short_description", "state", "assignment_group"),
    required=("number", "opened_at"),
    fields={
        "ticket_id": text("number"),
        "created_at": timestamp("opened_at"),
        "updated_at": timestamp("sys_updated_on"),
        "last_resolved_at": timestamp("resolved_at"),
        "closed_at": timestamp("closed_at"),
        "status": choice("state", _STATE),
        "status_raw": text("state"),
        "priority": choice("priority", _PRIORITY),
        "channel": choice("contact_type", _CHANNEL, otherwise="other"),
        "team": text("assignment_group"),
        "agent": text("assigned_to"),
        "subject": text("short_description"),
        "category": text("category"),
        "reopen_count": integer("reopen_count"),
        "transfer_count": integer("reassignment_count"),
        # made_sla is false once any SLA on the incident was breached: the resolution verdict.
        "sla_resolution_breached": expression(
            'not critica_boolean("made_sla")', ("made_sla",), "true or false"
        ),
        **service_fields(_custom_field),
        "description": text("description"),
    },
    header_aliases={
        **_LABELS,
        **{label: _custom_field(label) for label in _SERVICE_LABELS},
    },
    requester_name_columns=("caller_id",),
    requester_identity_columns=("caller_id",),
    resolve_fields=_fields_for_columns,
)

PROFILES: Final = (SERVICENOW,)

"""Zendesk Support ticket CSV export (Admin Center > Account > Tools > Reports > Export)."""

from __future__ import annotations

from typing import Final

from etl.profiles.base import (
    ExportProfile,
    Field,
    choice,
    expression,
    integer,
    quote,
    tag_list,
    text,
    timestamp,
)
from etl.profiles.service_fields import service_fields

# Zendesk writes local account time, sometimes with the account's UTC offset.
_FORMATS: Final = ("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")

_STATUS: Final = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "on_hold",
    "on-hold": "on_hold",
    "solved": "solved",
    "closed": "closed",
    "deleted": "canceled",
}
_PRIORITY: Final = {"low": "low", "normal": "normal", "high": "high", "urgent": "urgent"}
_CHANNEL: Final = {
    "mail": "email",
    "email": "email",
    "web": "web",
    "web form": "web",
    "web_form": "web",
    "help center": "web",
    "voice": "phone",
    "phone": "phone",
    "phone call (inbound)": "phone",
    "chat": "chat",
    "messaging": "chat",
    "native_messaging": "chat",
    "api": "api",
    "facebook": "social",
    "twitter": "social",
    "whatsapp": "social",
    "instagram": "social",
    "closed ticket": "web",
}


def _after_created(minutes_column: str) -> Field:
    """A moment Zendesk only gives as minutes after creation (first reply, first solve)."""
    created = timestamp("Created at", *_FORMATS).sql
    minutes = f"critica_integer({quote(minutes_column)})"
    return expression(
        f"{created} + to_minutes({minutes})",
        ("Created at", minutes_column),
        "a whole number of minutes",
        checked=minutes_column,
        check_sql=minutes,
    )


ZENDESK: Final = ExportProfile(
    name="zendesk",
    entity="tickets",
    source_system="zendesk",
    title="Zendesk ticket CSV export",
    signature=("Id", "Created at", "Via", "Group stations", "Requester"),
    required=("Id", "Created at"),
    fields={
        "ticket_id": text("Id"),
        "created_at": timestamp("Created at", *_FORMATS),
        "updated_at": timestamp("Updated at", *_FORMATS),
        "first_public_reply_at": _after_created("First reply time in minutes"),
        "first_resolved_at": _after_created("First resolution time in minutes"),
        "last_resolved_at": timestamp("Solved at", *_FORMATS),
        "status": choice("Status", _STATUS, otherwise="open"),
        "status_raw": text("Status"),
        "priority": choice("Priority", _PRIORITY),
        "channel": choice("Via", _CHANNEL, otherwise="other"),
        "team": text("Group"),
        "agent": text("Assignee"),
        "subject": text("Subject"),
        "tags": tag_list("Tags", " "),
        "category": text("Ticket type"),
        "is_complaint": expression(
            "list_contains(string_split(lower(coalesce(\"Tags\", '')), ' '), 'complaint')",
            ("Tags",),
            "tags",
            strict=False,
        ),
        "reopen_count": integer("Reopens"),
        "transfer_count": expression(
            'greatest(critica_integer("Group stations") - 1, 0)',
            ("Group stations",),
            "a whole number",
            # greatest(NULL - 1, 0) is 0: check the count itself, or "many" would read as none.
            check_sql='critica_integer("Group stations")',
        ),
        "agent_reply_count": integer("Replies"),
        **service_fields(lambda label, kind: f"{label} [{kind}]"),
    },
    requester_name_columns=("Requester",),
    requester_identity_columns=("Requester email", "Requester id", "Requester"),
)

PROFILES: Final = (ZENDESK,)

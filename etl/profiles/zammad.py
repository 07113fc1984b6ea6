"""Zammad ticket report XLSX (Reporting > download), as written by ``lib/excel_sheet/ticket.rb``.

The sheet holds the report title in row 1, a blank row 2, the column header in row 3 and, after
the tickets, a blank row and the footer "Timezone: <zone>" (``lib/excel_sheet.rb``). Times are
text "YYYY-MM-DD HH:MM:SS" in that zone: load the file with ``--tz`` set to the footer's zone.
Custom ticket attributes sit between "Time Units Total" and "Created At", under their display
names, so the service-quality fields are found by their bare labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from etl.profiles.base import (
    ExportProfile,
    Field,
    FileFormat,
    choice,
    expression,
    quote,
    tag_list,
    text,
    timestamp,
)
from etl.profiles.service_fields import complaint_fields, service_fields

# Zammad's built-in state names, and the German names instances set up in German use.
_STATE: Final = {
    "new": "new",
    "open": "open",
    "pending reminder": "pending",
    # The ticket waits for the customer and closes itself when the pending time passes.
    "pending close": "pending",
    "closed": "closed",
    # A merged ticket lives on in its target ticket, a removed one is gone: neither was resolved.
    "merged": "canceled",
    "removed": "canceled",
    "neu": "new",
    "offen": "open",
    "warten auf erinnerung": "pending",
    "warten auf schließen": "pending",
    "geschlossen": "closed",
}
_PRIORITY: Final = {"1 low": "low", "2 normal": "normal", "3 high": "high"}
# "Create Channel" is the type of the ticket's first article.
_CHANNEL: Final = {
    "email": "email",
    "phone": "phone",
    "web": "web",
    "chat": "chat",
    "twitter": "social",
    "twitter status": "social",
    "twitter direct-message": "social",
    "facebook": "social",
    "facebook feed post": "social",
    "facebook feed comment": "social",
    "telegram": "social",
    "telegram personal-message": "social",
    "whatsapp message": "social",
    "sms": "other",
    "fax": "other",
    "note": "other",
}


def _minutes(column: str) -> str:
    return f"critica_integer({quote(column)})"


def _sla_breached(diff_column: str) -> Field:
    """Zammad's "Diff In Min" is the SLA margin left when the event happened: below 0 = breach."""
    return expression(f"{_minutes(diff_column)} < 0", (diff_column,), "a whole number of minutes")


def _sla_target(in_column: str, diff_column: str) -> Field:
    """The SLA target in minutes, recovered from the time taken and the margin left.

    Zammad computes ``diff_in_min = sla_minutes - in_min`` (lib/escalation.rb), so the target
    is ``In Min + Diff In Min``. Both count the SLA calendar's working minutes.
    """
    return expression(
        f"{_minutes(in_column)} + {_minutes(diff_column)}",
        (in_column, diff_column),
        "a whole number of minutes",
        checked=in_column,
        check_sql=_minutes(in_column),
    )


def _fields_for_columns(
    columns: Sequence[str], _header_records: Sequence[Sequence[str]]
) -> Mapping[str, Field]:
    return complaint_fields(columns, ("Tags",))


ZAMMAD: Final = ExportProfile(
    name="zammad",
    entity="tickets",
    source_system="zammad",
    title="Zammad ticket report XLSX",
    signature=("#", "Create Channel", "Time Units Total", "Close Diff In Min", "Article Count"),
    required=("#", "Created At"),
    fields={
        "ticket_id": text("#"),
        "created_at": timestamp("Created At"),
        "updated_at": timestamp("Updated At"),
        "first_public_reply_at": timestamp("First Response At"),
        # Zammad has no separate "solved": closing is the resolution.
        "last_resolved_at": timestamp("Closed At"),
        "closed_at": timestamp("Closed At"),
        # Custom states stay NULL: the marts then judge by the dates.
        "status": choice("State", _STATE),
        "status_raw": text("State"),
        "priority": choice("Priority", _PRIORITY),
        "channel": choice("Create Channel", _CHANNEL, otherwise="other"),
        "team": text("Group"),
        # An unassigned ticket belongs to Zammad's system user, whose name is "-".
        "agent": expression(
            "nullif(nullif(trim(\"Owner\"), ''), '-')", ("Owner",), "text", strict=False
        ),
        "subject": text("Title"),
        "tags": tag_list("Tags", ","),
        "sla_response_target_minutes": _sla_target(
            "First Response In Min", "First Response Diff In Min"
        ),
        "sla_response_breached": _sla_breached("First Response Diff In Min"),
        "sla_resolution_target_minutes": _sla_target("Close In Min", "Close Diff In Min"),
        "sla_resolution_breached": _sla_breached("Close Diff In Min"),
        **service_fields(lambda label, _kind: label),
    },
    # The XLSX reader skips the title block above the header and the footer below the tickets.
    file_format=FileFormat(kind="xlsx"),
    requester_name_columns=("Customer",),
    requester_identity_columns=("Customer",),
    resolve_fields=_fields_for_columns,
    suffixes=(".xlsx",),
)

PROFILES: Final = (ZAMMAD,)

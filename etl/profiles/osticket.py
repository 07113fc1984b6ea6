"""osTicket ticket CSV export (Tickets > Export), as written by ``include/class.export.php``.

The file starts with a UTF-8 BOM; where the exporting agent's locale writes decimals with a comma
(Italian, Spanish, German, French...) the delimiter is ``;`` instead of ``,``. Both are found by
the reader; counts in a ``;`` file then read "1.234" as 1234. osTicket 1.10 writes the columns up
to "Attachment Count"; later versions add "SLA Due Date", "Closed Date", "Merged", "Linked",
"Reopen Count" and "Task Count". Custom form fields follow under their labels, so the
service-quality fields are found by their bare labels.

Dates are written in the agent's locale: "03/14/2025 9:12 am" (US) or "14/03/2025 09:12"
(most others). A date such as 05/03/2025 reads both ways, so the ``osticket`` profile takes
the order from the file's "Date Created" column: a date whose first number is above 12 shows
day/month, one whose second number is above 12 shows month/day. When the column shows one
order only, every date is read in that order; otherwise a date is read only if it can be read
one way, and an ambiguous one goes to quarantine with a reason pointing to ``--profile
osticket-dmy`` or ``--profile osticket-mdy``, which read every date in the order they name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final, Literal

from etl.profiles.base import (
    DECIMAL_COMMA_IF_SEMICOLONS,
    ISO_FORMATS,
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

DateOrder = Literal["from_file", "day_first", "month_first"]
FieldResolver = Callable[[Sequence[str], Sequence[Sequence[str]]], Mapping[str, Field]]

_MONTH_FIRST: Final = (
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
)
_DAY_FIRST: Final = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y, %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%y %H:%M",
    "%d/%m/%Y %I:%M %p",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H:%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y",
)
# The two leading numbers of a d/m/y or m/d/y date (separators / . -); ISO dates do not match.
_LOCAL_DATE: Final = r"^\s*(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}\b"
_CREATED: Final = "Date Created"

_STATUS: Final = {
    "open": "open",
    "resolved": "solved",
    "closed": "closed",
    "archived": "closed",
    "deleted": "canceled",
}
_PRIORITY: Final = {"low": "low", "normal": "normal", "high": "high", "emergency": "urgent"}
_CHANNEL: Final = {
    "email": "email",
    "phone": "phone",
    "web": "web",
    "api": "api",
    "other": "other",
}


def _leading_number(column: str, position: int) -> str:
    """SQL: the first or second number of a local date in ``column``, NULL for other text."""
    return f"try_cast(regexp_extract({quote(column)}, '{_LOCAL_DATE}', {position}) as integer)"


def _seen_anywhere(condition: str) -> str:
    return f"coalesce(bool_or({condition}) over (), false)"


def _order_from_file(column: str) -> str:
    """SQL giving 'd' (day first), 'm' (month first) or NULL for one value of ``column``.

    The file's order comes from its "Date Created" column, which every export has and every row
    fills; the same expression in every date field lets DuckDB compute it once per file.
    """
    day_first = _seen_anywhere(f"{_leading_number(_CREATED, 1)} > 12")
    month_first = _seen_anywhere(f"{_leading_number(_CREATED, 2)} > 12")
    return (
        f"case when {day_first} and not {month_first} then 'd' "
        f"when {month_first} and not {day_first} then 'm' "
        f"when {_leading_number(column, 1)} > 12 then 'd' "
        f"when {_leading_number(column, 2)} > 12 then 'm' end"
    )


def _local_time(column: str, order: DateOrder) -> Field:
    """A date-time in the agent's locale, read in ``order``, stored as UTC."""
    if order == "day_first":
        field = timestamp(column, *_DAY_FIRST)
        return expression(field.sql, field.sources, "a date and time (day/month/year)")
    if order == "month_first":
        field = timestamp(column, *_MONTH_FIRST)
        return expression(field.sql, field.sources, "a date and time (month/day/year)")
    sql = (
        f"case {_order_from_file(column)} "
        f"when 'd' then {timestamp(column, *_DAY_FIRST).sql} "
        f"when 'm' then {timestamp(column, *_MONTH_FIRST).sql} "
        f"else {timestamp(column, *ISO_FORMATS).sql} end"
    )
    return expression(
        sql,
        tuple(dict.fromkeys((column, _CREATED))),
        "a date and time (if the file leaves the day/month order open, load it with "
        "--profile osticket-dmy or --profile osticket-mdy)",
        checked=column,
    )


def _resolution_breached(columns: Sequence[str], order: DateOrder) -> Field:
    """Overdue = Yes is a breach; No is no verdict, because closing a ticket clears the flag.

    Closing also clears an SLA due date already in the past (Ticket::clearOverdue), so a closed
    ticket that still has one was closed in time: that is the only "met" osTicket exports.
    """
    overdue = 'critica_boolean("Overdue")'
    breached = f"case when {overdue} then true end"
    sources: tuple[str, ...] = ("Overdue",)
    if "Closed Date" in columns and "SLA Due Date" in columns:
        closed, due = _local_time("Closed Date", order), _local_time("SLA Due Date", order)
        breached = f"case when {overdue} then true when {closed.sql} <= {due.sql} then false end"
        sources = tuple(dict.fromkeys((*sources, *closed.sources, *due.sources)))
    return expression(breached, sources, "yes or no", checked="Overdue", check_sql=overdue)


def _fields_resolver(order: DateOrder) -> FieldResolver:
    def fields_for_columns(
        columns: Sequence[str], _header_records: Sequence[Sequence[str]]
    ) -> Mapping[str, Field]:
        fields: dict[str, Field] = {
            **complaint_fields(columns, ("Help Topic",)),
            "sla_resolution_breached": _resolution_breached(columns, order),
        }
        # The team working the ticket, else the department whose queue it is in.
        groups = tuple(c for c in ("Team Assigned", "Department") if c in columns)
        if groups:
            cells = ", ".join(f"nullif(trim({quote(c)}), '')" for c in groups)
            fields["team"] = expression(f"coalesce({cells})", groups, "text", strict=False)
        return fields

    return fields_for_columns


def _osticket(name: str, title: str, order: DateOrder) -> ExportProfile:
    return ExportProfile(
        name=name,
        entity="tickets",
        source_system="osticket",
        title=title,
        # The three profiles share one signature: on a tie the first listed, "osticket", wins.
        signature=("Ticket Number", _CREATED, "Help Topic", "Current Status", "Agent Assigned"),
        required=("Ticket Number", _CREATED),
        fields={
            "ticket_id": text("Ticket Number"),
            "created_at": _local_time(_CREATED, order),
            "updated_at": _local_time("Last Updated", order),
            # Resolved is a status of osTicket's closed state: "Closed Date" is set for both.
            "last_resolved_at": _local_time("Closed Date", order),
            "closed_at": _local_time("Closed Date", order),
            # Custom statuses stay NULL: the marts then judge by the dates.
            "status": choice("Current Status", _STATUS),
            "status_raw": text("Current Status"),
            "priority": choice("Priority", _PRIORITY),
            "channel": choice("Source", _CHANNEL, otherwise="other"),
            "agent": text("Agent Assigned"),
            "subject": text("Subject"),
            "category": text("Help Topic"),
            "reopen_count": integer("Reopen Count", decimal_comma=DECIMAL_COMMA_IF_SEMICOLONS),
            **service_fields(lambda label, _kind: label),
            "customer_update_count": integer(
                SERVICE_FIELD_LABELS["customer_update_count"][0],
                decimal_comma=DECIMAL_COMMA_IF_SEMICOLONS,
            ),
            **{
                canonical: _local_time(label, order)
                for canonical, (label, kind, _) in SERVICE_FIELD_LABELS.items()
                if kind == "date"
            },
        },
        requester_name_columns=("From",),
        requester_identity_columns=("From Email", "From"),
        resolve_fields=_fields_resolver(order),
    )


OSTICKET: Final = _osticket("osticket", "osTicket ticket CSV export", "from_file")
OSTICKET_DAY_FIRST: Final = _osticket(
    "osticket-dmy", "osTicket ticket CSV export, dates day/month/year", "day_first"
)
OSTICKET_MONTH_FIRST: Final = _osticket(
    "osticket-mdy", "osTicket ticket CSV export, dates month/day/year", "month_first"
)

PROFILES: Final = (OSTICKET, OSTICKET_DAY_FIRST, OSTICKET_MONTH_FIRST)

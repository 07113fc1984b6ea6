"""Jira Service Management issue-navigator CSV export, with English, Spanish or Italian headers.

Jira writes headers and month names in the exporting user's language, so one profile reads all
three: localised headers are renamed to the English ones, localised month abbreviations are
turned into English ones before the date is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from etl.profiles.base import (
    ISO_FORMATS,
    ExportProfile,
    Field,
    choice,
    expression,
    integer,
    quote,
    text,
)
from etl.profiles.service_fields import SERVICE_FIELD_LABELS, complaint_fields, service_fields

# "05/Mar/25 9:14 AM" as Jira writes it by default; 24-hour clocks and four-digit years are
# one look-and-feel setting away.
_FORMATS: Final = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%Y %H:%M",
)

# Spanish and Italian month abbreviations that English %b does not read (mar, feb, nov... do).
_LOCAL_MONTHS: Final = {
    "ene": "Jan",
    "gen": "Jan",
    "abr": "Apr",
    "mag": "May",
    "giu": "Jun",
    "lug": "Jul",
    "ago": "Aug",
    "set": "Sep",
    "sept": "Sep",
    "ott": "Oct",
    "dic": "Dec",
}

_CUSTOM_FIELD_PREFIXES: Final = ("Campo personalizado", "Campo personalizzato")
_CUSTOM_FIELDS: Final = (
    "Request Type",
    "Team",
    "Channel",
    "Time to first response",
    "Time to resolution",
    "[CHART] Date of First Response",
    "Reopens",
    "Transfers",
    *(label for label, _, _ in SERVICE_FIELD_LABELS.values() if label != "Description"),
)

_SPANISH_HEADERS: Final = {
    "Resumen": "Summary",
    "Clave de incidencia": "Issue key",
    "ID de incidencia": "Issue id",
    "Tipo de incidencia": "Issue Type",
    "Estado": "Status",
    "Categoría de estado": "Status Category",
    "Prioridad": "Priority",
    "Resolución": "Resolution",
    "Responsable": "Assignee",
    "Informador": "Reporter",
    "Creada": "Created",
    "Actualizada": "Updated",
    "Resuelta": "Resolved",
    "Etiquetas": "Labels",
    "Descripción": "Description",
    "Comentario": "Comment",
}
_ITALIAN_HEADERS: Final = {
    "Riepilogo": "Summary",
    "Chiave ticket": "Issue key",
    "ID ticket": "Issue id",
    "Tipo ticket": "Issue Type",
    "Stato": "Status",
    "Categoria stato": "Status Category",
    "Priorità": "Priority",
    "Risoluzione": "Resolution",
    "Assegnatario": "Assignee",
    "Autore": "Reporter",
    "Creato": "Created",
    "Aggiornato": "Updated",
    "Risolto": "Resolved",
    "Etichette": "Labels",
    "Descrizione": "Description",
    "Commento": "Comment",
}

# "Open" is where a Jira request starts, before anyone works on it: the canonical "new".
_STATUS: Final = {
    # English (Jira Service Management defaults and common workflow names)
    "new": "new",
    "to do": "new",
    "open": "new",
    "reopened": "open",
    "in progress": "open",
    "work in progress": "open",
    "waiting for support": "open",
    "escalated": "open",
    "waiting for customer": "pending",
    "pending": "on_hold",
    "waiting for approval": "on_hold",
    "waiting for third party": "on_hold",
    "resolved": "solved",
    "done": "closed",
    "closed": "closed",
    "canceled": "canceled",
    "cancelled": "canceled",
    "declined": "canceled",
    "won't do": "canceled",
    # Italian
    "nuovo": "new",
    "da fare": "new",
    "aperto": "new",
    "riaperto": "open",
    "in corso": "open",
    "in lavorazione": "open",
    "in attesa di supporto": "open",
    "in attesa del cliente": "pending",
    "in attesa": "on_hold",
    "in sospeso": "on_hold",
    "in attesa di terze parti": "on_hold",
    "risolto": "solved",
    "chiuso": "closed",
    "completato": "closed",
    "fatto": "closed",
    "annullato": "canceled",
    "rifiutato": "canceled",
    # Spanish
    "nuevo": "new",
    "nueva": "new",
    "por hacer": "new",
    "tareas por hacer": "new",
    "abierto": "new",
    "abierta": "new",
    "reabierto": "open",
    "en curso": "open",
    "en progreso": "open",
    "esperando soporte": "open",
    "esperando al cliente": "pending",
    "esperando por el cliente": "pending",
    "pendiente": "on_hold",
    "resuelto": "solved",
    "resuelta": "solved",
    "cerrado": "closed",
    "cerrada": "closed",
    "listo": "closed",
    "hecho": "closed",
    "cancelado": "canceled",
    "cancelada": "canceled",
    "rechazado": "canceled",
    "rechazada": "canceled",
}
# Every workflow status belongs to one of three categories: the fallback for custom statuses.
_STATUS_CATEGORY: Final = {
    "to do": "new",
    "in progress": "open",
    "done": "closed",
    "da fare": "new",
    "in corso": "open",
    "completato": "closed",
    "fatto": "closed",
    "por hacer": "new",
    "en curso": "open",
    "listo": "closed",
    "hecho": "closed",
}
_PRIORITY: Final = {
    "highest": "urgent",
    "blocker": "urgent",
    "critical": "urgent",
    "high": "high",
    "major": "high",
    "medium": "normal",
    "low": "low",
    "minor": "low",
    "lowest": "low",
    "trivial": "low",
    "più alta": "urgent",
    "alta": "high",
    "media": "normal",
    "bassa": "low",
    "più bassa": "low",
    "más alta": "urgent",
    "muy alta": "urgent",
    "baja": "low",
    "más baja": "low",
    "muy baja": "low",
}
_CHANNEL: Final = {
    "email": "email",
    "e-mail": "email",
    "correo electrónico": "email",
    "portal": "web",
    "customer portal": "web",
    "portale": "web",
    "portal de clientes": "web",
    "web": "web",
    "phone": "phone",
    "telefono": "phone",
    "teléfono": "phone",
    "chat": "chat",
    "slack": "chat",
    "microsoft teams": "chat",
    "api": "api",
    "social": "social",
    "social media": "social",
    "social network": "social",
    "redes sociales": "social",
    "walk-in": "walk_in",
    "in person": "walk_in",
    "di persona": "walk_in",
    "en persona": "walk_in",
}

# Words that mark a complaint in a request type, label, type or category, in the product's
# languages: complaint, reclamo/reclami/reclamación/réclamation, queja, Beschwerde.


def _custom_field(label: str) -> str:
    return f"Custom field ({label})"


def _localized_headers() -> dict[str, str]:
    custom = {
        f"{prefix} ({label})": _custom_field(label)
        for prefix in _CUSTOM_FIELD_PREFIXES
        for label in _CUSTOM_FIELDS
    }
    return {**_SPANISH_HEADERS, **_ITALIAN_HEADERS, **custom}


def _english_months(column: str) -> str:
    """SQL giving the column's text with a Spanish or Italian month token made English.

    One map look-up of the token between the slashes: on a million rows a regular expression
    per month name costs several times more.
    """
    value = f"trim({quote(column)})"
    day, token, rest = (f"split_part({value}, '/', {n})" for n in (1, 2, 3))
    month = f"rtrim({token}, '.')"  # Spanish abbreviations may end in a dot: "may."
    months = ", ".join(f"'{local}': '{english}'" for local, english in _LOCAL_MONTHS.items())
    english = f"coalesce(MAP {{{months}}}[lower({month})], {month})"
    return (
        f"case when {value} like '%/%/%' "
        f"then concat({day}, '/', {english}, '/', {rest}) else {value} end"
    )


def jira_timestamp(column: str) -> Field:
    """A Jira date-time ("05/Mar/25 9:14 AM", "05/mag/25 14:07") in the source zone, as UTC."""
    formats = ", ".join(f"'{f}'" for f in (*_FORMATS, *ISO_FORMATS))
    return expression(
        f"critica_utc_timestamp({_english_months(column)}, [{formats}])",
        (column,),
        "a date and time",
    )


def _sla_breached(column: str) -> Field:
    """Jira gives the SLA time remaining (h:mm); below zero the target was missed."""
    return expression(
        f"critica_duration_minutes({quote(column)}, 60) < 0",
        (column,),
        "an SLA time remaining (h:mm)",
    )


def _label_columns(columns: Sequence[str]) -> list[str]:
    """The repeated Labels columns, named Labels, Labels.1, Labels.2... by the reader."""
    return [c for c in columns if re.fullmatch(r"Labels(\.\d+)?", c)]


def _fields_for_columns(
    columns: Sequence[str], _header_records: Sequence[Sequence[str]]
) -> Mapping[str, Field]:
    """Fields whose source columns vary: repeated labels and optional fallbacks."""
    labels = _label_columns(columns)
    request_type = _custom_field("Request Type")
    fields: dict[str, Field] = {
        **complaint_fields(columns, (request_type, *labels)),
        "category": text(request_type if request_type in columns else "Issue Type"),
    }
    if labels:
        cells = ", ".join(f"nullif(trim({quote(c)}), '')" for c in labels)
        fields["tags"] = expression(
            f"list_filter([{cells}], lambda t: t is not null)",
            tuple(labels),
            "a list of labels",
            strict=False,
        )
    if "Status Category" in columns:
        by_status = choice("Status", _STATUS).sql
        by_category = choice("Status Category", _STATUS_CATEGORY).sql
        fields["status"] = expression(
            f"coalesce({by_status}, {by_category})",
            ("Status", "Status Category"),
            "a known value",
            strict=False,
        )
    return fields


JIRA: Final = ExportProfile(
    name="jira",
    entity="tickets",
    source_system="jira",
    title="Jira Service Management issue CSV export",
    signature=("Summary", "Issue key", "Issue Type", "Created", "Reporter"),
    required=("Issue key", "Created"),
    fields={
        "ticket_id": text("Issue key"),
        "created_at": jira_timestamp("Created"),
        "updated_at": jira_timestamp("Updated"),
        "first_public_reply_at": jira_timestamp(_custom_field("[CHART] Date of First Response")),
        "last_resolved_at": jira_timestamp("Resolved"),
        # Custom statuses not listed here stay NULL: the marts then judge by the dates.
        "status": choice("Status", _STATUS),
        "status_raw": text("Status"),
        "priority": choice("Priority", _PRIORITY),
        "channel": choice(_custom_field("Channel"), _CHANNEL, otherwise="other"),
        "team": text(_custom_field("Team")),
        "agent": text("Assignee"),
        "subject": text("Summary"),
        "reopen_count": integer(_custom_field("Reopens")),
        "transfer_count": integer(_custom_field("Transfers")),
        "sla_response_breached": _sla_breached(_custom_field("Time to first response")),
        "sla_resolution_breached": _sla_breached(_custom_field("Time to resolution")),
        **service_fields(lambda label, _kind: _custom_field(label)),
        "escalated_at": jira_timestamp(_custom_field("Escalated at")),
        "follow_up_at": jira_timestamp(_custom_field("Follow-up at")),
        "description": text("Description"),
    },
    header_aliases=_localized_headers(),
    requester_name_columns=("Reporter",),
    requester_identity_columns=("Reporter",),
    resolve_fields=_fields_for_columns,
)

PROFILES: Final = (JIRA,)

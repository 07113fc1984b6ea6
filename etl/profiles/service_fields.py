"""Service-quality facts that help desks keep in custom fields, named once for every tool.

No help desk exports "call-back promised" or "fault attribution" natively; desks that track
them add custom fields. Critica documents one set of field labels (docs/data-model.md) and each
profile finds them under its tool's custom-field naming (``Fault attribution [list]`` in Zendesk,
``Custom field (Fault attribution)`` in Jira, the bare label elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Final

from etl.profiles.base import Field, boolean, choice, expression, integer, quote, text, timestamp

# A complaint word in English, French, Italian, Spanish or German, lower case.
_COMPLAINT_PATTERN: Final = r"complaint|r[eé]clam|queja|beschwerde"

FAULT_ATTRIBUTION_VALUES: Final = {
    "own": "own",
    "our fault": "own",
    "internal": "own",
    "interno": "own",
    "interna": "own",
    "propio": "own",
    "nostro": "own",
    "intern": "own",
    "interne": "own",
    "third party": "third_party",
    "third_party": "third_party",
    "third-party": "third_party",
    "vendor": "third_party",
    "supplier": "third_party",
    "terze parti": "third_party",
    "terzi": "third_party",
    "fornitore": "third_party",
    "tercero": "third_party",
    "terceros": "third_party",
    "proveedor": "third_party",
    "drittanbieter": "third_party",
    "dritte": "third_party",
    "tiers": "third_party",
    "fournisseur": "third_party",
    "user": "user",
    "customer": "user",
    "utente": "user",
    "cliente": "user",
    "usuario": "user",
    "kunde": "user",
    "benutzer": "user",
    "utilisateur": "user",
    "client": "user",
    "unknown": "unknown",
    "sconosciuto": "unknown",
    "desconocido": "unknown",
    "unbekannt": "unknown",
    "inconnu": "unknown",
}

# Canonical column -> (field label, Zendesk field type, how to read it).
SERVICE_FIELD_LABELS: Final[dict[str, tuple[str, str, Callable[[str], Field]]]] = {
    "is_escalated": ("Escalated to team lead", "checkbox", boolean),
    "escalated_at": ("Escalated at", "date", timestamp),
    "has_follow_up": ("Follow-up done", "checkbox", boolean),
    "follow_up_at": ("Follow-up at", "date", timestamp),
    "is_callback_promised": ("Call-back promised", "checkbox", boolean),
    "is_callback_kept": ("Call-back kept", "checkbox", boolean),
    "customer_update_count": ("Customer updates", "integer", integer),
    "is_contact_ended_for_abuse": ("Contact ended for abuse", "checkbox", boolean),
    "is_out_of_scope": ("Out of scope", "checkbox", boolean),
    "fault_attribution": (
        "Fault attribution",
        "list",
        lambda column: choice(column, FAULT_ATTRIBUTION_VALUES, otherwise="unknown"),
    ),
    "description": ("Description", "text", text),
}


def service_fields(column_for: Callable[[str, str], str]) -> dict[str, Field]:
    """The service-quality fields under one tool's custom-field naming.

    Args:
        column_for: Maps (field label, Zendesk-style field type) to the export's column name.

    Returns:
        Canonical column -> field rule, ready to merge into a profile's ``fields``.
    """
    return {
        canonical: read(column_for(label, kind))
        for canonical, (label, kind, read) in SERVICE_FIELD_LABELS.items()
    }


def complaint_fields(columns: Iterable[str], candidates: Sequence[str]) -> dict[str, Field]:
    """``is_complaint`` from the candidate columns the file has (empty when it has none).

    A ticket is a complaint when any of them (a request type, a label, a ticket type, a
    category) contains a complaint word in one of the product's languages.
    """
    present = set(columns)
    sources = tuple(c for c in candidates if c in present)
    if not sources:
        return {}
    texts = ", ".join(f"coalesce({quote(c)}, '')" for c in sources)
    sql = f"regexp_matches(lower(concat_ws(' ', {texts})), '{_COMPLAINT_PATTERN}')"
    return {"is_complaint": expression(sql, sources, "a complaint marker", strict=False)}

"""What differs between loading tickets and loading survey responses: keys, texts, rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from etl.profiles.base import Entity


@dataclass(frozen=True)
class RowRule:
    """A business rule on parsed values; a row breaking it goes to quarantine.

    Attributes:
        column: Canonical column blamed (its source column is named in the quarantine).
        broken_when: SQL condition over canonical columns, true when the row is invalid.
        reason: What is wrong, in words the person fixing the export understands.
    """

    column: str
    broken_when: str
    reason: str


@dataclass(frozen=True)
class EntitySpec:
    """How rows of one entity are keyed, versioned, redacted and checked."""

    entity: Entity
    table: str
    superseded_table: str
    record_id: str
    version_order: str
    text_columns: tuple[str, ...]
    rules: tuple[RowRule, ...]


_GRACE: Final = "interval 1 minute"  # clocks of help-desk servers and agents' PCs drift a little

TICKETS: Final = EntitySpec(
    entity="tickets",
    table="core.tickets",
    superseded_table="raw.superseded_ticket_versions",
    record_id="ticket_id",
    version_order="updated_at",
    text_columns=("subject", "description"),
    rules=(
        RowRule("ticket_id", "ticket_id is null", "the ticket id is missing"),
        RowRule("created_at", "created_at is null", "the creation time is missing"),
        RowRule(
            "first_public_reply_at",
            f"first_public_reply_at < created_at - {_GRACE}",
            "the first reply is before the ticket was created",
        ),
        RowRule(
            "first_resolved_at",
            f"first_resolved_at < created_at - {_GRACE}",
            "the ticket was resolved before it was created",
        ),
        RowRule(
            "last_resolved_at",
            f"last_resolved_at < created_at - {_GRACE}",
            "the ticket was resolved before it was created",
        ),
        RowRule(
            "closed_at",
            f"closed_at < created_at - {_GRACE}",
            "the ticket was closed before it was created",
        ),
        RowRule("reopen_count", "reopen_count < 0", "the reopen count cannot be negative"),
        RowRule("transfer_count", "transfer_count < 0", "the transfer count cannot be negative"),
        RowRule("agent_reply_count", "agent_reply_count < 0", "the reply count cannot be negative"),
        RowRule(
            "customer_update_count",
            "customer_update_count < 0",
            "the customer update count cannot be negative",
        ),
    ),
)

SURVEY_RESPONSES: Final = EntitySpec(
    entity="survey_responses",
    table="core.survey_responses",
    superseded_table="raw.superseded_survey_response_versions",
    record_id="response_id",
    version_order="coalesce(answered_at, sent_at)",
    text_columns=("comment",),
    rules=(
        RowRule("response_id", "response_id is null", "the response id is missing"),
        RowRule(
            "answered_at",
            f"answered_at < sent_at - {_GRACE}",
            "the survey was answered before it was sent",
        ),
    ),
)

ENTITIES: Final = {spec.entity: spec for spec in (TICKETS, SURVEY_RESPONSES)}

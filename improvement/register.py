"""The continual improvement register: entries, their lifecycle and the history of its states."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Final, Literal, get_args

from improvement.periods import utc_now

State = Literal["new", "accepted", "in_progress", "on_hold", "review", "closed", "canceled"]
Priority = Literal["low", "medium", "high", "critical"]
Effort = Literal["small", "medium", "large"]

STATES: Final[tuple[str, ...]] = get_args(State)
PRIORITIES: Final[tuple[str, ...]] = get_args(Priority)
EFFORTS: Final[tuple[str, ...]] = get_args(Effort)
STATE_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "new": "New",
        "accepted": "Accepted",
        "in_progress": "In progress",
        "on_hold": "On hold",
        "review": "Review",
        "closed": "Closed",
        "canceled": "Canceled",
    }
)
# ITIL 4's lifecycle as ServiceNow runs it, with Assess/Approved folded into Accepted. Review can
# go back to In progress: "did we get there?" may answer "not yet".
ALLOWED_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "new": frozenset({"accepted", "canceled"}),
        "accepted": frozenset({"in_progress", "on_hold", "canceled"}),
        "in_progress": frozenset({"on_hold", "review", "canceled"}),
        "on_hold": frozenset({"in_progress", "canceled"}),
        "review": frozenset({"in_progress", "closed", "canceled"}),
        "closed": frozenset(),
        "canceled": frozenset(),
    }
)
# States whose targets get check-ups: accepted and not yet finished.
ACTIVE_STATES: Final = frozenset({"accepted", "in_progress", "on_hold", "review"})
# Leaving the plan needs a why that the next review can read.
_REASON_REQUIRED: Final = frozenset({"on_hold", "canceled"})
# The fields people edit after creation.
EDITABLE_FIELDS: Final = (
    "title", "description", "justification", "owner", "source", "scope", "priority", "effort",
    "planned_actions", "lessons_learned",
)  # fmt: skip


class TransitionError(ValueError):
    """A state change the lifecycle does not allow."""


@dataclass(frozen=True)
class Improvement:
    """One entry of the continual improvement register.

    Attributes:
        improvement_id: Register number.
        title: The improvement in a few words.
        description: What is wrong today and what should change.
        justification: Why it is worth doing: the business case, the KPI or complaints behind it.
        owner: Who coordinates it.
        raised_by: Who logged it.
        source: Where the idea came from (complaint theme, survey, KPI breach, audit...).
        scope: The team or service it concerns.
        priority: low, medium, high or critical.
        effort: small, medium or large.
        planned_actions: The process change: how we get there.
        state: Where it is in the lifecycle (:data:`STATES`).
        lessons_learned: What to keep and what to try next, written at review.
        root_cause_ids: The root causes it addresses (stable ids of the topic model).
        created_at: When it was logged (UTC).
        updated_at: When a field or the state last changed (UTC).
    """

    improvement_id: int
    title: str
    description: str
    justification: str
    owner: str
    raised_by: str
    source: str
    scope: str
    priority: Priority
    effort: Effort
    planned_actions: str
    state: State
    lessons_learned: str
    root_cause_ids: tuple[int, ...]
    created_at: datetime
    updated_at: datetime

    @property
    def is_active(self) -> bool:
        """Whether its targets get check-ups (accepted and not closed or canceled)."""
        return self.state in ACTIVE_STATES


@dataclass(frozen=True)
class StateChange:
    """One step of an improvement's lifecycle; the first one (from None) is its creation."""

    change_id: int
    improvement_id: int
    changed_at: datetime
    author: str
    from_state: State | None
    to_state: State
    reason: str


_SELECT_IMPROVEMENTS: Final = """
    select improvement_id, title, description, justification, owner, raised_by, source, scope,
        priority, effort, planned_actions, state, lessons_learned, created_at, updated_at
    from improvements
"""


def create_improvement(
    workspace: sqlite3.Connection,
    *,
    title: str,
    raised_by: str,
    description: str = "",
    justification: str = "",
    owner: str = "",
    source: str = "",
    scope: str = "",
    priority: Priority = "medium",
    effort: Effort = "medium",
    planned_actions: str = "",
    root_cause_ids: Sequence[int] = (),
) -> Improvement:
    """Log a new improvement in state New, with the creation as its first state change.

    Args:
        workspace: An open workspace (:func:`warehouse.workspace.open_workspace`).
        title: The improvement in a few words.
        raised_by: Who logs it.
        description: What is wrong today and what should change.
        justification: The business case.
        owner: Who coordinates it.
        source: Where the idea came from.
        scope: The team or service it concerns.
        priority: One of :data:`PRIORITIES`.
        effort: One of :data:`EFFORTS`.
        planned_actions: The process change.
        root_cause_ids: Root causes it addresses.

    Returns:
        The new entry.

    Raises:
        ValueError: for an empty title or author, or an unknown priority or effort.
    """
    _check_text("title", title)
    _check_text("raised_by", raised_by)
    _check_choice("priority", priority, PRIORITIES)
    _check_choice("effort", effort, EFFORTS)
    now = utc_now()
    cursor = workspace.execute(
        """
        insert into improvements (title, description, justification, owner, raised_by, source,
            scope, priority, effort, planned_actions, state, created_at, updated_at)
        values (:title, :description, :justification, :owner, :raised_by, :source, :scope,
            :priority, :effort, :planned_actions, 'new', :now, :now)
        """,
        {
            "title": title.strip(),
            "description": description,
            "justification": justification,
            "owner": owner,
            "raised_by": raised_by.strip(),
            "source": source,
            "scope": scope,
            "priority": priority,
            "effort": effort,
            "planned_actions": planned_actions,
            "now": now,
        },
    )
    improvement_id = int(cursor.lastrowid or 0)
    _record_state_change(workspace, improvement_id, raised_by.strip(), None, "new", "logged")
    link_root_causes(workspace, improvement_id, root_cause_ids)
    return get_improvement(workspace, improvement_id)


def update_improvement(
    workspace: sqlite3.Connection, improvement_id: int, **fields: str
) -> Improvement:
    """Edit the text fields of an entry (not its state: see :func:`change_state`).

    Args:
        workspace: An open workspace.
        improvement_id: The entry.
        **fields: New values of any of :data:`EDITABLE_FIELDS`.

    Returns:
        The entry after the edit.

    Raises:
        ValueError: for an unknown field or entry, an empty title, a bad priority or effort.
        KeyError: if there is no such entry.
    """
    for name in fields:
        _check_choice("field", name, EDITABLE_FIELDS)
    if "title" in fields:
        _check_text("title", fields["title"])
    if "priority" in fields:
        _check_choice("priority", fields["priority"], PRIORITIES)
    if "effort" in fields:
        _check_choice("effort", fields["effort"], EFFORTS)
    get_improvement(workspace, improvement_id)
    if fields:
        # Column names come from EDITABLE_FIELDS only; every value is a parameter.
        assignments = ", ".join(f"{name} = :{name}" for name in fields)
        workspace.execute(
            f"update improvements set {assignments}, updated_at = :now"  # noqa: S608
            " where improvement_id = :improvement_id",
            {**fields, "now": utc_now(), "improvement_id": improvement_id},
        )
    return get_improvement(workspace, improvement_id)


def link_root_causes(
    workspace: sqlite3.Connection, improvement_id: int, root_cause_ids: Sequence[int]
) -> None:
    """Link root causes (stable topic-model ids) to an entry; linking one twice is harmless."""
    workspace.executemany(
        "insert or ignore into improvement_root_causes (improvement_id, root_cause_id)"
        " values (?, ?)",
        [(improvement_id, int(root_cause_id)) for root_cause_id in root_cause_ids],
    )


def unlink_root_cause(
    workspace: sqlite3.Connection, improvement_id: int, root_cause_id: int
) -> None:
    """Remove the link between an entry and a root cause."""
    workspace.execute(
        "delete from improvement_root_causes where improvement_id = ? and root_cause_id = ?",
        (improvement_id, root_cause_id),
    )


def change_state(
    workspace: sqlite3.Connection,
    improvement_id: int,
    to_state: State,
    *,
    author: str,
    reason: str = "",
) -> Improvement:
    """Move an entry along its lifecycle and record the step.

    Args:
        workspace: An open workspace.
        improvement_id: The entry.
        to_state: The new state; must be allowed from the current one (:data:`ALLOWED_TRANSITIONS`).
        author: Who changes it.
        reason: Why; required for On hold and Canceled.

    Returns:
        The entry in its new state.

    Raises:
        TransitionError: if the lifecycle does not allow the step, or a reason is missing.
        KeyError: if there is no such entry.
    """
    _check_text("author", author)
    _check_choice("state", to_state, STATES)
    current = get_improvement(workspace, improvement_id)
    if to_state not in ALLOWED_TRANSITIONS[current.state]:
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[current.state])) or "none (it is final)"
        raise TransitionError(
            f"Improvement {improvement_id} is {STATE_LABELS[current.state]}: it cannot move to "
            f"{STATE_LABELS[to_state]}. Allowed next states: {allowed}."
        )
    if to_state in _REASON_REQUIRED and not reason.strip():
        raise TransitionError(f"Moving to {STATE_LABELS[to_state]} needs a reason.")
    workspace.execute(
        "update improvements set state = ?, updated_at = ? where improvement_id = ?",
        (to_state, utc_now(), improvement_id),
    )
    _record_state_change(
        workspace, improvement_id, author.strip(), current.state, to_state, reason.strip()
    )
    return get_improvement(workspace, improvement_id)


def get_improvement(workspace: sqlite3.Connection, improvement_id: int) -> Improvement:
    """One entry by its register number.

    Raises:
        KeyError: if there is no such entry.
    """
    found = _improvements(workspace, "where improvement_id = :id", {"id": improvement_id})
    if not found:
        raise KeyError(f"There is no improvement {improvement_id} in the register.")
    return found[0]


def list_improvements(
    workspace: sqlite3.Connection, *, states: Sequence[str] | None = None
) -> list[Improvement]:
    """Register entries, newest first, optionally only in some states."""
    entries = _improvements(workspace, "", {})
    return [entry for entry in entries if states is None or entry.state in states]


def state_history(workspace: sqlite3.Connection, improvement_id: int) -> list[StateChange]:
    """Every state an entry went through, oldest first (its creation is the first)."""
    rows = workspace.execute(
        "select change_id, improvement_id, changed_at, author, from_state, to_state, reason"
        " from improvement_state_changes where improvement_id = ? order by change_id",
        (improvement_id,),
    ).fetchall()
    return [
        StateChange(
            change_id=int(change_id),
            improvement_id=int(entry_id),
            changed_at=datetime.fromisoformat(changed_at),
            author=str(author),
            from_state=from_state,
            to_state=to_state,
            reason=str(reason),
        )
        for change_id, entry_id, changed_at, author, from_state, to_state, reason in rows
    ]


def _improvements(
    workspace: sqlite3.Connection, where: str, parameters: Mapping[str, object]
) -> list[Improvement]:
    rows = workspace.execute(
        f"{_SELECT_IMPROVEMENTS} {where} order by improvement_id desc", parameters
    ).fetchall()
    links: dict[int, list[int]] = {}
    for improvement_id, root_cause_id in workspace.execute(
        "select improvement_id, root_cause_id from improvement_root_causes"
        " order by improvement_id, root_cause_id"
    ):
        links.setdefault(int(improvement_id), []).append(int(root_cause_id))
    return [
        Improvement(
            improvement_id=int(row[0]),
            title=row[1],
            description=row[2],
            justification=row[3],
            owner=row[4],
            raised_by=row[5],
            source=row[6],
            scope=row[7],
            priority=row[8],
            effort=row[9],
            planned_actions=row[10],
            state=row[11],
            lessons_learned=row[12],
            root_cause_ids=tuple(links.get(int(row[0]), ())),
            created_at=datetime.fromisoformat(row[13]),
            updated_at=datetime.fromisoformat(row[14]),
        )
        for row in rows
    ]


def _record_state_change(
    workspace: sqlite3.Connection,
    improvement_id: int,
    author: str,
    from_state: str | None,
    to_state: str,
    reason: str,
) -> None:
    workspace.execute(
        "insert into improvement_state_changes"
        " (improvement_id, changed_at, author, from_state, to_state, reason)"
        " values (?, ?, ?, ?, ?, ?)",
        (improvement_id, utc_now(), author, from_state, to_state, reason),
    )


def _check_text(argument: str, value: str) -> None:
    if not value.strip():
        raise ValueError(f"{argument} must not be empty.")


def _check_choice(argument: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{argument}: {value!r} is not one of {', '.join(allowed)}.")

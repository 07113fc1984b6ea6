"""The register: entries, their lifecycle and the history of their states."""

from __future__ import annotations

import sqlite3

import pytest

from improvement.register import (
    Improvement,
    State,
    TransitionError,
    change_state,
    create_improvement,
    get_improvement,
    link_root_causes,
    list_improvements,
    state_history,
    unlink_root_cause,
    update_improvement,
)


def test_a_new_entry_starts_in_state_new_with_its_creation_in_the_history(
    workspace: sqlite3.Connection,
) -> None:
    entry = create_improvement(
        workspace, title="Triage rota", raised_by="lead", priority="high", root_cause_ids=[7, 3]
    )

    assert entry.state == "new"
    assert entry.root_cause_ids == (3, 7)
    assert [(s.from_state, s.to_state, s.author) for s in state_history(workspace, 1)] == [
        (None, "new", "lead")
    ]


def test_the_whole_lifecycle_is_recorded_in_order(
    rota: Improvement, workspace: sqlite3.Connection
) -> None:
    number = rota.improvement_id
    change_state(workspace, number, "on_hold", author="lead", reason="waiting for new hires")
    change_state(workspace, number, "in_progress", author="lead")
    change_state(workspace, number, "review", author="Giulia")
    closed = change_state(workspace, number, "closed", author="Giulia", reason="targets met")

    assert closed.state == "closed"
    assert not closed.is_active
    steps = state_history(workspace, number)
    assert [(s.from_state, s.to_state) for s in steps] == [
        (None, "new"), ("new", "accepted"), ("accepted", "in_progress"),
        ("in_progress", "on_hold"), ("on_hold", "in_progress"), ("in_progress", "review"),
        ("review", "closed"),
    ]  # fmt: skip
    assert steps[3].reason == "waiting for new hires"


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "closed"),  # New must be accepted before anything else
        ([], "in_progress"),
        (["accepted", "in_progress"], "new"),
        (["canceled"], "accepted"),  # Canceled is final
    ],
)
def test_a_step_the_lifecycle_does_not_allow_is_refused_and_not_recorded(
    workspace: sqlite3.Connection, path: list[State], refused: State
) -> None:
    entry = create_improvement(workspace, title="Rota", raised_by="lead")
    for state in path:
        change_state(workspace, entry.improvement_id, state, author="lead", reason="because")
    before = state_history(workspace, entry.improvement_id)

    with pytest.raises(TransitionError, match="cannot move"):
        change_state(workspace, entry.improvement_id, refused, author="lead", reason="x")

    assert state_history(workspace, entry.improvement_id) == before


def test_putting_on_hold_or_canceling_needs_a_reason(
    rota: Improvement, workspace: sqlite3.Connection
) -> None:
    for state in ("on_hold", "canceled"):
        with pytest.raises(TransitionError, match="needs a reason"):
            change_state(workspace, rota.improvement_id, state, author="lead")

    assert get_improvement(workspace, rota.improvement_id).state == "in_progress"


def test_editing_changes_the_fields_but_not_the_state(
    rota: Improvement, workspace: sqlite3.Connection
) -> None:
    edited = update_improvement(workspace, rota.improvement_id, owner="Marco", priority="critical")

    assert (edited.owner, edited.priority, edited.state) == ("Marco", "critical", "in_progress")
    assert edited.updated_at >= rota.updated_at
    with pytest.raises(ValueError, match="field"):
        update_improvement(workspace, rota.improvement_id, state="closed")
    with pytest.raises(ValueError, match="priority"):
        update_improvement(workspace, rota.improvement_id, priority="urgent-ish")


def test_root_causes_can_be_linked_and_unlinked(
    rota: Improvement, workspace: sqlite3.Connection
) -> None:
    link_root_causes(workspace, rota.improvement_id, [4, 9, 4])
    unlink_root_cause(workspace, rota.improvement_id, 9)

    assert get_improvement(workspace, rota.improvement_id).root_cause_ids == (4,)


def test_entries_are_listed_newest_first_and_filtered_by_state(
    rota: Improvement, workspace: sqlite3.Connection
) -> None:
    idea = create_improvement(workspace, title="Call-back reminders", raised_by="agent")

    assert [e.title for e in list_improvements(workspace)] == [idea.title, rota.title]
    assert list_improvements(workspace, states=["new"]) == [idea]


def test_an_entry_needs_a_title_and_an_author(workspace: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="title"):
        create_improvement(workspace, title="  ", raised_by="lead")
    with pytest.raises(KeyError):
        get_improvement(workspace, 99)

"""The improvement commands end to end on the desk's warehouse and its workspace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner, Result

from critica.cli import app
from improvement.checkups import checkup_history, notes_for_month, replacements
from improvement.register import get_improvement, state_history
from improvement.targets import list_targets
from warehouse.store import WarehouseLocation
from warehouse.workspace import open_workspace


def critica(warehouse: Path, *args: object) -> Result:
    return CliRunner().invoke(
        app, ["--warehouse", str(warehouse), *map(str, args)], env={"COLUMNS": "200"}
    )


def test_the_readme_walkthrough_logs_an_improvement_and_checks_its_target(desk_path: Path) -> None:
    steps = [
        ("improvement", "add", "--title", "Triage rota", "--owner", "Giulia",
         "--actions", "One agent per team answers new tickets first", "--root-cause", "3",
         "--author", "lead"),
        ("improvement", "state", "1", "accepted", "--author", "lead"),
        ("improvement", "state", "1", "in_progress", "--author", "lead"),
        ("target", "add", "--improvement", "1", "--metric", "first_response_minutes_median",
         "--target=-50%", "--baseline", "2025-01:2025-03", "--start", "2025-04-01",
         "--due", "2025-06-30", "--author", "lead"),
        ("checkup", "--month", "2025-04", "--author", "lead"),
    ]  # fmt: skip
    results = [critica(desk_path, *step) for step in steps]

    assert [r.exit_code for r in results] == [0] * len(steps), [r.output for r in results]
    assert "Logged improvement 1: Triage rota (New)" in results[0].output
    assert "baseline 120 min (n=120, 2025-01 to 2025-03) -> 60 min" in results[3].output
    assert "at risk" in results[4].output and "could be noise" in results[4].output
    with open_workspace(WarehouseLocation(desk_path).workspace_path) as workspace:
        entry = get_improvement(workspace, 1)
        assert (entry.state, entry.owner, entry.root_cause_ids) == ("in_progress", "Giulia", (3,))
        assert [step.to_state for step in state_history(workspace, 1)] == [
            "new", "accepted", "in_progress",
        ]  # fmt: skip
        [target] = list_targets(workspace)
        assert [c.period_month.month for c in checkup_history(workspace, target.target_id)] == [4]


def prepared(desk_path: Path) -> Path:
    for step in (
        ("improvement", "add", "--title", "Triage rota", "--author", "lead"),
        ("improvement", "state", "1", "accepted", "--author", "lead"),
        ("target", "add", "--improvement", "1", "--metric", "sla_response_compliance",
         "--target", "0.9", "--baseline", "2025-01:2025-03", "--start", "2025-04-01",
         "--due", "2025-06-30", "--author", "lead"),
    ):  # fmt: skip
        assert critica(desk_path, *step).exit_code == 0
    return desk_path


def test_a_month_on_record_is_kept_and_force_replaces_it_with_a_reason(desk_path: Path) -> None:
    prepared(desk_path)
    first = critica(desk_path, "checkup", "--month", "2025-05")

    kept = critica(desk_path, "checkup", "--month", "2025-05")
    unexplained = critica(desk_path, "checkup", "--month", "2025-05", "--force")
    forced = critica(
        desk_path, "checkup", "--month", "2025-05", "--force", "--reason", "late export"
    )

    assert first.exit_code == kept.exit_code == forced.exit_code == 0
    assert "Already on record and kept" in kept.output
    assert unexplained.exit_code == 2 and "needs a reason" in unexplained.output
    assert "Check-up 1 replaced by 2." in forced.output
    with open_workspace(WarehouseLocation(desk_path).workspace_path) as workspace:
        assert [r.reason for r in replacements(workspace, 1)] == ["late export"]


def test_due_runs_every_missing_month_up_to_the_last_complete_one(desk_path: Path) -> None:
    prepared(desk_path)

    due = critica(desk_path, "checkup", "--due")
    again = critica(desk_path, "checkup", "--due")
    june = critica(desk_path, "checkup", "--month", "2025-06")

    assert due.exit_code == 0 and "2025-04" in due.output and "2025-05" in due.output
    assert "2025-06" not in due.output  # June's data ends on the 28th
    assert "Nothing to check" in again.output
    assert june.exit_code == 2 and "not complete" in june.output


def test_a_note_is_attached_and_the_report_is_written(desk_path: Path, tmp_path: Path) -> None:
    prepared(desk_path)
    critica(desk_path, "checkup", "--month", "2025-04")

    noted = critica(desk_path, "note", "1", "Rota in two teams only", "--author", "Giulia")
    report = critica(
        desk_path, "report", "--month", "2025-05", "--out", tmp_path / "reports", "--no-pdf"
    )

    assert noted.exit_code == 0 and report.exit_code == 0, report.output
    html = (tmp_path / "reports" / "improvement-review-2025-05.html").read_text(encoding="utf-8")
    assert "Rota in two teams only" in html
    with open_workspace(WarehouseLocation(desk_path).workspace_path) as workspace:
        assert [note.author for note in notes_for_month(workspace, date(2025, 4, 1))] == ["Giulia"]


def test_mistakes_are_explained_not_raised(desk_path: Path) -> None:
    prepared(desk_path)

    wrong_step = critica(desk_path, "improvement", "state", "1", "closed")
    unknown_metric = critica(
        desk_path, "target", "add", "--improvement", "1", "--metric", "speed", "--target", "1",
        "--baseline", "2025-01", "--start", "2025-04-01", "--due", "2025-06-30",
    )  # fmt: skip
    neither = critica(desk_path, "checkup")

    assert wrong_step.exit_code == 2 and "cannot move to Closed" in wrong_step.output
    assert unknown_metric.exit_code == 2 and "neither a KPI" in unknown_metric.output
    assert neither.exit_code == 2 and "--month" in neither.output


def test_editing_changes_fields_and_root_cause_links(desk_path: Path) -> None:
    prepared(desk_path)

    edited = critica(
        desk_path, "improvement", "edit", "1", "--field", "owner=Marco",
        "--field", "lessons_learned=Rota works; keep it", "--link", "4", "--link", "9",
        "--unlink", "9",
    )  # fmt: skip
    shown = critica(desk_path, "improvement", "show", "1")

    assert edited.exit_code == 0, edited.output
    assert "root causes 4" in edited.output
    assert "Marco" in shown.output and "Rota works; keep it" in shown.output
    assert critica(desk_path, "improvement", "edit", "1", "--field", "owner").exit_code == 2


def test_a_target_whose_month_is_too_small_for_a_verdict_says_which_cadence_fits(
    desk_path: Path,
) -> None:
    critica(desk_path, "improvement", "add", "--title", "Billing rota", "--author", "lead")
    add = ("target", "add", "--improvement", "1", "--metric", "first_response_minutes_median",
           "--target=-50%", "--baseline", "2025-01:2025-03", "--start", "2025-04-01",
           "--due", "2025-06-30", "--team", "Billing", "--author", "lead")  # fmt: skip

    monthly = critica(desk_path, *add)
    quarterly = critica(desk_path, *add, "--cadence", "3")

    assert monthly.exit_code == quarterly.exit_code == 0, monthly.output
    assert "about 20 rows a month in this scope" in monthly.output  # 60 Billing tickets
    assert "Quarterly check-ups would have about 60" in monthly.output
    assert "check-up needs" not in quarterly.output
    assert "Quarterly check-ups would have" in critica(desk_path, "target", "list").output

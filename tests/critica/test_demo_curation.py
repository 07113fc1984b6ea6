"""The demo merges the root causes holding its slow-response complaints, as a manager would."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from critica.cli import app
from critica.improvement_cli import curate_demo_slow_response
from tests.warehouse.root_cause_desk import RootCauseDesk
from topics.curation import merged_keywords, record_and_apply
from warehouse.store import WarehouseLocation, open_for_reading, open_for_writing
from warehouse.workspace import curation_events, open_workspace

WIDE = {"COLUMNS": "200"}
# root cause -> the generator's cause of each of its complaints
WRITTEN: dict[int, list[str]] = {
    1: ["slow_first_response"] * 6 + ["billing_error"],  # chat waits
    2: ["slow_first_response"] * 3 + ["not_kept_informed"] * 2,  # phone queue
    3: ["billing_error"] * 5 + ["slow_first_response"] * 2,  # mostly billing: stays
    4: ["slow_first_response"] * 4,  # unanswered e-mail
}

KEYWORDS: dict[int, list[str]] = {
    1: ["chat", "waiting"],
    2: ["queue", "phone"],
    3: ["invoice", "charged"],
    4: ["email", "unanswered"],
}


def demo_warehouse(folder: Path) -> tuple[Path, Path]:
    """A fitted warehouse with the four causes above and the generator's truth file."""
    path = folder / "critica.duckdb"
    truth_rows = []
    with open_for_writing(path) as con:
        desk = RootCauseDesk(con)
        desk.model_version(1, is_current=True)
        for root_cause_id, written in WRITTEN.items():
            desk.root_cause(
                root_cause_id,
                f"cause {root_cause_id}",
                keywords_by_language={"en": KEYWORDS[root_cause_id]},
            )
            con.execute(
                "update topics.root_causes set document_count = $n, languages = map(['en'], [$n]) "
                "where root_cause_id = $id",
                {"n": len(written), "id": root_cause_id},
            )
            for number, cause in enumerate(written):
                ticket_id = f"{root_cause_id}{number:02d}"
                desk.complaint(ticket_id, "2025-03-03 09:00", root_cause_id)
                truth_rows.append(("zendesk", ticket_id, cause))
    truth = folder / "root_cause_truth.csv"
    with truth.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_system", "ticket_id", "root_cause", "language", "is_complaint"])
        writer.writerows([(*row, "en", "true") for row in truth_rows])
    return path, truth


def test_the_slow_response_causes_are_merged_into_the_largest_and_named(tmp_path: Path) -> None:
    warehouse, truth = demo_warehouse(tmp_path)

    said = curate_demo_slow_response(warehouse, truth)

    assert said == "root cause 1: merged 2 more into it and named it 'Slow first response'"
    reader = open_for_reading(warehouse)
    try:
        causes = dict(
            reader.execute(
                "select root_cause_id, status || ':' || coalesce(curated_label, label) "
                "from topics.root_causes order by root_cause_id"
            ).fetchall()
        )
        documents = dict(
            reader.execute(
                "select root_cause_id, count(*) from topics.document_root_causes group by all"
            ).fetchall()
        )
    finally:
        reader.close()
    assert causes == {
        1: "active:Slow first response",
        2: "merged:cause 2",
        3: "active:cause 3",
        4: "merged:cause 4",
    }
    assert documents == {1: 7 + 5 + 4, 3: 7}
    # the merged cause's keywords describe its pieces, each weighted by its complaints:
    # 4 into 1 gives chat 7, email 4, waiting 3.5, unanswered 2; then 2 (5) into that (11)
    reader = open_for_reading(warehouse)
    try:
        keywords, by_language, languages = reader.execute(
            "select keywords, keywords_by_language, languages from topics.root_causes "
            "where root_cause_id = 1"
        ).fetchone() or (None, None, None)
    finally:
        reader.close()
    assert keywords == ["chat", "email"]
    assert by_language == {"en": ["chat", "email"]}
    assert languages == {"en": 16}
    # recorded as curation decisions, so a refit applies them again
    with open_workspace(WarehouseLocation(warehouse).workspace_path) as workspace:
        decisions = [(e.action, e.root_cause_id, e.payload) for e in curation_events(workspace)]
    assert decisions == [
        ("merge", 4, {"into": 1}),
        ("merge", 2, {"into": 1}),
        ("rename", 1, {"label": "Slow first response"}),
    ]
    # a second `critica demo` finds them applied and records nothing
    assert curate_demo_slow_response(warehouse, truth) is None
    with open_workspace(WarehouseLocation(warehouse).workspace_path) as workspace:
        assert len(curation_events(workspace)) == 3


def test_no_cause_is_touched_when_none_holds_mostly_slow_responses(tmp_path: Path) -> None:
    warehouse, truth = demo_warehouse(tmp_path)
    with truth.open(encoding="utf-8") as handle:
        rows = [row.replace("slow_first_response", "rude_agent") for row in handle]
    truth.write_text("".join(rows), encoding="utf-8")

    assert curate_demo_slow_response(warehouse, truth) is None


def test_a_decision_that_cannot_be_applied_is_not_recorded(tmp_path: Path) -> None:
    warehouse, _ = demo_warehouse(tmp_path)

    with pytest.raises(ValueError, match="a split makes 2 to"):
        record_and_apply(warehouse, "split", [1], {"parts": 99}, author="lead")

    with open_workspace(WarehouseLocation(warehouse).workspace_path) as workspace:
        assert curation_events(workspace) == []
    record_and_apply(warehouse, "rename", [1], {"label": "Chat waits"}, author="lead")
    with open_workspace(WarehouseLocation(warehouse).workspace_path) as workspace:
        assert [e.action for e in curation_events(workspace)] == ["rename"]


def test_merged_keyword_lists_weigh_each_list_by_its_documents() -> None:
    # a 10, b 6.7, c 3.3 + 30, d 20, e 10 (a before e: seen first)
    assert merged_keywords([(["a", "b", "c"], 10), (["c", "d", "e"], 30)]) == ["c", "d", "a"]
    assert merged_keywords([([], 5), (["x"], 0)]) == ["x"]


def test_topics_show_lists_the_shown_causes_and_all_of_them_with_all(tmp_path: Path) -> None:
    warehouse, truth = demo_warehouse(tmp_path)
    curate_demo_slow_response(warehouse, truth)
    runner = CliRunner()

    shown = runner.invoke(app, ["--warehouse", str(warehouse), "topics", "show"], env=WIDE)
    every = runner.invoke(app, ["--warehouse", str(warehouse), "topics", "show", "--all"], env=WIDE)

    assert shown.exit_code == 0, shown.output
    assert "Slow first response" in shown.output and "en 16" in shown.output
    assert "cause 3" in shown.output and "cause 2" not in shown.output
    assert "2 merged, excluded or split-off root causes not listed (--all)." in shown.output
    assert every.exit_code == 0, every.output
    assert "cause 2" in every.output and "merged" in every.output

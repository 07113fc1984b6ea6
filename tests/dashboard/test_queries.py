"""The dashboard's own query modules on hand-made rows: service recovery and knowledge gaps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.warehouse.conftest import UTC_NINE_TO_FIVE, KpiWarehouse
from warehouse.queries.commitments import service_recovery_by_team
from warehouse.queries.difficult_contacts import knowledge_gaps, out_of_scope_tickets
from warehouse.queries.segments import segment_values
from warehouse.store import open_for_writing

MARCH_1, MARCH_31 = date(2025, 3, 1), date(2025, 3, 31)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[KpiWarehouse]:
    """Two teams' complaints, their surveys and some out-of-scope requests in March 2025."""
    with open_for_writing(tmp_path / "critica.duckdb") as con:
        desk = KpiWarehouse(con)
        desk.calendar(UTC_NINE_TO_FIVE, date(2025, 1, 1), date(2025, 12, 31))
        complaints = {
            # ticket: team, CSAT of its survey (None: NPS only), NPS, answered in
            "1": ("Billing", 5, None, "2025-03-04 10:00"),
            "2": ("Billing", 2, None, "2025-03-05 10:00"),
            "3": ("Billing", None, 9, "2025-03-06 10:00"),
            "4": ("Support", 1, 10, "2025-03-07 10:00"),  # CSAT decides, not NPS
            "5": ("Support", 4, None, "2025-04-02 10:00"),  # answered in April
        }
        for ticket, (team, csat, nps, answered_at) in complaints.items():
            desk.ticket(ticket, "2025-03-01 09:00", team=team, is_complaint=True, channel="email")
            desk.survey(
                f"r{ticket}", ticket_id=ticket, csat_score=csat, nps_score=nps,
                sent_at="2025-03-02 09:00", answered_at=answered_at,
            )  # fmt: skip
        desk.ticket("6", "2025-03-03 09:00", team="Billing", is_complaint=False)
        desk.survey("r6", ticket_id="6", csat_score=5, answered_at="2025-03-04 09:00")
        for ticket, category, created_at in (
            ("7", "warranty", "2025-03-10 09:00"),
            ("8", "warranty", "2025-03-11 09:00"),
            ("9", "shipping", "2025-03-12 09:00"),
            ("10", "shipping", "2025-02-12 09:00"),  # February
        ):
            desk.ticket(
                ticket, created_at, team="Support", channel="web", category=category,
                is_out_of_scope=True, subject=f"Question about {category}",
            )  # fmt: skip
        yield desk


def test_service_recovery_counts_complaints_whose_answered_survey_was_positive(
    desk: KpiWarehouse,
) -> None:
    table = service_recovery_by_team(desk.con, period_start=MARCH_1, period_end=MARCH_31)

    rows = {row["team"]: row for row in table.to_dict("records")}
    assert rows["(whole desk)"]["is_desk_total"]
    # March: 1 (CSAT 5) and 3 (NPS 9) recovered; 2 and 4 not; 5 answered in April; 6 no complaint.
    assert (
        rows["(whole desk)"]["complaints_surveyed"],
        rows["(whole desk)"]["complaints_recovered"],
    ) == (4, 2)
    assert (rows["Billing"]["complaints_surveyed"], rows["Billing"]["complaints_recovered"]) == (
        3,
        2,
    )
    assert rows["Support"]["service_recovery_rate"] == 0.0
    assert table["team"].iloc[0] == "(whole desk)"


def test_service_recovery_keeps_only_the_chosen_team(desk: KpiWarehouse) -> None:
    table = service_recovery_by_team(
        desk.con, period_start=MARCH_1, period_end=MARCH_31, filters={"team": "Support"}
    )

    assert set(table["team"]) == {"(whole desk)", "Support"}
    with pytest.raises(ValueError, match="agent"):
        service_recovery_by_team(
            desk.con, period_start=MARCH_1, period_end=MARCH_31, filters={"agent": "Ada"}
        )


def test_knowledge_gaps_group_the_periods_out_of_scope_requests_by_category(
    desk: KpiWarehouse,
) -> None:
    gaps = knowledge_gaps(desk.con, period_start=MARCH_1, period_end=MARCH_31)
    tickets = out_of_scope_tickets(desk.con, period_start=MARCH_1, period_end=MARCH_31)

    assert gaps[["category", "count_requests"]].to_dict("records") == [
        {"category": "warranty", "count_requests": 2},
        {"category": "shipping", "count_requests": 1},
    ]
    assert tickets["ticket_id"].tolist() == ["9", "8", "7"]


def test_segment_values_list_what_the_tickets_hold(desk: KpiWarehouse) -> None:
    values = segment_values(desk.con)

    assert values["team"] == ["Billing", "Support"]
    assert values["channel"] == ["email", "web"]
    assert values["priority"] == []

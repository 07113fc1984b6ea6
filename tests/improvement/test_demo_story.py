"""The demo's story lands in the register: the triage rota, its targets, a check-up a month."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from critica.improvement_cli import seed_demo_improvement
from demo.clock import TIME_ZONE, business_calendar
from demo.generator import write_demo_exports
from etl.pipeline import load_exports
from improvement.checkups import checkup_history, notes_for_month
from improvement.targets import list_targets
from warehouse.store import WarehouseLocation
from warehouse.workspace import open_workspace


@pytest.mark.slow
def test_the_demo_improvement_has_targets_and_a_check_up_for_every_month_since_it_started(
    tmp_path: Path,
) -> None:
    exports = write_demo_exports(tmp_path / "exports", seed=3, tickets=1_500)
    warehouse = tmp_path / "critica.duckdb"
    load_exports(
        warehouse,
        [exports.zendesk_tickets, exports.jira_tickets, exports.qualtrics_surveys],
        source_time_zone=TIME_ZONE,
        calendar=business_calendar(2024, 2027),
    )

    entry = seed_demo_improvement(warehouse, None)
    again = seed_demo_improvement(warehouse, None)

    assert entry is not None and entry.state == "in_progress"
    assert again is None
    with open_workspace(WarehouseLocation(warehouse).workspace_path) as workspace:
        targets = list_targets(workspace)
        assert [t.metric for t in targets] == [
            "first_response_business_minutes_median", "sla_response_compliance", "nps",
        ]  # fmt: skip
        rota_months = [date(2026, month, 1) for month in range(4, 11)]
        for target in targets:
            assert target.baseline_start == date(2026, 1, 1)
            history = checkup_history(workspace, target.target_id)
            assert [c.period_month for c in history] == rota_months
        first_reply = checkup_history(workspace, targets[0].target_id)
        # The rota halves first replies: by October the change is real and the target met.
        assert first_reply[-1].status == "achieved"
        assert first_reply[-1].is_significant
        assert notes_for_month(workspace, date(2026, 9, 1))

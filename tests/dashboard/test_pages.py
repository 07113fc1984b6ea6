"""Each page as a manager uses it, through Streamlit's AppTest on a real demo warehouse."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from critica.cli import app as critica_app
from dashboard.filters import Filters, latest_complete_period
from dashboard.formatting import format_value
from dashboard.navigation import PAGES, PageSpec
from improvement.checkups import STATUS_LABELS, run_checkup
from improvement.metrics import ROOT_CAUSE_VOLUME
from improvement.register import change_state, create_improvement
from improvement.targets import Target, add_target, cadence_advice
from tests.dashboard.conftest import copy_of
from warehouse.kpis import KPIS, kpi_table
from warehouse.queries.data_health import data_coverage, last_full_month
from warehouse.queries.difficult_contacts import knowledge_gaps
from warehouse.queries.root_causes import current_root_causes, similar_root_causes
from warehouse.queries.segments import segment_values
from warehouse.store import WarehouseLocation, open_for_reading, open_for_writing
from warehouse.workspace import open_workspace, record_curation_event

OpenPage = Callable[..., AppTest]


def month_kpis(warehouse: Path, month: date, **filters: str) -> dict[str, object]:
    """The registry's KPIs of one month, computed straight from the warehouse."""
    connection = open_for_reading(warehouse)
    try:
        end = Filters(grain="month", period=month).period_end
        table = kpi_table(connection, period_start=month, period_end=end, filters=filters)
    finally:
        connection.close()
    return dict(table.iloc[0])


def last_month(warehouse: Path) -> date:
    connection = open_for_reading(warehouse)
    try:
        return last_full_month(connection)
    finally:
        connection.close()


def a_team(warehouse: Path) -> str:
    connection = open_for_reading(warehouse)
    try:
        return segment_values(connection)["team"][0]
    finally:
        connection.close()


@pytest.mark.parametrize("page", PAGES, ids=[page.script for page in PAGES])
def test_every_page_renders_its_title_without_an_exception(
    page: PageSpec, desk: Path, open_page: OpenPage
) -> None:
    app = open_page(desk, page.title)

    assert not app.exception, [error.value for error in app.exception]
    assert [title.value for title in app.title] == [page.title]


def test_overview_tiles_show_the_registry_values_of_the_last_full_month(
    desk: Path, open_page: OpenPage
) -> None:
    month = last_month(desk)
    expected = month_kpis(desk, month)

    app = open_page(desk)

    # The tiles, in order: response, resolution, SLA, reopen, escalation, CSAT, NPS,
    # complaint rate, backlog.
    headline = (
        "first_response_minutes_median",
        "full_resolution_minutes_median",
        "sla_response_compliance",
        "sla_resolution_compliance",
        "reopen_rate",
        "escalation_rate",
        "csat_mean",
        "nps",
        "complaints_per_1000_tickets",
        "backlog",
    )
    assert [metric.value for metric in app.metric] == [
        format_value(expected[name], KPIS[name].unit) for name in headline
    ]
    assert f"{month:%B %Y}" in app.caption[0].value


def test_a_team_in_the_link_narrows_every_tile_to_that_team(
    desk: Path, open_page: OpenPage
) -> None:
    team = a_team(desk)
    month = last_month(desk)
    expected = month_kpis(desk, month, team=team)

    app = open_page(desk, team=team)

    assert app.selectbox(key="team").value == team
    assert f"team {team}" in app.caption[0].value
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles["Escalation rate"] == format_value(
        expected["escalation_rate"], KPIS["escalation_rate"].unit
    )


def test_choosing_a_period_in_the_sidebar_shows_that_period(
    desk: Path, open_page: OpenPage
) -> None:
    month = last_month(desk)
    earlier = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    app = open_page(desk)

    app.selectbox(key="period").set_value(earlier.isoformat()).run()

    assert not app.exception
    assert app.caption[0].value.startswith(f"{earlier:%B %Y}")
    expected = month_kpis(desk, earlier)
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles["CSAT"] == format_value(expected["csat_mean"], KPIS["csat_mean"].unit)


def test_a_period_the_data_does_not_cover_falls_back_to_the_last_full_month(
    desk: Path, open_page: OpenPage
) -> None:
    app = open_page(desk, period="1999-01-01")

    assert not app.exception
    assert app.caption[0].value.startswith(f"{last_month(desk):%B %Y}")


def test_a_quarter_view_compares_against_the_previous_quarter(
    desk: Path, open_page: OpenPage
) -> None:
    app = open_page(desk, grain="Quarter")

    assert not app.exception
    assert app.caption[0].value.startswith("Q")
    assert "change against Q" in app.caption[0].value


def test_trends_draws_the_chosen_kpi_split_by_team(desk: Path, open_page: OpenPage) -> None:
    app = open_page(desk, "Trends", trend_kpi=KPIS["reopen_rate"].label)

    app.selectbox(key="trend_by").set_value("team").run()

    assert not app.exception
    assert app.caption[1].value.startswith(f"**{KPIS['reopen_rate'].label}**")
    values = app.dataframe[-1].value
    assert "team" in values.columns
    assert values["team"].nunique() > 1


def test_root_causes_page_says_how_to_compute_them_before_the_first_fit(
    desk: Path, open_page: OpenPage
) -> None:
    app = open_page(desk, "Root causes")

    assert [info.value for info in app.info] == [
        "Root causes are not computed yet. Run `critica topics fit` to cluster the complaints "
        "(`critica demo` does it for the demo data); new loads are then assigned automatically."
    ]
    assert not app.metric


def test_follow_up_shows_service_recovery_among_the_commitment_tiles(
    desk: Path, open_page: OpenPage
) -> None:
    app = open_page(desk, "Follow-up and commitments")

    labels = [metric.label for metric in app.metric]
    assert labels == [
        KPIS["follow_up_within_48h_rate"].label,
        KPIS["callback_promises_kept_rate"].label,
        KPIS["customer_updates_per_open_day"].label,
        "Service recovery",
    ]
    table = app.dataframe[-1].value
    assert {"team", "service_recovery_rate", "follow_up_within_48h_rate"} <= set(table.columns)


def test_difficult_contacts_lists_the_knowledge_gaps_by_category(
    desk: Path, open_page: OpenPage
) -> None:
    connection = open_for_reading(desk)
    try:
        last_day = data_coverage(connection)[1]
        assert last_day is not None
        quarter = latest_complete_period(last_day, "quarter")
        expected = knowledge_gaps(
            connection,
            period_start=quarter,
            period_end=Filters(grain="quarter", period=quarter).period_end,
        )
    finally:
        connection.close()

    app = open_page(desk, "Difficult contacts", grain="Quarter")

    assert not app.exception
    assert expected["count_requests"].sum() > 0
    (gaps,) = [frame.value for frame in app.dataframe if "count_requests" in frame.value.columns]
    assert gaps.to_dict("records") == expected.to_dict("records")


def test_data_health_shows_every_load_and_the_quarantined_rows(
    desk: Path, open_page: OpenPage
) -> None:
    app = open_page(desk, "Data health")

    frames = [frame.value for frame in app.dataframe]
    history = next(frame for frame in frames if "rows_quarantined" in frame.columns)
    rejected = next(frame for frame in frames if "raw_row" in frame.columns)
    assert list(history["profile"].sort_values()) == ["jira", "qualtrics", "zendesk"]
    assert len(rejected) == history["rows_quarantined"].sum()


def test_a_missing_warehouse_page_names_the_command_that_creates_one(
    tmp_path: Path, open_page: OpenPage
) -> None:
    app = open_page(tmp_path / "nowhere.duckdb")

    assert not app.exception
    assert "critica load" in app.error[0].value
    assert "critica demo" in app.error[0].value


def test_a_load_while_the_page_is_open_shows_on_the_next_rerun(
    desk: Path, open_page: OpenPage
) -> None:
    app = open_page(desk, "Data health")
    history = next(
        frame.value for frame in app.dataframe if "rows_quarantined" in frame.value.columns
    )
    assert len(history) == 3

    exports = Path(__file__).parents[1] / "fixtures" / "exports" / "zendesk" / "tickets.csv"
    loaded = CliRunner().invoke(
        critica_app, ["--warehouse", str(desk), "load", str(exports), "--no-assign"]
    )
    assert loaded.exit_code == 0, loaded.output
    app.run()

    history = next(
        frame.value for frame in app.dataframe if "rows_quarantined" in frame.value.columns
    )
    assert len(history) == 4
    assert history["file_name"].iloc[0] == "tickets.csv"


def set_target(warehouse_path: Path, *, with_checkups: bool = False, **settings: Any) -> Target:
    """A target on a new improvement: baseline six to four months before the last full month,
    the change from the month after, due at the end of the last full month.
    """
    period = Filters(grain="month", period=last_month(warehouse_path))
    baseline_end = period.history_start(4) - timedelta(days=1)
    with (
        closing(open_for_reading(warehouse_path)) as warehouse,
        open_workspace(WarehouseLocation(warehouse_path).workspace_path) as workspace,
    ):
        entry = create_improvement(workspace, title="Answer faster", raised_by="Dana")
        change_state(workspace, entry.improvement_id, "accepted", author="Dana")
        target = add_target(
            workspace,
            warehouse,
            improvement_id=entry.improvement_id,
            baseline_start=period.history_start(6),
            baseline_end=baseline_end,
            start_date=baseline_end + timedelta(days=1),
            due_date=period.period_end,
            author="Dana",
            **settings,
        )
        for month in target.checkup_months() if with_checkups else ():
            run_checkup(workspace, warehouse, target, month, author="Dana")
    return target


def test_a_tile_whose_kpi_misses_its_targets_glide_path_is_flagged_off_target(
    desk: Path, open_page: OpenPage
) -> None:
    # one minute by the end of the shown month: surely missed
    set_target(desk, metric_name="first_response_minutes_median", target="1")

    app = open_page(desk)

    flagged = [metric.label for metric in app.metric if "off target" in metric.label]
    assert flagged == ["First response :red[:material/flag: off target]"]


def test_a_targets_check_ups_read_as_a_manager_reads_them(desk: Path, open_page: OpenPage) -> None:
    month = last_month(desk)
    target = set_target(
        desk,
        metric_name="first_response_minutes_median",
        target="-20%",
        scope={"team": a_team(desk)},
        with_checkups=True,
    )

    app = open_page(desk, "Improvement")

    assert not app.exception
    table = next(frame.value for frame in app.dataframe if "Verdict" in frame.value.columns)
    assert len(table) == len(target.checkup_months())
    assert table["Month"].iloc[-1] == f"{month:%b %Y}"
    assert set(table["Status"]) <= set(STATUS_LABELS.values())  # "on track", not "on_track"
    assert table["Actual"].str.contains("min|h|–").all()  # in the metric's unit
    assert (
        table["Verdict"]
        .str.match(r"no value|small sample|not tested|a real change|could be noise")
        .all()
    )
    # one team: the page says whether a month holds enough for a verdict
    advice = cadence_advice(target)
    assert [i.value for i in app.info if i.value == advice] == ([advice] if advice else [])


def test_a_target_whose_root_cause_was_merged_away_since_says_so(
    demo_desk_with_root_causes: Path, tmp_path: Path, open_page: OpenPage
) -> None:
    warehouse_path = copy_of(demo_desk_with_root_causes, tmp_path / "rc")
    with closing(open_for_reading(warehouse_path)) as warehouse:
        causes = current_root_causes(warehouse)
    cause, other = (int(c) for c in causes["root_cause_id"].iloc[:2])
    set_target(warehouse_path, metric_name=ROOT_CAUSE_VOLUME, target="-20%", root_cause_id=cause)
    with open_workspace(WarehouseLocation(warehouse_path).workspace_path) as workspace:
        record_curation_event(
            workspace, author="Ana", action="merge", root_cause_id=cause, payload={"into": other}
        )

    app = open_page(warehouse_path, "Improvement")

    assert not app.exception
    (warning,) = [w.value for w in app.warning if "after this target was set" in w.value]
    assert warning.startswith(f"Root cause {cause} was merged into root cause {other} on ")


def test_data_health_shows_the_root_cause_model_in_use(
    demo_desk_with_root_causes: Path, tmp_path: Path, open_page: OpenPage
) -> None:
    app = open_page(copy_of(demo_desk_with_root_causes, tmp_path / "rc"), "Data health")

    assert not app.exception
    models = next(frame.value for frame in app.dataframe if "kept_id_share" in frame.value.columns)
    assert len(models) == 1 and bool(models["is_current"].iloc[0])
    assert models["embedding"].iloc[0] == "e5" and models["fit_kind"].iloc[0] == "fit"
    assert models["min_cluster_size"].iloc[0] >= 5
    (caption,) = [c.value for c in app.caption if "Version 1 in use" in c.value]
    assert f"each found as a group of at least {models['min_cluster_size'].iloc[0]}" in caption
    # the fit chose the size: the page says why, as `critica topics fit` printed it
    (why,) = [c.value for c in app.caption if c.value.startswith("How fine: ")]
    assert models["granularity"].iloc[0] in why and "root causes of at least" in why
    # every month's complaints shown against the fit's outliers; none fits the model worse
    assert any(c.value.startswith("Months after the fit") for c in app.caption)
    assert not [w.value for w in app.warning if "fit no root cause" in w.value]


def test_merging_offers_the_most_alike_root_causes_first(
    demo_desk_with_root_causes: Path, open_page: OpenPage, tmp_path: Path
) -> None:
    warehouse = copy_of(demo_desk_with_root_causes, tmp_path / "rc")
    app = open_page(warehouse, "Root causes")
    app.radio(key="curation_action").set_value("merge").run()

    assert not app.exception
    selected = app.selectbox(key="root_cause").value
    assert selected is not None
    chosen = int(selected)
    with closing(open_for_reading(warehouse)) as reader:
        expected = similar_root_causes(reader, chosen)
    into = app.selectbox(key="curation_into")
    offered = [int(option.split("(#")[1].split(")")[0]) for option in into.options]
    assert offered == expected["root_cause_id"].tolist() and chosen not in offered
    first = expected.iloc[0]
    assert into.options[0] == (
        f"{first['root_cause_label']} (#{first['root_cause_id']}) · similarity "
        f"{first['similarity']:.2f}"
    )
    assert any(c.value.startswith("The most alike first") for c in app.caption)


def test_merging_the_two_most_alike_into_a_root_cause_after_confirming(
    demo_desk_with_root_causes: Path, open_page: OpenPage, tmp_path: Path
) -> None:
    warehouse = copy_of(demo_desk_with_root_causes, tmp_path / "rc")
    app = open_page(warehouse, "Root causes")
    selected = app.selectbox(key="root_cause").value
    assert selected is not None
    chosen = int(selected)
    app.text_input(key="author").set_value("Dana (team lead)").run()
    app.radio(key="curation_action").set_value("gather").run()
    review = next(b for b in app.button if b.label == "Review decision")
    assert review.disabled  # nothing chosen to merge yet
    gathered = app.multiselect(key="curation_gathered")
    offered = [int(option.split("(#")[1].split(")")[0]) for option in gathered.options]
    two_most_alike = offered[:2]
    gathered.set_value(two_most_alike).run()
    next(b for b in app.button if b.label == "Review decision").click().run()
    assert any(
        w.value.startswith("Please confirm: merge ") and w.value.count("“") == 3
        for w in app.warning
    )

    next(b for b in app.button if b.label == "Confirm").click().run()

    assert not app.exception
    assert [s.value for s in app.success] and not app.error
    with closing(open_for_reading(warehouse)) as reader:
        shown = current_root_causes(reader)["root_cause_id"].tolist()
    assert chosen in shown and not set(two_most_alike) & set(shown)


def test_data_health_warns_when_the_granularity_was_decided_close_to_the_line(
    demo_desk_with_root_causes: Path, open_page: OpenPage, tmp_path: Path
) -> None:
    warehouse = copy_of(demo_desk_with_root_causes, tmp_path / "rc")
    reason = (
        "fine root causes of at least 5 documents: no group size up to 2.5% of the documents "
        "left under 5.5% of them outside its groups; the least noise was 6.2%, with 16 groups "
        "of at least 20. Close to the line (within 1 point of 5.5% noise): broad root causes may "
        "suit this desk as well; compare with critica topics refit --min-cluster-share 0.0133"
    )
    with open_for_writing(warehouse) as writer:
        writer.execute(
            "update topics.model_versions set granularity = $reason, "
            "granularity_borderline = true where is_current",
            {"reason": reason},
        )

    app = open_page(warehouse, "Data health")

    assert not app.exception
    (warning,) = [w.value for w in app.warning if w.value.startswith("How fine: ")]
    assert reason in warning
    assert not [c.value for c in app.caption if c.value.startswith("How fine: ")]


def test_data_health_flags_a_month_whose_complaints_fit_no_root_cause(
    demo_desk_with_root_causes: Path, open_page: OpenPage, tmp_path: Path
) -> None:
    warehouse = copy_of(demo_desk_with_root_causes, tmp_path / "rc")
    with open_for_writing(warehouse) as writer:
        row = writer.execute("select date_trunc('month', max(created_at)) from core.tickets")
        (latest_month,) = row.fetchone() or (None,)
        # the model trained on everything before the latest month (a day's margin: the window
        # ends at a UTC instant, the months are the reporting calendar's) ...
        writer.execute(
            "update topics.model_versions set window_end = $month - interval 1 day "
            "where is_current",
            {"month": latest_month},
        )
        # ... and 40 complaints of that month, placed since, fit none of its root causes
        writer.execute(
            """
            insert into core.tickets (
                source_system, ticket_id, created_at, description, language, is_complaint,
                source_file, source_line, load_id, row_hash
            )
            select 'zendesk', 'new-' || i, $month + interval 5 day + i * interval 1 hour,
                'Something new ' || i, 'en', true, 'new.csv', i, 1, md5('new-' || i)
            from range(40) as numbers(i)
            """,
            {"month": latest_month},
        )
        writer.execute(
            """
            insert into topics.document_root_causes by name
            select versions.model_version, 'ticket:zendesk:new-' || i as document_id,
                'ticket' as document_kind, 'zendesk' as source_system, 'new-' || i as record_id,
                md5('new-' || i) as text_hash, null as root_cause_id,
                null as model_root_cause_id, 0.1 as probability, 'assign' as assigned_by,
                $month + interval 6 day as assigned_at
            from range(40) as numbers(i), topics.model_versions as versions
            where versions.is_current
            """,
            {"month": latest_month},
        )

    app = open_page(warehouse, "Data health")

    assert not app.exception
    (warning,) = [w.value for w in app.warning if "fit no root cause" in w.value]
    assert f"{latest_month:%B %Y}'s complaints" in warning and "critica topics refit" in warning
    # the complaints behind it, newest first, to read before refitting
    newest = next(frame.value for frame in app.dataframe if "text" in frame.value.columns)
    assert newest["text"].tolist()[:2] == ["Something new 39", "Something new 38"]
    assert len(newest) == 20
    assert any(c.value.startswith("Months after the fit") for c in app.caption)


def test_data_health_without_a_root_cause_model_says_how_to_train_one(
    desk: Path, open_page: OpenPage
) -> None:
    app = open_page(desk, "Data health")

    assert not app.exception
    assert any("critica topics fit" in info.value for info in app.info)

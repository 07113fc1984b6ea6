"""Root-cause analytics against answers worked out by hand from literal rows.

The topic step's tables are written directly (tests/warehouse/root_cause_desk.py). Unless a test
says otherwise: the calendar is UTC, Monday to Friday 09:00-17:00; 3 March 2025 is a Monday;
model version 1 is current; root cause 1 "slow response" (curated "Slow first response") and 2
"billing error" are shown, 3 "rude agent" is excluded and 4 "wrong invoice" merged.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypedDict, cast

import numpy as np
import pandas as pd
import pytest

from tests.warehouse.conftest import UTC_NINE_TO_FIVE, Period
from tests.warehouse.root_cause_desk import RootCauseDesk
from warehouse.business_calendar import BusinessCalendar
from warehouse.kpis import kpi_table
from warehouse.queries.root_cause_statistics import (
    flag_emerging_weeks,
    outlier_rise,
    score_difference,
)
from warehouse.queries.root_causes import (
    complaints_without_root_cause,
    current_root_causes,
    emerging_root_causes,
    impact_window_start,
    outliers_by_month,
    outliers_rising,
    representative_complaints,
    root_cause_impact,
    root_cause_keywords,
    root_cause_kpis,
    root_cause_lineage,
    root_cause_tickets,
    root_causes_by_segment,
    root_causes_over_time,
    root_causes_ranked,
    similar_root_causes,
)
from warehouse.store import open_for_reading, open_for_writing

AS_OF = datetime(2025, 4, 1, 9, 30)
MARCH: Period = {"period_start": date(2025, 3, 1), "period_end": date(2025, 3, 31)}


def start_desk(desk: RootCauseDesk) -> RootCauseDesk:
    desk.calendar(UTC_NINE_TO_FIVE, date(2024, 12, 1), date(2025, 12, 31))
    desk.model_version(1, is_current=True)
    desk.root_cause(
        1,
        "slow response",
        curated_label="Slow first response",
        keywords_by_language={"en": ["slow", "wait"], "he": ["איטי", "המתנה"]},
        representative_documents=["ticket:zendesk:a2"],
    )
    desk.root_cause(2, "billing error")
    desk.root_cause(3, "rude agent", status="excluded")
    desk.root_cause(4, "wrong invoice", status="merged")
    return desk


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[RootCauseDesk]:
    with open_for_writing(tmp_path / "critica.duckdb") as con:
        yield start_desk(RootCauseDesk(con))


class Resolution(TypedDict):
    """Ticket columns of a complaint that was solved after one agent reply."""

    status: str
    agent_reply_count: int


def add_march_desk(desk: RootCauseDesk) -> None:
    """Five complaint tickets and five survey responses in March 2025.

    ticket  cause     first reply  resolved          reopened  escalated  team
    a1      1         60 min       Tue 4 Mar 09:00   yes       no         alpha
    a2      1         30 min       Tue 4 Mar 12:00   no        yes        beta
    b1      2         120 min      Wed 5 Mar 15:00   no        no         alpha
    o1      outlier   10 min       -                 -         -          alpha
    x1      3 (excl.) 10 min       -                 -         -          beta

    response  via                      CSAT  NPS
    s1        ticket a1 (cause 1)      2     3 (detractor)
    s2        ticket a2 (cause 1)      4     9 (promoter)
    s3        ticket b1 (cause 2)      1     0 (detractor)
    c1        its comment (cause 2)    3     7 (passive)
    c2        ticket a1 and comment 2  5     10 (promoter): under both causes
    """
    resolved: Resolution = {"status": "solved", "agent_reply_count": 1}
    desk.complaint(
        "a1",
        "2025-03-03 09:00",
        1,
        first_public_reply_at="2025-03-03 10:00",
        first_resolved_at="2025-03-04 09:00",
        last_resolved_at="2025-03-04 09:00",
        reopen_count=1,
        is_escalated=False,
        team="alpha",
        **resolved,
    )
    desk.complaint(
        "a2",
        "2025-03-04 09:00",
        1,
        first_public_reply_at="2025-03-04 09:30",
        first_resolved_at="2025-03-04 12:00",
        last_resolved_at="2025-03-04 12:00",
        reopen_count=0,
        is_escalated=True,
        team="beta",
        **resolved,
    )
    desk.complaint(
        "b1",
        "2025-03-05 09:00",
        2,
        first_public_reply_at="2025-03-05 11:00",
        first_resolved_at="2025-03-05 15:00",
        last_resolved_at="2025-03-05 15:00",
        reopen_count=0,
        is_escalated=False,
        team="alpha",
        **resolved,
    )
    desk.complaint(
        "o1", "2025-03-06 09:00", None, first_public_reply_at="2025-03-06 09:10", team="alpha"
    )
    desk.complaint(
        "x1", "2025-03-06 10:00", 3, first_public_reply_at="2025-03-06 10:10", team="beta"
    )
    desk.survey("s1", ticket_id="a1", answered_at="2025-03-05 10:00", csat_score=2, nps_score=3)
    desk.survey("s2", ticket_id="a2", answered_at="2025-03-05 11:00", csat_score=4, nps_score=9)
    desk.survey("s3", ticket_id="b1", answered_at="2025-03-06 11:00", csat_score=1, nps_score=0)
    desk.comment("c1", "2025-03-07 11:00", 2, csat_score=3, nps_score=7)
    desk.comment("c2", "2025-03-07 12:00", 2, ticket_id="a1", csat_score=5, nps_score=10)


def by_cause(table: pd.DataFrame) -> dict[int, dict[str, Any]]:
    return {int(row["root_cause_id"]): dict(row) for _, row in table.iterrows()}


# --- KPIs per root cause -------------------------------------------------------------------

EXPECTED_KPIS = {
    # a1, a2: replies after 60 and 30 minutes; a1 reopened; a2 escalated; s1 2, s2 4, c2 5;
    # two promoters (s2, c2) and one detractor (s1) of three.
    1: {
        "tickets_created": 2,
        "first_response_minutes_median": 45,
        "reopen_rate": 0.5,
        "escalation_rate": 0.5,
        "csat_mean": 11 / 3,
        "nps": 100 / 3,
    },
    # b1 alone; s3 1, c1 3, c2 5; one promoter (c2), one detractor (s3) of three.
    2: {
        "tickets_created": 1,
        "first_response_minutes_median": 120,
        "reopen_rate": 0.0,
        "escalation_rate": 0.0,
        "csat_mean": 3.0,
        "nps": 0.0,
    },
}


def test_kpis_per_root_cause_match_hand_counts_under_the_curated_label(
    desk: RootCauseDesk,
) -> None:
    add_march_desk(desk)

    table = root_cause_kpis(
        desk.con,
        kpis=[
            "first_response_minutes_median",
            "reopen_rate",
            "escalation_rate",
            "csat_mean",
            "nps",
        ],
        as_of=AS_OF,
        **MARCH,
    )

    rows = by_cause(table)
    assert set(rows) == {1, 2}  # no outliers, excluded or merged causes
    assert rows[1]["root_cause_label"] == "Slow first response"
    for cause, expected in EXPECTED_KPIS.items():
        for name, value in expected.items():
            assert rows[cause][name] == pytest.approx(value), (cause, name)


def test_a_root_cause_filter_gives_the_same_kpis_as_its_segment(desk: RootCauseDesk) -> None:
    add_march_desk(desk)

    row = kpi_table(
        desk.con,
        kpis=["csat_mean", "nps", "reopen_rate"],
        filters={"root_cause_id": 2},
        as_of=AS_OF,
    ).iloc[0]

    assert row["csat_mean"] == pytest.approx(3.0)
    assert row["nps"] == pytest.approx(0.0)
    assert row["reopen_rate"] == pytest.approx(0.0)


def test_the_backlog_of_each_root_cause_is_the_same_by_running_sum_and_by_pairs(
    desk: RootCauseDesk,
) -> None:
    add_march_desk(desk)
    desk.complaint("a3", "2025-03-07 09:00", 1, status="open", team="alpha")
    desk.complaint(
        "b2", "2025-03-03 09:00", 2, status="solved", last_resolved_at="2025-03-12 09:00"
    )
    options: dict[str, Any] = {"by": "root_cause_id", "grain": "week", "as_of": AS_OF}

    counted = kpi_table(desk.con, kpis=["backlog"], **options)
    paired = kpi_table(desk.con, kpis=["backlog", "backlog_under_30_days"], **options)

    assert counted[["period", "root_cause_id", "backlog"]].equals(
        paired[["period", "root_cause_id", "backlog"]]
    )
    assert counted.groupby("root_cause_id")["backlog"].max().to_dict() == {1: 1, 2: 1}


def test_kpis_per_root_cause_follow_the_current_model_only(desk: RootCauseDesk) -> None:
    add_march_desk(desk)
    # An older model put every ticket under cause 2: it must not count.
    desk.model_version(2, is_current=False)
    desk.root_cause(2, "billing error", version=2)
    for ticket in ("a1", "a2", "b1", "o1", "x1"):
        desk.assign("ticket", "zendesk", ticket, 2, version=2)

    rows = by_cause(root_cause_kpis(desk.con, kpis=["reopen_rate"], as_of=AS_OF, **MARCH))

    assert rows[2]["tickets_resolved"] == 1


def test_segment_filters_narrow_the_root_cause_kpis(desk: RootCauseDesk) -> None:
    add_march_desk(desk)

    rows = by_cause(
        root_cause_kpis(desk.con, kpis=["escalation_rate"], as_of=AS_OF, team="beta", **MARCH)
    )

    # Team beta has a2 (cause 1, escalated) and x1 (excluded cause).
    assert set(rows) == {1}
    assert rows[1]["tickets_created"] == 1
    assert rows[1]["escalation_rate"] == 1.0


# --- Volumes, shares, segments, ranking ----------------------------------------------------


class VolumeRow(Protocol):
    """The columns of a root_causes_over_time row these tests read."""

    period: pd.Timestamp
    root_cause_id: int
    count_documents: int
    share_of_complaints: float


class SegmentShareRow(Protocol):
    """The columns of a root_causes_by_segment(segment="team") row these tests read."""

    team: str | float  # NaN for documents without a team
    root_cause_id: int
    share_of_segment: float


def test_volumes_over_time_count_documents_and_their_share_of_all_complaints(
    desk: RootCauseDesk,
) -> None:
    add_march_desk(desk)
    desk.complaint("f1", "2025-05-02 09:00", 1)

    table = root_causes_over_time(desk.con, grain="month")

    # March: 7 documents (5 tickets, 2 comments); cause 1 has a1, a2; cause 2 b1, c1, c2.
    # April has no document at all but is a row; May has f1.
    counts = {
        (row.period.date(), row.root_cause_id): (row.count_documents, row.share_of_complaints)
        for row in cast(Iterator[VolumeRow], table.itertuples())
    }
    assert counts[(date(2025, 3, 1), 1)][0] == 2
    assert counts[(date(2025, 3, 1), 1)][1] == pytest.approx(2 / 7)
    assert counts[(date(2025, 3, 1), 2)][0] == 3
    assert counts[(date(2025, 3, 1), 2)][1] == pytest.approx(3 / 7)
    assert counts[(date(2025, 4, 1), 1)][0] == 0
    assert math.isnan(counts[(date(2025, 4, 1), 1)][1])
    assert counts[(date(2025, 5, 1), 1)][0] == 1
    assert counts[(date(2025, 5, 1), 1)][1] == pytest.approx(1.0)
    assert counts[(date(2025, 5, 1), 2)][0] == 0
    assert counts[(date(2025, 5, 1), 2)][1] == pytest.approx(0.0)
    assert len(table) == 6


def test_documents_count_on_their_local_day_in_the_calendars_time_zone(
    desk: RootCauseDesk,
) -> None:
    desk.calendar(BusinessCalendar(time_zone="Europe/Rome"), date(2025, 1, 1), date(2025, 12, 31))
    # 31 Mar 21:30 UTC is 23:30 in Rome (March); 22:30 UTC is already 1 April 00:30 there.
    desk.complaint("march", "2025-03-31 21:30", 1)
    desk.complaint("april", "2025-03-31 22:30", 1)

    monthly = root_causes_over_time(desk.con, grain="month")
    april_only = root_cause_tickets(
        desk.con, 1, period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )

    counts = monthly[monthly["root_cause_id"] == 1]
    assert counts["period"].dt.strftime("%Y-%m").tolist() == ["2025-03", "2025-04"]
    assert counts["count_documents"].tolist() == [1, 1]
    assert april_only["ticket_id"].tolist() == ["april"]


def test_volumes_per_team_share_each_teams_complaints(desk: RootCauseDesk) -> None:
    add_march_desk(desk)

    table = root_causes_by_segment(desk.con, segment="team", **MARCH)

    # alpha: a1, b1, o1 and comment c2 (on a1); beta: a2, x1; c1 has no ticket, so no team.
    shares = {
        (None if pd.isna(row.team) else row.team, row.root_cause_id): row.share_of_segment
        for row in cast(Iterator[SegmentShareRow], table.itertuples())
    }
    assert shares == {
        ("alpha", 1): pytest.approx(1 / 4),
        ("alpha", 2): pytest.approx(2 / 4),
        ("beta", 1): pytest.approx(1 / 2),
        (None, 2): pytest.approx(1.0),
    }


def test_the_ranking_compares_each_root_cause_with_the_previous_period(
    desk: RootCauseDesk,
) -> None:
    add_march_desk(desk)
    # The 31 days before March: 29 January to 28 February. One complaint of cause 1 (and one
    # too early to count), three of cause 2.
    desk.complaint("p0", "2025-01-28 09:00", 1)
    desk.complaint("p1", "2025-01-29 09:00", 1)
    for day in (3, 4, 5):
        desk.complaint(f"q{day}", f"2025-02-0{day} 09:00", 2)

    by_growth = root_causes_ranked(
        desk.con, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31), order_by="growth"
    )
    by_volume = root_causes_ranked(
        desk.con, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31)
    )

    rows = by_cause(by_growth)
    assert (rows[1]["count_documents"], rows[1]["count_previous"]) == (2, 1)
    assert rows[1]["growth"] == pytest.approx(1.0)
    assert (rows[2]["count_documents"], rows[2]["count_previous"]) == (3, 3)
    assert rows[2]["growth"] == pytest.approx(0.0)
    assert rows[2]["share_of_complaints"] == pytest.approx(3 / 7)
    assert by_growth["root_cause_id"].tolist() == [1, 2]
    assert by_volume["root_cause_id"].tolist() == [2, 1]
    # Three responses per cause are far below the minimum: no impact shown, a reason instead.
    assert by_volume["csat_difference"].isna().all()
    assert by_volume["nps_reason"].str.contains("at least 30").all()


# --- Impact on CSAT and NPS ----------------------------------------------------------------


def add_april_responses(desk: RootCauseDesk) -> None:
    """210 survey responses answered in April 2025, built so the answer is known.

    cause 1: 60 comments, CSAT 30 x 1 and 30 x 2 (mean 1.5), NPS 30 x 2 and 30 x 8 (-50)
    cause 2: 40 comments, CSAT 8 x 1, 5 x 2, 6 x 3, 6 x 4, 15 x 5 (mean 3.375: like the rest)
    cause 5: 10 comments, CSAT 3: too few for a value
    no cause: 100 responses, CSAT 50 x 4 and 50 x 5 (mean 4.5), NPS 10
    Without cause 1 the mean is (135 + 30 + 450) / 150 = 4.1: a difference of -2.6.
    """
    desk.root_cause(5, "missing refund")
    scores = {
        1: [(1, 2)] * 30 + [(2, 8)] * 30,
        2: [(1, 9)] * 8 + [(2, 9)] * 5 + [(3, 9)] * 6 + [(4, 9)] * 6 + [(5, 9)] * 15,
        5: [(3, 9)] * 10,
        None: [(4, 10)] * 50 + [(5, 10)] * 50,
    }
    rows = [(cause, csat, nps) for cause, pairs in scores.items() for csat, nps in pairs]
    desk.many_responses(
        pd.DataFrame(
            {
                "response_id": [f"r{number}" for number in range(len(rows))],
                "answered_at": [
                    datetime(2025, 4, 7, 9) + timedelta(minutes=number)
                    for number in range(len(rows))
                ],
                "csat_score": [csat for _, csat, _ in rows],
                "nps_score": [nps for _, _, nps in rows],
                "root_cause_id": pd.array([cause for cause, _, _ in rows], dtype="Int32"),
            }
        )
    )


APRIL: Period = {"period_start": date(2025, 4, 1), "period_end": date(2025, 4, 30)}


def test_a_root_cause_that_costs_satisfaction_gets_an_interval_excluding_zero(
    desk: RootCauseDesk,
) -> None:
    add_april_responses(desk)

    impact = by_cause(root_cause_impact(desk.con, score="csat", **APRIL))

    slow = impact[1]
    assert (slow["n_with"], slow["n_without"]) == (60, 150)
    assert slow["score_with"] == pytest.approx(1.5)
    assert slow["score_without"] == pytest.approx(4.1)
    assert slow["difference"] == pytest.approx(-2.6)
    assert slow["ci_low"] < -2.6 < slow["ci_high"] < 0
    assert slow["is_clear"]
    assert pd.isna(slow["reason"])


def test_a_root_cause_that_changes_nothing_is_not_called_an_effect(desk: RootCauseDesk) -> None:
    add_april_responses(desk)

    billing = by_cause(root_cause_impact(desk.con, score="csat", **APRIL))[2]

    # 3.375 with it; (90 + 30 + 450) / 170 = 3.353 without: no real difference.
    assert billing["difference"] == pytest.approx(3.375 - 570 / 170)
    assert billing["ci_low"] < 0 < billing["ci_high"]
    assert not billing["is_clear"]
    assert "interval includes no difference" in billing["reason"]


def test_a_root_cause_with_too_few_responses_shows_a_reason_instead_of_a_value(
    desk: RootCauseDesk,
) -> None:
    add_april_responses(desk)

    refund = by_cause(root_cause_impact(desk.con, score="csat", **APRIL))[5]

    assert refund["n_with"] == 10
    assert math.isnan(refund["difference"]) and math.isnan(refund["ci_low"])
    assert not refund["is_clear"]
    assert refund["reason"] == "10 CSAT responses with this root cause; at least 30 are needed"


def test_the_ranking_measures_impact_over_the_window_it_is_given(desk: RootCauseDesk) -> None:
    add_april_responses(desk)
    may: Period = {"period_start": date(2025, 5, 1), "period_end": date(2025, 5, 31)}

    on_the_month = by_cause(root_causes_ranked(desk.con, **may))
    over_the_window = by_cause(
        root_causes_ranked(desk.con, **may, impact_start=impact_window_start(**may))
    )

    # May alone has no response; the twelve months to May hold April's.
    assert math.isnan(on_the_month[1]["csat_difference"])
    assert "0 CSAT responses" in on_the_month[1]["csat_reason"]
    assert over_the_window[1]["csat_difference"] == pytest.approx(-2.6)
    assert over_the_window[1]["csat_is_clear"]
    # volumes and growth stay the period's
    assert over_the_window[1]["count_documents"] == on_the_month[1]["count_documents"]


def test_the_impact_window_is_the_twelve_months_ending_with_the_period() -> None:
    assert impact_window_start(date(2026, 10, 1), date(2026, 10, 31)) == date(2025, 11, 1)
    assert impact_window_start(date(2026, 10, 5), date(2026, 10, 11)) == date(2025, 11, 1)
    assert impact_window_start(date(2026, 1, 1), date(2026, 3, 31)) == date(2025, 4, 1)
    # a period longer than the window keeps its own start
    assert impact_window_start(date(2024, 1, 1), date(2026, 3, 31)) == date(2024, 1, 1)
    assert impact_window_start(date(2026, 10, 1), date(2026, 10, 31), months=1) == date(2026, 10, 1)


def test_impact_intervals_are_reproducible_with_a_seed(desk: RootCauseDesk) -> None:
    add_april_responses(desk)

    first = root_cause_impact(desk.con, score="nps", seed=7, **APRIL)
    again = root_cause_impact(desk.con, score="nps", seed=7, **APRIL)
    other = root_cause_impact(desk.con, score="nps", seed=8, **APRIL)

    pd.testing.assert_frame_equal(first, again)
    assert not first["ci_low"].equals(other["ci_low"])


def test_impact_scores_are_the_registry_kpis_of_the_responses_with_the_root_cause(
    desk: RootCauseDesk,
) -> None:
    add_april_responses(desk)

    impact = {
        score: by_cause(root_cause_impact(desk.con, score=score, **APRIL))[1]
        for score in ("csat", "nps")
    }
    kpis = kpi_table(
        desk.con, kpis=["csat_mean", "nps"], filters={"root_cause_id": 1}, **APRIL
    ).iloc[0]

    assert impact["csat"]["score_with"] == pytest.approx(kpis["csat_mean"])
    assert impact["nps"]["score_with"] == pytest.approx(kpis["nps"]) == -50


def test_bootstrap_intervals_of_two_samples_of_one_population_cover_zero_most_of_the_time() -> None:
    rng = np.random.default_rng(3)
    population = np.array([1, 2, 3, 4, 5])
    covered = 0
    for _ in range(200):
        first = rng.choice(population, size=60, p=[0.1, 0.1, 0.2, 0.3, 0.3])
        second = rng.choice(population, size=150, p=[0.1, 0.1, 0.2, 0.3, 0.3])
        interval = score_difference(first, second, confidence=0.95, resamples=1000, rng=rng)
        covered += interval.ci_low <= 0 <= interval.ci_high

    assert covered / 200 >= 0.9


# --- Emerging issues -----------------------------------------------------------------------

FIRST_MONDAY = date(2025, 1, 6)


class EmergingWeekRow(Protocol):
    """The columns of an emerging_root_causes row these tests read."""

    week: pd.Timestamp
    root_cause_id: int


def add_weekly_complaints(desk: RootCauseDesk, cause: int, weekly: list[int]) -> None:
    """``weekly[i]`` complaints of ``cause`` in week i from Monday 6 January 2025, on weekdays."""
    created = [
        datetime.combine(FIRST_MONDAY, datetime.min.time())
        + timedelta(weeks=week, days=number % 5, hours=9, minutes=number)
        for week, count in enumerate(weekly)
        for number in range(count)
    ]
    desk.many_complaints(
        pd.DataFrame(
            {
                "ticket_id": [f"w{cause}-{number}" for number in range(len(created))],
                "created_at": created,
                "root_cause_id": cause,
            }
        )
    )


def test_a_weekly_spike_is_flagged_and_a_stable_series_is_not(desk: RootCauseDesk) -> None:
    add_weekly_complaints(desk, 1, [6] * 12)
    add_weekly_complaints(desk, 2, [6] * 11 + [20])

    emerging = emerging_root_causes(desk.con, baseline_weeks=8)

    # Weeks 9 to 12 have a full 8-week baseline; only cause 2 in week 12 jumped (20 after 6s).
    assert len(emerging) == 8
    flagged = emerging[emerging["is_emerging"]]
    flagged_rows = cast(Iterator[EmergingWeekRow], flagged.itertuples())
    assert [(row.week.date(), row.root_cause_id) for row in flagged_rows] == [
        (FIRST_MONDAY + timedelta(weeks=11), 2)
    ]
    spike = flagged.iloc[0]
    assert spike["baseline_mean"] == 6
    assert spike["rate_ratio"] == pytest.approx(20 / 6)
    assert spike["p_value"] <= spike["threshold"] == pytest.approx(0.01 / 2)


def test_the_weeks_tested_can_start_later_and_still_use_the_weeks_before_as_baseline(
    desk: RootCauseDesk,
) -> None:
    add_weekly_complaints(desk, 2, [6] * 11 + [20])
    last_week = FIRST_MONDAY + timedelta(weeks=11)

    # The period ends on the Monday: the week is still counted whole.
    emerging = emerging_root_causes(
        desk.con, baseline_weeks=8, period_start=last_week, period_end=last_week
    )

    assert emerging["week"].dt.date.unique().tolist() == [last_week]
    assert emerging.set_index("root_cause_id").loc[2, "is_emerging"]


def test_stable_poisson_series_raise_false_alarms_no_more_often_than_the_nominal_rate() -> None:
    rng = np.random.default_rng(2026)
    weeks, rates = 1_000, np.geomspace(0.5, 60, 25)
    counts = rng.poisson(rates, size=(weeks, len(rates)))
    weekly = pd.DataFrame(
        {
            "week": np.repeat(np.arange(weeks), len(rates)),
            "root_cause_id": np.tile(np.arange(len(rates)), weeks),
            "count_documents": counts.ravel(),
        }
    )

    flags = flag_emerging_weeks(weekly, baseline_weeks=8, family_alpha=0.01, min_count=5)

    weeks_with_an_alarm = flags.groupby("week")["is_emerging"].any().mean()
    assert weeks_with_an_alarm <= 0.01 + 0.005


def test_a_tripled_weekly_rate_is_almost_always_caught() -> None:
    rng = np.random.default_rng(11)
    weeks = 400
    counts = rng.poisson(10, size=weeks)
    spikes = np.arange(20, weeks, 20)  # one spike every 20 weeks, clear of each other's baseline
    counts[spikes] = rng.poisson(30, size=len(spikes))
    weekly = pd.DataFrame({"week": np.arange(weeks), "root_cause_id": 1, "count_documents": counts})

    flags = flag_emerging_weeks(weekly, baseline_weeks=8, family_alpha=0.01, min_count=5)

    caught = flags.set_index("week").loc[spikes, "is_emerging"].mean()
    assert caught >= 0.9


# --- New complaints against the model ---------------------------------------------------


def outlier_months(desk: RootCauseDesk, months: dict[str, tuple[int, int]]) -> None:
    """Complaints on the 10th of each month: (how many, how many left outliers)."""
    for month, (count, outliers) in months.items():
        for number in range(count):
            cause = None if number < outliers else 2
            desk.complaint(f"{month}-{number}", f"{month}-10 10:00", cause)


def test_outliers_are_counted_per_month_and_months_after_the_fit_are_marked(
    desk: RootCauseDesk,
) -> None:
    # the model (fitted 1 April 2025, no window) left 10% of its documents outliers
    desk.con.execute("update topics.model_versions set outlier_share = 0.1")
    outlier_months(desk, {"2025-03": (10, 1), "2025-04": (20, 2), "2025-05": (40, 12)})
    desk.complaint("excluded-1", "2025-05-11 10:00", 3)  # an excluded cause's: not an outlier

    months = outliers_by_month(desk.con)

    assert months["month"].dt.strftime("%Y-%m").tolist() == ["2025-03", "2025-04", "2025-05"]
    assert months["count_documents"].tolist() == [10, 20, 41]
    assert months["count_outliers"].tolist() == [1, 2, 12]
    assert months["outlier_share"].round(4).tolist() == [0.1, 0.1, round(12 / 41, 4)]
    # April holds the fit's day: only May lies wholly after it
    assert months["after_fit"].tolist() == [False, False, True]
    assert (months["fitted_through"].astype(str) == "2025-04-01").all()
    assert (months["fit_outlier_share"] == 0.1).all()


def test_a_training_window_ends_the_fit_on_its_last_day(desk: RootCauseDesk) -> None:
    desk.con.execute("update topics.model_versions set window_end = timestamp '2025-03-01 00:00'")
    outlier_months(desk, {"2025-02": (5, 0), "2025-03": (5, 1)})

    months = outliers_by_month(desk.con)

    assert months["after_fit"].tolist() == [False, True]
    assert (months["fitted_through"].astype(str) == "2025-02-28").all()


def test_a_month_after_the_fit_with_many_more_outliers_raises_the_alarm(
    desk: RootCauseDesk,
) -> None:
    desk.con.execute("update topics.model_versions set outlier_share = 0.1")
    outlier_months(desk, {"2025-03": (40, 4), "2025-05": (40, 12), "2025-06": (10, 9)})

    rise = outliers_rising(outliers_by_month(desk.con))

    # June has too few complaints to test: May, the latest month with enough, is tested
    assert rise is not None and rise.month == pd.Timestamp("2025-05-01")
    assert (rise.count_documents, rise.count_outliers) == (40, 12)
    assert rise.outlier_share == pytest.approx(0.3) and rise.fit_outlier_share == 0.1
    assert rise.p_value < 0.01


def test_a_month_within_the_fits_noise_raises_nothing(desk: RootCauseDesk) -> None:
    desk.con.execute("update topics.model_versions set outlier_share = 0.1")
    # 15% of 40: five points above the fit, but as likely as 1 in 5 with the fit's 10%
    outlier_months(desk, {"2025-05": (40, 6)})

    assert outliers_rising(outliers_by_month(desk.con)) is None


def test_the_complaints_without_a_root_cause_come_newest_first_within_the_period(
    desk: RootCauseDesk,
) -> None:
    desk.complaint("old", "2025-04-20 10:00", None)
    desk.complaint("new-1", "2025-05-02 10:00", None)
    desk.complaint("new-2", "2025-05-20 10:00", None)
    desk.complaint("placed", "2025-05-21 10:00", 2)
    desk.complaint("excluded", "2025-05-22 10:00", 3)  # excluded, not without a root cause

    may = complaints_without_root_cause(
        desk.con, period_start=date(2025, 5, 1), period_end=date(2025, 5, 31)
    )
    newest = complaints_without_root_cause(desk.con, limit=1)

    assert may["document_id"].tolist() == ["ticket:zendesk:new-2", "ticket:zendesk:new-1"]
    texts = ["Complaint new-2. It went wrong.", "Complaint new-1. It went wrong."]
    assert may["text"].tolist() == texts
    assert not may["is_right_to_left"].any()
    assert newest["document_id"].tolist() == ["ticket:zendesk:new-2"]


def months_after_the_fit(
    counts: np.ndarray, outliers: np.ndarray, fit_share: float
) -> list[pd.DataFrame]:
    return [
        pd.DataFrame(
            {
                "month": [pd.Timestamp("2025-05-01")],
                "count_documents": [int(n)],
                "count_outliers": [int(k)],
                "fit_outlier_share": [fit_share],
                "after_fit": [True],
            }
        )
        for n, k in zip(counts, outliers, strict=True)
    ]


def test_outliers_at_the_fits_rate_raise_false_alarms_no_more_often_than_the_nominal_rate() -> None:
    rng = np.random.default_rng(7)
    counts = rng.integers(30, 2_000, size=2_000)
    outliers = rng.binomial(counts, 0.08)

    alarms = [
        outlier_rise(month, alpha=0.01, min_documents=30, min_increase=0.0, floor_share=0.01)
        for month in months_after_the_fit(counts, outliers, 0.08)
    ]

    assert sum(alarm is not None for alarm in alarms) / len(alarms) <= 0.01 + 0.005


def test_outliers_doubled_on_a_few_hundred_complaints_are_almost_always_caught() -> None:
    rng = np.random.default_rng(8)
    counts = np.full(500, 300)
    outliers = rng.binomial(counts, 0.16)

    alarms = [
        outlier_rise(month, alpha=0.01, min_documents=30, min_increase=0.05, floor_share=0.01)
        for month in months_after_the_fit(counts, outliers, 0.08)
    ]

    assert sum(alarm is not None for alarm in alarms) / len(alarms) >= 0.9


# --- Drill-down ----------------------------------------------------------------------------


def test_representative_complaints_come_in_the_models_order_then_by_probability(
    desk: RootCauseDesk,
) -> None:
    add_march_desk(desk)
    desk.complaint(
        "h1", "2025-03-10 09:00", 1, probability=0.95, language="he", description="התשובה איטית"
    )

    complaints = representative_complaints(desk.con, 1)

    assert complaints["document_id"].tolist() == [
        "ticket:zendesk:a2",  # the model's own pick
        "ticket:zendesk:h1",
        "ticket:zendesk:a1",
    ]
    hebrew = complaints.iloc[1]
    assert hebrew["is_right_to_left"] and hebrew["text"] == "Complaint h1. התשובה איטית"
    assert not complaints.iloc[0]["is_right_to_left"]


def test_after_the_models_picks_the_most_typical_complaints_come_first(
    desk: RootCauseDesk,
) -> None:
    # probability means different things per assignment (HDBSCAN membership, a vote share, a
    # cosine): the similarity to the root cause's centre orders them, probability breaks ties
    add_march_desk(desk)
    desk.complaint("t1", "2025-03-11 09:00", 1, probability=1.0, centre_similarity=0.41)
    desk.complaint("t2", "2025-03-12 09:00", 1, probability=0.3, centre_similarity=0.87)
    desk.complaint("t3", "2025-03-13 09:00", 1, probability=0.6, centre_similarity=0.87)

    complaints = representative_complaints(desk.con, 1)

    assert complaints["document_id"].tolist() == [
        "ticket:zendesk:a2",  # the model's own pick
        "ticket:zendesk:t3",
        "ticket:zendesk:t2",
        "ticket:zendesk:t1",
        "ticket:zendesk:a1",  # recorded before similarities were: last
    ]
    assert complaints["centre_similarity"].iloc[1] == pytest.approx(0.87)
    tickets = root_cause_tickets(desk.con, 1)
    assert dict(zip(tickets["ticket_id"], tickets["centre_similarity"], strict=True))["t1"] == (
        pytest.approx(0.41)
    )


def test_keywords_come_per_language_in_rank_order(desk: RootCauseDesk) -> None:
    keywords = root_cause_keywords(desk.con, 1)

    assert list(keywords[["language", "keyword", "keyword_rank"]].itertuples(index=False)) == [
        ("en", "slow", 1),
        ("en", "wait", 2),
        ("he", "איטי", 1),
        ("he", "המתנה", 2),
    ]
    assert keywords["is_right_to_left"].tolist() == [False, False, True, True]


def test_the_tickets_of_a_root_cause_come_a_page_at_a_time_newest_first(
    desk: RootCauseDesk,
) -> None:
    add_march_desk(desk)

    pages = [root_cause_tickets(desk.con, 1, limit=1, offset=offset) for offset in (0, 1, 2)]
    beta = root_cause_tickets(desk.con, 1, team="beta")

    assert [page["ticket_id"].tolist() for page in pages] == [["a2"], ["a1"], []]
    assert pages[0]["count_tickets"].tolist() == [2]
    assert beta["ticket_id"].tolist() == ["a2"]


def test_the_lineage_of_a_root_cause_includes_causes_merged_into_it(desk: RootCauseDesk) -> None:
    desk.lineage("2025-04-01 06:00", 1, "created")
    desk.lineage("2025-04-01 06:00", 2, "created")
    desk.lineage("2025-05-01 06:00", 4, "merged", related=[1])

    lineage = root_cause_lineage(desk.con, 1)

    assert list(lineage[["root_cause_id", "event"]].itertuples(index=False)) == [
        (1, "created"),
        (4, "merged"),
    ]


def test_the_root_causes_to_merge_into_come_most_alike_first(tmp_path: Path) -> None:
    with open_for_writing(tmp_path / "critica.duckdb") as con:
        desk = RootCauseDesk(con)
        desk.model_version(1, is_current=True)
        desk.root_cause(10, "slow first response", centroid=[1.0, 0.0, 0.0])
        desk.root_cause(11, "waiting for a reply", centroid=[0.9, 0.436, 0.0])
        desk.root_cause(12, "billing", centroid=[0.0, 1.0, 0.0])
        desk.root_cause(13, "refund", centroid=[0.0, 0.6, 0.8])
        # merged into billing: its centre counts for billing now
        desk.root_cause(14, "courier late", status="merged", centroid=[0.8, 0.0, 0.6])
        desk.lineage("2025-05-01 06:00", 14, "merged", related=[12])
        desk.root_cause(15, "rude agent", status="excluded", centroid=[1.0, 0.0, 0.0])

        alike = similar_root_causes(con, 10)

    assert alike["root_cause_id"].tolist() == [11, 12, 13]  # neither merged nor excluded
    assert alike["similarity"].tolist() == pytest.approx([0.9, 0.8, 0.0], abs=1e-3)
    assert {"root_cause_label", "count_documents"} <= set(alike.columns)


def test_every_query_runs_on_a_read_only_connection(tmp_path: Path) -> None:
    path = tmp_path / "critica.duckdb"
    with open_for_writing(path) as con:
        add_march_desk(start_desk(RootCauseDesk(con)))
    reader = open_for_reading(path)
    try:
        assert current_root_causes(reader)["root_cause_id"].tolist() == [2, 1]
        assert len(root_cause_kpis(reader, as_of=AS_OF, **MARCH)) == 2
        assert len(root_causes_ranked(reader, **MARCH)) == 2
        assert len(root_causes_over_time(reader, grain="week", **MARCH)) == 2
        assert len(emerging_root_causes(reader, **MARCH)) == 0
        assert len(representative_complaints(reader, 2)) == 3
        assert similar_root_causes(reader, 2)["root_cause_id"].tolist() == [1]
        assert len(outliers_by_month(reader)) == 1
    finally:
        reader.close()


def test_every_query_answers_an_empty_table_before_the_first_fit(tmp_path: Path) -> None:
    path = tmp_path / "critica.duckdb"
    with open_for_writing(path) as con:
        RootCauseDesk(con).ticket("t1", "2025-03-03 09:00", is_complaint=True)  # never clustered
    reader = open_for_reading(path)
    try:
        tables = [
            current_root_causes(reader),
            root_cause_kpis(reader, as_of=AS_OF),
            root_cause_impact(reader),
            root_causes_over_time(reader),
            root_causes_by_segment(reader, segment="channel"),
            root_causes_ranked(reader, **MARCH),
            emerging_root_causes(reader),
            representative_complaints(reader, 1),
            root_cause_keywords(reader, 1),
            root_cause_tickets(reader, 1),
            root_cause_lineage(reader, 1),
            similar_root_causes(reader, 1),
        ]
        assert outliers_by_month(reader).empty
        assert outliers_rising(outliers_by_month(reader)) is None
        assert complaints_without_root_cause(reader).empty
    finally:
        reader.close()

    assert all(table.empty and "root_cause_id" in table.columns for table in tables[:7])
    assert all(table.empty for table in tables[7:])

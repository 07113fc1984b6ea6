"""Every KPI against a value worked out by hand from literal tickets and survey responses.

Unless a test says otherwise the business calendar is UTC, Monday to Friday 09:00-17:00
(480 minutes a day), open tickets are judged at AS_OF (Tue 1 Apr 2025 09:30 UTC), and the
default SLA policies apply (business minutes; response/resolution targets urgent 60/480,
high 240/1440, normal 480/2880, low 960/4800). 3 March 2025 is a Monday.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.warehouse.conftest import AS_OF, KpiWarehouse
from warehouse.business_calendar import BusinessCalendar
from warehouse.kpis import KPIS, kpi_summary, kpi_table

DOCS = Path(__file__).parents[2] / "docs" / "kpis.md"


def assert_kpis(row: Mapping[str, Any], expected: Mapping[str, float | None]) -> None:
    for name, value in expected.items():
        if value is None:
            assert row[name] is None or math.isnan(row[name]), f"{name}: {row[name]} is not NULL"
        else:
            assert row[name] == pytest.approx(value), f"{name}: {row[name]} != {value}"


# --- Response: tickets created in March 2025 -----------------------------------------------

# (calendar minutes, business minutes) to the first reply, by ticket:
#   t1 Mon 09:00 -> 09:30            30 / 30    high (240): met
#   t2 Mon 10:00 -> 11:00            60 / 60    normal (480): met, but the source says breached
#   t3 Fri 16:00 -> Mon 10:00      3960 / 120   high (240): met (66 h; 60 + 60 business)
#   t4 Tue 09:00 -> 15:00           360 / 360   urgent (60): breached
#   t5 open since Wed 5 Mar, no reply           high: waited weeks, already breached
#   t6 open since Mon 31 Mar 16:00, no reply    normal: 60 + 30 = 90 business minutes, not late yet
RESPONSE_KPIS: dict[str, float | None] = {
    "tickets_created": 6,
    # Calendar [30, 60, 360, 3960]: median (60 + 360) / 2; p90 at rank 0.9 * 3 = 2.7,
    # 360 + 0.7 * (3960 - 360).
    "first_response_minutes_median": 210,
    "first_response_minutes_p90": 2880,
    # Business [30, 60, 120, 360]: median (60 + 120) / 2; p90 120 + 0.7 * (360 - 120).
    "first_response_business_minutes_median": 90,
    "first_response_business_minutes_p90": 288,
    # Met t1, t3; breached t2 (source), t4, t5 (open, already late); t6 not judged yet: 2 / 5.
    "sla_response_compliance": 0.4,
    "sla_response_open_breached": 1,
}


def add_response_tickets(warehouse: KpiWarehouse) -> None:
    warehouse.ticket(
        "t1",
        "2025-03-03 09:00",
        first_public_reply_at="2025-03-03 09:30",
        priority="high",
        status="solved",
    )
    warehouse.ticket(
        "t2",
        "2025-03-03 10:00",
        first_public_reply_at="2025-03-03 11:00",
        priority="normal",
        status="solved",
        sla_response_breached=True,
    )
    warehouse.ticket(
        "t3",
        "2025-03-07 16:00",
        first_public_reply_at="2025-03-10 10:00",
        priority="high",
        status="solved",
    )
    warehouse.ticket(
        "t4",
        "2025-03-04 09:00",
        first_public_reply_at="2025-03-04 15:00",
        priority="urgent",
        status="solved",
    )
    warehouse.ticket("t5", "2025-03-05 09:00", priority="high", status="open")
    warehouse.ticket("t6", "2025-03-31 16:00", priority="normal", status="new")


def test_response_kpis_match_the_hand_computed_values(kpi_warehouse: KpiWarehouse) -> None:
    add_response_tickets(kpi_warehouse)

    row = kpi_warehouse.month("2025-03", *RESPONSE_KPIS.keys() - {"tickets_created"})

    assert_kpis(row, RESPONSE_KPIS)


def test_an_open_ticket_already_past_its_target_lowers_sla_compliance(
    kpi_warehouse: KpiWarehouse,
) -> None:
    # Two tickets answered within the urgent 60-minute target...
    for ticket_id in ("a", "b"):
        kpi_warehouse.ticket(
            ticket_id,
            "2025-03-03 09:00",
            first_public_reply_at="2025-03-03 09:10",
            priority="urgent",
            status="solved",
        )
    # ...and one still unanswered two hours later: 2 met of 3 judged, not "all green".
    kpi_warehouse.ticket("late", "2025-03-03 09:00", priority="urgent", status="open")

    row = kpi_warehouse.month(
        "2025-03",
        "sla_response_compliance",
        "sla_response_open_breached",
        as_of=datetime(2025, 3, 3, 11, 0),
    )

    assert_kpis(row, {"sla_response_compliance": 2 / 3, "sla_response_open_breached": 1})


# --- What came in: classification KPIs on tickets created in March 2025 -------------------

#        escalated transfers complaint abuse  out of scope fault        call-back promised/kept
#   c1   true      2         true      false  false        own          true / true
#   c2   false     0         false     false  true         own          true / false
#   c3   false     1         false     null   false        third_party  true / null (pending)
#   c4   null      null      false     true   false        user         false / null
#   c5   null      null      null      null   null         null         null
#   c6   null      null      null      null   null         unknown      null
INTAKE_KPIS: dict[str, float | None] = {
    "escalation_rate": 1 / 3,  # c1 of c1-c3
    "transfers_per_ticket": 1.0,  # (2 + 0 + 1) / 3
    "complaints_per_1000_tickets": 250,  # 1000 * 1 / 4 (c1 of c1-c4)
    "abusive_contacts_ended": 1,  # c4
    "abusive_contacts_ended_share": 1 / 3,  # c4 of c1, c2, c4
    "out_of_scope_share": 0.25,  # c2 of c1-c4
    # Five tickets have an attribution: own 2, third party 1, user 1, unknown 1.
    "fault_own_share": 0.4,
    "fault_third_party_share": 0.2,
    "fault_user_share": 0.2,
    "fault_unknown_share": 0.2,
    "callback_promises_kept_rate": 0.5,  # c1 kept, c2 not; c3's outcome is not known yet
}


def test_intake_kpis_count_only_tickets_whose_flag_is_known(kpi_warehouse: KpiWarehouse) -> None:
    rows = [
        ("c1", True, 2, True, False, False, "own", True, True),
        ("c2", False, 0, False, False, True, "own", True, False),
        ("c3", False, 1, False, None, False, "third_party", True, None),
        ("c4", None, None, False, True, False, "user", False, None),
        ("c5", None, None, None, None, None, None, None, None),
        ("c6", None, None, None, None, None, "unknown", None, None),
    ]
    for ticket_id, escalated, transfers, complaint, abuse, scope, fault, promised, kept in rows:
        kpi_warehouse.ticket(
            ticket_id,
            "2025-03-12 10:00",
            is_escalated=escalated,
            transfer_count=transfers,
            is_complaint=complaint,
            is_contact_ended_for_abuse=abuse,
            is_out_of_scope=scope,
            fault_attribution=fault,
            is_callback_promised=promised,
            is_callback_kept=kept,
        )

    assert_kpis(kpi_warehouse.month("2025-03", *INTAKE_KPIS), INTAKE_KPIS | {"tickets_created": 6})


# --- Resolution: tickets resolved in March 2025, whatever their creation date -------------

#        created -> first resolved -> last resolved     priority  replies reopens transfers
#   r1   Mon 24 Feb 09:00 -> Tue 25 Feb 10:00 -> Mon 3 Mar 11:00   normal  3  2  0
#   r2   Mon 3 Mar 09:00 -> 09:30                                  high    1  0  0
#   r3   Tue 4 Mar 09:00 -> Thu 6 Mar 17:00                        urgent  1  0  1
#   r4   Mon 10 Mar 09:00 -> 12:00 (source: resolution breached)   low     2  0  0
#   r5   canceled on 11 Mar: never counts as resolved
#   r6   reopened and open again (resolved on 5 Mar)              low: due Tue 18 Mar 10:00
#   o1   open since Wed 5 Mar 09:00                               high: due Fri 7 Mar 17:00
#   o2   open since Mon 31 Mar 16:00                              normal: not due yet
# Minutes (calendar / business):
#   first resolution  r1 1500 / 540 (25 h; 480 + 60)  r2 30 / 30  r3 3360 / 1440  r4 180 / 180
#   full resolution   r1 10200 / 2520 (170 h; 480 + 4 * 480 + 120)  r2, r3, r4 as above
RESOLUTION_KPIS: dict[str, float | None] = {
    "tickets_resolved": 4,
    "first_resolution_minutes_median": 840,  # [30, 180, 1500, 3360] -> (180 + 1500) / 2
    "first_resolution_business_minutes_median": 360,  # [30, 180, 540, 1440] -> (180 + 540) / 2
    "full_resolution_minutes_median": 1770,  # [30, 180, 3360, 10200] -> (180 + 3360) / 2
    "full_resolution_business_minutes_median": 810,  # [30, 180, 1440, 2520] -> (180 + 1440) / 2
    # r2 only: r1 has 3 replies, r3 a transfer, r4 2 replies.
    "first_contact_resolution_rate": 0.25,
    "one_touch_resolution_rate": 0.5,  # r2, r3 (fewer than 2 replies)
    "reopen_rate": 0.25,  # r1
    "reopens_per_resolved_ticket": 0.5,  # (2 + 0 + 0 + 0) / 4
    # Complaints r2 (follow-up 23.5 h after), r3 (72 h after), r4 (none, 48 h long gone): 1 / 3.
    "follow_up_within_48h_rate": 1 / 3,
    # Updates r1 3, r2 0, r3 1 (r4 unknown) over (10200 + 30 + 3360) / 1440 open days.
    "customer_updates_per_open_day": 4 / (13590 / 1440),
    # Met r1 (2520 <= 2880), r2 (30 <= 1440); breached r3 (1440 > 480), r4 (source), and the
    # open r6 and o1 whose targets ran out in March; o2 is not judged yet: 2 / 6.
    "tickets_resolved_or_overdue": 6,
    "sla_resolution_compliance": 2 / 6,
    "sla_resolution_open_breached": 2,
}


def add_resolution_tickets(warehouse: KpiWarehouse) -> None:
    warehouse.ticket(
        "r1",
        "2025-02-24 09:00",
        first_resolved_at="2025-02-25 10:00",
        last_resolved_at="2025-03-03 11:00",
        status="solved",
        priority="normal",
        agent_reply_count=3,
        reopen_count=2,
        transfer_count=0,
        customer_update_count=3,
        is_complaint=False,
    )
    warehouse.ticket(
        "r2",
        "2025-03-03 09:00",
        first_resolved_at="2025-03-03 09:30",
        last_resolved_at="2025-03-03 09:30",
        status="solved",
        priority="high",
        agent_reply_count=1,
        reopen_count=0,
        transfer_count=0,
        is_escalated=False,
        customer_update_count=0,
        is_complaint=True,
        has_follow_up=True,
        follow_up_at="2025-03-04 09:00",
    )
    warehouse.ticket(
        "r3",
        "2025-03-04 09:00",
        first_resolved_at="2025-03-06 17:00",
        last_resolved_at="2025-03-06 17:00",
        status="closed",
        priority="urgent",
        agent_reply_count=1,
        reopen_count=0,
        transfer_count=1,
        customer_update_count=1,
        is_complaint=True,
        has_follow_up=True,
        follow_up_at="2025-03-09 17:00",
    )
    warehouse.ticket(
        "r4",
        "2025-03-10 09:00",
        first_resolved_at="2025-03-10 12:00",
        last_resolved_at="2025-03-10 12:00",
        status="solved",
        priority="low",
        agent_reply_count=2,
        reopen_count=0,
        transfer_count=0,
        sla_resolution_breached=True,
        is_complaint=True,
        has_follow_up=False,
    )
    warehouse.ticket(
        "r5",
        "2025-03-11 09:00",
        last_resolved_at="2025-03-11 10:00",
        status="canceled",
        priority="normal",
        agent_reply_count=0,
        reopen_count=0,
    )
    warehouse.ticket(
        "r6",
        "2025-03-04 10:00",
        first_resolved_at="2025-03-05 12:00",
        last_resolved_at="2025-03-05 12:00",
        status="open",
        priority="low",
        reopen_count=1,
    )
    warehouse.ticket("o1", "2025-03-05 09:00", status="open", priority="high")
    warehouse.ticket("o2", "2025-03-31 16:00", status="pending", priority="normal")


def test_resolution_kpis_count_tickets_resolved_in_the_month(kpi_warehouse: KpiWarehouse) -> None:
    add_resolution_tickets(kpi_warehouse)

    row = kpi_warehouse.month(
        "2025-03", *RESOLUTION_KPIS.keys() - {"tickets_resolved", "tickets_resolved_or_overdue"}
    )

    assert_kpis(row, RESOLUTION_KPIS)


def test_an_open_ticket_counts_for_resolution_sla_when_its_target_runs_out(
    kpi_warehouse: KpiWarehouse,
) -> None:
    add_resolution_tickets(kpi_warehouse)

    # Low priority, 4800 business minutes from Tue 4 Mar 10:00: 420 that day, 8 full days to
    # Mon 17 Mar (4,260 more), then 60 on Tue 18 Mar.
    r6 = kpi_warehouse.facts("r6")

    assert r6["sla_resolution_due_at"] == datetime(2025, 3, 18, 10, 0)
    assert r6["sla_resolution_counted_at"] == datetime(2025, 3, 18, 10, 0)
    assert r6["is_sla_resolution_breached"] is True
    assert r6["is_resolved"] is False


def test_a_flag_the_source_does_not_report_leaves_the_ticket_out_rather_than_failing_it(
    kpi_warehouse: KpiWarehouse,
) -> None:
    # Resolved, but the export says neither whether it was a complaint nor how many replies.
    kpi_warehouse.ticket(
        "x",
        "2025-03-03 09:00",
        status="solved",
        last_resolved_at="2025-03-03 10:00",
        follow_up_at="2025-03-10 10:00",
        transfer_count=1,
    )

    facts = kpi_warehouse.facts("x")

    assert facts["is_followed_up_within_48h"] is None
    assert facts["is_first_contact_resolution"] is None
    assert facts["is_one_touch"] is None
    assert facts["is_reopened"] is None


# --- Backlog: snapshots at each month end ---------------------------------------------------


def test_backlog_is_a_snapshot_at_each_month_end_with_age_buckets(
    kpi_warehouse: KpiWarehouse,
) -> None:
    kpi_warehouse.ticket("b1", "2025-01-10 09:00", status="open")
    kpi_warehouse.ticket(
        "b2", "2025-01-20 09:00", status="solved", last_resolved_at="2025-02-10 09:00"
    )
    kpi_warehouse.ticket("b3", "2025-02-15 09:00", status="closed", closed_at="2025-03-05 09:00")
    # Canceled the next day: out of the backlog from then on.
    kpi_warehouse.ticket("b4", "2025-01-05 09:00", status="canceled", updated_at="2025-01-06 09:00")
    kpi_warehouse.ticket("b5", "2025-03-10 09:00", status="pending")

    table = kpi_warehouse.kpis(
        "backlog",
        "backlog_under_30_days",
        "backlog_30_to_60_days",
        "backlog_over_60_days",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 4, 30),
        as_of=datetime(2025, 3, 20, 12, 0),
    )

    # Age in days at each snapshot (Feb 1, Mar 1 00:00, and "now" = Mar 20 12:00 for March):
    #   January:  b1 21.6, b2 11.6                 -> 2 under 30
    #   February: b1 49.6, b3 13.6                 -> 1 under 30, 1 between 30 and 60
    #   March:    b1 69.1, b5 10.1 (b3 closed 5th) -> 1 under 30, 1 over 60
    #   April has not started at as_of: unknown, not 0.
    assert table["backlog"].tolist()[:3] == [2, 2, 2]
    assert table["backlog_under_30_days"].tolist()[:3] == [2, 1, 1]
    assert table["backlog_30_to_60_days"].tolist()[:3] == [0, 1, 0]
    assert table["backlog_over_60_days"].tolist()[:3] == [0, 0, 1]
    assert table.iloc[3][["backlog", "backlog_over_60_days"]].isna().all()


# --- Surveys --------------------------------------------------------------------------------

#        sent    answered  CSAT  NPS   CES
#   s1   1 Mar   2 Mar     5     10    7
#   s2   1 Mar   2 Mar     4     9     5
#   s3   2 Mar   4 Mar     2     3     2
#   s4   2 Mar   5 Mar     -     9     -
#   s5   3 Mar   -         (never answered)
#   s6   27 Feb  1 Mar     3     6     4
SURVEY_KPIS: dict[str, float | None] = {
    "surveys_answered": 5,  # s1-s4 and s6 were answered in March
    "csat_mean": 3.5,  # (5 + 4 + 2 + 3) / 4
    "csat_satisfied_share": 0.5,  # 5 and 4 of 4 scores
    "nps": 20,  # promoters s1, s2, s4 = 3; detractors s3, s6 = 2; 100 * (3 - 2) / 5
    "ces_mean": 4.5,  # (7 + 5 + 2 + 4) / 4
    "ces_low_effort_share": 0.5,  # 7 and 5 of 4 scores
    "surveys_sent": 5,  # s1-s5 were sent in March
    "survey_response_rate": 0.8,  # 4 of the 5 sent in March were answered (s6 was sent in Feb)
}


def add_surveys(warehouse: KpiWarehouse) -> None:
    rows = [
        ("s1", "2025-03-01 10:00", "2025-03-02 10:00", 5, 10, 7),
        ("s2", "2025-03-01 10:00", "2025-03-02 11:00", 4, 9, 5),
        ("s3", "2025-03-02 10:00", "2025-03-04 10:00", 2, 3, 2),
        ("s4", "2025-03-02 10:00", "2025-03-05 10:00", None, 9, None),
        ("s5", "2025-03-03 10:00", None, None, None, None),
        ("s6", "2025-02-27 10:00", "2025-03-01 10:00", 3, 6, 4),
    ]
    for response_id, sent, answered, csat, nps, ces in rows:
        warehouse.survey(
            response_id,
            sent_at=sent,
            answered_at=answered,
            csat_score=csat,
            nps_score=nps,
            ces_score=ces,
        )


def test_survey_kpis_match_the_hand_computed_values(kpi_warehouse: KpiWarehouse) -> None:
    add_surveys(kpi_warehouse)

    row = kpi_warehouse.month("2025-03", *SURVEY_KPIS.keys() - {"surveys_answered", "surveys_sent"})

    assert_kpis(row, SURVEY_KPIS)
    # Sent in February, answered in March: the February response rate is 1 / 1.
    assert kpi_warehouse.month("2025-02", "survey_response_rate")["survey_response_rate"] == 1


def test_a_survey_takes_the_segments_of_its_ticket_and_falls_back_to_its_own(
    kpi_warehouse: KpiWarehouse,
) -> None:
    kpi_warehouse.ticket(
        "42", "2025-03-01 09:00", updated_at="2025-03-02 09:00", team="billing", channel="email"
    )
    # The same id in a second help desk, updated earlier: the survey must stay one row.
    kpi_warehouse.ticket(
        "42", "2025-01-01 09:00", updated_at="2025-01-02 09:00", source_system="jira", team="it"
    )
    kpi_warehouse.survey("s1", ticket_id="42", language="it", channel="web", csat_score=5)
    kpi_warehouse.survey("s2", ticket_id="unknown", language="he", channel="web")

    rows = kpi_warehouse.con.execute(
        "select response_id, team, channel, language, has_ticket from marts.survey_facts "
        "order by response_id"
    ).fetchall()

    assert rows == [("s1", "billing", "email", "it", True), ("s2", None, "web", "he", False)]


# --- Segments, periods and edge cases ------------------------------------------------------


def test_kpis_split_by_team_and_month(kpi_warehouse: KpiWarehouse) -> None:
    # Reply minutes: alpha Feb [10], alpha Mar [20, 40], beta Mar [90]; one ticket has no team.
    for ticket_id, team, created, reply in [
        ("1", "alpha", "2025-02-03 09:00", "2025-02-03 09:10"),
        ("2", "alpha", "2025-03-03 09:00", "2025-03-03 09:20"),
        ("3", "alpha", "2025-03-04 09:00", "2025-03-04 09:40"),
        ("4", "beta", "2025-03-05 09:00", "2025-03-05 10:30"),
        ("5", None, "2025-03-06 09:00", "2025-03-06 09:05"),
    ]:
        kpi_warehouse.ticket(ticket_id, created, team=team, first_public_reply_at=reply)

    table = kpi_warehouse.kpis("first_response_minutes_median", by="team")

    cells = {
        (f"{row['period']:%Y-%m}", row["team"] if isinstance(row["team"], str) else None): (
            row["tickets_created"],
            row["first_response_minutes_median"],
        )
        for row in table.to_dict("records")
    }
    # Every team gets a row in every month; a month without its tickets has no median.
    assert cells.keys() == {
        (month, team) for month in ("2025-02", "2025-03") for team in ("alpha", "beta", None)
    }
    assert cells[("2025-02", "alpha")] == (1, 10)
    assert cells[("2025-03", "alpha")] == (2, 30)  # (20 + 40) / 2
    assert cells[("2025-03", "beta")] == (1, 90)
    assert cells[("2025-03", None)] == (1, 5)
    assert cells[("2025-02", "beta")][0] == 0
    assert math.isnan(cells[("2025-02", "beta")][1])


def test_one_kpi_split_by_segment_has_one_row_per_period_and_segment(
    kpi_warehouse: KpiWarehouse,
) -> None:
    # One KPI family: its segments must not repeat once per period with data.
    for ticket_id, team, created in [
        ("1", "alpha", "2025-02-03 09:00"),
        ("2", "alpha", "2025-03-03 09:00"),
        ("3", "beta", "2025-03-04 09:00"),
    ]:
        kpi_warehouse.ticket(ticket_id, created, team=team)

    table = kpi_warehouse.kpis("escalation_rate", by="team")

    assert sorted(zip(table["period"].dt.strftime("%Y-%m"), table["team"], strict=True)) == [
        ("2025-02", "alpha"),
        ("2025-02", "beta"),
        ("2025-03", "alpha"),
        ("2025-03", "beta"),
    ]


def test_a_filter_keeps_only_matching_tickets_and_surveys(kpi_warehouse: KpiWarehouse) -> None:
    kpi_warehouse.ticket("1", "2025-03-03 09:00", channel="email")
    kpi_warehouse.ticket("2", "2025-03-03 09:00", channel="phone")
    kpi_warehouse.survey("s1", ticket_id="2", answered_at="2025-03-04 09:00", csat_score=2)
    kpi_warehouse.survey("s2", channel="phone", answered_at="2025-03-04 09:00", csat_score=4)
    kpi_warehouse.survey("s3", channel="email", answered_at="2025-03-04 09:00", csat_score=5)

    row = kpi_warehouse.month(
        "2025-03", "escalation_rate", "csat_mean", filters={"channel": "phone"}
    )

    assert row["tickets_created"] == 1
    assert row["csat_mean"] == 3  # s1 via its ticket, s2 by its own channel: (2 + 4) / 2


def test_months_are_local_to_the_calendar_time_zone(kpi_warehouse: KpiWarehouse) -> None:
    kpi_warehouse.calendar(
        BusinessCalendar(time_zone="Europe/Rome"), date(2025, 1, 1), date(2025, 12, 31)
    )
    # 31 Mar 21:30 UTC is 23:30 in Rome (March); 22:30 UTC is already 1 April 00:30 there.
    kpi_warehouse.ticket("march", "2025-03-31 21:30")
    kpi_warehouse.ticket("april", "2025-03-31 22:30")

    table = kpi_warehouse.kpis("escalation_rate")

    assert table["period"].dt.strftime("%Y-%m").tolist() == ["2025-03", "2025-04"]
    assert table["tickets_created"].tolist() == [1, 1]


def test_days_follow_the_local_clock_across_daylight_saving_changes(
    kpi_warehouse: KpiWarehouse,
) -> None:
    kpi_warehouse.calendar(
        BusinessCalendar(time_zone="Europe/Rome"), date(2025, 1, 1), date(2025, 12, 31)
    )
    # Rome moves to UTC+2 at 01:00 UTC on 30 March and back to UTC+1 at 01:00 UTC on 26 October.
    kpi_warehouse.ticket("29 Mar, last hour", "2025-03-29 22:59")  # 23:59 at UTC+1
    kpi_warehouse.ticket("30 Mar, first hour", "2025-03-29 23:00")  # 00:00 at UTC+1
    kpi_warehouse.ticket("30 Mar, last hour", "2025-03-30 21:59")  # 23:59 at UTC+2
    kpi_warehouse.ticket("31 Mar, first hour", "2025-03-30 22:00")  # 00:00 at UTC+2
    kpi_warehouse.ticket("26 Oct, first hour", "2025-10-25 22:00")  # 00:00 at UTC+2
    kpi_warehouse.ticket("26 Oct, last hour", "2025-10-26 22:59")  # 23:59 at UTC+1
    kpi_warehouse.ticket("27 Oct, first hour", "2025-10-26 23:00")  # 00:00 at UTC+1

    spring = kpi_warehouse.kpis(
        "escalation_rate", grain="day", period_start=date(2025, 3, 29), period_end=date(2025, 3, 31)
    )
    autumn = kpi_warehouse.kpis(
        "escalation_rate",
        grain="day",
        period_start=date(2025, 10, 25),
        period_end=date(2025, 10, 27),
    )

    assert spring["tickets_created"].tolist() == [1, 2, 1]
    assert autumn["tickets_created"].tolist() == [0, 2, 1]


def test_the_backlog_counts_a_ticket_opened_or_closed_at_a_snapshot_instant_as_the_pairs_do(
    kpi_warehouse: KpiWarehouse,
) -> None:
    # The snapshot of March is 1 April 00:00 UTC: a ticket created at that instant is in it,
    # one that left the queue at that instant is not.
    kpi_warehouse.ticket("created at the snapshot", "2025-04-01 00:00", status="open")
    kpi_warehouse.ticket(
        "solved at the snapshot",
        "2025-03-10 09:00",
        status="solved",
        last_resolved_at="2025-04-01 00:00",
    )
    kpi_warehouse.ticket(
        "solved after it", "2025-02-10 09:00", status="solved", last_resolved_at="2025-04-01 00:01"
    )

    table = kpi_warehouse.kpis(
        "backlog", period_start=date(2025, 2, 1), period_end=date(2025, 4, 30), by="team"
    )
    pairs = kpi_warehouse.kpis(
        "backlog",
        "backlog_over_60_days",
        period_start=date(2025, 2, 1),
        period_end=date(2025, 4, 30),
        by="team",
    )

    assert table["backlog"].tolist() == [1, 2, 1]
    assert pairs["backlog"].tolist() == table["backlog"].tolist()


def test_weeks_start_on_monday_and_quarters_in_january(kpi_warehouse: KpiWarehouse) -> None:
    kpi_warehouse.ticket("sunday", "2025-03-09 12:00")
    kpi_warehouse.ticket("monday", "2025-03-10 12:00")

    weeks = kpi_warehouse.kpis("escalation_rate", grain="week")
    quarters = kpi_warehouse.kpis(
        "escalation_rate",
        grain="quarter",
        period_start=date(2025, 2, 1),
        period_end=date(2025, 5, 1),
    )

    assert weeks["period"].tolist() == [pd.Timestamp("2025-03-03"), pd.Timestamp("2025-03-10")]
    assert quarters["period"].tolist() == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-04-01")]
    assert quarters["tickets_created"].tolist() == [2, 0]


def test_a_kpi_whose_population_is_empty_is_null_and_a_count_of_nothing_is_zero(
    kpi_warehouse: KpiWarehouse,
) -> None:
    # A March with one ticket that has no reply, no flags and no survey score.
    kpi_warehouse.ticket("1", "2025-03-03 09:00", status="solved")
    kpi_warehouse.survey("s1", sent_at="2025-03-03 10:00", answered_at="2025-03-04 10:00")

    row = kpi_warehouse.month(
        "2025-03", period_start=date(2025, 3, 1), period_end=date(2025, 3, 31)
    )

    nulls = {
        name: None
        for name, kpi in KPIS.items()
        if not kpi.is_count and name != "survey_response_rate"
    }
    assert_kpis(row, nulls)
    assert_kpis(
        row,
        {
            "abusive_contacts_ended": 0,
            "sla_response_open_breached": 0,
            "sla_resolution_open_breached": 0,
            "backlog": 0,
            "tickets_resolved": 0,
            "survey_response_rate": 1,
        },
    )


def test_as_of_decides_which_open_tickets_are_already_late(kpi_warehouse: KpiWarehouse) -> None:
    # Urgent, unanswered since Mon 3 Mar 09:00: the 60-minute target runs out at 10:00.
    kpi_warehouse.ticket("1", "2025-03-03 09:00", priority="urgent", status="open")
    names = ("sla_response_compliance", "sla_response_open_breached")

    before = kpi_warehouse.kpis(*names, as_of=datetime(2025, 3, 3, 9, 30))
    again = kpi_warehouse.kpis(*names, as_of=datetime(2025, 3, 3, 9, 30))
    after = kpi_warehouse.kpis(*names, as_of=datetime(2025, 3, 3, 10, 30))
    rome_after = kpi_warehouse.kpis(
        *names, as_of=datetime(2025, 3, 3, 11, 30, tzinfo=timezone(timedelta(hours=1)))
    )

    pd.testing.assert_frame_equal(before, again)
    assert math.isnan(before["sla_response_compliance"][0])  # not late yet: not judged
    assert before["sla_response_open_breached"][0] == 0
    assert after["sla_response_compliance"][0] == 0
    assert after["sla_response_open_breached"][0] == 1
    pd.testing.assert_frame_equal(after, rome_after)  # an aware as_of is the same instant


def test_kpi_table_leaves_the_callers_connection_as_it_was(kpi_warehouse: KpiWarehouse) -> None:
    kpi_warehouse.ticket("1", "2025-03-03 09:00", status="open")

    kpi_warehouse.kpis("backlog")
    evaluated_at = kpi_warehouse.con.execute(
        "select getvariable('critica_as_of'), evaluated_at from marts.ticket_facts"
    ).fetchone()

    # Without a pinned as_of the view judges open tickets at the current UTC time.
    assert evaluated_at is not None and evaluated_at[0] is None
    assert abs(evaluated_at[1] - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=5)


def test_kpi_summary_gives_every_kpi_with_the_rows_behind_it(kpi_warehouse: KpiWarehouse) -> None:
    add_response_tickets(kpi_warehouse)
    add_surveys(kpi_warehouse)

    summary = kpi_summary(
        kpi_warehouse.con, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31), as_of=AS_OF
    ).set_index("name")

    assert summary.index.tolist() == list(KPIS)
    assert summary.loc["first_response_minutes_median", "value"] == 210
    assert summary.loc["first_response_minutes_median", "n"] == 4
    assert summary.loc["sla_response_compliance", "n"] == 5
    assert summary.loc["nps", "value"] == pytest.approx(20)
    assert summary.loc["nps", "n"] == 5
    # Backlog at the end of March: t5 and t6 are open.
    assert summary.loc["backlog", "value"] == 2
    assert summary.loc["csat_mean", "unit"] == "csat_score"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"grain": "year"}, "grain: 'year' is not one of day, week, month, quarter"),
        ({"by": "requester_hash"}, "by: 'requester_hash' is not one of team, channel, priority"),
        ({"kpis": ["nps", "happiness"]}, "kpis: 'happiness' is not one of"),
        ({"filters": {"team; drop table x": "a"}}, "filters: 'team; drop table x' is not one of"),
        (
            {"period_start": date(2025, 3, 1), "period_end": date(2025, 2, 1)},
            "period_end 2025-02-01 is before period_start 2025-03-01",
        ),
    ],
)
def test_unknown_choices_are_refused_naming_the_allowed_values(
    kpi_warehouse: KpiWarehouse, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        kpi_table(kpi_warehouse.con, as_of=AS_OF, **options)


def test_filter_values_are_parameters_not_sql(kpi_warehouse: KpiWarehouse) -> None:
    kpi_warehouse.ticket("1", "2025-03-03 09:00", team="alpha")

    table = kpi_warehouse.kpis("escalation_rate", filters={"team": "alpha' or '1'='1"})

    assert table["tickets_created"].tolist() == [0]


def test_every_kpi_is_checked_against_a_hand_computed_value() -> None:
    checked = (
        RESPONSE_KPIS.keys() | INTAKE_KPIS.keys() | RESOLUTION_KPIS.keys() | SURVEY_KPIS.keys()
    )
    checked |= {"backlog", "backlog_under_30_days", "backlog_30_to_60_days", "backlog_over_60_days"}

    assert set(KPIS) - checked == set()


def test_every_kpi_has_a_section_in_the_docs() -> None:
    headings = set(re.findall(r"^### `([a-z0-9_]+)`", DOCS.read_text(encoding="utf-8"), re.M))

    assert set(KPIS) - headings == set(), "add a section to docs/kpis.md"
    assert headings - set(KPIS) == set(), "docs/kpis.md describes a KPI the registry lacks"


def test_an_empty_warehouse_gives_an_empty_table_with_every_column(
    kpi_warehouse: KpiWarehouse,
) -> None:
    table = kpi_warehouse.kpis(by="channel")

    assert table.empty
    assert list(table.columns[:3]) == ["period", "channel", "tickets_created"]
    assert set(KPIS) <= set(table.columns)

"""The demo generator writes realistic, deterministic exports that the real ETL loads."""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from demo.clock import DAY, HOUR, DeskClock
from demo.generator import DemoExports, write_demo_exports
from etl.loading import LoadReport, load_export
from warehouse.store import open_for_reading, open_for_writing

SMALL = 600
STORY = 6_000

ZENDESK_HEADER = [
    "Summation column", "Id", "Requester", "Requester id", "Requester external id",
    "Requester email", "Requester domain", "Submitter", "Assignee", "Group", "Subject", "Tags",
    "Status", "Priority", "Via", "Ticket type", "Created at", "Updated at", "Assigned at",
    "Organization", "Due date", "Initially assigned at", "Solved at", "Resolution time",
    "Satisfaction Score", "Group stations", "Assignee stations", "Reopens", "Replies",
    "First reply time in minutes", "First reply time in minutes within business hours",
    "First resolution time in minutes", "First resolution time in minutes within business hours",
    "Full resolution time in minutes", "Full resolution time in minutes within business hours",
    "Agent wait time in minutes", "Agent wait time in minutes within business hours",
    "Requester wait time in minutes", "Requester wait time in minutes within business hours",
    "On hold time in minutes", "On hold time in minutes within business hours",
    "Description [text]", "Escalated to team lead [checkbox]", "Escalated at [date]",
    "Follow-up done [checkbox]", "Follow-up at [date]", "Call-back promised [checkbox]",
    "Call-back kept [checkbox]", "Customer updates [integer]",
    "Contact ended for abuse [checkbox]", "Out of scope [checkbox]", "Fault attribution [list]",
]  # fmt: skip
JIRA_HEADER = [
    "Riepilogo", "Chiave ticket", "ID ticket", "Tipo ticket", "Stato", "Priorità", "Risoluzione",
    "Assegnatario", "Autore", "Creato", "Aggiornato", "Risolto", "Etichette", "Etichette",
    "Descrizione", "Campo personalizzato (Request Type)", "Campo personalizzato (Team)",
    "Campo personalizzato (Channel)", "Campo personalizzato (Time to first response)",
    "Campo personalizzato (Time to resolution)",
    "Campo personalizzato ([CHART] Date of First Response)", "Campo personalizzato (Reopens)",
    "Campo personalizzato (Transfers)", "Campo personalizzato (Escalated to team lead)",
    "Campo personalizzato (Escalated at)", "Campo personalizzato (Follow-up done)",
    "Campo personalizzato (Follow-up at)", "Campo personalizzato (Call-back promised)",
    "Campo personalizzato (Call-back kept)", "Campo personalizzato (Customer updates)",
    "Campo personalizzato (Contact ended for abuse)", "Campo personalizzato (Out of scope)",
    "Campo personalizzato (Fault attribution)",
]  # fmt: skip
QUALTRICS_IDS = [
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
    "DistributionChannel", "UserLanguage", "Q1", "Q2", "Q2_NPS_GROUP", "Q3", "Q4", "ticket_id",
]  # fmt: skip
TRUTH_HEADER = ["source_system", "ticket_id", "root_cause", "language", "is_complaint"]

ZENDESK_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
JIRA_TIME = re.compile(
    r"^\d{2}/(gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic)/\d{2} \d{2}:\d{2}$"
)
JIRA_MONTHS = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")


def _is_zendesk_time(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def _rows(path: Path, header_rows: int = 1) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    header = records[0]
    return [dict(zip(header, record, strict=True)) for record in records[header_rows:]]


def _header_records(path: Path, count: int) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        return [next(reader) for _ in range(count)]


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoExports:
    return write_demo_exports(tmp_path_factory.mktemp("small"), tickets=SMALL)


@pytest.fixture(scope="module")
def story_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoExports:
    return write_demo_exports(tmp_path_factory.mktemp("story"), tickets=STORY)


def _files(exports: DemoExports) -> list[Path]:
    return [
        exports.zendesk_tickets,
        exports.jira_tickets,
        exports.qualtrics_surveys,
        exports.root_cause_truth,
    ]


def test_the_same_seed_writes_byte_identical_files_and_another_seed_does_not(
    small_demo: DemoExports, tmp_path: Path
) -> None:
    again = write_demo_exports(tmp_path / "again", tickets=SMALL)
    other = write_demo_exports(tmp_path / "other", tickets=SMALL, seed=8)

    for first, second, different in zip(
        _files(small_demo), _files(again), _files(other), strict=True
    ):
        assert first.read_bytes() == second.read_bytes(), first.name
        assert first.read_bytes() != different.read_bytes(), first.name


def test_each_file_has_its_tools_header_in_the_exact_order(small_demo: DemoExports) -> None:
    assert _header_records(small_demo.zendesk_tickets, 1) == [ZENDESK_HEADER]
    assert _header_records(small_demo.jira_tickets, 1) == [JIRA_HEADER]
    assert _header_records(small_demo.root_cause_truth, 1) == [TRUTH_HEADER]
    ids, texts, imports = _header_records(small_demo.qualtrics_surveys, 3)
    assert ids == QUALTRICS_IDS
    assert texts[17:22] == [
        "How satisfied were you with the support you received?",
        "How likely are you to recommend us to a friend or colleague?",
        "How likely are you to recommend us to a friend or colleague? - Group",
        "The company made it easy for me to handle my issue.",
        "Is there anything else you would like to tell us?",
    ]
    assert imports[17] == '{"ImportId":"QID1"}'
    assert small_demo.qualtrics_surveys.read_bytes().startswith(b"\xef\xbb\xbfStartDate,")


def test_dates_are_written_in_each_tools_format_except_the_planted_bad_ones(
    small_demo: DemoExports,
) -> None:
    zendesk = _rows(small_demo.zendesk_tickets)
    jira = _rows(small_demo.jira_tickets)
    surveys = _rows(small_demo.qualtrics_surveys, header_rows=3)

    bad_zendesk = [r["Created at"] for r in zendesk if not _is_zendesk_time(r["Created at"])]
    bad_jira = [r["Creato"] for r in jira if not JIRA_TIME.match(r["Creato"])]
    assert len(bad_zendesk) + len(bad_jira) <= 0.01 * SMALL
    assert all(ZENDESK_TIME.match(r["Updated at"]) for r in zendesk)
    assert all(JIRA_TIME.match(r["Aggiornato"]) for r in jira)
    assert all(ZENDESK_TIME.match(r["Solved at"]) for r in zendesk if r["Solved at"])
    assert all(re.match(r"^-?\d+:\d{2}$", r["Campo personalizzato (Time to first response)"])
               for r in jira)  # fmt: skip
    assert sum(not ZENDESK_TIME.match(r["StartDate"]) for r in surveys) <= 0.01 * len(surveys)


def test_every_language_appears_with_the_italian_desk_in_jira(small_demo: DemoExports) -> None:
    truth = _rows(small_demo.root_cause_truth)
    languages = Counter((r["source_system"], r["language"]) for r in truth)

    assert {language for _, language in languages} == {"en", "it", "de", "es", "fr", "he"}
    assert {language for system, language in languages if system == "jira"} == {"it"}
    assert max(languages, key=lambda key: languages[key]) == ("zendesk", "en")
    assert len(truth) == SMALL


def test_complaints_are_about_thirty_percent_and_marked_as_each_tool_marks_them(
    story_demo: DemoExports,
) -> None:
    truth = {(r["source_system"], r["ticket_id"]): r for r in _rows(story_demo.root_cause_truth)}
    marked = {
        ("zendesk", r["Id"]): "complaint" in r["Tags"].split()
        for r in _rows(story_demo.zendesk_tickets)
    } | {
        ("jira", r["Chiave ticket"]): r["Campo personalizzato (Request Type)"] == "Reclamo"
        for r in _rows(story_demo.jira_tickets)
    }

    complaints = [key for key, row in truth.items() if row["is_complaint"] == "true"]
    assert 0.25 < len(complaints) / len(truth) < 0.36
    assert all(marked[key] == (truth[key]["is_complaint"] == "true") for key in marked if key[1])
    causes = Counter(truth[key]["root_cause"] for key in complaints)
    assert len(causes) == 12
    assert all(truth[key]["root_cause"] == "" for key in truth if key not in complaints)


def _created_month(value: str, jira: bool) -> str | None:
    if jira:
        if not JIRA_TIME.match(value):
            return None
        _, month, rest = value.split("/")
        return f"20{rest[:2]}-{JIRA_MONTHS.index(month) + 1:02d}"
    return value[:7] if _is_zendesk_time(value) else None


def test_slow_response_complaints_rise_for_eleven_months_then_recover(
    story_demo: DemoExports,
) -> None:
    truth = {(r["source_system"], r["ticket_id"]): r for r in _rows(story_demo.root_cause_truth)}
    created = {
        ("zendesk", r["Id"]): _created_month(r["Created at"], jira=False)
        for r in _rows(story_demo.zendesk_tickets)
    } | {
        ("jira", r["Chiave ticket"]): _created_month(r["Creato"], jira=True)
        for r in _rows(story_demo.jira_tickets)
    }
    tickets: Counter[str] = Counter()
    slow: Counter[str] = Counter()
    for key, month in created.items():
        if month is None or key not in truth:
            continue
        tickets[month] += 1
        slow[month] += truth[key]["root_cause"] == "slow_first_response"
    months = sorted(tickets)
    assert months[0] == "2025-05" and months[-1] == "2026-10" and len(months) == 18

    def share(first: int, last: int) -> float:  # story months are numbered from 1
        chosen = months[first - 1 : last]
        return sum(slow[m] for m in chosen) / sum(tickets[m] for m in chosen)

    assert share(9, 11) > 1.6 * share(1, 3)
    assert share(9, 11) > 2.0 * share(16, 18)


def test_first_replies_slow_down_then_recover_in_the_monthly_median(
    story_demo: DemoExports,
) -> None:
    minutes: defaultdict[str, list[int]] = defaultdict(list)
    for row in _rows(story_demo.zendesk_tickets):
        reply = row["First reply time in minutes within business hours"]
        if _is_zendesk_time(row["Created at"]) and reply and row["Via"] in ("Mail", "Web form"):
            minutes[row["Created at"][:7]].append(int(reply))
    medians = [statistics.median(minutes[m]) for m in sorted(minutes)]

    assert statistics.mean(medians[8:11]) > 1.5 * statistics.mean(medians[0:3])
    assert statistics.mean(medians[15:18]) < 0.7 * statistics.mean(medians[8:11])


def test_every_survey_follows_a_ticket_in_the_ticket_exports(story_demo: DemoExports) -> None:
    ticket_ids = {r["Id"] for r in _rows(story_demo.zendesk_tickets)} | {
        r["Chiave ticket"] for r in _rows(story_demo.jira_tickets)
    }
    surveys = _rows(story_demo.qualtrics_surveys, header_rows=3)

    assert 0.3 * STORY < len(surveys) < 0.42 * STORY
    assert all(r["ticket_id"] == r["ExternalReference"] for r in surveys)
    assert {r["ticket_id"] for r in surveys} <= ticket_ids
    partial = [r for r in surveys if r["Finished"] == "0"]
    assert 0.05 < len(partial) / len(surveys) < 0.15
    assert all(r["Q1"] == "" and r["RecordedDate"] == "" and r["StartDate"] for r in partial)
    assert {r["UserLanguage"] for r in surveys} == {"EN", "IT", "DE", "ES", "FR", "HE"}


def test_complaints_score_lower_than_ordinary_requests(story_demo: DemoExports) -> None:
    truth = {r["ticket_id"]: r["is_complaint"] for r in _rows(story_demo.root_cause_truth)}
    scores: defaultdict[str, list[int]] = defaultdict(list)
    for row in _rows(story_demo.qualtrics_surveys, header_rows=3):
        if row["Q1"]:
            scores[truth[row["ticket_id"]]].append(int(row["Q1"]))

    assert statistics.mean(scores["true"]) < statistics.mean(scores["false"]) - 0.8


def test_one_exact_duplicate_and_one_older_version_are_planted_in_zendesk(
    story_demo: DemoExports,
) -> None:
    with story_demo.zendesk_tickets.open(encoding="utf-8", newline="") as handle:
        records = [tuple(record) for record in csv.reader(handle)][1:]
    by_id: defaultdict[str, list[tuple[str, ...]]] = defaultdict(list)
    for record in records:
        if record[1]:
            by_id[record[1]].append(record)
    repeated = {ticket: rows for ticket, rows in by_id.items() if len(rows) > 1}

    assert len(repeated) == 2
    exact, versions = sorted(repeated.values(), key=lambda rows: rows[0] != rows[1])
    assert exact[0] == exact[1]
    updated = ZENDESK_HEADER.index("Updated at")
    assert versions[0][updated] > versions[1][updated]  # the older export comes last


def test_progress_counts_tickets_up_to_the_total(tmp_path: Path) -> None:
    seen: list[int] = []

    write_demo_exports(tmp_path, tickets=2_500, progress=seen.append)

    assert seen == [1_000, 2_000, 2_500]


def test_the_period_ends_with_the_chosen_month(tmp_path: Path) -> None:
    exports = write_demo_exports(tmp_path, tickets=300, end_month=date(2025, 12, 1), months=6)

    months = {
        r["Created at"][:7]
        for r in _rows(exports.zendesk_tickets)
        if _is_zendesk_time(r["Created at"])
    }
    assert min(months) == "2025-07" and max(months) == "2025-12"


def test_impossible_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1 ticket"):
        write_demo_exports(tmp_path, tickets=0)


def _load(warehouse: Path, export: Path) -> LoadReport:
    with open_for_writing(warehouse) as connection:
        return load_export(connection, export, source_time_zone="Europe/Rome")


@pytest.mark.parametrize(
    ("export", "profile", "entity"),
    [
        ("zendesk_tickets", "zendesk", "tickets"),
        ("jira_tickets", "jira", "tickets"),
        ("qualtrics_surveys", "qualtrics", "survey_responses"),
    ],
)
def test_the_real_etl_detects_and_loads_nearly_every_row(
    small_demo: DemoExports, tmp_path: Path, export: str, profile: str, entity: str
) -> None:
    warehouse = tmp_path / "critica.duckdb"

    report = _load(warehouse, getattr(small_demo, export))

    assert (report.profile, report.entity) == (profile, entity)
    assert report.is_balanced
    assert report.rows_quarantined / report.rows_read < 0.01
    assert report.rows_loaded / report.rows_read > 0.98
    connection = open_for_reading(warehouse)
    try:
        reasons = connection.execute("select reason from quarantine.rejected_rows").fetchall()
    finally:
        connection.close()
    planted = re.compile(r"missing|cannot read '(N/A|#VAL|2025-13|32/|ieri|2025-02-30)")
    assert all(planted.search(reason) for (reason,) in reasons), reasons


def test_loaded_demo_tickets_carry_the_service_facts_and_link_to_surveys(
    small_demo: DemoExports, tmp_path: Path
) -> None:
    warehouse = tmp_path / "critica.duckdb"
    for export in _files(small_demo)[:3]:
        _load(warehouse, export)

    connection = open_for_reading(warehouse)
    try:
        facts = connection.execute(
            """
            select
                count(distinct team), count(distinct channel), count(distinct status),
                count(*) filter (where is_complaint), count(*) filter (where is_callback_promised),
                count(distinct fault_attribution), count(*) filter (where reopen_count > 0)
            from core.tickets
            """
        ).fetchone()
        unlinked = connection.execute(
            """
            select count(*) from core.survey_responses as s
            where not exists (select 1 from core.tickets as t where t.ticket_id = s.ticket_id)
            """
        ).fetchone()
    finally:
        connection.close()

    assert facts is not None and unlinked is not None
    teams, channels, statuses, complaints, callbacks, faults, reopened = facts
    assert teams == 10 and channels == 5 and statuses >= 3
    assert complaints > 0.2 * SMALL and callbacks > 0 and faults == 4 and reopened > 0
    assert unlinked == (0,)


def test_the_desk_clock_stops_out_of_hours_and_skips_the_missing_spring_hour() -> None:
    clock = DeskClock(date(2026, 3, 1), 60)
    friday_evening = clock.day_index(date(2026, 3, 27)) * DAY + 20 * HOUR
    spring_night = clock.day_index(date(2026, 3, 29)) * DAY + 2 * HOUR + 30 * 60

    assert clock.iso(clock.after_business(friday_evening, 30 * 60)) == "2026-03-30 08:30:00"
    assert clock.iso(spring_night) == "2026-03-29 03:30:00"
    assert clock.jira(friday_evening) == "27/mar/26 20:00"
    # Friday 20:00 CET to Monday 08:00 CEST is 60 wall-clock hours but 59 real ones.
    monday_morning = clock.day_index(date(2026, 3, 30)) * DAY + 8 * HOUR
    assert clock.minutes_between(friday_evening, monday_morning) == 59 * 60

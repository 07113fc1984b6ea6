"""Write the demo's exports: Zendesk and Jira tickets, Qualtrics surveys, and the hidden truth.

Same seed, same bytes. Rows are simulated and written one at a time, so a million tickets need
no more memory than twenty thousand.
"""

from __future__ import annotations

import csv
import dataclasses
import random
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from demo.arrivals import month_arrivals, monthly_counts
from demo.clock import DAY, HOUR, DeskClock
from demo.export_writers import (
    JIRA_HEADER,
    QUALTRICS_HEADER_ROWS,
    TRUTH_HEADER,
    ZENDESK_HEADER,
    jira_row,
    qualtrics_row,
    truth_row,
    zendesk_row,
)
from demo.story import Desk, Ticket
from demo.surveys import DEFAULT_SURVEY_RATE, survey_for

ZENDESK_FILE: Final = "zendesk_tickets.csv"
JIRA_FILE: Final = "jira_tickets_it.csv"
QUALTRICS_FILE: Final = "qualtrics_surveys.csv"
TRUTH_FILE: Final = "root_cause_truth.csv"
DEFECT_SHARE: Final = 0.002  # rows with an unreadable date or a missing id
PROGRESS_EVERY: Final = 1_000
_RESOLVED_SHARE: Final = 0.99  # resolved tickets per ticket, to turn surveys per ticket into a rate
_DAYS_AFTER_EXPORT: Final = 800  # long resolutions and follow-ups run past the export
_BUFFER: Final = 1 << 20


@dataclass(frozen=True)
class DemoExports:
    """The files :func:`write_demo_exports` wrote."""

    zendesk_tickets: Path
    jira_tickets: Path
    qualtrics_surveys: Path
    root_cause_truth: Path


def write_demo_exports(
    out_dir: Path,
    *,
    seed: int = 7,
    tickets: int = 20_000,
    end_month: date = date(2026, 10, 1),
    months: int = 18,
    surveys_per_ticket: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoExports:
    """Simulate a multilingual service desk and write its exports, deterministically.

    Args:
        out_dir: Folder for the four files (created if missing; existing files are replaced).
        seed: Random seed; the same seed and arguments give byte-identical files.
        tickets: Tickets to simulate over the whole period.
        end_month: The last month with tickets (any day of it); the export is taken the next
            morning after its last day.
        months: Length of the period in months, ending with ``end_month``.
        surveys_per_ticket: Survey rows wanted per ticket (e.g. 0.3); None surveys 37% of the
            resolved tickets (about 0.37 per ticket).
        progress: Called with the number of tickets written so far, every 1,000 tickets and
            once at the end.

    Returns:
        The paths of the files written.

    Raises:
        ValueError: when ``tickets`` or ``months`` is below 1 or ``surveys_per_ticket`` is negative.
    """
    if tickets < 1 or months < 1:
        raise ValueError(f"demo: need at least 1 ticket and 1 month (got {tickets}, {months}).")
    if surveys_per_ticket is not None and surveys_per_ticket < 0:
        raise ValueError(f"demo: surveys_per_ticket cannot be negative ({surveys_per_ticket}).")
    out_dir.mkdir(parents=True, exist_ok=True)
    exports = DemoExports(
        out_dir / ZENDESK_FILE, out_dir / JIRA_FILE, out_dir / QUALTRICS_FILE, out_dir / TRUTH_FILE
    )
    rng = random.Random(seed)
    first_month = _month_shift(end_month.replace(day=1), -(months - 1))
    export_day = _month_shift(end_month.replace(day=1), 1)
    clock = DeskClock(first_month, (export_day - first_month).days + _DAYS_AFTER_EXPORT)
    export_at = clock.day_index(export_day) * DAY + 6 * HOUR + 30 * 60
    desk = Desk(rng, clock, months, export_at, tickets)
    survey_rate = DEFAULT_SURVEY_RATE
    if surveys_per_ticket is not None:
        survey_rate = min(1.0, surveys_per_ticket / _RESOLVED_SHARE)
    defects = {
        number: ("date" if rng.random() < 0.6 else "id")
        for number in sorted(rng.sample(range(tickets), max(1, round(tickets * DEFECT_SHARE))))
    }

    with ExitStack() as files:
        zendesk, jira, qualtrics, truth = (
            csv.writer(files.enter_context(path.open("w", encoding=encoding, newline="",
                                                     buffering=_BUFFER)))
            for path, encoding in (
                (exports.zendesk_tickets, "utf-8"),
                (exports.jira_tickets, "utf-8"),
                (exports.qualtrics_surveys, "utf-8-sig"),  # Qualtrics writes a BOM
                (exports.root_cause_truth, "utf-8"),
            )
        )  # fmt: skip
        zendesk.writerow(ZENDESK_HEADER)
        jira.writerow(JIRA_HEADER)
        qualtrics.writerows(QUALTRICS_HEADER_ROWS)
        truth.writerow(TRUTH_HEADER)
        zendesk_id, jira_key, jira_issue_id = 104_511, 1_203, 48_209
        exported_again: list[list[str]] = []  # an exact duplicate and an older version, at the end
        number = 0
        for month, count in enumerate(monthly_counts(tickets, first_month, months)):
            day = _month_shift(first_month, month)
            for created in month_arrivals(rng, clock, day.year, day.month, count):
                ticket = desk.ticket(number, created, month)
                ticket.defect = defects.get(number)
                if ticket.language == "it":
                    jira_key += 1
                    jira_issue_id += 1 + int(
                        rng.random() < 0.3
                    )  # ids are shared with other projects
                    ticket.ticket_id = f"ASSIST-{jira_key}"
                    jira.writerow(jira_row(ticket, jira_issue_id, clock, export_at))
                    source_system = "jira"
                else:
                    zendesk_id += 1 + int(rng.random() < 0.03)  # deleted spam leaves gaps
                    ticket.ticket_id = str(zendesk_id)
                    row = zendesk_row(ticket, clock, export_at)
                    zendesk.writerow(row)
                    exported_again.extend(
                        _exported_again(ticket, row, tickets, len(exported_again), clock)
                    )
                    source_system = "zendesk"
                truth.writerow(truth_row(ticket, source_system))
                survey = survey_for(ticket, rng, export_at, survey_rate)
                if survey is not None:
                    qualtrics.writerow(qualtrics_row(ticket, survey, clock))
                number += 1
                if progress is not None and number % PROGRESS_EVERY == 0:
                    progress(number)
        zendesk.writerows(exported_again)
    if progress is not None and number % PROGRESS_EVERY:
        progress(number)
    return exports


def _exported_again(
    ticket: Ticket, row: list[str], tickets: int, found: int, clock: DeskClock
) -> list[list[str]]:
    """The rows to repeat at the end of the Zendesk file, as when two exports are concatenated.

    First the exact duplicate of a ticket a third of the way in, then an older version (still
    open, an earlier Updated at) of a solved ticket halfway in.
    """
    if ticket.defect is not None:
        return []
    if found == 0 and ticket.number >= tickets // 3:
        return [row]
    if found == 1 and ticket.number >= tickets // 2 and ticket.solved and ticket.first_reply:
        snapshot_at = ticket.first_reply + (ticket.solved - ticket.first_reply) // 2
        older = dataclasses.replace(
            ticket,
            status="open",
            updated=snapshot_at,
            first_resolved=None,
            solved=None,
            reopens=0,
            replies=1,
            escalated_at=None,
            follow_up_done=False if ticket.is_complaint else None,
            follow_up_at=None,
            customer_updates=0,
        )
        return [zendesk_row(older, clock, snapshot_at)]
    return []


def _month_shift(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)

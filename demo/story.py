"""The demo desk's year and a half: when tickets arrive and how each one is handled.

The story: in the four biggest teams the first-response backlog grows for eleven months (slower
first replies, more SLA breaches, more "slow_first_response" complaints); in month twelve a
triage rota starts and first replies recover to well below the peak. Everything else (languages,
channels, long-tailed durations, reopens, transfers, call-backs, follow-ups) is steady noise
around realistic shares.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from typing import Final

from demo.clock import CLOSES, DAY, HOUR, OPENS, DeskClock
from demo.complaint_texts import complaint_description, complaint_subject
from demo.people import Area, Requester, Team, build_teams, requester
from demo.request_texts import request_text

LANGUAGES: Final = ("en", "it", "de", "es", "fr", "he")
_LANGUAGE_WEIGHTS: Final = (34, 22, 16, 11, 10, 7)
CHANNELS: Final = ("email", "web", "phone", "chat", "api")
_CHANNEL_WEIGHTS: Final = (36, 24, 18, 16, 6)
PRIORITIES: Final = ("low", "normal", "high", "urgent")
_REQUEST_PRIORITY_WEIGHTS: Final = (14, 64, 18, 4)
_COMPLAINT_PRIORITY_WEIGHTS: Final = (6, 55, 31, 8)

_REQUEST_KIND_WEIGHTS: Final = {"how_to": 30, "information": 28, "change_request": 24,
                                "billing_question": 18}  # fmt: skip
# Complaints other than slow first responses, whose share comes from the story.
_ROOT_CAUSE_WEIGHTS: Final = {
    "long_resolution": 13, "callback_not_made": 7, "transferred_many_times": 8, "rude_agent": 5,
    "not_kept_informed": 10, "billing_error": 15, "third_party_outage": 9,
    "user_error_howto": 9, "out_of_scope": 5, "vague_request": 5, "abusive_customer": 3,
}  # fmt: skip
_COMPLAINT_SHARE: Final = 0.26
_SLOW_RESPONSE_COMPLAINTS: Final = 0.028  # per ticket, times the team's backlog factor

AREA_OF: Final[dict[str, Area]] = {
    "how_to": "technical", "information": "general", "change_request": "general",
    "billing_question": "billing", "billing_error": "billing", "third_party_outage": "technical",
    "user_error_howto": "technical",
}  # fmt: skip
FAULT_OF: Final = {
    "slow_first_response": "own", "long_resolution": "own", "callback_not_made": "own",
    "transferred_many_times": "own", "rude_agent": "own", "not_kept_informed": "own",
    "billing_error": "own", "third_party_outage": "third_party", "user_error_howto": "user",
    "out_of_scope": "user", "vague_request": "user", "abusive_customer": "user",
}  # fmt: skip
PRODUCTS: Final = {
    "technical": ("FibraMax 1000", "FibraMax 300", "Home Wi-Fi Mesh", "TV Stream Box",
                  "Mobile Unlimited", "Cloud Drive 1TB"),
    "general": ("FibraMax 1000", "FibraMax 300", "Mobile Flex", "Mobile Unlimited",
                "TV Stream Box", "Cloud Drive 1TB"),
    "billing": ("FibraMax 1000", "FibraMax 300", "Mobile Flex", "Mobile Unlimited",
                "TV Stream Box"),
}  # fmt: skip

# Median first reply in business minutes at backlog factor 1, and how priority speeds it up.
_FIRST_REPLY_MINUTES: Final = {"email": 150.0, "web": 120.0, "api": 200.0, "phone": 3.0,
                               "chat": 2.0}  # fmt: skip
_QUEUED_CHANNELS: Final = frozenset({"email", "web", "api"})
_PRIORITY_SPEED: Final = {"urgent": 0.25, "high": 0.55, "normal": 1.0, "low": 1.6}
# Median business minutes of work after the first reply.
_WORK_MINUTES: Final = {
    "how_to": 240, "information": 120, "change_request": 900, "billing_question": 600,
    "slow_first_response": 900, "long_resolution": 7200, "callback_not_made": 2400,
    "transferred_many_times": 3000, "rude_agent": 1200, "not_kept_informed": 4800,
    "billing_error": 2400, "third_party_outage": 2400, "user_error_howto": 480,
    "out_of_scope": 240, "vague_request": 1800, "abusive_customer": 600,
}  # fmt: skip
_MAX_WORK_SECONDS: Final = 150 * 10 * HOUR  # 150 working days
_REOPEN: Final = {"long_resolution": 0.2, "user_error_howto": 0.12, "not_kept_informed": 0.12,
                  "transferred_many_times": 0.12}  # fmt: skip
_ESCALATION: Final = {"rude_agent": 0.35, "abusive_customer": 0.3, "long_resolution": 0.15,
                      "transferred_many_times": 0.15}  # fmt: skip
# Complaints whose text says how many days the customer has been waiting.
_WAITING_CAUSES: Final = frozenset(
    {"slow_first_response", "long_resolution", "callback_not_made", "not_kept_informed"}
)
_CLOSING: Final = {"en": "Thanks,", "it": "Grazie,", "de": "Danke und viele Grüße", "fr": "Merci,",
                   "es": "Gracias,", "he": "תודה,"}  # fmt: skip


def backlog_factor(month: int, months: int) -> float:
    """How much slower first replies are in the story's teams (1 = the first month).

    Grows for the first eleven months of eighteen, then the triage rota brings it down to
    about three quarters of the starting level; other lengths are stretched to the same shape.
    """
    x = month * 17 / max(months - 1, 1)
    if x <= 10:
        return 1 + 1.8 * math.pow(x / 10, 1.4)
    return 0.75 + 2.05 * math.exp(-(((x - 10) / 1.8) ** 2))


@dataclass(frozen=True)
class Survey:
    """One Qualtrics response to the post-resolution survey (scores None when not answered)."""

    response_id: str
    started: int
    ended: int | None
    duration_seconds: int
    progress: int
    csat: int | None
    nps: int | None
    ces: int | None
    comment: str
    defect: str | None


@dataclass
class Ticket:
    """One simulated ticket, in local moments of the desk clock (None: not happened by export)."""

    number: int
    ticket_id: str
    language: str
    team: Team
    agent: str
    requester: Requester
    channel: str
    priority: str
    area: Area
    product: str
    is_complaint: bool
    root_cause: str | None
    request_kind: str | None
    subject: str
    description: str
    created: int
    initially_assigned: int | None
    assigned: int | None
    first_reply: int | None
    first_resolved: int | None
    solved: int | None
    updated: int
    status: str  # Zendesk vocabulary: new, open, pending, hold, solved, closed
    reopens: int
    transfers: int
    assignee_stations: int
    replies: int
    escalated_at: int | None
    callback_promised: bool
    callback_kept: bool | None
    follow_up_done: bool | None
    follow_up_at: int | None
    customer_updates: int
    abuse_ended: bool
    out_of_scope: bool
    fault: str | None
    requester_wait_share: float
    on_hold_share: float
    defect: str | None = None
    survey: Survey | None = None


def _cumulative(weights: tuple[float, ...] | list[float]) -> list[float]:
    return list(accumulate(weights))


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A long-tailed positive draw around ``median`` (faster than ``lognormvariate``)."""
    return median * math.exp(sigma * rng.gauss(0.0, 1.0))


def _below(rng: random.Random, n: int) -> int:
    """A uniform index below ``n`` (``randrange`` costs five times more in the hot loop)."""
    return int(rng.random() * n)


class Desk:
    """Simulates tickets one at a time from one random stream (same seed, same tickets)."""

    def __init__(
        self, rng: random.Random, clock: DeskClock, months: int, export_at: int, tickets: int
    ) -> None:
        """Set up teams, requester bases and the story's monthly backlog per team."""
        self.rng = rng
        self.clock = clock
        self.export_at = export_at
        self.teams = build_teams(rng)
        self._language_cum = _cumulative(_LANGUAGE_WEIGHTS)
        self._channel_cum = _cumulative(_CHANNEL_WEIGHTS)
        self._request_priority_cum = _cumulative(_REQUEST_PRIORITY_WEIGHTS)
        self._complaint_priority_cum = _cumulative(_COMPLAINT_PRIORITY_WEIGHTS)
        self._kinds = tuple(_REQUEST_KIND_WEIGHTS)
        self._kind_cum = _cumulative(list(_REQUEST_KIND_WEIGHTS.values()))
        self._causes = tuple(_ROOT_CAUSE_WEIGHTS)
        self._cause_cum = _cumulative(list(_ROOT_CAUSE_WEIGHTS.values()))
        total_weight = sum(_LANGUAGE_WEIGHTS)
        self._customers = {
            language: max(40, int(tickets * weight / total_weight * 0.7))
            for language, weight in zip(LANGUAGES, _LANGUAGE_WEIGHTS, strict=True)
        }
        team_names = sorted({t.name for areas in self.teams.values() for t in areas.values()})
        self._backlog = {
            (name, month): lognormal(rng, 1.0, 0.07)
            for name in team_names
            for month in range(months)
        }
        for areas in self.teams.values():
            for team in areas.values():
                if team.story_affected:
                    for month in range(months):
                        self._backlog[team.name, month] *= backlog_factor(month, months)

    def _pick(self, items: tuple[str, ...], cumulative: list[float]) -> str:
        return items[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def ticket(self, number: int, created: int, month: int) -> Ticket:
        """Simulate the ticket created at ``created`` (local moment) in story month ``month``."""
        rng, clock, export_at = self.rng, self.clock, self.export_at
        chance = rng.random
        language = self._pick(LANGUAGES, self._language_cum)
        root_cause: str | None = None
        kind: str | None = None
        if chance() < _COMPLAINT_SHARE:
            root_cause = self._pick(self._causes, self._cause_cum)
            area = AREA_OF.get(root_cause, "general")
        else:
            kind = self._pick(self._kinds, self._kind_cum)
            area = AREA_OF[kind]
        team = self.teams[language].get(area) or self.teams[language]["general"]
        backlog = self._backlog[team.name, month]
        # The story: slow first replies turn ordinary contacts into complaints.
        if chance() < _SLOW_RESPONSE_COMPLAINTS * backlog:
            root_cause, kind = "slow_first_response", None
        is_complaint = root_cause is not None
        cause = root_cause or ""
        channel = self._channel(cause, created)
        priority = self._pick(
            PRIORITIES,
            self._complaint_priority_cum if is_complaint else self._request_priority_cum,
        )
        products = PRODUCTS[area]
        product = products[_below(rng, len(products))]
        person = requester(language, _below(rng, self._customers[language]))
        agent = team.agents[_below(rng, len(team.agents))]

        # First reply and resolution in business time: the desk's clock stops out of hours.
        median = _FIRST_REPLY_MINUTES[channel] * _PRIORITY_SPEED[priority]
        queued = channel in _QUEUED_CHANNELS
        if queued:
            median *= backlog
        sigma = 1.0 if queued else 0.8
        if cause == "slow_first_response":
            median, sigma = median * 3.5, 0.6
        reply_business = int(60 * lognormal(rng, median, sigma))
        one_touch = not is_complaint and not queued and chance() < 0.45
        if one_touch:
            work = int(60 + 840 * chance())
        else:
            work_median = _WORK_MINUTES[root_cause or kind or "information"]
            work = min(int(60 * lognormal(rng, work_median, 1.0)), _MAX_WORK_SECONDS)
        reopen_chance = _REOPEN.get(cause, 0.08 if is_complaint else 0.045)
        reopens = (1 if chance() < 0.85 else 2) if chance() < reopen_chance else 0
        created_business = clock.business_at(created)
        first_reply: int | None = clock.moment_at_business(created_business + reply_business)
        solved: int | None = clock.moment_at_business(created_business + reply_business + work)
        first_resolved: int | None = solved
        if reopens:
            partial_work = int(work * (0.3 + 0.4 * chance()))
            first_resolved = clock.moment_at_business(
                created_business + reply_business + partial_work
            )
        transfers = self._transfers(cause)
        replies = 1
        if not one_touch:
            extra = 0.3 + work / (10 * HOUR) * 0.5
            replies = 1 + transfers + reopens + int(rng.expovariate(1 / extra))
        if first_reply is not None and first_reply > export_at:
            first_reply, replies = None, 0
        if first_resolved is not None and first_resolved > export_at:
            first_resolved = None
        if solved is not None and solved > export_at:
            solved = None
        end = solved if solved is not None else export_at
        status = self._status(cause, solved, first_reply)

        assigned_at = created + int(60 * lognormal(rng, 8, 1.2))
        if first_reply is not None:
            assigned_at = min(assigned_at, first_reply)
        unassigned = assigned_at > export_at or (status == "new" and chance() < 0.5)
        initially_assigned = None if unassigned else assigned_at
        assigned = initially_assigned
        if transfers and initially_assigned is not None:
            assigned = self._during(initially_assigned, end, 0.1, 0.5)
        escalated_at = None
        if chance() < _ESCALATION.get(cause, 0.06 if is_complaint else 0.02):
            escalated_at = self._during(first_reply or created, end, 0.1, 0.8)
        callback_promised = cause == "callback_not_made" or chance() < (
            0.45 if channel == "phone" else 0.04
        )
        callback_kept = None
        if callback_promised:
            callback_kept = chance() < (0.1 if cause == "callback_not_made" else 0.9)
        follow_up_done: bool | None = None
        follow_up_at = None
        if is_complaint:
            follow_up_done = False
            if solved is not None and chance() < 0.72:
                # Done in working hours, mostly the same or the next working day.
                at = clock.after_business(solved, int(HOUR * lognormal(rng, 4, 0.8)))
                if at <= export_at:
                    follow_up_done, follow_up_at = True, at
        working_days = (reply_business + work) / (10 * HOUR)
        updates = 0
        if cause == "not_kept_informed":
            updates = int(chance() < 0.15)
        elif working_days > 1.5:
            updates = int(rng.expovariate(2.5 / working_days))
        waits_on_customer = cause in ("user_error_howto", "vague_request") or kind == "how_to"
        on_hold_share = 0.0
        if cause == "third_party_outage":
            on_hold_share = 0.3 + 0.3 * chance()
        elif chance() < 0.1:
            on_hold_share = 0.05 + 0.15 * chance()

        subject, description = self._texts(root_cause, kind, language, product, person)
        return Ticket(
            number=number,
            ticket_id="",
            language=language,
            team=team,
            agent=agent if initially_assigned is not None else "",
            requester=person,
            channel=channel,
            priority=priority,
            area=area,
            product=product,
            is_complaint=is_complaint,
            root_cause=root_cause,
            request_kind=kind,
            subject=subject,
            description=description,
            created=created,
            initially_assigned=initially_assigned,
            assigned=assigned,
            first_reply=first_reply,
            first_resolved=first_resolved,
            solved=solved,
            updated=self._updated(created, first_reply, solved, follow_up_at),
            status=status,
            reopens=reopens if first_resolved is not None else 0,
            transfers=transfers,
            assignee_stations=transfers + 1 + int(chance() < 0.2),
            replies=replies,
            escalated_at=escalated_at,
            callback_promised=callback_promised,
            callback_kept=callback_kept,
            follow_up_done=follow_up_done,
            follow_up_at=follow_up_at,
            customer_updates=updates,
            abuse_ended=cause == "abusive_customer" and chance() < 0.45,
            out_of_scope=chance() < (0.9 if cause == "out_of_scope" else 0.01),
            fault=(
                ("unknown" if chance() < 0.06 else FAULT_OF[root_cause]) if root_cause else None
            ),
            requester_wait_share=(0.3 + 0.3 * chance()) if waits_on_customer else 0.25 * chance(),
            on_hold_share=on_hold_share,
        )

    def _channel(self, cause: str, created: int) -> str:
        chance = self.rng.random
        if cause == "callback_not_made" and chance() < 0.75:
            channel = "phone"
        elif cause == "rude_agent" and chance() < 0.6:
            channel = "phone" if chance() < 0.7 else "chat"
        else:
            channel = self._pick(CHANNELS, self._channel_cum)
        if channel in ("phone", "chat"):
            day, second = divmod(created, DAY)
            if not (self.clock.is_open_day(day) and OPENS <= second < CLOSES):
                return "email" if chance() < 0.6 else "web"  # lines and chat are closed at night
        return channel

    def _transfers(self, cause: str) -> int:
        if cause == "transferred_many_times":
            return 2 + _below(self.rng, 4)
        draw = self.rng.random()
        if cause == "vague_request":
            draw *= 0.6  # hard to route: passed around more often
        return 3 if draw < 0.01 else 2 if draw < 0.04 else 1 if draw < 0.16 else 0

    def _during(self, start: int, end: int, low: float, high: float) -> int:
        """A working-hours moment between ``low`` and ``high`` of the way from start to end."""
        clock = self.clock
        begin = clock.business_at(start)
        span = max(clock.business_at(end) - begin, 0)
        moment = clock.moment_at_business(
            begin + int(span * (low + (high - low) * self.rng.random()))
        )
        return min(max(moment, start), end)

    def _status(self, cause: str, solved: int | None, first_reply: int | None) -> str:
        chance = self.rng.random
        if solved is not None:
            return "closed" if solved + 4 * DAY <= self.export_at else "solved"
        if first_reply is None:
            return "new" if chance() < 0.5 else "open"
        if cause == "third_party_outage" and chance() < 0.5:
            return "hold"
        draw = chance()
        return "pending" if draw < 0.45 else "open" if draw < 0.85 else "hold"

    def _updated(
        self, created: int, first_reply: int | None, solved: int | None, follow_up: int | None
    ) -> int:
        export_at = self.export_at
        if solved is not None:
            latest = solved + 4 * DAY + _below(self.rng, HOUR)  # closed by the automation
            if latest > export_at:
                latest = solved
            return max(latest, follow_up or 0)
        start = first_reply or created
        return start + int((export_at - start) * self.rng.random() * 0.8)

    def _texts(
        self,
        root_cause: str | None,
        kind: str | None,
        language: str,
        product: str,
        person: Requester,
    ) -> tuple[str, str]:
        rng = self.rng
        if root_cause is not None:
            subject = complaint_subject(root_cause, language, rng)
            waited = 2 + _below(rng, 11) if root_cause in _WAITING_CAUSES else None
            description = complaint_description(
                root_cause,
                language,
                rng,
                product=product,
                days_waited=waited,
                signer=(person.first_name, person.last_name),  # for redaction to remove
            )
            return subject, description  # complaint texts sign themselves now and then
        subject, description = request_text(kind or "information", language, rng, product=product)
        if rng.random() < 0.35:  # a signature with the requester's name, for redaction to remove
            description += f"\n\n{_CLOSING[language]}\n{person.name}"
        return subject, description

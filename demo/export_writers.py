"""Simulated tickets and surveys as rows in each tool's real export shape.

Zendesk legacy CSV (English, the other desks), Jira Service Management CSV with Italian headers
(the Italian desk), the Qualtrics CSV with its three header rows, and the hidden ground truth.
"""

from __future__ import annotations

import json
from typing import Final

from demo.clock import DAY, HOUR, DeskClock
from demo.story import Survey, Ticket

ZENDESK_HEADER: Final = (
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
)  # fmt: skip

_JIRA_CUSTOM: Final = (
    "Request Type", "Team", "Channel", "Time to first response", "Time to resolution",
    "[CHART] Date of First Response", "Reopens", "Transfers", "Escalated to team lead",
    "Escalated at", "Follow-up done", "Follow-up at", "Call-back promised", "Call-back kept",
    "Customer updates", "Contact ended for abuse", "Out of scope", "Fault attribution",
)  # fmt: skip
JIRA_HEADER: Final = (
    "Riepilogo", "Chiave ticket", "ID ticket", "Tipo ticket", "Stato", "Priorità", "Risoluzione",
    "Assegnatario", "Autore", "Creato", "Aggiornato", "Risolto", "Etichette", "Etichette",
    "Descrizione", *(f"Campo personalizzato ({name})" for name in _JIRA_CUSTOM),
)  # fmt: skip

QUALTRICS_QUESTIONS: Final = {
    "Q1": "How satisfied were you with the support you received?",
    "Q2": "How likely are you to recommend us to a friend or colleague?",
    "Q2_NPS_GROUP": "How likely are you to recommend us to a friend or colleague? - Group",
    "Q3": "The company made it easy for me to handle my issue.",
    "Q4": "Is there anything else you would like to tell us?",
}
_QUALTRICS_SYSTEM: Final = (
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Europe/Rome"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "Europe/Rome"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/Rome"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
)
_QUALTRICS_IMPORT_IDS: Final = {"Q1": "QID1", "Q2": "QID2", "Q2_NPS_GROUP": "QID2_NPS_GROUP",
                                "Q3": "QID3", "Q4": "QID4_TEXT"}  # fmt: skip
QUALTRICS_HEADER_ROWS: Final = (
    (*(c for c, _, _ in _QUALTRICS_SYSTEM), *QUALTRICS_QUESTIONS, "ticket_id"),
    (*(t for _, t, _ in _QUALTRICS_SYSTEM), *QUALTRICS_QUESTIONS.values(), "ticket_id"),
    (
        *(json.dumps(i, separators=(",", ":")) for _, _, i in _QUALTRICS_SYSTEM),
        *(
            json.dumps({"ImportId": i}, separators=(",", ":"))
            for i in _QUALTRICS_IMPORT_IDS.values()
        ),
        json.dumps({"ImportId": "ticket_id"}, separators=(",", ":")),
    ),
)
TRUTH_HEADER: Final = ("source_system", "ticket_id", "root_cause", "language", "is_complaint")

_LANGUAGE_DIGIT: Final = {"en": 1, "it": 2, "de": 3, "fr": 4, "es": 5, "he": 6}
_VIA: Final = {"email": "Mail", "web": "Web form", "phone": "Voice", "chat": "Chat", "api": "API"}
_FAULT_EN: Final = {
    "own": "own",
    "third_party": "third party",
    "user": "user",
    "unknown": "unknown",
}
_PRODUCT_TAG: Final = {"FibraMax": "internet", "Home": "wifi", "TV": "tv", "Mobile": "mobile",
                       "Cloud": "cloud"}  # fmt: skip
_AREA_TAG: Final = {"billing": "billing", "technical": "technical", "general": "account"}
_KIND_TAG: Final = {"how_to": "howto", "information": "info", "change_request": "change_request",
                    "billing_question": "invoice"}  # fmt: skip
_BAD_ZENDESK_DATES: Final = ("2025-13-07 10:61:00", "N/A", "#VALUE!", "32/05/2025 10:15")
_BAD_JIRA_DATES: Final = ("32/mag/25 14:07", "#VALORE!", "ieri 10:15")

_JIRA_STATUS: Final = {"new": "Aperto", "open": "In corso", "pending": "In attesa del cliente",
                       "hold": "In corso", "solved": "Risolto", "closed": "Chiuso"}  # fmt: skip
_JIRA_PRIORITY: Final = {"urgent": "Più alta", "high": "Alta", "normal": "Media", "low": "Bassa"}
_JIRA_CHANNEL: Final = {"email": "Email", "web": "Portale", "phone": "Telefono", "chat": "Chat",
                        "api": "Portale"}  # fmt: skip
_JIRA_REQUEST_TYPE: Final = {"how_to": "Problema tecnico", "information": "Richiesta di assistenza",
                             "change_request": "Richiesta di assistenza",
                             "billing_question": "Fatturazione"}  # fmt: skip
_JIRA_FAULT: Final = {"own": "Interno", "third_party": "Terze parti", "user": "Utente",
                      "unknown": "Sconosciuto"}  # fmt: skip
_JIRA_AREA_LABEL: Final = {"billing": "fatturazione", "technical": "tecnico",
                           "general": "assistenza"}  # fmt: skip
_JIRA_PRODUCT_LABEL: Final = {"internet": "fibra", "wifi": "wifi", "tv": "tv", "mobile": "mobile",
                              "cloud": "cloud"}  # fmt: skip
# Business-minute SLA targets by priority (first response, resolution), as in core.sla_policies.
SLA_TARGETS: Final = {"urgent": (60, 480), "high": (240, 1440), "normal": (480, 2880),
                      "low": (960, 4800)}  # fmt: skip


def _checkbox(value: bool | None) -> str:
    return "" if value is None else "true" if value else "false"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "Sì" if value else "No"


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def product_tag(product: str) -> str:
    """Topical tag for a product name ("FibraMax 1000" -> "internet")."""
    return _PRODUCT_TAG[product.split()[0]]


class TicketMetrics:
    """Calendar and business-hour durations of one ticket, as help desks report them."""

    def __init__(self, ticket: Ticket, clock: DeskClock, export_at: int) -> None:
        """Measure ``ticket`` on ``clock``; open tickets are measured up to ``export_at``."""
        self.clock = clock
        self.created = ticket.created
        self.created_business = clock.business_at(ticket.created)
        self.ticket = ticket
        end = ticket.solved if ticket.solved is not None else export_at
        self.elapsed = clock.minutes_between(ticket.created, end)
        self.elapsed_business = (clock.business_at(end) - self.created_business) // 60

    def calendar(self, moment: int | None) -> str:
        """Real minutes from creation to ``moment``."""
        return "" if moment is None else str(self.clock.minutes_between(self.created, moment))

    def business(self, moment: int | None) -> int | None:
        """Business minutes from creation to ``moment``."""
        if moment is None:
            return None
        return (self.clock.business_at(moment) - self.created_business) // 60

    def waits(self) -> list[str]:
        """Agent, requester and on-hold wait, each in calendar then business minutes."""
        t = self.ticket
        requester = (int(self.elapsed * t.requester_wait_share),
                     int(self.elapsed_business * t.requester_wait_share))  # fmt: skip
        on_hold = int(self.elapsed * t.on_hold_share), int(self.elapsed_business * t.on_hold_share)
        agent = (self.elapsed - requester[0] - on_hold[0],
                 self.elapsed_business - requester[1] - on_hold[1])  # fmt: skip
        return [str(v) for pair in (agent, requester, on_hold) for v in pair]


def zendesk_row(ticket: Ticket, clock: DeskClock, export_at: int) -> list[str]:
    """One Zendesk legacy CSV row (times in the account's local time)."""
    t = ticket
    iso = clock.iso
    metrics = TicketMetrics(t, clock, export_at)
    person = t.requester
    tags = sorted(
        {"complaint" if t.is_complaint else _KIND_TAG[t.request_kind or "information"],
         product_tag(t.product), _AREA_TAG[t.area]}
        | ({"web_widget"} if t.channel == "web" else set())
        | ({"vip"} if person.number % 29 == 0 else set())
    )  # fmt: skip
    ticket_type = _zendesk_type(t)
    due = iso((t.created // DAY + 7) * DAY + 12 * HOUR) if ticket_type == "task" else ""
    solved = t.solved
    created = iso(t.created)
    ticket_id = t.ticket_id
    if t.defect == "date":
        created = _BAD_ZENDESK_DATES[t.number % len(_BAD_ZENDESK_DATES)]
    elif t.defect == "id":
        ticket_id = ""
    return [
        "",
        ticket_id,
        person.name,
        str(360_000_000_000 + person.number * 10 + _LANGUAGE_DIGIT[t.language]),
        "",
        person.email,
        person.domain,
        t.agent if t.channel == "phone" and t.agent else person.name,
        t.agent,
        t.team.name,
        t.subject,
        " ".join(tags),
        t.status,
        t.priority,
        _VIA[t.channel],
        ticket_type,
        created,
        iso(t.updated),
        iso(t.assigned) if t.assigned is not None else "",
        person.organisation,
        due,
        iso(t.initially_assigned) if t.initially_assigned is not None else "",
        iso(solved) if solved is not None else "",
        str(metrics.elapsed // 60) if solved is not None else "",
        "Not Offered",
        str(t.transfers + 1),
        str(t.assignee_stations),
        str(t.reopens),
        str(t.replies),
        metrics.calendar(t.first_reply),
        _text(metrics.business(t.first_reply)),
        metrics.calendar(t.first_resolved),
        _text(metrics.business(t.first_resolved)),
        metrics.calendar(solved),
        _text(metrics.business(solved)),
        *metrics.waits(),
        t.description,
        _checkbox(t.escalated_at is not None),
        iso(t.escalated_at) if t.escalated_at is not None else "",
        _checkbox(t.follow_up_done),
        iso(t.follow_up_at) if t.follow_up_at is not None else "",
        _checkbox(t.callback_promised),
        _checkbox(t.callback_kept),
        str(t.customer_updates),
        _checkbox(t.abuse_ended),
        _checkbox(t.out_of_scope),
        _FAULT_EN[t.fault] if t.fault else "",
    ]


def _zendesk_type(ticket: Ticket) -> str:
    if ticket.number % 11 == 0:
        return ""  # the field is optional and agents skip it
    if ticket.request_kind == "change_request":
        return "task"
    if ticket.root_cause in ("third_party_outage", "user_error_howto", "long_resolution"):
        return "incident"
    return "problem" if ticket.root_cause == "billing_error" else "question"


def jira_row(ticket: Ticket, issue_id: int, clock: DeskClock, export_at: int) -> list[str]:
    """One Jira Service Management CSV row as an Italian-locale user exports it."""
    t = ticket
    jira = clock.jira
    metrics = TicketMetrics(t, clock, export_at)
    response_target, resolution_target = SLA_TARGETS[t.priority]
    replied = metrics.business(t.first_reply)
    response_used = replied if replied is not None else metrics.elapsed_business
    product_label = _JIRA_PRODUCT_LABEL[product_tag(t.product)]
    labels = ("reclamo", product_label) if t.is_complaint else (
        _JIRA_AREA_LABEL[t.area], product_label)  # fmt: skip
    resolution = ""
    if t.solved is not None:
        resolution = "Non verrà eseguito" if t.out_of_scope or t.abuse_ended else "Fatto"
    created = jira(t.created)
    key = t.ticket_id
    if t.defect == "date":
        created = _BAD_JIRA_DATES[t.number % len(_BAD_JIRA_DATES)]
    elif t.defect == "id":
        key = ""
    return [
        t.subject,
        key,
        str(issue_id),
        "Incidente" if t.area == "technical" else "Richiesta di servizio",
        _JIRA_STATUS[t.status],
        _JIRA_PRIORITY[t.priority],
        resolution,
        t.agent,
        t.requester.name,
        created,
        jira(t.updated),
        jira(t.solved) if t.solved is not None else "",
        *labels,
        t.description,
        "Reclamo" if t.is_complaint else _JIRA_REQUEST_TYPE[t.request_kind or "information"],
        t.team.name,
        _JIRA_CHANNEL[t.channel],
        _remaining(response_target - response_used),
        _remaining(resolution_target - metrics.elapsed_business),
        jira(t.first_reply) if t.first_reply is not None else "",
        str(t.reopens),
        str(t.transfers),
        _yes_no(t.escalated_at is not None),
        jira(t.escalated_at) if t.escalated_at is not None else "",
        _yes_no(t.follow_up_done),
        jira(t.follow_up_at) if t.follow_up_at is not None else "",
        _yes_no(t.callback_promised),
        _yes_no(t.callback_kept),
        str(t.customer_updates),
        _yes_no(t.abuse_ended),
        _yes_no(t.out_of_scope),
        _JIRA_FAULT[t.fault] if t.fault else "",
    ]


def _remaining(minutes: int) -> str:
    """SLA time left as Jira shows it: "5:40", or "-3:20" once breached."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


def qualtrics_row(ticket: Ticket, survey: Survey, clock: DeskClock) -> list[str]:
    """One Qualtrics response row (text answers as the respondent typed them)."""
    s = survey
    person = ticket.requester
    finished = s.ended is not None
    started = clock.iso(s.started)
    if s.defect == "date":
        started = "2025-02-30 25:00:00"
    nps_group = ""
    if s.nps is not None:
        nps_group = "1" if s.nps <= 6 else "2" if s.nps <= 8 else "3"
    return [
        started,
        clock.iso(s.ended) if s.ended is not None else "",
        "IP Address",
        "",
        str(s.progress),
        str(s.duration_seconds),
        "1" if finished else "0",
        clock.iso(s.ended + 1) if s.ended is not None else "",
        "" if s.defect == "id" else s.response_id,
        person.last_name,
        person.first_name,
        person.email,
        ticket.ticket_id,
        "",
        "",
        "email",
        ticket.language.upper(),
        _text(s.csat),
        _text(s.nps),
        nps_group,
        _text(s.ces),
        s.comment,
        ticket.ticket_id,
    ]


def truth_row(ticket: Ticket, source_system: str) -> list[str]:
    """The hidden ground truth of one ticket (never an export; the ETL does not load it)."""
    return [
        source_system,
        ticket.ticket_id,
        ticket.root_cause or "",
        ticket.language,
        "true" if ticket.is_complaint else "false",
    ]

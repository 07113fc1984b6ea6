"""The post-resolution survey: who answers, and how handling shows in CSAT, NPS, CES and comments.

Scores come from one latent "experience" per ticket: the complaint's root cause and the handling
(slow reply, transfers, reopens, a call-back not kept) pull it down; a fast one-touch resolution
or a complaint recovered well (quick fix, follow-up done) lift it.
"""

from __future__ import annotations

import random
import string
from typing import Final, Literal

from demo.clock import HOUR
from demo.complaint_texts import survey_comment
from demo.story import Survey, Ticket, lognormal

DEFAULT_SURVEY_RATE: Final = 0.37  # share of resolved tickets with a survey row
PARTIAL_SHARE: Final = 0.1
_COMMENT_SHARE: Final = 0.55
Sentiment = Literal["negative", "neutral", "positive"]
_ID_ALPHABET: Final = string.ascii_letters + string.digits
_PROGRESS_WHEN_PARTIAL: Final = (0, 25, 25, 50, 75)

_ROOT_CAUSE_PENALTY: Final = {
    "rude_agent": 1.6, "abusive_customer": 1.5, "callback_not_made": 1.3,
    "slow_first_response": 1.2, "transferred_many_times": 1.1, "long_resolution": 1.1,
    "not_kept_informed": 1.0, "billing_error": 0.9, "out_of_scope": 0.6,
    "third_party_outage": 0.5, "vague_request": 0.3, "user_error_howto": 0.2,
}  # fmt: skip


def survey_for(ticket: Ticket, rng: random.Random, export_at: int, rate: float) -> Survey | None:
    """The survey response following a resolved ticket, or None when none was recorded.

    Args:
        ticket: A simulated ticket; only solved ones without a data defect get surveys.
        rng: The generator's random stream.
        export_at: The moment of the export; surveys started later are not in it.
        rate: Share of resolved tickets with a survey row.
    """
    if ticket.solved is None or ticket.defect is not None or rng.random() >= rate:
        return None
    sent = ticket.solved + int(HOUR * (20 + 10 * rng.random()))  # the day after the solve
    started = sent + int(HOUR * lognormal(rng, 3, 1.2))
    if started >= export_at:
        return None
    response_id = "R_" + "".join(rng.choices(_ID_ALPHABET, k=15))
    defect = None
    if rng.random() < 0.002:
        defect = "id" if rng.random() < 0.5 else "date"
    if rng.random() < PARTIAL_SHARE:
        progress = _PROGRESS_WHEN_PARTIAL[rng.randrange(len(_PROGRESS_WHEN_PARTIAL))]
        duration = int(lognormal(rng, 20, 0.8))
        return Survey(response_id, started, None, duration, progress, None, None, None, "", defect)

    experience, recovered = _experience(ticket, rng)
    csat = 1 + sum(experience >= limit for limit in (-1.2, -0.4, 0.3, 1.0))
    nps = min(10, max(0, round(6.3 + 2.4 * experience + rng.gauss(0, 0.8))))
    ces = min(7, max(1, round(4.6 + 1.5 * experience + rng.gauss(0, 0.7))))
    comment = ""
    if rng.random() < _COMMENT_SHARE:
        comment = survey_comment(
            ticket.root_cause, ticket.language, _sentiment(ticket, csat, recovered), rng
        )
    duration = int(lognormal(rng, 75 if comment else 40, 0.6))
    return Survey(
        response_id, started, started + duration, duration, 100, csat, nps, ces, comment, defect
    )


def _experience(ticket: Ticket, rng: random.Random) -> tuple[float, bool]:
    """Latent satisfaction (about -3 .. 3) and whether a complaint was recovered well."""
    experience = 1.2 + rng.gauss(0, 0.75)
    if ticket.root_cause is not None:
        experience -= _ROOT_CAUSE_PENALTY[ticket.root_cause]
    if ticket.first_reply is not None:
        reply_hours = (ticket.first_reply - ticket.created) / HOUR
        experience -= 0.25 * min(reply_hours / 8, 3)
    experience -= 0.35 * ticket.transfers + 0.5 * ticket.reopens
    if ticket.callback_kept is False:
        experience -= 0.9
    resolution_hours = ((ticket.solved or ticket.created) - ticket.created) / HOUR
    if ticket.replies <= 1 and not ticket.transfers and not ticket.reopens and resolution_hours < 4:
        experience += 0.6
    recovered = (
        ticket.is_complaint
        and bool(ticket.follow_up_done)
        and not ticket.reopens
        and resolution_hours <= 48
        and ticket.root_cause not in ("rude_agent", "abusive_customer")
    )
    if recovered:
        experience += 1.2
    return experience, recovered


def _sentiment(ticket: Ticket, csat: int, recovered: bool) -> Sentiment:
    if ticket.is_complaint:
        if recovered and csat >= 4:
            return "positive"
        return "negative" if csat <= 3 else "neutral"
    return "negative" if csat <= 2 else "neutral" if csat == 3 else "positive"

"""What a survey question asks, read from its text, for the survey-tool profiles.

Survey exports name their columns after the user's own questions ("How satisfied were you...",
"Quanto consiglieresti...", "Wie zufrieden..."), so the CSAT, NPS and CES scores, the comment and
the ticket link are found by what the question says, in English, Italian, Spanish, German,
French and Hebrew. Answers may be numbers, "10 - Extremely likely", or the scale's labels.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from etl.profiles.base import Field, choice, constant, expression, quote

Role = Literal["comment", "nps_score", "csat_score", "ces_score"]

# Checked in this order. A question asking why, or for anything else, is a comment even when it
# names the score ("Why did you give this satisfaction score?"); one that only says "tell us" is
# a comment unless it asks for a score ("Tell us how satisfied you are").
_ROLE_PATTERNS: Final[tuple[tuple[Role, re.Pattern[str]], ...]] = (
    (
        "comment",
        re.compile(
            r"anything else|\bcomments?\b|\bwhy\b|\breasons?\b|suggest|\bimprove|feedback"
            r"|comment[oi]\b|\bperch[eé]\b|\bmotivo\b|suggeriment|qualcos.altro|migliora"
            r"|comentario|por qu[eé]|sugerencia|algo m[aá]s|\bmejorar"
            r"|kommentar|anmerkung|\bwarum\b|\bgrund\b|anregung|sonst noch|verbesser"
            r"|commentaire|pourquoi|\braison\b|autre chose|am[eé]liorer"
            r"|הערה|הערות|למה|מדוע|סיבה|הצע|משהו נוסף|עוד משהו|לשפר",
            re.IGNORECASE,
        ),
    ),
    (
        "nps_score",
        re.compile(
            r"recommend|consigli|raccomand|recomi?end|empfehl|empfiehl|empfähl|recommand"
            r"|מלי[צץ]|המלצ",
            re.IGNORECASE,
        ),
    ),
    (
        "csat_score",
        re.compile(r"satisf|soddisf|zufrieden|מרוצה|מרוצים|שביעות רצון|שבע רצון", re.IGNORECASE),
    ),
    (
        "ces_score",
        re.compile(
            r"\beas[yi]|effort|\bfacil[ei]?\b|facilit|sforzo|f[aá]cil|esfuerzo|\beinfach\b"
            r"|\bleicht\b|aufwand|\bmühe|\bקל\b|בקלות|מאמץ",
            re.IGNORECASE,
        ),
    ),
    (
        "comment",
        re.compile(r"tell us|\bdirci\b|\bdecirnos\b|mitteilen|\bdire\b|לספר", re.IGNORECASE),
    ),
)

SCALES: Final[Mapping[str, tuple[int, int]]] = {
    "csat_score": (1, 5),
    "nps_score": (0, 10),
    "ces_score": (1, 7),
}

# Answer labels of the usual scales, lower case, apostrophes straightened.
CSAT_LABELS: Final[Mapping[str, int]] = {
    **dict.fromkeys(("very satisfied", "extremely satisfied", "completely satisfied"), 5),
    **dict.fromkeys(("satisfied", "somewhat satisfied", "mostly satisfied"), 4),
    **dict.fromkeys(("neither satisfied nor dissatisfied", "neutral"), 3),
    **dict.fromkeys(("dissatisfied", "somewhat dissatisfied", "mostly dissatisfied"), 2),
    **dict.fromkeys(("very dissatisfied", "extremely dissatisfied"), 1),
    **dict.fromkeys(("molto soddisfatto", "molto soddisfatta", "estremamente soddisfatto"), 5),
    **dict.fromkeys(("soddisfatto", "soddisfatta", "abbastanza soddisfatto"), 4),
    **dict.fromkeys(("né soddisfatto né insoddisfatto", "ne soddisfatto ne insoddisfatto"), 3),
    "neutrale": 3,
    **dict.fromkeys(("insoddisfatto", "insoddisfatta"), 2),
    **dict.fromkeys(("molto insoddisfatto", "molto insoddisfatta"), 1),
    **dict.fromkeys(("muy satisfecho", "muy satisfecha", "totalmente satisfecho"), 5),
    **dict.fromkeys(("satisfecho", "satisfecha", "algo satisfecho"), 4),
    **dict.fromkeys(("ni satisfecho ni insatisfecho", "ni satisfecha ni insatisfecha"), 3),
    **dict.fromkeys(("insatisfecho", "insatisfecha", "algo insatisfecho"), 2),
    **dict.fromkeys(("muy insatisfecho", "muy insatisfecha"), 1),
    **dict.fromkeys(("sehr zufrieden", "äußerst zufrieden", "vollkommen zufrieden"), 5),
    **dict.fromkeys(("zufrieden", "eher zufrieden"), 4),
    **dict.fromkeys(("weder zufrieden noch unzufrieden", "teils/teils", "teils, teils"), 3),
    **dict.fromkeys(("unzufrieden", "eher unzufrieden"), 2),
    **dict.fromkeys(("sehr unzufrieden", "äußerst unzufrieden"), 1),
    **dict.fromkeys(("très satisfait", "très satisfaite", "extrêmement satisfait"), 5),
    **dict.fromkeys(("satisfait", "satisfaite", "plutôt satisfait", "plutôt satisfaite"), 4),
    **dict.fromkeys(("ni satisfait ni insatisfait", "ni satisfaite ni insatisfaite", "neutre"), 3),
    **dict.fromkeys(("insatisfait", "insatisfaite", "plutôt insatisfait"), 2),
    **dict.fromkeys(("très insatisfait", "très insatisfaite"), 1),
    **dict.fromkeys(("מרוצה מאוד", "מאוד מרוצה", "מרוצה מאד"), 5),
    **dict.fromkeys(("מרוצה", "די מרוצה"), 4),
    **dict.fromkeys(("ניטרלי", "ניטרלית", "לא מרוצה ולא לא מרוצה"), 3),
    **dict.fromkeys(("לא מרוצה", "די לא מרוצה"), 2),
    **dict.fromkeys(("מאוד לא מרוצה", "לא מרוצה בכלל", "לא מרוצה מאוד"), 1),
}

# CES 2.0: agreement with "The company made it easy for me to handle my issue", 1-7.
CES_LABELS: Final[Mapping[str, int]] = {
    **dict.fromkeys(("strongly disagree", "completely disagree"), 1),
    "disagree": 2,
    "somewhat disagree": 3,
    **dict.fromkeys(("neither agree nor disagree", "neutral"), 4),
    "somewhat agree": 5,
    "agree": 6,
    **dict.fromkeys(("strongly agree", "completely agree"), 7),
    **dict.fromkeys(("fortemente in disaccordo", "completamente in disaccordo"), 1),
    "in disaccordo": 2,
    **dict.fromkeys(("parzialmente in disaccordo", "abbastanza in disaccordo"), 3),
    **dict.fromkeys(("né d'accordo né in disaccordo", "ne d'accordo ne in disaccordo"), 4),
    **dict.fromkeys(("parzialmente d'accordo", "abbastanza d'accordo"), 5),
    "d'accordo": 6,
    **dict.fromkeys(("fortemente d'accordo", "completamente d'accordo"), 7),
    "totalmente en desacuerdo": 1,
    "en desacuerdo": 2,
    "algo en desacuerdo": 3,
    "ni de acuerdo ni en desacuerdo": 4,
    "algo de acuerdo": 5,
    "de acuerdo": 6,
    "totalmente de acuerdo": 7,
    "stimme überhaupt nicht zu": 1,
    "stimme nicht zu": 2,
    "stimme eher nicht zu": 3,
    **dict.fromkeys(("weder noch", "stimme weder zu noch nicht zu"), 4),
    "stimme eher zu": 5,
    "stimme zu": 6,
    **dict.fromkeys(("stimme voll und ganz zu", "stimme voll zu"), 7),
    "pas du tout d'accord": 1,
    "pas d'accord": 2,
    "plutôt pas d'accord": 3,
    "ni d'accord ni pas d'accord": 4,
    "plutôt d'accord": 5,
    "d'accord": 6,
    "tout à fait d'accord": 7,
    **dict.fromkeys(("מאוד לא מסכים", "מאוד לא מסכימה", "בכלל לא מסכים"), 1),
    **dict.fromkeys(("לא מסכים", "לא מסכימה"), 2),
    **dict.fromkeys(("די לא מסכים", "די לא מסכימה"), 3),
    **dict.fromkeys(("לא מסכים ולא מתנגד", "ניטרלי", "ניטרלית"), 4),
    **dict.fromkeys(("די מסכים", "די מסכימה"), 5),
    **dict.fromkeys(("מסכים", "מסכימה"), 6),
    **dict.fromkeys(("מסכים מאוד", "מסכימה מאוד", "מסכים בהחלט", "מאוד מסכים"), 7),
}

# NPS answers are numbers; a bare end label appears when a tool exports the anchor text.
NPS_LABELS: Final[Mapping[str, int]] = {
    **dict.fromkeys(("not at all likely", "per niente probabile", "nada probable"), 0),
    **dict.fromkeys(("überhaupt nicht wahrscheinlich", "pas du tout probable"), 0),
    **dict.fromkeys(("extremely likely", "estremamente probabile", "muy probable"), 10),
    **dict.fromkeys(("äußerst wahrscheinlich", "extrêmement probable"), 10),
    **dict.fromkeys(("בכלל לא סביר", "לא סביר בכלל"), 0),
    **dict.fromkeys(("סביר מאוד", "סביר ביותר"), 10),
}

ANSWER_LABELS: Final[Mapping[str, Mapping[str, int]]] = {
    "csat_score": CSAT_LABELS,
    "nps_score": NPS_LABELS,
    "ces_score": CES_LABELS,
}

# The ticket channel vocabulary, for hidden fields and distribution channels.
CHANNELS: Final[Mapping[str, str]] = {
    **dict.fromkeys(("email", "e-mail", "mail", "correo", "courriel"), "email"),
    **dict.fromkeys(("web", "web form", "webform", "portal", "anonymous", "link"), "web"),
    **dict.fromkeys(("phone", "voice", "call", "telefono", "teléfono", "telefon"), "phone"),
    **dict.fromkeys(("téléphone", "טלפון"), "phone"),
    **dict.fromkeys(("chat", "live chat", "messaging", "whatsapp", "sms"), "chat"),
    **dict.fromkeys(("social", "facebook", "twitter", "instagram"), "social"),
    **dict.fromkeys(("api",), "api"),
    **dict.fromkeys(("walk_in", "walk-in", "in person", "offline", "sportello"), "walk_in"),
    **dict.fromkeys(("other",), "other"),
}

_TICKET_NAMES: Final = re.compile(
    r"(ticket|case|incident)(id|number|no|nr|num|nummer|numero|key|ref|reference)?"
    r"|(id|numero|nr|num)(de|del|della|du)?(ticket|caso)"
    r"|מספרפנייה|מספרקריאה|מספרטיקט|פנייה|קריאה"
)
_LANGUAGE_NAMES: Final = frozenset(
    {"language", "lang", "locale", "lingua", "idioma", "sprache", "langue", "שפה"}
)
_CHANNEL_NAMES: Final = frozenset({"channel", "canale", "canal", "kanal", "ערוץ"})


def question_role(text: str) -> Role | None:
    """The canonical column a question fills, from its text; None for any other question."""
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(text):
            return role
    return None


@dataclass(frozen=True)
class Question:
    """One answer column of a survey export.

    Attributes:
        column: The column's name as the loader sees it.
        text: What the question asks (the header, or the question-text header row).
        is_open_text: Whether the export says the answer is free text (SurveyMonkey's
            "Open-Ended Response"); None when it does not say.
    """

    column: str
    text: str
    is_open_text: bool | None = None


def question_fields(questions: Iterable[Question]) -> dict[str, Field]:
    """Score and comment fields for the first question that asks for each.

    Args:
        questions: The export's answer columns in file order (system columns left out).

    Returns:
        Canonical column -> field, for the roles some question fills.
    """
    found: dict[str, Field] = {}
    for question in questions:
        role = question_role(question.text)
        if role is None or role in found:
            continue
        if question.is_open_text is not None and question.is_open_text != (role == "comment"):
            continue
        if role == "comment":
            found[role] = expression(
                f"nullif(trim({quote(question.column)}), '')",
                (question.column,),
                "text",
                strict=False,
            )
        else:
            low, high = SCALES[role]
            found[role] = score_answer(question.column, low, high, ANSWER_LABELS[role])
    return found


def score_answer(column: str, low: int, high: int, labels: Mapping[str, int]) -> Field:
    """A score given as a number, as "10 - Extremely likely", or as one of ``labels``.

    Outside ``low``..``high`` or unreadable, a filled answer sends the row to quarantine.
    """
    raw = quote(column)
    numbered = f"nullif(regexp_extract(trim({raw}), '^(\\d+)\\s*[-–—:(]', 1), '')"
    sql = f"critica_score(coalesce({numbered}, trim({raw})), {low}, {high})"
    in_range = {label: value for label, value in labels.items() if low <= value <= high}
    if in_range:
        straightened = f"lower(trim(replace({raw}, '’', '''')))"
        whens = " ".join(
            f"when {constant(label).sql} then {value}" for label, value in sorted(in_range.items())
        )
        # Labels outside the macro call: its expansion would copy a long CASE many times.
        sql = f"coalesce(case {straightened} {whens} end, {sql})"
    return expression(sql, (column,), f"a score from {low} to {high}")


def normalised_name(name: str) -> str:
    """A column name without case, accents, spaces or punctuation ("Ticket ID" -> "ticketid")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def is_ticket_link(name: str) -> bool:
    """Whether a hidden field or embedded-data column holds the ticket id (ticket_id, TicketID)."""
    return _TICKET_NAMES.fullmatch(normalised_name(name)) is not None


def first_text(columns: Iterable[str]) -> Field | None:
    """The first non-empty value among ``columns`` (all of which the file has), or None."""
    present = tuple(columns)
    if not present:
        return None
    values = ", ".join(f"nullif(trim({quote(c)}), '')" for c in present)
    return expression(f"coalesce({values})", present, "text", strict=False)


def ticket_link(named: Mapping[str, str], *fallbacks: str) -> Field | None:
    """The ticket id from a ticket-named column, else from the ``fallbacks`` columns.

    Args:
        named: Header name -> the loader's column name, for hidden or embedded-data columns.
        fallbacks: Columns the file has that may hold the id (ExternalReference, Custom Data 1).
    """
    linked = [column for name, column in named.items() if is_ticket_link(name)]
    return first_text([*linked, *(c for c in fallbacks if c not in linked)])


def language_code(column: str) -> Field:
    """ISO 639-1 code from a language tag such as "IT", "EN-GB", "he" or "pt_BR"."""
    value = f"lower(trim({quote(column)}))"
    sql = f"case when regexp_matches({value}, '^[a-z]{{2}}([-_].*)?$') then left({value}, 2) end"
    return expression(sql, (column,), "a language code", strict=False)


def channel(column: str) -> Field:
    """A channel name mapped to the ticket channel vocabulary; anything else is "other"."""
    return choice(column, CHANNELS, otherwise="other")


def hidden_fields(named: Mapping[str, str]) -> dict[str, Field]:
    """Language and channel from hidden fields named after them (language, lingua, channel...).

    Args:
        named: Header name -> the loader's column name, for hidden or embedded-data columns.
    """
    found: dict[str, Field] = {}
    for name, column in named.items():
        key = normalised_name(name)
        if key in _LANGUAGE_NAMES and "language" not in found:
            found["language"] = language_code(column)
        elif key in _CHANNEL_NAMES and "channel" not in found:
            found["channel"] = channel(column)
    return found

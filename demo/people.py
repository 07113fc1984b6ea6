"""Who works on the demo desks and who writes to them: teams, agents, requesters, organisations.

Names are realistic for each language because the demo shows redaction at work; e-mail
addresses use example domains only.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

Area = Literal["billing", "technical", "general"]

# (first names, last names) per language; Hebrew names as (script, transliteration).
_NAMES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "en": (
        ("James", "Emma", "Oliver", "Sophie", "Daniel", "Charlotte", "Michael", "Olivia",
         "Thomas", "Emily", "George", "Hannah", "Jack", "Lucy", "Samuel", "Grace", "William",
         "Amelia", "Ryan", "Chloe", "David", "Laura", "Matthew", "Jessica"),
        ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
         "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
         "Wood", "Jackson", "Clarke", "Hughes", "Edwards", "Lewis", "Harris"),
    ),
    "it": (
        ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Sara", "Matteo",
         "Valentina", "Andrea", "Martina", "Davide", "Elena", "Simone", "Federica", "Lorenzo",
         "Paola", "Giovanni", "Silvia", "Stefano", "Anna", "Roberto", "Laura", "Fabio"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
         "Marino", "Greco", "Bruno", "Gallo", "Ferri", "De Luca", "Mancini", "Caruso", "Giordano",
         "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani"),
    ),
    "de": (
        ("Lukas", "Anna", "Felix", "Laura", "Jonas", "Julia", "Maximilian", "Lena", "Leon",
         "Sarah", "Paul", "Katharina", "Tobias", "Sophie", "Jan", "Marie", "Florian", "Lisa",
         "Stefan", "Sabine", "Michael", "Claudia", "Thomas", "Nina"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Koch", "Richter", "Bauer", "Köhler", "Wolf", "Schröder", "Neumann",
         "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Krause"),
    ),
    "fr": (
        ("Camille", "Louis", "Manon", "Hugo", "Chloé", "Lucas", "Léa", "Nicolas", "Julie",
         "Thomas", "Sarah", "Antoine", "Émilie", "Julien", "Claire", "Maxime", "Pauline", "Pierre",
         "Mathilde", "Romain", "Céline", "Vincent", "Marion", "Alexandre"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Lambert", "Durand", "Leroy",
         "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
         "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier"),
    ),
    "es": (
        ("Lucía", "Pablo", "María", "Alejandro", "Carmen", "Javier", "Laura", "Daniel", "Ana",
         "Sergio", "Marta", "Carlos", "Paula", "David", "Elena", "Miguel", "Sara", "Jorge",
         "Cristina", "Álvaro", "Isabel", "Raúl", "Beatriz", "Diego"),
        ("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
         "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
         "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez"),
    ),
    "he": (
        ("נועה", "יוסי", "מיכל", "דניאל", "שירה", "אורי", "תמר", "איתי", "רוני", "עומר", "יעל",
         "אביגיל", "משה", "רחל", "דוד", "מאיה", "אלון", "הילה", "גיל", "ליאור"),
        ("כהן", "לוי", "מזרחי", "פרץ", "ביטון", "דהן", "אברהם", "פרידמן", "אזולאי", "מלכה", "כץ",
         "שפירא", "גולן", "בן דוד", "אוחיון", "שרעבי", "חדד", "גבאי", "רוזן", "ברק"),
    ),
}  # fmt: skip

_HEBREW_LATIN: Final = {
    "נועה": "noa", "יוסי": "yossi", "מיכל": "michal", "דניאל": "daniel", "שירה": "shira",
    "אורי": "ori", "תמר": "tamar", "איתי": "itai", "רוני": "roni", "עומר": "omer", "יעל": "yael",
    "אביגיל": "avigail", "משה": "moshe", "רחל": "rachel", "דוד": "david", "מאיה": "maya",
    "אלון": "alon", "הילה": "hila", "גיל": "gil", "ליאור": "lior", "כהן": "cohen", "לוי": "levi",
    "מזרחי": "mizrahi", "פרץ": "peretz", "ביטון": "biton", "דהן": "dahan", "אברהם": "avraham",
    "פרידמן": "friedman", "אזולאי": "azulay", "מלכה": "malka", "כץ": "katz", "שפירא": "shapira",
    "גולן": "golan", "בן דוד": "ben-david", "אוחיון": "ohayon", "שרעבי": "sharabi", "חדד": "hadad",
    "גבאי": "gabay", "רוזן": "rosen", "ברק": "barak",
}  # fmt: skip

MAIL_DOMAINS: Final = {
    "en": ("example.com", "example.co.uk", "example.org"),
    "it": ("example.it", "example.com"),
    "de": ("example.de", "example.at", "example.ch"),
    "fr": ("example.fr", "example.be"),
    "es": ("example.es", "example.com"),
    "he": ("example.co.il", "example.com"),
}

_ORGANISATIONS: Final = {
    "en": ("Northwind Traders Ltd", "Harbour & Finch LLP", "Bluebell Dental Clinic"),
    "it": ("Studio Bianchi & Associati", "Ferramenta Colombo srl", "Agriturismo Il Poggio"),
    "de": ("Müller Logistik GmbH", "Praxis Dr. Weber", "Bäckerei Hofmann KG"),
    "fr": ("Cabinet Durand", "Boulangerie Moreau SARL", "Atelier Girard"),
    "es": ("Talleres Ruiz S.L.", "Clínica Dental Navarro", "Gestoría López"),
    "he": ("כהן ושות' משרד עורכי דין", "מאפיית ברק", 'גולן הנדסה בע"מ'),
}

# Team name, language, the areas it handles, whether the story's first-response backlog hits it.
TEAMS: Final = (
    ("Customer Care EN", "en", ("general",), True),
    ("Billing EN", "en", ("billing",), False),
    ("Technical EN", "en", ("technical",), True),
    ("Kundenservice", "de", ("general", "billing"), True),
    ("Technical DE", "de", ("technical",), False),
    ("Assistenza Clienti", "it", ("general", "billing"), True),
    ("Supporto Tecnico", "it", ("technical",), False),
    ("Service client FR", "fr", ("general", "billing", "technical"), False),
    ("Soporte ES", "es", ("general", "billing", "technical"), False),
    ("Support HE", "he", ("general", "billing", "technical"), False),
)


@dataclass(frozen=True)
class Team:
    """One desk team and its agents."""

    name: str
    language: str
    story_affected: bool
    agents: tuple[str, ...]


@dataclass(frozen=True)
class Requester:
    """A customer writing to the desk (name and e-mail are invented but look real)."""

    number: int
    first_name: str
    last_name: str
    email: str
    organisation: str

    @property
    def name(self) -> str:
        """Full name as the help desk shows it."""
        return f"{self.first_name} {self.last_name}"

    @property
    def domain(self) -> str:
        """Domain of the e-mail address (Zendesk's "Requester domain")."""
        return self.email.rsplit("@", 1)[1]


def build_teams(rng: random.Random) -> dict[str, dict[Area, Team]]:
    """Language -> area -> the team handling it, with 4-6 named agents per team."""
    by_language: dict[str, dict[Area, Team]] = {}
    for name, language, areas, affected in TEAMS:
        firsts, lasts = _NAMES[language]
        size = rng.randint(4, 6)
        agents = tuple(
            f"{first} {last}"
            for first, last in zip(rng.sample(firsts, size), rng.sample(lasts, size), strict=True)
        )
        team = Team(name, language, affected, agents)
        for area in areas:
            by_language.setdefault(language, {})[area] = team  # type: ignore[index]
    return by_language


def requester(language: str, number: int) -> Requester:
    """The requester with this number in a language's customer base (same number, same person)."""
    firsts, lasts = _NAMES[language]
    first = firsts[(number * 7919) % len(firsts)]
    last = lasts[(number * 104729 + number // len(firsts)) % len(lasts)]
    local_first, local_last = _mail_part(first), _mail_part(last)
    style = number % 4
    local = (
        f"{local_first}.{local_last}",
        f"{local_first[0]}{local_last}",
        f"{local_first}_{local_last}",
        f"{local_first[0]}.{local_last}",
    )[style]
    if number >= len(firsts):
        local += str(number // len(firsts) % 1000)
    domains = MAIL_DOMAINS[language]
    organisations = _ORGANISATIONS[language]
    organisation = organisations[number % len(organisations)] if number % 7 == 0 else ""
    return Requester(number, first, last, f"{local}@{domains[number % len(domains)]}", organisation)


@cache
def _mail_part(name: str) -> str:
    if name in _HEBREW_LATIN:
        return _HEBREW_LATIN[name]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return ascii_name.lower().replace(" ", "")

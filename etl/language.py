"""Offline language detection of complaint and comment texts.

A vectorised first pass in DuckDB (``language_first_pass.sql``) decides the texts whose script or
function words leave no doubt; CLD2 (bundled with pycld2) decides the rest and stays the
authority: the first pass only decides what CLD2 would decide the same way (measured in
docs/loading-speed.md).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pycld2

# CLD2 still uses the old ISO code for Hebrew, and reports a few macro-languages oddly.
_CLD2_TO_ISO: Final = {"iw": "he", "zh-Hant": "zh", "un": None, "xx-Qaai": None}
# Enough text to decide: CLD2's time grows with length, its accuracy stops growing well before.
# On demo complaints of about 400 characters in six languages, 300 characters cost 0.78x of 600
# with the same accuracy (100 % of 1,200; 99.83 % of 6,000 shorter ones either way).
_SAMPLE_CHARACTERS: Final = 300
_MIN_LETTERS: Final = 12
# Below this many texts a worker process costs more to start and feed than it saves.
_TEXTS_PER_WORKER: Final = 50_000

_FIRST_PASS_SQL: Final = Path(__file__).with_name("language_first_pass.sql")
# Very frequent words of each language, lower case. A word that several languages use is listed
# under each (de, la, que, en...): it then adds nothing to the winner's margin over the runner-up.
# Only the first five languages are decided from these words (their agreement with CLD2 was
# measured); the others are listed so that their texts do not count as one of the five and go
# to CLD2. The first pass's SQL names each language's column (is_en...). Left out: single
# letters that mark lists or initials ("a", "o", and "e", which also starts "e-mail").
FUNCTION_WORDS: Final[Mapping[str, str]] = {
    "en": "the and you for with not have this that are is my your but from they what been would "
    "about there which our it of to can has had were we be if or do does did at by as all just "
    "still get got any because when why how who them their than then only also very please i in "
    "an on was will so am no me he thanks thank",
    "it": "che non di per sono della nel nella alla gli questo questa anche più già ancora sulla "
    "sul dei nessuno ho hanno ci io mio mia dal dalla degli delle essere stato stata perché "
    "cosa fatto tutto sempre ogni volta ad ed il lo la le un una del al mi si se ne ha ma da "
    "con in no su ai i quando grazie",
    "es": "el los las por para y pero como más muy este esta estoy sin nadie mis nos ya hay "
    "todo desde porque cuando sus han hace tengo también nunca todavía usted ustedes estos "
    "estas fue ser sido de la que en lo le les un una del al mi me se si con no su ha he es "
    "dos nada gracias",
    "de": "der die und nicht ich ist das ein eine einen einem zu den mit sich auf für dem von "
    "sie wir bei noch nur auch aber wie schon mein meine meinen seit habe hat haben keine kein "
    "wurde wird sind oder nach aus um im dass bin mir mich uns ihr ihre zum zur vom jetzt "
    "immer niemand heute werden kann mal doch war es in an was will so am da er du danke bitte "
    "sehr",
    "fr": "et des est pas je qui une du au aux pour dans sur avec ce cette mais vous nous j "
    "depuis personne rien mon mes toujours aucun aucune très votre vos sont suis ont elle ils "
    "leur fait comme tout encore ou plus ai il le la les de que en un on ne se si me ma son y "
    "non nos merci",
    "pt": "não uma em você foi muito também meu minha ao pelo pela isso ainda então até estou "
    "tenho nós nenhum ninguém obrigado de que e da do dos das no na se por para como mais "
    "mas todo esta este nos ser sido quando nada as",
    "nl": "het een van niet ik zijn op voor dat maar ook heb mijn geen nog wordt werd naar bij "
    "deze dit wat hij hebben kunnen worden zij jullie uw graag de en die je is in was",
    "ca": "amb els aquest aquesta perquè molt però pel dels tinc encara ningú la que les una "
    "per ho",
    "sv": "och att jag inte som med har det för till vi ett av om hade den du han alla en",
    "da": "og ikke jeg til af mig meget være hvor hvad har det med som den du er at for en",
    "ro": "nu cu pe care mai sunt pentru fost acest această un este",
    "pl": "nie jest się jak tak ale mnie czy już został to do na i",
    "tr": "bir ve bu için ile değil ama ben",
    "id": "yang dan tidak saya ini itu dengan untuk ada akan sudah belum di",
}


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of the language a text is written in, or None when it cannot tell.

    Args:
        text: A complaint, subject or comment (already redacted is fine).

    Returns:
        A code such as ``"it"`` or ``"he"``; None for empty, too short or unreadable text.
    """
    if not text:
        return None
    sample = text[:_SAMPLE_CHARACTERS]
    if not _has_enough_letters(sample):
        return None
    try:
        is_reliable, _, details = pycld2.detect(sample, bestEffort=True)
    except pycld2.error:
        # CLD2 rejects some invalid code points; drop them and ask once more.
        cleaned = "".join(ch for ch in sample if ch.isprintable())
        try:
            is_reliable, _, details = pycld2.detect(cleaned, bestEffort=True)
        except pycld2.error:
            return None
    code = str(details[0][1])
    iso = _CLD2_TO_ISO.get(code, code)
    return iso if (is_reliable or details[0][2] >= 50) else None


def _has_enough_letters(sample: str) -> bool:
    # Most texts pass on their first few words; counting every character of every text
    # would cost about a third of the detection time on a million tickets. Most open with a
    # dozen letters between spaces, which one C-level isalpha() decides without counting.
    opening = sample[: _MIN_LETTERS * 2].replace(" ", "")[:_MIN_LETTERS]
    if len(opening) == _MIN_LETTERS and opening.isalpha():
        return True
    head = sample[: _MIN_LETTERS * 4]
    if sum(map(str.isalpha, head)) >= _MIN_LETTERS:
        return True
    return len(sample) > len(head) and sum(map(str.isalpha, sample)) >= _MIN_LETTERS


def _detect_chunk(texts: Sequence[str | None]) -> list[str | None]:
    return [detect_language(text) for text in texts]


@cache
def _listed_words() -> tuple[str, ...]:
    """Every word FUNCTION_WORDS lists, once, sorted."""
    return tuple(sorted({w for listed in FUNCTION_WORDS.values() for w in listed.split()}))


@cache
def _function_word_pattern() -> str:
    r"""RE2 pattern matching any listed function word with the character before it.

    That character must not be a letter: RE2's \b only knows ASCII letters and would find "as"
    in "días". After the word, \b (or \B after an accented last letter, as in "più") ends it
    without consuming the next word's leading space; it still finds "est" in "está", a stray
    vote for another language that narrows the margin. No capture group: extracting one makes
    RE2 run its slow engine, four times the cost of the match.
    """
    words = _listed_words()
    ascii_end = "|".join(w for w in words if w[-1].isascii())
    accented_end = "|".join(w for w in words if not w[-1].isascii())
    return rf"[^\p{{L}}](?:(?:{ascii_end})\b|(?:{accented_end})\B)"


@cache
def _function_word_table() -> pa.Table:
    """Each listed word and, per language, whether that language lists it (``is_en``...)."""
    words = _listed_words()
    columns: dict[str, list[str] | list[bool]] = {"word": list(words)}
    for language, listed in FUNCTION_WORDS.items():
        own = set(listed.split())
        columns[f"is_{language}"] = [w in own for w in words]
    return pa.table(columns)


def first_pass_languages(texts: pa.Array | pa.ChunkedArray) -> dict[int, str | None]:
    """Decide the language of the texts that leave no doubt, all at once, in DuckDB.

    Script rules decide Hebrew, Greek, Korean, Japanese, Thai, Georgian and Armenian; counts of
    frequent function words decide English, Italian, Spanish, German and French when one
    language clearly wins (``language_first_pass.sql`` holds the rules and their thresholds).

    Args:
        texts: A string column (None allowed).

    Returns:
        The language of each decided text by its position (None: too short to have one);
        positions missing from it are left to CLD2.
    """
    decided = _first_pass(texts)
    return {
        position: language
        for position, (language, is_decided) in enumerate(
            zip(decided["language"].to_pylist(), decided["is_decided"].to_pylist(), strict=True)
        )
        if is_decided
    }


def _first_pass(texts: pa.Array | pa.ChunkedArray) -> pa.Table:
    """The first pass's answer for each text (language, is_decided), in the order of ``texts``."""
    table = pa.table({"position": pa.array(range(len(texts)), pa.int64()), "text": texts})
    connection = duckdb.connect()
    try:
        connection.register("critica_texts", table)
        connection.register("critica_function_words", _function_word_table())
        return connection.sql(
            _FIRST_PASS_SQL.read_text(encoding="utf-8"),
            params={"function_word_pattern": _function_word_pattern()},
        ).to_arrow_table()
    finally:
        connection.close()


def detect_languages(
    texts: Sequence[str | None] | pa.Array | pa.ChunkedArray, workers: int | None = None
) -> list[str | None]:
    """Detect the language of many texts: a vectorised first pass, then CLD2 for the rest.

    The first pass (:func:`first_pass_languages`) decides most complaint texts for less than
    CLD2's cost and agrees with it on what it decides; CLD2 stays the authority for every text
    it leaves, so languages it does not cover still come out right.

    Args:
        texts: Texts in any order (a list or an Arrow string column); None and short texts
            give None.
        workers: Processes to use; by default one per CPU core, fewer for small batches.

    Returns:
        One ISO 639-1 code (or None) per text, in the order of ``texts``.
    """
    if len(texts) == 0:
        # No DuckDB connection for nothing: a file whose texts all have a language already.
        return []
    column = (
        texts if isinstance(texts, pa.Array | pa.ChunkedArray) else pa.array(texts, pa.string())
    )
    decided = _first_pass(column)
    languages: list[str | None] = decided["language"].to_pylist()
    undecided = pc.indices_nonzero(pc.invert(decided["is_decided"]))
    if len(undecided) > 0:
        pending = column.take(undecided).to_pylist()
        for position, language in zip(
            undecided.to_pylist(), _detect_with_cld2(pending, workers), strict=True
        ):
            languages[position] = language
    return languages


def _detect_with_cld2(texts: Sequence[str | None], workers: int | None) -> list[str | None]:
    """CLD2 over many texts, in one process per core when there are many.

    CLD2 runs in Python's main thread and holds the GIL, so threads cannot parallelise it.
    """
    available = workers or os.cpu_count() or 1
    processes = max(1, min(available, len(texts) // _TEXTS_PER_WORKER))
    if processes == 1:
        return _detect_chunk(texts)
    # Contiguous chunks, a few per process so that a slow chunk does not hold up the rest.
    size = -(-len(texts) // (processes * 4))
    chunks = [texts[start : start + size] for start in range(0, len(texts), size)]
    # fork: workers need only this module's pure-Python function, and spawning would
    # re-import the whole ETL stack in each of them.
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        detected = pool.map(_detect_chunk, chunks)
    return [code for chunk in detected for code in chunk]

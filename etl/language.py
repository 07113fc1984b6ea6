"""Offline language detection of complaint and comment texts (CLD2, bundled with pycld2)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from typing import Final

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


def detect_languages(texts: Sequence[str | None], workers: int | None = None) -> list[str | None]:
    """Detect the language of many texts, spread over the machine's cores when there are many.

    CLD2 runs in Python's main thread and holds the GIL, so DuckDB's own threads cannot
    parallelise it; a load of a million tickets spends most of its time here otherwise.

    Args:
        texts: Texts in any order; None and short texts give None.
        workers: Processes to use; by default one per CPU core, fewer for small batches.

    Returns:
        One ISO 639-1 code (or None) per text, in the order of ``texts``.
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

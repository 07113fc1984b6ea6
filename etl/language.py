"""Offline language detection of complaint and comment texts (CLD2, bundled with pycld2)."""

from __future__ import annotations

import contextlib
from typing import Final

import duckdb
import pyarrow as pa
import pycld2
from duckdb.sqltypes import VARCHAR

# CLD2 still uses the old ISO code for Hebrew, and reports a few macro-languages oddly.
_CLD2_TO_ISO: Final = {"iw": "he", "zh-Hant": "zh", "un": None, "xx-Qaai": None}
# Enough text to decide: CLD2's time grows with length, its accuracy stops growing well before.
_SAMPLE_CHARACTERS: Final = 600
_MIN_LETTERS: Final = 12


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
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
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


def _detect_batch(texts: pa.Array) -> pa.Array:
    return pa.array([detect_language(text) for text in texts.to_pylist()], type=pa.string())


def install_language_detection(connection: duckdb.DuckDBPyConnection) -> None:
    """Register ``critica_detect_language(text)`` on this connection (a vectorised UDF)."""
    with contextlib.suppress(duckdb.InvalidInputException):
        connection.remove_function("critica_detect_language")
    # DuckDB's stubs type the arrow UDF options as enums; the documented strings work the same.
    connection.create_function(  # type: ignore[call-overload]
        "critica_detect_language",
        _detect_batch,
        [VARCHAR],
        VARCHAR,
        type="arrow",
        null_handling="special",
        side_effects=False,
    )

"""Downloads: the CSV and the Excel workbook hold exactly the rows and columns shown."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
from openpyxl import load_workbook

from dashboard.tables import csv_bytes, xlsx_bytes


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team": ["Assistenza Clienti", "Soporte ES"],
            "escalation_rate": [0.125, None],
            "keywords": [["fattura", "rimborso"], ["reembolso"]],
            "loaded_at": pd.to_datetime(
                [datetime(2026, 11, 2, 9, 30, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)]
            ),
        }
    )


def test_the_csv_starts_with_a_byte_order_mark_so_excel_reads_accents() -> None:
    data = csv_bytes(frame())

    assert data.startswith(b"\xef\xbb\xbf")
    again = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(again.columns) == ["team", "escalation_rate", "keywords", "loaded_at"]
    assert again["team"].tolist() == ["Assistenza Clienti", "Soporte ES"]


def test_the_workbook_has_the_same_rows_with_lists_as_text_and_times_in_utc() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(frame(), "A name longer than Excel allows"))).active

    assert sheet.title == "A name longer than Excel allows"[:31]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("team", "escalation_rate", "keywords", "loaded_at")
    assert rows[1] == (
        "Assistenza Clienti",
        0.125,
        "fattura, rimborso",
        datetime(2026, 11, 2, 9, 30),
    )
    assert rows[2][1] is None

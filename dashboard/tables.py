"""Tables on a page: shown sortable, and downloadable as CSV and as an Excel workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark, so Excel reads accented names right."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """The table as an .xlsx workbook with one sheet (Excel limits its name to 31 characters)."""
    buffer = io.BytesIO()
    exportable = frame.copy()
    for column in exportable.columns:
        # Excel has no time zones and no lists: aware times become UTC, lists become text.
        if isinstance(exportable[column].dtype, pd.DatetimeTZDtype):
            exportable[column] = exportable[column].dt.tz_convert("UTC").dt.tz_localize(None)
        elif exportable[column].map(lambda value: isinstance(value, list | tuple)).any():
            exportable[column] = exportable[column].map(
                lambda value: (
                    ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
                )
            )
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        exportable.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def downloadable_table(
    frame: pd.DataFrame,
    *,
    name: str,
    column_config: Mapping[str, Any] | None = None,
    height: int | None = None,
) -> None:
    """Show a table with CSV and XLSX download buttons under it.

    Args:
        frame: The table, exactly as it downloads.
        name: What it holds, in words; the file names derive from it.
        column_config: Streamlit column settings (labels, number formats).
        height: Fixed height in pixels, or automatic.
    """
    st.dataframe(
        frame,
        hide_index=True,
        column_config=dict(column_config or {}),
        height=height if height is not None else "auto",
        # A value the warehouse does not have (no interval with too few responses, no growth
        # from zero) shows as a dash, not the word "None".
        placeholder="—",
    )
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    buttons = st.container(horizontal=True)
    buttons.download_button(
        "CSV",
        # Built only when clicked: a big table would otherwise be written out on every rerun.
        lambda: csv_bytes(frame),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=f"csv-{stem}",
    )
    buttons.download_button(
        "Excel",
        lambda: xlsx_bytes(frame, name),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
        key=f"xlsx-{stem}",
    )

"""The monthly review report: parsed HTML that opens offline, and a PDF that is not blank."""

from __future__ import annotations

import io
import shutil
import sqlite3
from contextlib import closing
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import numpy as np
import pypdfium2
import pytest

from improvement.checkups import add_note, run_checkup
from improvement.register import Improvement
from improvement.report import html_to_pdf, render_report
from tests.improvement.test_targets import set_first_reply_target
from tests.warehouse.root_cause_desk import RootCauseDesk
from warehouse.store import open_for_reading, open_for_writing

APRIL, MAY = date(2025, 4, 1), date(2025, 5, 1)


class Outline(HTMLParser):
    """Headings, SVG charts, scripts and outside references of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.tags: list[str] = []
        self.references: list[str] = []
        self.text: list[str] = []
        self._heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.references.extend(
            value for name, value in attrs if name in ("src", "href") and value is not None
        )
        if tag in ("h1", "h2"):
            self._heading = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2") and self._heading is not None:
            self.headings.append(self._heading.strip())
            self._heading = None

    def parsed(self, html: str) -> Outline:
        """Feed a page and return the outline, for use in an expression."""
        self.feed(html)
        return self

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading += data


def review(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> str:
    first_reply = set_first_reply_target(workspace, desk, rota)
    nps = set_first_reply_target(workspace, desk, rota, metric_name="nps", target="30")
    for month in (APRIL, MAY):
        for target in (first_reply, nps):
            run_checkup(workspace, desk, target, month, author="lead")
    april = run_checkup(workspace, desk, first_reply, APRIL, author="lead").checkup
    add_note(workspace, april.checkup_id, author="Giulia", body="Rota <b>only</b> in two teams.")
    return render_report(workspace, desk, MAY, generated_at=datetime(2025, 6, 2, 8, 0))


def test_the_report_has_every_section_and_a_chart_per_target(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    outline = Outline()
    outline.feed(review(workspace, desk, rota))
    text = " ".join(outline.text)

    assert outline.headings == [
        "May 2025", "Targets", "Root causes", "Commitments", "Notes",
    ]  # fmt: skip
    assert outline.tags.count("svg") == 2
    assert "on track" in text and "a real change" in text
    # Last month's note, its markup shown as text rather than obeyed.
    assert "Rota <b>only</b> in two teams." in text
    assert "No root-cause model yet" in text


def test_the_report_says_when_the_months_complaints_fit_the_root_causes_less_well(
    workspace: sqlite3.Connection, desk_path: Path
) -> None:
    with open_for_writing(desk_path) as con:
        causes = RootCauseDesk(con)
        causes.model_version(1, is_current=True)
        causes.root_cause(1, "slow response")
        # trained on January to March, where it left 5% without a root cause
        con.execute(
            "update topics.model_versions set outlier_share = 0.05, "
            "window_end = timestamp '2025-03-31 00:00'"
        )
        for number in range(40):
            causes.complaint(f"rc-mar-{number}", "2025-03-12 10:00", None if number < 2 else 1)
            causes.complaint(f"rc-apr-{number}", "2025-04-14 10:00", None if number < 3 else 1)
            causes.complaint(f"rc-may-{number}", "2025-05-12 10:00", None if number < 20 else 1)

    with closing(open_for_reading(desk_path)) as desk:
        april, may = (
            " ".join(outline.text)
            for outline in (
                Outline().parsed(render_report(workspace, desk, month)) for month in (APRIL, MAY)
            )
        )

    assert "8% of April's complaints (3 of 40) fit no root cause; the model left 5%" in april
    assert "new kinds of complaint" not in april
    assert "50% of May's complaints (20 of 40) fit no root cause; the model left 5%" in may
    assert "new kinds of complaint may be arriving" in may and "critica topics refit" in may


def test_the_report_opens_offline(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    outline = Outline()
    outline.feed(review(workspace, desk, rota))

    assert "script" not in outline.tags
    assert "link" not in outline.tags
    assert outline.references == []


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_the_pdf_renders_to_a_page_that_is_not_blank(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection, rota: Improvement
) -> None:
    pdf = html_to_pdf(review(workspace, desk, rota))

    assert pdf.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    assert len(document) >= 1
    page = np.asarray(document[0].render(scale=0.5).to_pil().convert("L"), dtype=np.float64)
    ink = (page < 200).mean()
    assert 0.01 < ink < 0.5  # text and charts, not an empty or a black page


def test_an_empty_register_still_gives_a_report_that_says_what_to_do(
    workspace: sqlite3.Connection, desk: duckdb.DuckDBPyConnection
) -> None:
    outline = Outline()
    outline.feed(render_report(workspace, desk, MAY))
    text = " ".join(outline.text)

    assert "No active improvement has a target yet" in text
    assert "critica target add" in text
    assert "No notes." in text

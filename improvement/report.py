"""The monthly review report: one self-contained HTML page (inline SVG, no scripts) and its PDF."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import Final

import duckdb
import pandas as pd

from improvement.charts import STATUS_COLOURS, progress_chart
from improvement.checkups import (
    STATUS_LABELS,
    Checkup,
    Note,
    checkups_for_month,
    notes_for_month,
    target_progress,
    verdict,
)
from improvement.periods import add_months, month_end
from improvement.register import STATE_LABELS, Improvement, list_improvements
from improvement.significance import METHOD_LABELS
from improvement.targets import Target, list_targets
from warehouse.kpis import KPIS, kpi_table
from warehouse.units import format_change, format_value

# The commitments the desk made to customers, as registry KPIs.
COMMITMENT_KPIS: Final = ("follow_up_within_48h_rate", "callback_promises_kept_rate")
TOP_MOVERS: Final = 5
# A root cause needs this many complaints in one of the two months to count as a mover.
MIN_MOVER_COMPLAINTS: Final = 5
PDF_TIMEOUT_SECONDS: Final = 120
_STYLE: Final = (Path(__file__).with_name("report.css")).read_text(encoding="utf-8")


@dataclass(frozen=True)
class _TargetView:
    improvement: Improvement
    target: Target
    checkup: Checkup | None
    chart: str
    title: str


def render_report(
    workspace: sqlite3.Connection,
    warehouse: duckdb.DuckDBPyConnection,
    month: date,
    *,
    generated_at: datetime | None = None,
) -> str:
    """The monthly review report as one HTML document.

    Sections: targets with their status and glide-path charts, top movers among root causes,
    emerging issues, the desk's commitments (follow-ups, call-backs) and last month's notes.
    Only check-ups on record are shown: run ``critica checkup`` for the month first.

    Args:
        workspace: An open workspace.
        warehouse: A warehouse connection (read-only is enough).
        month: The month under review (any day of it).
        generated_at: The time printed in the footer; now when None.
    """
    month = month.replace(day=1)
    previous = add_months(month, -1)
    views = _target_views(workspace, warehouse, month)
    sections = [
        _header(month, views),
        _targets_section(views, month),
        _root_cause_sections(warehouse, month),
        _commitments_section(warehouse, month),
        _notes_section(workspace, previous, month),
    ]
    stamp = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Improvement review, {month:%B %Y}</title><style>{_STYLE}</style></head>"
        f"<body><main>{''.join(sections)}"
        f"<footer>Critica · generated {stamp} · values from the warehouse, check-ups and notes "
        "from the workspace as recorded</footer></main></body></html>\n"
    )


def write_report(
    workspace: sqlite3.Connection,
    warehouse: duckdb.DuckDBPyConnection,
    month: date,
    out_dir: Path,
    *,
    pdf: bool = True,
) -> list[Path]:
    """Write ``improvement-review-YYYY-MM.html`` (and ``.pdf``) into ``out_dir``.

    Raises:
        RuntimeError: when the PDF is wanted and Chromium is missing or fails.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"improvement-review-{month:%Y-%m}.html"
    html_path.write_text(render_report(workspace, warehouse, month), encoding="utf-8")
    if not pdf:
        return [html_path]
    pdf_path = html_path.with_suffix(".pdf")
    pdf_path.write_bytes(html_to_pdf(html_path.read_text(encoding="utf-8")))
    return [html_path, pdf_path]


def html_to_pdf(html: str) -> bytes:
    """Print an HTML document to PDF with Debian's headless Chromium (offline, no sandbox).

    Raises:
        RuntimeError: naming what to install when Chromium is missing, or its error output.
    """
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError(
            "The PDF needs Chromium: install it (apt-get install chromium) or pass --no-pdf "
            "for the HTML alone."
        )
    with tempfile.TemporaryDirectory(prefix="critica-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        result = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-pdf-header-footer",
                "--print-to-pdf-no-header",  # the same, for Chromium before 120
                f"--user-data-dir={folder}/profile",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=PDF_TIMEOUT_SECONDS,
            check=False,
        )
        if result.returncode != 0 or not target.exists():
            raise RuntimeError(f"Chromium could not print the report: {result.stderr.strip()}")
        return target.read_bytes()


def _target_views(
    workspace: sqlite3.Connection, warehouse: duckdb.DuckDBPyConnection, month: date
) -> list[_TargetView]:
    # Imported here: the root-cause queries load scipy, and the CLI imports this module.
    from warehouse.queries.root_causes import current_root_causes

    causes = current_root_causes(warehouse)
    labels = dict(
        zip(
            causes["root_cause_id"].astype(int), causes["root_cause_label"].astype(str), strict=True
        )
    )
    improvements = {entry.improvement_id: entry for entry in list_improvements(workspace)}
    checkups = {checkup.target_id: checkup for checkup in checkups_for_month(workspace, month)}
    views = []
    for target in list_targets(workspace):
        entry = improvements[target.improvement_id]
        if target.target_id not in checkups and not (
            entry.is_active and target.start_date <= month_end(month)
        ):
            continue
        chart = progress_chart(target, target_progress(workspace, target), month)
        title = target.describe(labels)
        views.append(_TargetView(entry, target, checkups.get(target.target_id), chart, title))
    return views


def _header(month: date, views: Sequence[_TargetView]) -> str:
    counts = {status: 0 for status in STATUS_LABELS}
    for view in views:
        if view.checkup is not None:
            counts[view.checkup.status] += 1
    tiles = "".join(
        f'<div class="tile" style="border-top-color:{STATUS_COLOURS[status]}">'
        f'<span class="count">{count}</span><span>{STATUS_LABELS[status]}</span></div>'
        for status, count in counts.items()
    )
    unchecked = sum(1 for view in views if view.checkup is None)
    missing = (
        f'<p class="warning">{unchecked} target(s) have no check-up for {month:%B %Y}: run '
        f"<code>critica checkup --month {month:%Y-%m}</code>.</p>"
        if unchecked
        else ""
    )
    return (
        f'<header><p class="kicker">Monthly improvement review</p><h1>{month:%B %Y}</h1>'
        f'<p class="lede">Where each improvement target stands against its glide path, what '
        "customers complain about more or less, and what we promised them.</p></header>"
        f'<section class="tiles">{tiles}</section>{missing}'
    )


def _targets_section(views: Sequence[_TargetView], month: date) -> str:
    if not views:
        return (
            "<section><h2>Targets</h2><p>No active improvement has a target yet: "
            "<code>critica target add</code>.</p></section>"
        )
    cards = []
    for improvement_id in dict.fromkeys(view.improvement.improvement_id for view in views):
        group = [view for view in views if view.improvement.improvement_id == improvement_id]
        entry = group[0].improvement
        meta = " · ".join(
            part
            for part in (
                STATE_LABELS[entry.state],
                f"owner {entry.owner}" if entry.owner else "",
                f"root causes {', '.join(map(str, entry.root_cause_ids))}"
                if entry.root_cause_ids
                else "",
            )
            if part
        )
        rows = "".join(_target_card(view, month) for view in group)
        cards.append(
            f'<article class="improvement"><h3>{entry.improvement_id}. {escape(entry.title)}</h3>'
            f'<p class="meta">{escape(meta)}</p>'
            + (
                f'<p class="actions">{escape(entry.planned_actions)}</p>'
                if entry.planned_actions
                else ""
            )
            + f"{rows}</article>"
        )
    return (
        "<section><h2>Targets</h2>"
        '<p class="legend"><span class="dash"></span> glide path from baseline to target '
        '<span class="dot"></span> monthly actual with its 95% interval</p>'
        f"{''.join(cards)}</section>"
    )


def _target_card(view: _TargetView, month: date) -> str:
    target, checkup = view.target, view.checkup
    unit = target.measured.unit
    plan = (
        f"Baseline {format_value(target.baseline_value, unit)} "
        f"({target.baseline_start:%b %Y}–{target.baseline_end:%b %Y}, n={target.baseline_n:,}) "
        f"→ target {format_value(target.target_value, unit)} by {target.due_date:%d %b %Y}"
    )
    if checkup is None:
        facts = f'<p class="warning">Not checked for {month:%B %Y} yet.</p>'
        badge = ""
    else:
        badge = (
            f'<span class="badge" style="background:{STATUS_COLOURS[checkup.status]}">'
            f"{STATUS_LABELS[checkup.status]}</span>"
        )
        interval = ""
        if checkup.ci_low is not None and checkup.ci_high is not None:
            interval = (
                f" (95% CI {format_change(checkup.ci_low, unit)} to "
                f"{format_change(checkup.ci_high, unit)})"
            )
        kind, words = verdict(checkup)
        verdict_html = escape(words)
        if kind in ("no_value", "small_sample"):
            verdict_html = f'<span class="warning">{verdict_html}</span>'
        elif kind == "real_change":
            verdict_html = verdict_html.replace("a real change", "<strong>a real change</strong>")
        facts = (
            '<dl class="facts">'
            f"<dt>Actual</dt><dd>{format_value(checkup.actual_value, unit)} "
            f'<span class="n">n={checkup.actual_n:,}</span></dd>'
            f"<dt>Glide path</dt><dd>{format_value(checkup.glide_value, unit)}</dd>"
            f"<dt>Change vs baseline</dt><dd>{format_change(checkup.change, unit)}{interval}</dd>"
            f"<dt>Verdict</dt><dd>{verdict_html}</dd>"
            "</dl>"
            f'<p class="method">{escape(METHOD_LABELS[checkup.method])}</p>'
        )
    return (
        f'<div class="target"><div class="target-text"><h4>{escape(view.title)} '
        f'{badge}</h4><p class="plan">{escape(plan)}</p>{facts}</div>'
        f'<div class="chart">{view.chart}</div></div>'
    )


def _root_cause_sections(warehouse: duckdb.DuckDBPyConnection, month: date) -> str:
    from warehouse.queries.root_causes import (
        current_root_causes,
        emerging_root_causes,
        impact_window_start,
        outliers_by_month,
        root_causes_ranked,
    )

    if current_root_causes(warehouse).empty:
        return (
            "<section><h2>Root causes</h2><p>No root-cause model yet: "
            "<code>critica topics fit</code>.</p></section>"
        )
    impact_from = impact_window_start(month, month_end(month))
    ranked = root_causes_ranked(
        warehouse,
        period_start=month,
        period_end=month_end(month),
        order_by="volume",
        impact_start=impact_from,
    )
    ranked = ranked[
        ranked[["count_documents", "count_previous"]].max(axis=1) >= MIN_MOVER_COMPLAINTS
    ].assign(delta=lambda frame: frame["count_documents"] - frame["count_previous"])
    movers = ranked.reindex(ranked["delta"].abs().sort_values(ascending=False).index).head(
        TOP_MOVERS
    )
    rows = "".join(
        f"<tr><td>{int(row['root_cause_id'])}</td><td>{escape(str(row['root_cause_label']))}</td>"
        f'<td class="num">{int(row["count_previous"])}</td><td class="num">'
        f"{int(row['count_documents'])}</td>"
        f'<td class="num {"up" if row["delta"] > 0 else "down"}">{int(row["delta"]):+d}</td>'
        f'<td class="num">{_impact(row["csat_difference"], row["csat_is_clear"])}</td></tr>'
        for row in movers.to_dict("records")
    )
    movers_html = (
        "<section><h2>Top movers among root causes</h2>"
        f"<p>Complaints per root cause, {add_months(month, -1):%B} against {month:%B}; "
        "CSAT impact is the score of responses with the cause minus those without, over "
        f"{impact_from:%B %Y} to {month:%B %Y} (a month rarely has enough responses).</p>"
        '<table><thead><tr><th>#</th><th>root cause</th><th class="num">'
        f'{add_months(month, -1):%b}</th><th class="num">{month:%b}</th>'
        '<th class="num">change</th><th class="num">CSAT impact</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
        if rows
        else "<section><h2>Top movers among root causes</h2><p>No root cause moved.</p></section>"
    )
    emerging = emerging_root_causes(warehouse, period_start=month, period_end=month_end(month))
    flagged = emerging[emerging["is_emerging"]]
    if flagged.empty:
        emerging_html = (
            "<section><h2>Emerging issues</h2><p>No root cause jumped above its own trailing "
            f"weekly baseline in {month:%B}.</p></section>"
        )
    else:
        items = "".join(
            f"<tr><td>week of {row['week']:%d %b}</td>"
            f"<td>{escape(str(row['root_cause_label']))}</td>"
            f'<td class="num">{int(row["count_documents"])}</td>'
            f'<td class="num">{row["baseline_mean"]:.1f}</td>'
            f'<td class="num">×{row["rate_ratio"]:.1f}</td></tr>'
            for row in flagged.to_dict("records")
        )
        emerging_html = (
            "<section><h2>Emerging issues</h2><p>Weeks in which a root cause's complaints rose "
            "well above its own trailing eight-week baseline (false alarms held to 1% a week).</p>"
            '<table><thead><tr><th>week</th><th>root cause</th><th class="num">complaints</th>'
            '<th class="num">baseline</th><th class="num">ratio</th></tr></thead>'
            f"<tbody>{items}</tbody></table></section>"
        )
    return movers_html + emerging_html + _model_fit_section(outliers_by_month(warehouse), month)


def _model_fit_section(months: pd.DataFrame, month: date) -> str:
    """How many of the month's complaints fit no root cause, and whether that calls for a refit."""
    from warehouse.queries.root_causes import outliers_rising

    this = months[months["month"] == pd.Timestamp(month)]
    if this.empty:
        return ""
    row = this.iloc[0]
    # as of the report's month: a later month's rise is not this report's news
    rise = outliers_rising(months[months["month"] <= pd.Timestamp(month)])
    sentence = (
        f"{row['outlier_share']:.0%} of {month:%B}'s complaints ({int(row['count_outliers'])} of "
        f"{int(row['count_documents'])}) fit no root cause; the model left "
        f"{row['fit_outlier_share']:.0%} of its own."
    )
    if rise is not None and rise.month == pd.Timestamp(month):
        sentence += (
            " That is clearly more than the fit: new kinds of complaint may be arriving, and the "
            "figures above miss them until a refit (<code>critica topics refit</code>)."
        )
    return f"<section><h2>Does the model still fit?</h2><p>{sentence}</p></section>"


def _commitments_section(warehouse: duckdb.DuckDBPyConnection, month: date) -> str:
    table = kpi_table(
        warehouse,
        kpis=list(COMMITMENT_KPIS),
        period_start=add_months(month, -1),
        period_end=month_end(month),
    )
    rows = []
    for name in COMMITMENT_KPIS:
        kpi = KPIS[name]
        before, now = (None if pd.isna(value) else float(value) for value in table[name][:2])
        rows.append(
            f"<tr><td>{escape(kpi.label)}</td><td class='num'>{format_value(before, kpi.unit)}</td>"
            f"<td class='num'>{format_value(now, kpi.unit)}</td>"
            f"<td>{escape(kpi.definition)}</td></tr>"
        )
    return (
        "<section><h2>Commitments</h2><p>What we promised customers, kept or not.</p>"
        f'<table><thead><tr><th>commitment</th><th class="num">{add_months(month, -1):%b}</th>'
        f'<th class="num">{month:%b}</th><th>definition</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _notes_section(workspace: sqlite3.Connection, previous: date, month: date) -> str:
    blocks = []
    for label, notes in (
        (f"From last month's review ({previous:%B})", notes_for_month(workspace, previous)),
        (f"Added to this month's check-ups ({month:%B})", notes_for_month(workspace, month)),
    ):
        blocks.append(f"<h3>{label}</h3>{_notes_list(notes)}")
    return f"<section><h2>Notes</h2>{''.join(blocks)}</section>"


def _notes_list(notes: Sequence[Note]) -> str:
    if not notes:
        return '<p class="quiet">No notes.</p>'
    items = "".join(
        f"<li><p>{escape(note.body)}</p><p class='quiet'>{escape(note.author)}, "
        f"{note.created_at:%d %b %Y} · check-up {note.checkup_id}</p></li>"
        for note in notes
    )
    return f'<ul class="notes">{items}</ul>'


def _impact(difference: float | None, is_clear: object) -> str:
    if difference is None or pd.isna(difference):
        return "–"
    return f"{difference:+.2f}" + ("" if is_clear else " ?")

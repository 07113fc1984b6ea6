"""ETL benchmark: load 1,000,000 tickets and 300,000 survey responses; compare with plain read_csv.

Usage: python -m bench.etl [--tickets 1000000] [--surveys 300000] [--keep DIR]

Prints, for each file: rows/s of the full Critica load (parse, check, quarantine, redact, detect
language, upsert, history) and DuckDB's own read_csv of the same file in the same run, their ratio,
and the process's peak memory. Every description is distinct, so redaction and language detection
pay their real price. The machine's load average before and after is printed too: on a shared
machine other work slows both timings, so compare ratios between runs.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from etl.pipeline import load_exports

ZENDESK_HEADER = (
    "Id,Requester,Requester email,Assignee,Group,Subject,Tags,Status,Priority,Via,Created at,"
    "Updated at,Solved at,Group stations,Reopens,Replies,First reply time in minutes,"
    "First resolution time in minutes,Description [text],Call-back promised [checkbox],"
    "Call-back kept [checkbox],Fault attribution [list]"
)

PHRASES = [
    "I have been waiting for three days and nobody answered my email about the invoice",
    "Aspetto da una settimana una risposta sulla fattura sbagliata, nessuno mi richiama",
    "Llevo días esperando y nadie contesta a mis correos sobre el cargo duplicado",
    "Ich warte seit Tagen auf eine Antwort, niemand ruft zurück wie versprochen",
    "J'attends depuis des jours, personne ne répond à mes e-mails concernant la facture",
    "אני מחכה כבר שלושה ימים ואף אחד לא ענה למייל שלי לגבי החשבונית",
    "You promised a call back yesterday and nobody called, write to me at jane.doe@example.com",
    "Mi avete trasferito quattro volte tra reparti diversi, chiamatemi al +39 347 123 4567",
]


def write_tickets(connection: duckdb.DuckDBPyConnection, path: Path, count: int) -> None:
    """A Zendesk-shaped CSV with ``count`` tickets and distinct descriptions."""
    body = path.with_suffix(".body")
    connection.execute(
        f"""
        copy (
            select
                i as id,
                'Customer ' || i as requester,
                'customer' || i || '@example.com' as requester_email,
                'Agent ' || (i % 40) as assignee,
                ['Billing EN', 'Support IT', 'Soporte ES', 'Kundenservice', 'Service FR', 'Support HE'][1 + i % 6] as grp,
                'Problem with order ' || i as subject,
                case when i % 3 = 0 then 'complaint billing' else 'question' end as tags,
                ['solved', 'open', 'pending', 'closed'][1 + i % 4] as status,
                ['low', 'normal', 'high', 'urgent'][1 + i % 4] as priority,
                ['Mail', 'Web form', 'Voice', 'Chat'][1 + i % 4] as via,
                strftime(timestamp '2025-05-01' + to_minutes(i % 800000), '%Y-%m-%d %H:%M:%S') as created,
                strftime(timestamp '2025-05-02' + to_minutes(i % 800000), '%Y-%m-%d %H:%M:%S') as updated,
                strftime(timestamp '2025-05-01 20:00' + to_minutes(i % 800000), '%Y-%m-%d %H:%M:%S') as solved,
                1 + i % 3 as stations, (i % 7 = 0)::integer as reopens, 1 + i % 4 as replies,
                15 + i % 600 as first_reply, 120 + i % 5000 as first_resolution,
                {_sql_list(PHRASES)}[1 + i % {len(PHRASES)}] || ' (ticket ' || i || ', day ' || (i % 97) || ')' as description,
                case when i % 5 = 0 then 'true' else 'false' end as callback_promised,
                case when i % 10 = 0 then 'true' else 'false' end as callback_kept,
                ['own', 'third party', 'user', 'unknown'][1 + i % 4] as fault
            from range(1, {count} + 1) as t(i)
        ) to '{body}' (header false, quote '"', force_quote (description, subject))
        """
    )
    _concatenate(path, ZENDESK_HEADER + "\n", body)


def write_surveys(connection: duckdb.DuckDBPyConnection, path: Path, count: int) -> None:
    """A Qualtrics-shaped CSV (three header rows) with ``count`` responses linked to tickets."""
    system = [
        "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
        "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
        "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
        "DistributionChannel", "UserLanguage",
    ]  # fmt: skip
    questions = {
        "Q1": "How satisfied were you with the support you received?",
        "Q2": "How likely are you to recommend us to a friend or colleague?",
        "Q2_NPS_GROUP": "How likely are you to recommend us to a friend or colleague? - Group",
        "Q3": "The company made it easy for me to handle my issue.",
        "Q4": "Is there anything else you would like to tell us?",
        "ticket_id": "ticket_id",
    }
    header = io.StringIO()
    writer = csv.writer(header, lineterminator="\n")
    writer.writerow(system + list(questions))
    writer.writerow(system + list(questions.values()))
    writer.writerow([f'{{"ImportId":"{name}"}}' for name in system + list(questions)])
    body = path.with_suffix(".body")
    comments = _sql_list(PHRASES)
    connection.execute(
        f"""
        copy (
            select
                strftime(timestamp '2025-05-03' + to_minutes(i % 700000), '%Y-%m-%d %H:%M:%S'),
                strftime(timestamp '2025-05-03 00:03' + to_minutes(i % 700000), '%Y-%m-%d %H:%M:%S'),
                'IP Address', '', 100, 180, 1,
                strftime(timestamp '2025-05-03 00:03' + to_minutes(i % 700000), '%Y-%m-%d %H:%M:%S'),
                'R_' || i, 'Doe', 'Jane', 'jane' || i || '@example.com', (i * 3)::varchar, '', '',
                'email', ['EN', 'IT', 'ES', 'DE', 'FR', 'HE'][1 + i % 6],
                1 + i % 5, i % 11, case when i % 11 >= 9 then 3 when i % 11 >= 7 then 2 else 1 end,
                1 + i % 7, {comments}[1 + i % {len(PHRASES)}] || ' (' || i || ')', (i * 3)::varchar
            from range(1, {count} + 1) as t(i)
        ) to '{body}' (header false, quote '"')
        """
    )
    _concatenate(path, header.getvalue(), body)


def _sql_list(values: list[str]) -> str:
    """A DuckDB list literal of constant strings (the bench's own phrases, not user input)."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _concatenate(path: Path, header: str, body: Path) -> None:
    with path.open("w", encoding="utf-8") as target:
        target.write(header)
    with path.open("ab") as target, body.open("rb") as source:
        shutil.copyfileobj(source, target, 1 << 24)
    body.unlink()


def _load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


def plain_read_csv_seconds(path: Path, skip_rows: int) -> float:
    """DuckDB's own read_csv of the same file into a table, for the ratio."""
    connection = duckdb.connect()
    started = time.perf_counter()
    connection.execute(
        "create table plain as select * from read_csv($path, all_varchar = true, skip = $skip)",
        {"path": str(path), "skip": skip_rows},
    )
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def main() -> None:
    """Generate, load and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--surveys", type=int, default=300_000)
    parser.add_argument("--keep", type=Path, help="Folder to keep the files and warehouse in.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="critica-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    tickets, surveys = folder / "zendesk_tickets.csv", folder / "qualtrics_surveys.csv"
    started = time.perf_counter()
    generator = duckdb.connect()
    write_tickets(generator, tickets, args.tickets)
    write_surveys(generator, surveys, args.surveys)
    generator.close()
    print(
        f"generated {args.tickets:,} tickets ({tickets.stat().st_size / 1e6:.0f} MB) and "
        f"{args.surveys:,} survey responses ({surveys.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    print(f"load average before the load: {_load_average()}")
    warehouse = folder / "critica.duckdb"
    for leftover in folder.glob("critica.duckdb*"):
        leftover.unlink()
    timings: dict[str, float] = {}

    def done(outcome: object) -> None:
        timings[str(getattr(outcome, "path", ""))] = time.perf_counter()

    load_started = time.perf_counter()
    outcomes = load_exports(
        warehouse, [tickets, surveys], source_time_zone="Europe/Rome", on_file_done=done
    )
    total = time.perf_counter() - load_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{'file':<24}{'read':>11}{'loaded':>11}{'quarant.':>10}{'load s':>9}{'rows/s':>11}"
        f"{'read_csv s':>12}{'ratio':>8}"
    )
    for outcome, skip in zip(outcomes, (0, 2), strict=True):
        report = outcome.report
        if report is None:
            print(f"{outcome.path.name}: FAILED {outcome.error}")
            continue
        plain = plain_read_csv_seconds(outcome.path, skip)
        print(
            f"{outcome.path.name:<24}{report.rows_read:>11,}{report.rows_loaded:>11,}"
            f"{report.rows_quarantined:>10,}{report.duration_seconds:>9.1f}"
            f"{report.rows_read / report.duration_seconds:>11,.0f}{plain:>12.2f}"
            f"{report.duration_seconds / plain:>8.1f}"
        )
    print(
        f"\nwhole load (both files, one writer session incl. copy-and-swap, calendar): {total:.1f} s"
    )
    print(f"peak memory of this process: {peak_mb:,.0f} MB")
    print(f"load average after the load: {_load_average()}")
    print(f"warehouse file: {warehouse.stat().st_size / 1e6:,.0f} MB in {folder}")


if __name__ == "__main__":
    main()

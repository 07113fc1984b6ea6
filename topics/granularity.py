"""How fine root causes are, chosen from the corpus: broad causes when it has them, else fine.

HDBSCAN's ``min_cluster_size`` decides how fine the root causes come out, and no fixed share of
the documents suits every desk: the demo's twelve causes need about 1-2% of the documents, the
real labelled sets' fine intents (banking77, CFPB) 0.2-0.3% (docs/root-causes.md,
"Granularity"). What tells them apart is whether a handful of broad groups covers the corpus.
On the demo's complaints, from some size on (0.5-2% of the documents) HDBSCAN leaves 0-5% of
them as noise; on the real sets it leaves 6-40% at every size up to 2.5%: their documents sit
between many overlapping intents, not inside a few causes. So:

- sizes from ``FINE_SHARE`` of the documents up to ``LARGEST_SHARE`` are tried on the fit's own
  UMAP reduction (a ladder of factor sqrt(2));
- when one of them *covers* the corpus (HDBSCAN leaves at most ``MAX_NOISE_SHARE`` of the
  documents as noise, in at least ``MIN_TOPICS`` groups: a corpus split in two, as GermEval's
  German posts are at every coarse size, says nothing a manager can act on), the corpus has
  broad causes: the smallest root cause is ``BROAD_SHARE`` of the documents, or the smallest
  covering size when that is larger;
- otherwise its complaints are many fine intents: the smallest root cause is ``FINE_SHARE``
  of the documents, and a manager merges what belongs together (curation).

The fast mode decides on its teacher sample (:func:`decide_on_sample`), because the student's
vectors blur the groups e5's show; a refit keeps the decision of the model in use
(``topics.runs.kept_granularity``), so that ids stay stable when a window falls near the line.

HDBSCAN costs a fraction of a second per size next to UMAP's seconds, so the search adds little
to a fit (measured in docs/root-causes.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt
from hdbscan import HDBSCAN

NOISE: Final = -1
# Fine root causes: 0.25% of the documents (at least 5); the ladder's first size.
FINE_SHARE: Final = 0.0025
# Broad root causes: 1% of the documents (the fixed default until 5 December 2026).
BROAD_SHARE: Final = 0.01
# The largest size tried.
LARGEST_SHARE: Final = 0.025
MIN_SIZE: Final = 5
# Measured (docs/root-causes.md): the demo's complaints are covered with 2-5.1% noise at every
# seed, banking77's queries never with less than 5.9%.
MAX_NOISE_SHARE: Final = 0.055
MIN_TOPICS: Final = 5
# A decision made within this of the line could have gone the other way on another sample: the
# one wrong decision on held-out samples that came close was at 6.2% (docs/root-causes.md,
# "Held-out samples"), and the gap between the two kinds of corpus measured is under a point.
BORDERLINE_MARGIN: Final = 0.01


class Reducer(Protocol):
    """What reduces the vectors before HDBSCAN (UMAP, built by topics.model.build_reducer)."""

    def fit_transform(self, vectors: npt.NDArray[np.floating[Any]]) -> Any:
        """Reduced vectors, one row per input row."""
        ...


@dataclass(frozen=True)
class GranularityStep:
    """One size tried and what HDBSCAN found at it.

    Attributes:
        min_cluster_size: HDBSCAN's smallest cluster.
        topics: Clusters found.
        noise_share: Share of the documents HDBSCAN left as noise.
    """

    min_cluster_size: int
    topics: int
    noise_share: float

    @property
    def covers(self) -> bool:
        """True when a handful of groups at this size holds nearly every document."""
        return self.noise_share <= MAX_NOISE_SHARE and self.topics >= MIN_TOPICS


@dataclass(frozen=True)
class GranularityChoice:
    """The size a fit used and the evidence for it.

    Attributes:
        min_cluster_size: The size chosen.
        broad: True when a size covered the corpus (broad causes), False for fine ones.
        document_count: Documents the sizes were tried on.
        steps: The sizes tried, smallest first.
    """

    min_cluster_size: int
    broad: bool
    document_count: int
    steps: tuple[GranularityStep, ...]
    #: True when the decision (broad or fine) was the model in use's, kept by a refit.
    kept: bool = False
    #: The decision made on the fast mode's teacher sample, when it was made there.
    decision: GranularityChoice | None = None

    def describe(self) -> str:
        """One sentence for the fit's report."""
        kind = "broad" if self.broad else "fine"
        if self.kept:
            # judged on the vectors a decision is made on: the fast mode's teacher sample
            judged = self.decision if self.decision is not None else self
            covering = next((s for s in judged.steps if s.covers), None)
            now = (
                "they still cover the corpus"
                if covering is not None
                else "they no longer cover the corpus"
            )
            if self.decision is not None:
                now += f" (on the {self.decision.document_count:,} documents e5 embedded)"
            return (
                f"{kind} root causes of at least {self.min_cluster_size:,} documents, as in the "
                f"model in use (a refit keeps them so that ids stay stable; broad groups: {now})"
            )
        if self.decision is not None:
            return (
                f"{kind} root causes of at least {self.min_cluster_size:,} documents, decided on "
                f"the {self.decision.document_count:,} documents e5 embedded (the fast mode's "
                f"teacher sample: the student's vectors blur the groups), where "
                f"{self.decision.evidence()}{self.caution()}"
            )
        return (
            f"{kind} root causes of at least {self.min_cluster_size:,} documents: "
            f"{self.evidence()}{self.caution()}"
        )

    def evidence(self) -> str:
        """What the sizes tried showed: the covering groups, or the least noise left."""
        covering = next((s for s in self.steps if s.covers), None)
        if covering is not None:
            return (
                f"{covering.topics} groups of at least {covering.min_cluster_size:,} documents "
                f"hold all but {covering.noise_share:.1%} of them"
            )
        least = self.closest_to_covering()
        found = (
            ""
            if least is None
            else f"; the least noise was {least.noise_share:.1%}, with {least.topics} groups "
            f"of at least {least.min_cluster_size:,}"
        )
        return (
            f"no group size up to {LARGEST_SHARE:.1%} of the documents left under "
            f"{MAX_NOISE_SHARE:.1%} of them outside its groups{found}"
        )

    def closest_to_covering(self) -> GranularityStep | None:
        """The size that left the least noise in ``MIN_TOPICS`` groups or more."""
        return min(
            (s for s in self.steps if s.topics >= MIN_TOPICS),
            key=lambda s: s.noise_share,
            default=None,
        )

    @property
    def borderline(self) -> bool:
        """True when the decision was made within ``BORDERLINE_MARGIN`` of the line.

        A kept decision is not re-judged; the fast mode's is judged on its teacher sample.
        """
        if self.kept:
            return False
        if self.decision is not None:
            return self.decision.borderline
        covering = next((s for s in self.steps if s.covers), None)
        if covering is not None:
            return covering.noise_share > MAX_NOISE_SHARE - BORDERLINE_MARGIN
        closest = self.closest_to_covering()
        return closest is not None and closest.noise_share <= MAX_NOISE_SHARE + BORDERLINE_MARGIN

    def other_share(self) -> float:
        """The ``min_cluster_share`` that gives the other decision's root causes.

        Fine -> broad: the size that came closest to covering, as a share of the documents it
        was tried on, and at least ``BROAD_SHARE``; broad -> fine: ``FINE_SHARE``.
        """
        deciding = self.decision if self.decision is not None else self
        if deciding.broad:
            return FINE_SHARE
        closest = deciding.closest_to_covering()
        if closest is None:
            return BROAD_SHARE
        return max(BROAD_SHARE, round(closest.min_cluster_size / deciding.document_count, 4))

    def caution(self) -> str:
        """What a borderline decision's report adds ("" when it is not borderline)."""
        if not self.borderline:
            return ""
        other = "fine" if self.broad else "broad"
        return (
            f". Close to the line (within {BORDERLINE_MARGIN * 100:g} point of "
            f"{MAX_NOISE_SHARE:.1%} noise): {other} root causes may suit this desk as well; "
            f"compare with critica topics refit --min-cluster-share {self.other_share():g}"
        )

    def as_dict(self) -> dict[str, Any]:
        """For the model folder's parameters file."""
        return {
            "min_cluster_size": self.min_cluster_size,
            "broad": self.broad,
            "borderline": self.borderline,
            "kept": self.kept,
            "decision": None if self.decision is None else self.decision.as_dict(),
            "document_count": self.document_count,
            "steps": [
                {
                    "min_cluster_size": s.min_cluster_size,
                    "topics": s.topics,
                    "noise_share": round(s.noise_share, 4),
                }
                for s in self.steps
            ],
        }


def fine_size(document_count: int) -> int:
    """Fine root causes: ``FINE_SHARE`` of the documents, at least ``MIN_SIZE``."""
    return max(MIN_SIZE, round(document_count * FINE_SHARE))


def broad_size(document_count: int) -> int:
    """Broad root causes: ``BROAD_SHARE`` of the documents, at least ``MIN_SIZE``."""
    return max(MIN_SIZE, round(document_count * BROAD_SHARE))


def candidate_sizes(document_count: int) -> list[int]:
    """The ladder: the fine size times sqrt(2) per step, up to ``LARGEST_SHARE``."""
    first = fine_size(document_count)
    ceiling = max(first, LARGEST_SHARE * document_count)
    sizes: list[int] = []
    step = 0
    while (size := round(first * math.sqrt(2) ** step)) <= ceiling:
        if not sizes or size > sizes[-1]:
            sizes.append(size)
        step += 1
    return sizes


def choose_granularity(
    reduced: npt.NDArray[np.floating[Any]], min_samples: int | None, broad: bool | None = None
) -> GranularityChoice:
    """Try the ladder of sizes on one reduction and choose broad or fine root causes.

    Args:
        reduced: The documents after UMAP (what HDBSCAN clusters).
        min_samples: HDBSCAN's density smoothing, as the fit will use it.
        broad: The decision to keep (a refit keeps the model in use's); None decides.
    """
    steps = []
    for size in candidate_sizes(len(reduced)):
        labels = _hdbscan(size, min_samples).fit(reduced).labels_
        steps.append(
            GranularityStep(
                size, len(set(labels.tolist()) - {NOISE}), float(np.mean(labels == NOISE))
            )
        )
    return pick_size(steps, len(reduced), broad)


def pick_size(
    steps: Sequence[GranularityStep], document_count: int, broad: bool | None = None
) -> GranularityChoice:
    """Broad root causes when a size covers the corpus, else fine ones.

    Args:
        steps: The sizes tried, smallest first.
        document_count: Documents they were tried on.
        broad: The decision to keep (a refit keeps the model in use's); None decides.

    Raises:
        ValueError: when no size was tried.
    """
    if not steps:
        raise ValueError("no cluster size was tried")
    covering = next((s for s in steps if s.covers), None)
    kept = broad is not None
    if broad is None:
        broad = covering is not None
    if not broad:
        return GranularityChoice(
            fine_size(document_count), False, document_count, tuple(steps), kept
        )
    # never finer than the covering size: below it the causes break into fragments
    covering_size = covering.min_cluster_size if covering is not None else 0
    size = max(covering_size, broad_size(document_count))
    return GranularityChoice(size, True, document_count, tuple(steps), kept)


def decide_on_sample(
    centred: npt.NDArray[np.floating[Any]], reducer: Reducer, min_samples: int | None
) -> GranularityChoice:
    """Broad or fine, decided on a sample with its own reduction (the fit's UMAP settings).

    The fast mode decides on its teacher sample: e5's vectors. On 100,000 demo complaints, 96%
    of them placed by the student, HDBSCAN left at least 12% noise at every size (fine root
    causes, NMI 0.637), where the same corpus's e5 vectors are covered (docs/root-causes.md).
    """
    return choose_granularity(np.asarray(reducer.fit_transform(centred)), min_samples)


class GranularitySearchHDBSCAN:
    """BERTopic's clustering step with the size chosen by :func:`choose_granularity`.

    BERTopic calls ``fit`` on the UMAP reduction and reads ``labels_`` and ``probabilities_``;
    the HDBSCAN fitted at the chosen size answers both, and ``choice`` keeps the evidence.
    """

    def __init__(
        self,
        min_samples: int | None,
        broad: bool | None = None,
        decision: GranularityChoice | None = None,
    ) -> None:
        """Search sizes with this HDBSCAN ``min_samples``.

        Args:
            min_samples: HDBSCAN's density smoothing.
            broad: The model in use's decision, which a refit keeps; None decides.
            decision: A decision already made on a sample (the fast mode's teacher sample); with
                ``broad`` given, only what the sample shows now (the kept decision wins).
        """
        self.min_samples = min_samples
        self.kept = broad is not None
        if broad is None and decision is not None:
            broad = decision.broad
        self.broad = broad
        self.decision = decision
        self.choice: GranularityChoice | None = None
        self.labels_: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self.probabilities_: npt.NDArray[np.float64] = np.empty(0, dtype=np.float64)

    def fit(
        self, reduced: npt.NDArray[np.floating[Any]], y: object = None
    ) -> GranularitySearchHDBSCAN:
        """Choose the size, then cluster at it."""
        choice = choose_granularity(reduced, self.min_samples, self.broad)
        if self.decision is not None:
            choice = replace(choice, kept=self.kept, decision=self.decision)
        self.choice = choice
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

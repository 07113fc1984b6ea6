"""Cluster documents into root causes and describe each one so a manager can read it.

One function does the fit (:func:`cluster_documents`). HDBSCAN's outliers join the nearest
centre when similar enough; documents outside the clustered sample are placed by
:func:`topics.placement.place_documents`, the rule that assigns documents loaded later.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from bertopic import BERTopic
from bertopic.vectorizers import ClassTfidfTransformer

from topics.embedding import Embedder, Vectors, normalised
from topics.granularity import (
    GranularityChoice,
    GranularitySearchHDBSCAN,
    decide_on_sample,
)
from topics.keywords import class_keywords
from topics.model import (
    UNKNOWN_LANGUAGE,
    LanguageCentres,
    TopicParams,
    build_reducer,
    build_topic_model,
    build_vectorizer,
)
from topics.placement import (
    OUTLIER,
    ClusteredNeighbours,
    nearest_centre,
    place_documents,
    similarity_floor,
)

REPRESENTATIVES: Final = 8
LABEL_WORDS: Final = 3
# Keywords per language only for languages with at least this many documents in the topic.
MIN_DOCUMENTS_FOR_LANGUAGE_KEYWORDS: Final = 3
# Fewer documents than this decide nothing on their own: the whole sample decides.
MIN_DECISION_DOCUMENTS: Final = 200


@dataclass(frozen=True)
class TopicDescription:
    """What a manager reads about one topic of a fitted model."""

    model_topic: int
    label: str
    keywords: list[str]
    keywords_by_language: dict[str, list[str]]
    languages: dict[str, int]
    representative_positions: list[int]
    centroid: Vectors
    document_count: int


@dataclass(frozen=True)
class ClusteredDocuments:
    """A fitted model and what it says about each training document (in input order)."""

    model: BERTopic
    centres: LanguageCentres
    centred: Vectors
    model_topics: npt.NDArray[np.int64]
    probabilities: npt.NDArray[np.float64]
    assigned_by: list[str]
    topics: list[TopicDescription]
    #: HDBSCAN's smallest cluster in this fit (chosen from the corpus, or
    #: TopicParams.cluster_size_for the documents clustered): how fine its root causes are.
    min_cluster_size: int
    #: How the size was chosen, when the fit chose it (TopicParams.chooses_granularity).
    granularity: GranularityChoice | None = None
    #: Positions of the documents UMAP and HDBSCAN saw (all, or the sample).
    clustered_positions: npt.NDArray[np.intp] = field(
        default_factory=lambda: np.zeros(0, dtype=np.intp)
    )
    #: For each of them, whether HDBSCAN made it a member of a cluster (not an outlier).
    cluster_members: npt.NDArray[np.bool_] = field(
        default_factory=lambda: np.zeros(0, dtype=np.bool_)
    )
    #: Below this similarity to every clustered document, the centre rule places a document.
    neighbour_floor: float = 0.0
    #: Each document's cosine with its topic's centre (NaN for outliers): how typical it is.
    centre_similarities: npt.NDArray[np.float64] = field(
        default_factory=lambda: np.zeros(0, dtype=np.float64)
    )

    def clustered_neighbours(self) -> ClusteredNeighbours:
        """The clustered documents as references for placing others.

        HDBSCAN's members vote for their root cause, the rest as outliers: what the fit placed
        its unseen documents among.
        """
        positions = self.clustered_positions
        members = np.where(self.cluster_members, self.model_topics[positions], OUTLIER)
        members = members.astype(np.int64)
        return ClusteredNeighbours(self.centred[positions], members, members, self.neighbour_floor)

    @property
    def outlier_share(self) -> float:
        """Share of documents left without a topic after outlier reduction."""
        if len(self.model_topics) == 0:
            return 0.0
        return float(np.mean(self.model_topics == OUTLIER))


def cluster_documents(
    documents: pd.DataFrame,
    vectors: Vectors,
    params: TopicParams,
    embedder: Embedder,
    broad: bool | None = None,
    decide_on: npt.NDArray[np.intp] | None = None,
) -> ClusteredDocuments:
    """Fit BERTopic on documents and describe the topics it finds.

    Args:
        documents: From :func:`topics.documents.read_documents` (text and language are used).
        vectors: Their embeddings, in the same order.
        params: Model choices.
        embedder: The model that made ``vectors`` (BERTopic keeps it for word embeddings).
        broad: When the fit chooses the size from the corpus: broad or fine root causes as
            the model in use has them (a refit keeps them); None decides.
        decide_on: Positions of the documents to decide broad or fine on, when not all of
            them (the fast mode's teacher sample: e5's vectors, not the student's).

    Raises:
        ValueError: with fewer documents than the smallest root cause may have.
    """
    texts = documents["text"].tolist()
    languages = _languages(documents)
    cluster_size = params.cluster_size_for(len(texts))
    if len(texts) < max(cluster_size * 2, 10):
        raise ValueError(
            f"{len(texts)} documents are too few to find root causes of at least "
            f"{cluster_size} documents each; load more complaints or widen the window"
        )
    centres = LanguageCentres.learn(vectors, languages, params.language_centring)
    centred = centres.centre(vectors, languages)
    clustered = cluster_sample(len(texts), params)
    decision = (
        decide_on_sample(
            centred[decide_on], build_reducer(params, len(decide_on)), params.min_samples
        )
        # a refit keeps the model in use's decision (broad), and the sample says whether
        # its groups still cover the corpus
        if params.chooses_granularity
        and decide_on is not None
        and len(decide_on) >= MIN_DECISION_DOCUMENTS
        else None
    )
    model = build_topic_model(params, embedder, len(clustered), broad, decision)
    min_cluster_size = params.cluster_size_for(len(clustered))
    found, strengths = model.fit_transform(
        [texts[i] for i in clustered], embeddings=centred[clustered]
    )
    granularity = (
        model.hdbscan_model.choice
        if isinstance(model.hdbscan_model, GranularitySearchHDBSCAN)
        else None
    )
    if granularity is not None:
        min_cluster_size = granularity.min_cluster_size
    model_topics = np.full(len(texts), OUTLIER, dtype=np.int64)
    model_topics[clustered] = np.asarray(found, dtype=np.int64)
    probabilities = np.zeros(len(texts), dtype=np.float64)
    probabilities[clustered] = np.asarray(strengths, dtype=np.float64)
    assigned_by = ["outlier"] * len(texts)
    for position in clustered[model_topics[clustered] != OUTLIER]:
        assigned_by[position] = "cluster"
    members = model_topics[clustered] != OUTLIER

    centroids = topic_centroids(centred, model_topics)
    floor = similarity_floor(centred[clustered])
    unseen = np.setdiff1d(np.arange(len(texts)), clustered)
    outliers = clustered[~members]
    if centroids and (len(unseen) or len(outliers)):
        if len(unseen):
            # documents outside the sample are placed as documents loaded later will be
            sampled_topics = model_topics[clustered]
            placed = place_documents(
                centred[unseen],
                ClusteredNeighbours(centred[clustered], sampled_topics, sampled_topics, floor),
                centroids,
                params.outlier_similarity,
            )
            model_topics[unseen] = placed.root_causes
            probabilities[unseen] = placed.scores
            for position, cause, by_neighbours in zip(
                unseen, placed.root_causes, placed.by_neighbours, strict=True
            ):
                if cause != OUTLIER:
                    assigned_by[position] = "neighbours" if by_neighbours else "nearest_centre"
        # HDBSCAN's own outliers join the nearest centre when similar enough
        nearest, similarity = nearest_centre(
            centred[outliers], centroids, params.outlier_similarity
        )
        for position, topic, score in zip(outliers, nearest, similarity, strict=True):
            if topic != OUTLIER:
                model_topics[position] = topic
                probabilities[position] = score
                assigned_by[position] = "nearest_centre"
        # Keywords and centres follow the final assignment, outliers absorbed included.
        # update_topics falls back to BERTopic's default vectorizer unless given ours again.
        model.update_topics(
            texts,
            topics=model_topics.tolist(),
            top_n_words=params.top_n_words,
            vectorizer_model=build_vectorizer(),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        )
        centroids = topic_centroids(centred, model_topics)

    descriptions = describe_topics(
        model, texts, languages, centred, model_topics, centroids, params.top_n_words
    )
    return ClusteredDocuments(
        model,
        centres,
        centred,
        model_topics,
        probabilities,
        assigned_by,
        descriptions,
        min_cluster_size,
        granularity,
        clustered,
        members,
        floor,
        centre_similarities(centred, model_topics, centroids),
    )


def cluster_sample(document_count: int, params: TopicParams) -> npt.NDArray[np.intp]:
    """Positions of the documents UMAP and HDBSCAN see: all, or a seeded sample, in order.

    Density clustering on a sample of tens of thousands finds the same causes as on every
    document, and on large corpora fragments less (docs/root-causes.md, "Cluster size at
    scale"); the rest join the nearest cause exactly as newly loaded documents do.
    """
    limit = params.max_cluster_documents
    if limit is None or document_count <= limit:
        return np.arange(document_count)
    rng = np.random.default_rng(params.seed)
    return np.sort(rng.choice(document_count, limit, replace=False))


def topic_centroids(centred: Vectors, model_topics: npt.NDArray[np.int64]) -> dict[int, Vectors]:
    """Normalised mean vector of each topic's documents (outliers excluded)."""
    return {
        int(topic): normalised(centred[model_topics == topic].mean(axis=0, keepdims=True))[0]
        for topic in np.unique(model_topics)
        if topic != OUTLIER
    }


def centre_similarities(
    centred: Vectors, causes: npt.NDArray[np.int64], centroids: Mapping[int, Vectors]
) -> npt.NDArray[np.float64]:
    """Each document's cosine with the centre of its root cause; NaN without one.

    The centres are normalised and the vectors centred and normalised, so the dot product is
    the cosine.
    """
    similarities = np.full(len(causes), np.nan, dtype=np.float64)
    for cause, centroid in centroids.items():
        positions = np.flatnonzero(causes == cause)
        if len(positions):
            similarities[positions] = centred[positions] @ centroid
    return similarities


def describe_topics(
    model: BERTopic,
    texts: Sequence[str],
    languages: Sequence[str],
    centred: Vectors,
    model_topics: npt.NDArray[np.int64],
    centroids: dict[int, Vectors],
    top_n_words: int,
) -> list[TopicDescription]:
    """Label, keywords (overall and per language), languages and representatives of each topic.

    Keywords are :func:`topics.keywords.class_keywords` of the topics (overall) and of each
    topic's documents in one language (per language), so both follow one rule.
    """
    outlier = model_topics == OUTLIER
    counts = model.vectorizer_model.transform(texts)  # once, for both kinds of keywords
    words = list(model.vectorizer_model.get_feature_names_out())
    # A whole topic speaks several languages: a word of one is used by a fraction of its
    # documents, so the overall list asks two documents and no share (a share ranked "month"
    # and product names above "fattura" and "facture").
    overall = class_keywords(
        counts,
        words,
        [None if out else int(topic) for topic, out in zip(model_topics, outlier, strict=True)],
        top_n_words,
        share=0.0,
    )
    by_language = class_keywords(
        counts,
        words,
        [
            None if out else (int(topic), language)
            for topic, language, out in zip(model_topics, languages, outlier, strict=True)
        ],
        top_n_words,
    )
    descriptions: list[TopicDescription] = []
    for topic, centroid in sorted(centroids.items()):
        members = np.flatnonzero(model_topics == topic)
        topic_words = overall.get(topic, [])
        language_counts = Counter(languages[int(i)] for i in members)
        per_language = {
            language: keywords
            for (candidate, language), keywords in by_language.items()
            if candidate == topic
            and keywords
            and language_counts[language] >= MIN_DOCUMENTS_FOR_LANGUAGE_KEYWORDS
        }
        descriptions.append(
            TopicDescription(
                model_topic=topic,
                label=_label(topic_words, per_language, language_counts),
                keywords=topic_words,
                keywords_by_language=per_language,
                languages=dict(language_counts.most_common()),
                representative_positions=representative_positions(
                    members, centred, centroid, texts, languages
                ),
                centroid=centroid,
                document_count=len(members),
            )
        )
    return descriptions


def _label(
    words: list[str], per_language: dict[str, list[str]], language_counts: Counter[str]
) -> str:
    # English keywords read best on an English dashboard; otherwise the topic's main language.
    if per_language.get("en"):
        chosen = per_language["en"]
    else:
        main = next(
            (
                language
                for language, _ in language_counts.most_common()
                if per_language.get(language)
            ),
            None,
        )
        chosen = per_language[main] if main else words
    return ", ".join(chosen[:LABEL_WORDS]) or "(no keywords)"


def representative_positions(
    members: npt.NDArray[np.intp],
    centred: Vectors,
    centroid: Vectors,
    texts: Sequence[str],
    languages: Sequence[str],
) -> list[int]:
    """The documents closest to the centre: the best three, then the best of each language."""
    order = members[np.argsort(-(centred[members] @ centroid), kind="stable")]
    chosen: list[int] = []
    seen_texts: set[str] = set()
    seen_languages: set[str] = set()
    for position in order:
        if len(chosen) >= 3:
            break
        if texts[position] not in seen_texts:
            chosen.append(int(position))
            seen_texts.add(texts[position])
            seen_languages.add(languages[position])
    for position in order:
        if len(chosen) >= REPRESENTATIVES:
            break
        if languages[position] not in seen_languages and texts[position] not in seen_texts:
            chosen.append(int(position))
            seen_texts.add(texts[position])
            seen_languages.add(languages[position])
    return chosen


def _languages(documents: pd.DataFrame) -> list[str]:
    return [
        str(language) if isinstance(language, str) and language else UNKNOWN_LANGUAGE
        for language in documents["language"].tolist()
    ]

"""TopicParams and the one place a BERTopic model is built, plus language centring.

Multilingual embeddings put a complaint closer to other texts in its own language than to the
same complaint in another language. Subtracting each language's mean vector ("language
centring") removes that component, so one root cause becomes one topic in every language
(measured in docs/root-causes.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

import numpy as np
import stopwordsiso
from bertopic import BERTopic
from bertopic.vectorizers import ClassTfidfTransformer
from hdbscan import HDBSCAN
from sklearn.feature_extraction.text import CountVectorizer
from umap import UMAP

from topics.embedding import Embedder, Vectors, normalised
from topics.granularity import GranularityChoice, GranularitySearchHDBSCAN, fine_size

# Languages the demo and the product are written for; their stop words come from stopwordsiso.
STOP_WORD_LANGUAGES: Final = ("en", "it", "es", "he", "de", "fr")
# Redaction tokens and export noise that say nothing about a cause.
_EXTRA_STOP_WORDS: Final = ("email", "phone", "name", "card", "iban", "ticket", "nbsp")
# A language with fewer documents than this is centred on the mean of all documents. Even five
# documents' mean removes most of a language's offset, and an uncentred language becomes a root
# cause of its own: on the 600-ticket demo desk (172 complaints, 9 in Hebrew) a threshold of 20
# left Hebrew apart and the rest in one topic (NMI 0.04); 5 gives 8-11 topics, NMI 0.37-0.45
# (docs/root-causes.md, "Small desks").
MIN_DOCUMENTS_PER_LANGUAGE: Final = 5
UNKNOWN_LANGUAGE: Final = "und"
# critica.toml's word for "choose the smallest root cause from the corpus".
AUTO: Final = "auto"


@dataclass(frozen=True)
class TopicParams:
    """Every choice of the root-cause model; stored with each model version.

    Attributes:
        seed: Random state of UMAP (and so of the whole run: HDBSCAN is deterministic).
        umap_neighbors: UMAP's neighbourhood size.
        umap_components: Dimensions UMAP reduces to before clustering.
        min_cluster_size: HDBSCAN's smallest root cause; None takes ``min_cluster_share`` of
            the documents clustered, or chooses it from the corpus.
        min_cluster_share: The smallest root cause as a share of the documents (5 to 200
            documents), used when ``min_cluster_size`` is None: 0.01 gives broad causes,
            0.003 fine-grained intents. None (the default, "auto" in critica.toml) chooses the
            size from the corpus: broad root causes when a few groups cover it, else fine root
            causes (topics/granularity.py; docs/root-causes.md, "Granularity").
        min_samples: HDBSCAN's density smoothing; None uses min_cluster_size's default rule.
        outlier_similarity: An outlier joins the nearest root cause when its cosine similarity to
            that cause's centre (language-centred space) is at least this; the rest stay outliers.
        language_centring: Subtract each language's mean vector before clustering.
        top_n_words: Keywords kept per root cause (and per language).
        max_characters: Texts are cut to this length before embedding.
        max_cluster_documents: UMAP and HDBSCAN see at most this many documents, a sample
            drawn with the seed; the others are placed among them as documents loaded
            later are. None clusters every document. On 100,000 demo complaints a 20,000 sample
            gave NMI 0.79 in 18 s against 0.59 in 126 s for all of them (docs/root-causes.md).
        teacher_documents: In the fast mode (embedding model ``e5-fast``), how many distinct
            texts e5 embeds to teach the corpus student; a corpus this size or smaller is all
            e5. 4,000 measured best on 12,000 demo complaints (docs/root-causes.md).
    """

    seed: int = 42
    umap_neighbors: int = 15
    umap_components: int = 5
    min_cluster_size: int | None = None
    # None: chosen from the corpus; no fixed share suits both the demo's broad causes and real
    # sets' fine intents (docs/root-causes.md, "Granularity")
    min_cluster_share: float | None = None
    min_samples: int | None = 5
    # 0.2 chosen by bench/topics.py: against 0.35, NMI +0.04 on the demo and CFPB, equal elsewhere,
    # and 0-11% outliers left instead of 4-34% (docs/root-causes.md, Quality)
    outlier_similarity: float = 0.2
    language_centring: bool = True
    top_n_words: int = 10
    max_characters: int = 1_000
    max_cluster_documents: int | None = 20_000
    teacher_documents: int = 4_000

    def __post_init__(self) -> None:
        if self.min_cluster_share is not None and not 0 < self.min_cluster_share <= 0.5:
            raise ValueError(
                f"min_cluster_share must be a share of the documents above 0 and at most 0.5, "
                f"got {self.min_cluster_share}"
            )

    @property
    def chooses_granularity(self) -> bool:
        """True when the fit chooses the smallest root cause from the corpus."""
        return self.min_cluster_size is None and self.min_cluster_share is None

    def cluster_size_for(self, document_count: int) -> int:
        """HDBSCAN's min_cluster_size for a corpus.

        The size set, else the share of the documents (5 to 200), else, when the fit chooses
        it, the smallest it may choose (the fine size).
        """
        if self.min_cluster_size is not None:
            return self.min_cluster_size
        if self.min_cluster_share is None:
            return fine_size(document_count)
        return int(min(200, max(5, round(document_count * self.min_cluster_share))))

    def as_dict(self) -> dict[str, Any]:
        """The parameters as stored in ``topics.model_versions.parameters``."""
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> TopicParams:
        """Parameters from a config table or a stored model version.

        ``min_cluster_share = "auto"`` (TOML has no None) chooses the size from the corpus.

        Raises:
            ValueError: naming an unknown key.
        """
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown topic parameter(s) {unknown}: use {sorted(known)}")
        chosen = dict(values)
        if isinstance(chosen.get("min_cluster_share"), str):
            if str(chosen["min_cluster_share"]).strip().lower() != AUTO:
                raise ValueError(
                    f"min_cluster_share must be a share such as 0.01 or {AUTO!r}, "
                    f"got {chosen['min_cluster_share']!r}"
                )
            chosen["min_cluster_share"] = None
        return cls(**chosen)


@dataclass(frozen=True)
class LanguageCentres:
    """Mean embedding per language, learned on a model's training documents."""

    means: Mapping[str, Vectors]
    overall: Vectors

    @classmethod
    def learn(
        cls, vectors: Vectors, languages: Sequence[str | None], enabled: bool = True
    ) -> LanguageCentres:
        """Means of the training documents (all zero when centring is off)."""
        if not enabled or len(vectors) == 0:
            zero = np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0, dtype=np.float32)
            return cls({}, zero)
        keys = np.array([language or UNKNOWN_LANGUAGE for language in languages])
        means = {
            str(language): vectors[keys == language].mean(axis=0).astype(np.float32)
            for language in np.unique(keys)
            if (keys == language).sum() >= MIN_DOCUMENTS_PER_LANGUAGE
        }
        return cls(means, vectors.mean(axis=0).astype(np.float32))

    def centre(self, vectors: Vectors, languages: Sequence[str | None]) -> Vectors:
        """Vectors minus their language's mean, renormalised."""
        if len(vectors) == 0:
            return vectors
        offsets = np.vstack(
            [self.means.get(language or UNKNOWN_LANGUAGE, self.overall) for language in languages]
        )
        return normalised(vectors - offsets)

    def to_arrays(self) -> dict[str, Vectors]:
        """For ``np.savez``: one array per language plus ``__overall__``."""
        return {**{f"lang_{k}": v for k, v in self.means.items()}, "__overall__": self.overall}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Vectors]) -> LanguageCentres:
        """Inverse of :meth:`to_arrays`."""
        means = {
            k.removeprefix("lang_"): np.asarray(v) for k, v in arrays.items() if k != "__overall__"
        }
        return cls(means, np.asarray(arrays["__overall__"]))


def stop_words() -> list[str]:
    """Stop words of every supported language, from the offline stopwordsiso lists."""
    words: set[str] = set(_EXTRA_STOP_WORDS)
    for language in STOP_WORD_LANGUAGES:
        words |= {word.lower() for word in stopwordsiso.stopwords(language)}
    return sorted(words)


def build_vectorizer() -> CountVectorizer:
    """Words for keywords: letters only (no numbers, no order ids), stop words removed."""
    return CountVectorizer(
        stop_words=stop_words(),
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",
        lowercase=True,
        # c-TF-IDF's documents are whole topics: a word used by one topic only is its best keyword
        min_df=1,
    )


def build_reducer(params: TopicParams, document_count: int) -> UMAP:
    """The UMAP reduction HDBSCAN clusters: the model's, and the fast mode's teacher decision's."""
    return UMAP(
        n_neighbors=min(params.umap_neighbors, max(2, document_count - 1)),
        n_components=params.umap_components,
        min_dist=0.0,
        metric="cosine",
        random_state=params.seed,
        # with a random_state UMAP runs on one thread anyway; saying so silences its warning
        n_jobs=1,
    )


def build_topic_model(
    params: TopicParams,
    embedder: Embedder,
    document_count: int,
    broad: bool | None = None,
    decision: GranularityChoice | None = None,
) -> BERTopic:
    """The BERTopic pipeline for complaints: UMAP, HDBSCAN, multilingual c-TF-IDF keywords.

    Args:
        params: Model choices.
        embedder: Used only if BERTopic needs to embed words; documents come pre-embedded.
        document_count: Size of the training corpus (sets the default cluster size).
        broad: When the fit chooses the size: the decision to keep (broad or fine root
            causes, a refit keeps the model in use's); None decides from the corpus.
        decision: When the fit chooses the size: a decision made on a sample of the corpus
            (the fast mode's teacher sample); it decides unless ``broad`` keeps the model in
            use's decision, and then only reports whether its groups still cover the sample.
    """
    from topics.embedding import BertopicEmbedder

    cluster_size = params.cluster_size_for(document_count)
    return BERTopic(
        embedding_model=BertopicEmbedder(embedder),
        umap_model=build_reducer(params, document_count),
        hdbscan_model=(
            GranularitySearchHDBSCAN(params.min_samples, broad, decision)
            if params.chooses_granularity
            else HDBSCAN(
                min_cluster_size=cluster_size,
                min_samples=params.min_samples,
                metric="euclidean",
                cluster_selection_method="eom",
                prediction_data=True,
            )
        ),
        vectorizer_model=build_vectorizer(),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        top_n_words=params.top_n_words,
        calculate_probabilities=False,
    )

"""Topics of the corpus: clusters of chunk embeddings, c-TF-IDF keywords, short labels.

1. The chunk embeddings already in Chroma are clustered with k-means; k is chosen from the
   data (the best cosine silhouette over a small range of k).
2. Each cluster's keywords come from class-based TF-IDF (c-TF-IDF, as in BERTopic): the
   cluster's chunks are one "document", so words frequent in it and rare elsewhere win
   (:mod:`rag.analysis.topic_keywords`).
3. Each cluster gets a 2-4 word Title Case label from the cheapest configured model through
   :func:`rag.analysis.structured.ask_structured` (task ``topic_label``), falling back to a
   label built from its keywords when no model answers or its labels do not validate
   (:mod:`rag.analysis.topic_labels`).

Results are cached per store generation (in memory and in ``<state>/topics.json``), so they
are recomputed on the first request after an ingest or removal, and never otherwise.

The UI calls :func:`get_topics`; the CLI ``python -m rag topics --json`` prints
:meth:`TopicsResult.to_dict`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from providers.base import Provider
from providers.chain import FallbackChain
from rag.analysis.structured import llm_providers
from rag.analysis.topic_keywords import ctfidf_keywords, word_casing
from rag.analysis.topic_labels import EXAMPLE_CHARS, label_topics
from rag.exact_dense import unit_vectors

if TYPE_CHECKING:
    from rag.engine import Engine

log = logging.getLogger(__name__)

K_MIN, K_MAX = 2, 10
SMALL_TIE = 0.85  # on fewer than 40 chunks, silhouettes within 15 % of the best are a tie
MIN_CHUNKS_PER_TOPIC = 3  # smaller clusters are noise, not topics: bounds k from above
N_EXAMPLES = 3
CACHE_FILE = "topics.json"
CACHE_VERSION = 1


# --------------------------------------------------------------------------- results
@dataclass
class Topic:
    id: int
    label: str
    label_source: str  # "llm" | "keywords"
    size: int  # chunks
    share: float  # of all chunks
    keywords: list[str]
    examples: list[dict[str, Any]]  # {chunk_id, source, page, text}: closest to the centre
    documents: dict[str, int]  # document name -> chunks in this topic

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TopicsResult:
    topics: list[Topic]
    k: int
    silhouette: float | None
    n_chunks: int
    generation: int
    labeler: str | None = None  # "provider:model" that labelled, when a model did
    k_scores: dict[int, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "topics": [t.to_dict() for t in self.topics],
            "k": self.k,
            "silhouette": None if self.silhouette is None else round(self.silhouette, 4),
            "k_scores": {str(k): round(v, 4) for k, v in self.k_scores.items()},
            "n_chunks": self.n_chunks,
            "generation": self.generation,
            "labeler": self.labeler,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TopicsResult:
        return cls(
            topics=[Topic(**t) for t in d["topics"]],
            k=int(d["k"]),
            silhouette=d.get("silhouette"),
            n_chunks=int(d["n_chunks"]),
            generation=int(d["generation"]),
            labeler=d.get("labeler"),
            k_scores={int(k): float(v) for k, v in (d.get("k_scores") or {}).items()},
        )


# --------------------------------------------------------------------------- clustering
def chunk_embeddings(store: Any) -> tuple[list[str], np.ndarray]:
    """(ids, L2-normalised vectors) of every committed chunk, in the manifest's order."""
    _, ids, x = unit_vectors(store)
    return ids, x


def choose_k(
    x: np.ndarray, k_min: int = K_MIN, k_max: int = K_MAX, seed: int = 0
) -> tuple[int, np.ndarray, np.ndarray, float | None, dict[int, float]]:
    """k-means for each k in range; the best cosine silhouette wins.

    Returns (k, labels, centres, silhouette, {k: silhouette}). Too few chunks for two
    topics of MIN_CHUNKS_PER_TOPIC each -> one topic.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(x)
    # A handful of short documents (the demo) still deserves more than two topics.
    min_size = 2 if n < 40 else MIN_CHUNKS_PER_TOPIC
    hi = min(k_max, n // min_size, n - 1)
    if hi < k_min:
        return 1, np.zeros(n, dtype=int), x.mean(axis=0, keepdims=True), None, {}
    scores: dict[int, float] = {}
    fits: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    # Ten starts, not four: with four, the chosen k depended on the order of the chunks
    # (the demo's four documents gave 2, 3 or 4 topics as their ids changed).
    n_init = 10 if n < 2000 else 4
    for k in range(k_min, hi + 1):
        km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)
        if len(set(km.labels_)) < 2:
            continue
        s = float(
            silhouette_score(
                x, km.labels_, metric="cosine", sample_size=min(n, 3000), random_state=seed
            )
        )
        scores[k] = s
        fits[k] = (km.labels_.copy(), km.cluster_centers_.copy())
    if not scores:
        return 1, np.zeros(n, dtype=int), x.mean(axis=0, keepdims=True), None, scores
    top = max(scores.values())
    # On a handful of chunks the silhouette is noisy: scores within SMALL_TIE of the best
    # are a tie, and the finer split is the more useful list (the demo: 2 topics at 0.44
    # lumped the travel policy with the handbook; 4 at 0.39 are its four documents).
    tie = SMALL_TIE if n < 40 else 1.0
    k = max(kk for kk, sc in scores.items() if sc >= tie * top)
    labels, centres = fits[k]
    return k, labels, centres, scores[k], scores


# --------------------------------------------------------------------------- pipeline
def compute_topics(
    store: Any,
    chain: Provider | FallbackChain | None = None,
    *,
    k: int | None = None,
    k_max: int = K_MAX,
    seed: int = 0,
) -> TopicsResult:
    generation = int(store.generation)
    ids, x = chunk_embeddings(store)
    if not ids:
        return TopicsResult([], 0, None, 0, generation)
    records = store.get_chunks(ids)
    # k-means depends on the order of its input: order by document name and position, not by
    # chunk id (a content and reader hash), so the same documents give the same topics after
    # a re-read or on another machine.
    order = sorted(
        (i for i, c in enumerate(ids) if c in records),
        key=lambda i: (records[ids[i]].name, records[ids[i]].idx),
    )
    ids, x = [ids[i] for i in order], x[order]
    texts = [records[c].text for c in ids]
    kk, labels, centres, sil, scores = cluster(x, k, k_max, seed)
    kws = ctfidf_keywords(texts, labels, kk)
    examples = [
        [_example(ids[i], records[ids[i]]) for i in closest(x, labels, centres, c)]
        for c in range(kk)
    ]
    names, sources, labeler = label_topics(
        kws, [[e["text"] for e in ex] for ex in examples], word_casing(texts), chain
    )
    topics = []
    for c in range(kk):
        members = np.flatnonzero(labels == c)
        docs = Counter(records[ids[i]].name for i in members)
        topics.append(
            Topic(
                id=c,
                label=names[c],
                label_source=sources[c],
                size=len(members),
                share=round(len(members) / len(ids), 4),
                keywords=kws[c],
                examples=examples[c],
                documents=dict(docs.most_common()),
            )
        )
    return TopicsResult(topics, kk, sil, len(ids), generation, labeler, scores)


def cluster(
    x: np.ndarray, k: int | None, k_max: int, seed: int
) -> tuple[int, np.ndarray, np.ndarray, float | None, dict[int, float]]:
    """k-means with ``k`` clusters (or the best k by silhouette), biggest cluster first.

    Returns (k, labels, centres, silhouette, {k: silhouette}) like :func:`choose_k`.
    """
    if k is not None:
        from sklearn.cluster import KMeans

        kk = max(1, min(k, len(x)))
        km = KMeans(n_clusters=kk, n_init=4, random_state=seed).fit(x)
        scores: dict[int, float] = {}
        labels, centres, sil = km.labels_, km.cluster_centers_, None
    else:
        kk, labels, centres, sil, scores = choose_k(x, k_max=k_max, seed=seed)
    # Biggest topic first: stable ids that read naturally in a list.
    order = sorted(range(kk), key=lambda c: -int((labels == c).sum()))
    remap = {old: new for new, old in enumerate(order)}
    labels = np.array([remap[int(lab)] for lab in labels])
    return kk, labels, centres[order], sil, scores


def closest(x: np.ndarray, labels: np.ndarray, centres: np.ndarray, c: int) -> np.ndarray:
    """Row indices of cluster ``c``'s N_EXAMPLES members nearest its centre."""
    members = np.flatnonzero(labels == c)
    sims = x[members] @ centres[c]
    return members[np.argsort(-sims)[:N_EXAMPLES]]


def _example(chunk_id: str, record: Any) -> dict[str, Any]:
    return {
        "chunk_id": chunk_id,
        "source": record.name,
        "page": record.page,
        "text": record.text[:EXAMPLE_CHARS],
    }


# --------------------------------------------------------------------------- cache
_memo: dict[tuple[str, str], TopicsResult] = {}
_memo_lock = threading.Lock()


def _signature(chain: Provider | FallbackChain | None) -> str:
    if chain is None:
        return ""
    return ",".join(f"{p.name}:{p.model}" for p in llm_providers(chain))


def get_topics_result(
    engine: Engine,
    chain: Provider | FallbackChain | None = None,
    *,
    refresh: bool = False,
    k: int | None = None,
) -> TopicsResult:
    """Topics of ``engine``'s corpus, cached per store generation and labelling chain."""
    store = engine.store
    path = Path(store.state_dir) / CACHE_FILE
    sig = f"v{CACHE_VERSION}|{_signature(chain)}|k={k}"
    key = (str(path), sig)
    gen = int(store.generation)
    with _memo_lock:
        hit = _memo.get(key)
    if hit is not None and hit.generation == gen and not refresh:
        return hit
    if not refresh and path.is_file():
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            if d.get("signature") == sig and int(d["result"]["generation"]) == gen:
                res = TopicsResult.from_dict(d["result"])
                with _memo_lock:
                    _memo[key] = res
                return res
        except (ValueError, KeyError, TypeError) as e:
            log.warning("ignoring unreadable topics cache %s: %s", path, e)
    res = compute_topics(store, chain, k=k)
    with _memo_lock:
        _memo[key] = res
    try:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"signature": sig, "result": res.to_dict()}), encoding="utf-8")
        tmp.replace(path)
    except OSError as e:  # a read-only index still gets topics, just not cached on disk
        log.warning("cannot write topics cache %s: %s", path, e)
    return res


def get_topics(
    engine: Engine, chain: Provider | FallbackChain | None = None, *, refresh: bool = False
) -> list[Topic]:
    """The UI's entry point: topics biggest first (label, size, keywords, examples)."""
    return get_topics_result(engine, chain, refresh=refresh).topics

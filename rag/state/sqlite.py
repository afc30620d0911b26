"""The one-machine home of the state: SQLite files under ``RAG_INDEX_DIR/state``.

``state/<collection>/manifest.sqlite3`` per collection (WAL; one transaction per commit);
usage and the response cache stay the provider layer's own SQLite files (``usage.sqlite3``,
``cache.sqlite3``), so :meth:`SqliteState.usage_records` returns None.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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
-- Write intents (rag/state/base.py): doc ids whose vectors may be in Chroma uncommitted.
CREATE TABLE IF NOT EXISTS pending (doc_id TEXT PRIMARY KEY, since REAL NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
"""
_INDEXED_SELECT = "SELECT chunk_id, text, context FROM chunks ORDER BY chunk_id"


class SqliteManifest:
    """One collection's manifest in ``<state_dir>/manifest.sqlite3``. Thread-safe (one
    connection per thread)."""

    shared = False

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "manifest.sqlite3"
        self._local = threading.local()
        self._lock = threading.RLock()
        db = self._db()
        db.executescript(_SCHEMA)
        if "context" not in {r[1] for r in db.execute("PRAGMA table_info(chunks)")}:
            db.execute("ALTER TABLE chunks ADD COLUMN context TEXT NOT NULL DEFAULT ''")
        # Identifies this manifest's vectors, so that a sweep never deletes vectors another
        # manifest (another RAG_INDEX_DIR on the same Chroma server) owns.
        db.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))
        self.store_id = str(db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()[0])

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

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

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        # One process per index dir writes (SQLite's own lock serialises the commits).
        with self._lock:
            yield

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- reads ---------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        row = self._db().execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0])

    def _docs(self, where: str = "", args: Sequence[str] = ()) -> list[DocInfo]:
        rows = self._db().execute(
            f"SELECT {DOC_COLUMNS} FROM documents {where} ORDER BY name, added_at", args
        )
        return [DocInfo(*r) for r in rows.fetchall()]

    def docs(self) -> list[DocInfo]:
        return self._docs()

    def doc(self, doc_id: str) -> DocInfo | None:
        found = self._docs("WHERE doc_id=?", (doc_id,))
        return found[0] if found else None

    def docs_by_path(self, path: str) -> list[DocInfo]:
        return self._docs("WHERE path=? OR name=?", (path, path))

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self._db().execute("SELECT doc_id FROM documents")}

    def chunk_count(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRecord]:
        out: dict[str, ChunkRecord] = {}
        ids = list(dict.fromkeys(chunk_ids))
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            rows = self._db().execute(
                'SELECT c.chunk_id, c.doc_id, c.idx, c.page, c.start, c."end", c.tokens, c.text, '
                "d.name, c.context FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                f"WHERE c.chunk_id IN ({','.join('?' * len(part))})",
                part,
            )
            for r in rows.fetchall():
                out[r[0]] = ChunkRecord(*r)
        return out

    def snapshot(self) -> tuple[int, list[str], list[str]]:
        db = self._db()
        db.execute("BEGIN")
        try:
            gen = int(db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
            rows = db.execute(_INDEXED_SELECT).fetchall()
        finally:
            db.execute("COMMIT")
        return gen, [r[0] for r in rows], [indexed_text(r[1], r[2]) for r in rows]

    # --- writes --------------------------------------------------------------------------
    def commit(self, items: Sequence[Item]) -> list[str]:
        old: list[str] = []
        with self._transaction() as db:
            for doc, chunks, replaces in items:
                db.execute("DELETE FROM pending WHERE doc_id=?", (doc.doc_id,))
                db.execute("DELETE FROM chunks WHERE doc_id=?", (doc.doc_id,))
                db.executemany(
                    "INSERT INTO chunks "
                    '(chunk_id, doc_id, idx, page, start, "end", tokens, text, context) '
                    "VALUES (?,?,?,?,?,?,?,?,?)",
                    [chunk_row(c) for c in chunks],
                )
                db.execute(
                    "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
                    (*_doc_row(doc), "{}"),
                )
                for d in replaces:
                    if d != doc.doc_id:
                        db.execute("DELETE FROM chunks WHERE doc_id=?", (d,))
                        db.execute("DELETE FROM documents WHERE doc_id=?", (d,))
                        _mark_pending(db, [d])
                        old.append(d)
            _bump(db)
        return old

    def delete(self, doc_id: str) -> bool:
        with self._transaction() as db:
            cur = db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            found = cur.rowcount > 0
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            _mark_pending(db, [doc_id])
            if found:
                _bump(db)
        return found

    # --- write intents (rag/state/base.py) -----------------------------------------------
    def record_intents(self, doc_ids: Sequence[str]) -> None:
        with self._transaction() as db:
            _mark_pending(db, doc_ids)

    def pending(self) -> dict[str, bool]:
        rows = self._db().execute(
            "SELECT p.doc_id, d.doc_id IS NOT NULL FROM pending p "
            "LEFT JOIN documents d ON d.doc_id = p.doc_id"
        )
        return {r[0]: bool(r[1]) for r in rows.fetchall()}

    def clear_pending(self, doc_ids: Sequence[str]) -> None:
        with self._transaction() as db:
            db.executemany("DELETE FROM pending WHERE doc_id=?", [(d,) for d in doc_ids])

    def full_sweep_done(self) -> bool:
        row = self._db().execute("SELECT 1 FROM meta WHERE key='swept_full'").fetchone()
        return row is not None

    def mark_full_sweep_done(self) -> None:
        self._db().execute("INSERT OR REPLACE INTO meta VALUES ('swept_full', ?)", (time.time(),))


def _mark_pending(db: sqlite3.Connection, doc_ids: Sequence[str]) -> None:
    now = time.time()
    db.executemany("INSERT OR IGNORE INTO pending VALUES (?, ?)", [(d, now) for d in doc_ids])


def _doc_row(doc: DocInfo) -> tuple[object, ...]:
    return (
        doc.doc_id,
        doc.path,
        doc.name,
        doc.sha256,
        doc.pages,
        doc.chunks,
        doc.bytes,
        doc.added_at or time.time(),
    )


def _bump(db: sqlite3.Connection) -> None:
    db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")


class SqliteState:
    """Everything under ``<index_dir>/state``: the default, one machine."""

    shared = False

    def __init__(self, index_dir: Path) -> None:
        self.state_dir = Path(index_dir) / "state"

    def manifest(self, collection: str) -> Manifest:
        return SqliteManifest(self.state_dir / collection)

    def usage_records(self) -> None:
        return None

    def cache_records(self) -> None:
        return None

    @contextmanager
    def _registry(self) -> Iterator[sqlite3.Connection]:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.state_dir / "workspaces.sqlite3", timeout=30)
        try:
            with db:  # commit or roll back
                db.execute(
                    "CREATE TABLE IF NOT EXISTS workspaces (name TEXT PRIMARY KEY, created REAL)"
                )
                yield db
        finally:
            db.close()

    def workspace_names(self) -> list[str]:
        if not (self.state_dir / "workspaces.sqlite3").exists():
            return []
        with self._registry() as db:
            return [r[0] for r in db.execute("SELECT name FROM workspaces ORDER BY name")]

    def add_workspace(self, name: str) -> bool:
        with self._registry() as db:
            cur = db.execute("INSERT OR IGNORE INTO workspaces VALUES (?, ?)", (name, time.time()))
            return cur.rowcount > 0

    def drop_workspace(self, name: str, collection: str) -> bool:
        with self._registry() as db:
            found = db.execute("DELETE FROM workspaces WHERE name=?", (name,)).rowcount > 0
        # The registry row goes first: a crash after it leaves files no name points at.
        shutil.rmtree(self.state_dir / collection, ignore_errors=True)
        return found

    def close(self) -> None:
        pass

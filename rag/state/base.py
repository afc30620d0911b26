"""What decides what a question sees, behind one small interface with two homes.

A :class:`Manifest` is the committed list of documents and chunks of one collection, the
generation counter every committed write bumps, and the lock that writers hold around their
write phase. A :class:`StateBackend` hands out manifests plus the provider layer's usage and
response-cache records (:mod:`providers.records`). Two implementations:

- :mod:`rag.state.sqlite`: files under ``RAG_INDEX_DIR/state`` (one machine; the default);
- :mod:`rag.state.postgres`: one PostgreSQL database (``RAG_STATE_URL``) that every replica
  shares, so a document ingested through one replica is visible to all.

The rule both keep: a document is visible only when its manifest row and chunk rows are
committed in one transaction, after its vectors are in Chroma.

Write intents make orphan sweeps cheap: before vectors are written, their doc ids are
committed as *pending*; the commit that makes a document visible clears its pending row in
the same transaction, and a commit or delete that drops a document marks it pending until
its vectors are gone. Vectors can only be orphans if their doc id is pending and not live,
so a sweep reads those few ids instead of every vector's metadata (which Chroma 1.5.9
cannot even return above 32,766 records).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from providers.records import CacheRecords, UsageRecords


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


# One committed write: a document, its chunks, the doc ids it replaces.
Item = tuple[DocInfo, Sequence[ChunkRecord], Sequence[str]]

DOC_COLUMNS = "doc_id, path, name, sha256, pages, chunks, bytes, added_at"


def chunk_row(c: ChunkRecord) -> tuple[Any, ...]:
    return (c.chunk_id, c.doc_id, c.idx, c.page, c.start, c.end, c.tokens, c.text, c.context)


def indexed_text(text: str, context: str) -> str:
    """What BM25 indexes: the contextual prefix (ingest/context.py) on its own line, then
    the text."""
    return f"{context}\n{text}" if context else text


class Manifest(Protocol):
    store_id: str  # tags this manifest's vectors, so a sweep never takes another's
    shared: bool  # True: other processes write it too (reads may lag by refresh_s)

    @property
    def generation(self) -> int: ...
    def docs(self) -> list[DocInfo]: ...
    def doc(self, doc_id: str) -> DocInfo | None: ...
    def docs_by_path(self, path: str) -> list[DocInfo]: ...
    def doc_ids(self) -> set[str]: ...
    def chunk_count(self) -> int: ...
    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRecord]: ...
    def snapshot(self) -> tuple[int, list[str], list[str]]: ...
    def commit(self, items: Sequence[Item]) -> list[str]:
        """Make ``items`` visible in one transaction and bump the generation; returns the
        doc ids dropped because an item replaced them (their vectors are the caller's).
        In the same transaction: the items' pending rows go, the dropped ids become
        pending (their vectors are orphans until the caller deletes them)."""
        ...

    def delete(self, doc_id: str) -> bool:
        """Drop ``doc_id`` and mark it pending in one transaction (its vectors go next)."""
        ...

    def record_intents(self, doc_ids: Sequence[str]) -> None:
        """Commit ``doc_ids`` as pending: called before their vectors are written."""
        ...

    def pending(self) -> dict[str, bool]:
        """Every pending doc id -> whether it is live (committed)."""
        ...

    def clear_pending(self, doc_ids: Sequence[str]) -> None: ...
    def full_sweep_done(self) -> bool:
        """False for a store from before write intents: it may hold orphans no pending row
        names, so one full (paged) sweep is due."""
        ...

    def mark_full_sweep_done(self) -> None: ...
    def write_lock(self) -> AbstractContextManager[None]:
        """Held around a whole write phase (vectors + commit, or a sweep): one writer at a
        time across every process that shares this manifest."""
        ...

    def close(self) -> None: ...


class StateBackend(Protocol):
    shared: bool

    def manifest(self, collection: str) -> Manifest: ...
    def usage_records(self) -> UsageRecords | None:
        """None: the provider layer keeps its own SQLite file (the one-machine default)."""
        ...

    def cache_records(self) -> CacheRecords | None: ...
    # Workspaces (rag/workspaces.py): the names created besides "default".
    def workspace_names(self) -> list[str]: ...
    def add_workspace(self, name: str) -> bool: ...
    def drop_workspace(self, name: str, collection: str) -> bool:
        """Forget ``name`` and its manifest (``collection``) in one go; True if it existed."""
        ...

    def close(self) -> None: ...

"""Store invariants shared by the crash, concurrency and server-mode tests.

They read the store the way a query does (manifest, Chroma, BM25) and return a list of
human-readable violations, so a failing test says exactly what a reader could have seen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def cli_env(index_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a ``python -m rag`` subprocess: isolated index, model-free embedder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "APP_ENV"))}
    env.update(
        RAG_INDEX_DIR=str(index_dir),
        RAG_EMBEDDING_BACKEND="hash",  # tests/benchmarks only: the model is not the point here
        RAG_AUTO_INGEST_DEMO="false",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def run_cli(
    index_dir: Path, *args: str, timeout: float = 120, cwd: Path = ROOT, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "rag", *args],
        cwd=cwd,
        env=cli_env(index_dir, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def forget_chroma_clients() -> None:
    """Drop Chroma's per-path client cache so the next open re-reads what is on disk."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def open_store(index_dir: Path, **kw: Any) -> Any:
    from rag.embeddings import HashEmbedder
    from rag.store import Store

    return Store(index_dir, HashEmbedder(), **kw)


@dataclass
class Snapshot:
    docs: dict[str, tuple[str, int, int]]  # doc_id -> (name, pages, chunks)
    chunks: dict[str, str]  # chunk_id -> text
    vectors: list[str]  # every vector id in Chroma (duplicates would show here)
    vector_docs: dict[str, str]  # vector id -> doc_id metadata


def snapshot(store: Any) -> Snapshot:
    # Through the manifest's interface: the same check for SQLite and PostgreSQL.
    docs = {d.doc_id: (d.name, d.pages, d.chunks) for d in store.docs()}
    _, ids, _ = store.snapshot()
    chunks = {cid: rec.text for cid, rec in store.get_chunks(ids).items()}
    chunks.update({cid: "" for cid in ids if cid not in chunks})  # a row without a document
    got = store._collection.get(include=["metadatas"])
    vector_docs = {
        cid: (md or {}).get("doc_id", "")
        for cid, md in zip(got["ids"], got["metadatas"] or [], strict=False)
    }
    return Snapshot(docs, chunks, list(got["ids"]), vector_docs)


def visibility_violations(store: Any, queries: list[str] | None = None) -> list[str]:
    """What a reader could see of a half-written document. Empty list = consistent."""
    snap = snapshot(store)
    bad: list[str] = []
    by_doc = Counter(cid.split(":", 1)[0] for cid in snap.chunks)
    vec_by_doc = Counter(snap.vector_docs.values())
    for doc_id, (name, _pages, n) in snap.docs.items():
        want = {f"{doc_id}:{i}" for i in range(n)}
        have = {c for c in snap.chunks if c.startswith(doc_id + ":")}
        if have != want:
            bad.append(f"{name}: manifest says {n} chunks, chunk rows {by_doc[doc_id]}")
        if vec_by_doc[doc_id] != n or not want <= set(snap.vector_docs):
            bad.append(f"{name}: manifest says {n} chunks, vectors {vec_by_doc[doc_id]}")
    for cid in snap.chunks:
        if cid.split(":", 1)[0] not in snap.docs:
            bad.append(f"chunk row {cid} without a committed document")
    dup = [c for c, k in Counter(snap.vectors).items() if k > 1]
    if dup:
        bad.append(f"duplicate vector ids: {dup[:3]}")
    # What queries return must be committed chunks only (orphan vectors are allowed on disk
    # between a crash and the next writer, but must never come back from a search).
    from rag.lexical import LexicalIndex
    from rag.retrieve import Retriever

    lexical = LexicalIndex(store.state_dir)
    retriever = Retriever(store, lexical)
    for q in queries or ["cybersecurity framework", "identify protect detect", "zebra notes"]:
        for p in retriever.search(q, 10).passages:
            if p.chunk_id not in snap.chunks:
                bad.append(f"query {q!r} returned uncommitted chunk {p.chunk_id}")
    bm25_ids = sorted(lexical.ensure(store).ids)
    if bm25_ids != sorted(snap.chunks):
        bad.append(f"BM25 has {len(bm25_ids)} ids, manifest {len(snap.chunks)} chunks")
    return bad

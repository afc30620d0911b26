"""The orphan sweep reads write intents, not every vector (rag/store.py, rag/state/base.py).

Chroma 1.5.9 cannot return more than 32,766 records from one ``get`` ("too many SQL
variables"); the sweep used to read every vector's metadata that way at the start of every
ingest, so no store past that size could ingest again. Now it deletes the vectors of pending,
not-live doc ids only, and a store from before intents gets one paged full sweep.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from rag.embeddings import HashEmbedder
from rag.store import ChromaEmbeddingFunction, ChunkRecord, DocInfo, Store, open_chroma

PAST_LIMIT = 33_000  # > 32,766: one Chroma get of them all fails
PER_DOC = 100


def _doc(doc_id: str, n: int, word: str = "note") -> tuple[DocInfo, list[ChunkRecord]]:
    chunks = [
        ChunkRecord(f"{doc_id}:{i}", doc_id, i, 1, 0, 9, 2, f"{word} {doc_id} part {i}")
        for i in range(n)
    ]
    return DocInfo(doc_id, f"{doc_id}.txt", f"{doc_id}.txt", doc_id * 4, 1, n, 10), chunks


def _add(store: Store, doc_id: str, n: int = 2, replaces: tuple[str, ...] = ()) -> None:
    doc, chunks = _doc(doc_id, n)
    store.add_many([(doc, chunks, list(replaces))], store.embedder.embed([c.text for c in chunks]))


def _vector_docs(store: Store) -> dict[str, str]:
    got = store._collection.get(include=["metadatas"])
    return {cid: md["doc_id"] for cid, md in zip(got["ids"], got["metadatas"], strict=True)}


def _forget_full_sweep(store: Store) -> None:
    """What a manifest written before write intents looks like: no ``swept_full`` marker."""
    with sqlite3.connect(store.manifest.path) as db:  # type: ignore[attr-defined]
        db.execute("DELETE FROM meta WHERE key='swept_full'")


def test_a_store_past_32766_chunks_ingests_again(settings: Any, tmp_path: Path) -> None:
    from rag.engine import Engine

    emb = HashEmbedder()
    # A cheap HNSW graph (the store opens the existing collection as it is): building the
    # default one for 33k vectors takes minutes on a loaded 2-core machine, and recall is
    # not the point here.
    open_chroma(settings.chroma_dir).create_collection(
        "documents",
        configuration={"hnsw": {"space": "cosine", "ef_construction": 8, "max_neighbors": 4}},
        embedding_function=ChromaEmbeddingFunction(emb),
    )
    engine = Engine(settings, embedder=emb)
    store = engine.store
    items = [_doc(f"{k:016x}", PER_DOC) for k in range(PAST_LIMIT // PER_DOC)]
    texts = [c.text for _, chunks in items for c in chunks]
    store.add_many([(d, c, []) for d, c in items], emb.embed(texts))
    assert store.vector_count() == store.chunk_count() == PAST_LIMIT
    # A crash mid-write (intent recorded, vectors written, never committed): swept alone ...
    _, ghost = _doc("0badc0de0badc0de", 3, "ghost")
    store._upsert_vectors(ghost, emb.embed([c.text for c in ghost]))
    t0 = time.perf_counter()
    assert store.sweep_orphans() == 3
    sweep_s = time.perf_counter() - t0
    # ... and another one, swept by the ingest that follows.
    _, ghost = _doc("0badf00d0badf00d", 3, "ghost")
    store._upsert_vectors(ghost, emb.embed([c.text for c in ghost]))

    (tmp_path / "one-more.txt").write_text("Quolls are carnivorous marsupials of Australia.")
    t0 = time.perf_counter()
    [r] = engine.ingest([tmp_path / "one-more.txt"])  # starts with the orphan sweep
    ingest_s = time.perf_counter() - t0
    assert r.status == "added", r.error
    assert store.chunk_count() == PAST_LIMIT + 1
    assert store.vector_count() == PAST_LIMIT + 1  # the second ghost's 3 vectors were swept
    assert store.manifest.pending() == {}
    hits = engine.retrieve("quolls marsupials", k=1, mode="bm25").passages  # the cheap graph
    assert [p.source for p in hits] == ["one-more.txt"]

    # The same store as one written before intents: a one-time full sweep, paged, finds an
    # orphan no pending row names, and is not repeated.
    _forget_full_sweep(store)
    store._collection.upsert(
        ids=["0ddba110:0"],
        embeddings=emb.embed(["untracked"]).tolist(),
        metadatas=[{"doc_id": "0ddba110", "store": store.store_id}],
    )
    t0 = time.perf_counter()
    assert store.sweep_orphans() == 1
    full_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert store.sweep_orphans() == 0
    pending_s = time.perf_counter() - t0
    assert store.vector_count() == store.chunk_count() == PAST_LIMIT + 1
    print(f"\n{PAST_LIMIT + 1} chunks: ingest of one file {ingest_s:.2f} s (sweep included),")
    print(f"sweep of one crashed write {sweep_s * 1000:.1f} ms, with nothing pending")
    print(f"{pending_s * 1000:.2f} ms; one-time full sweep {full_s:.2f} s")


def test_crash_windows_leave_pending_rows_that_the_sweep_resolves(tmp_path: Path) -> None:
    store = Store(tmp_path, HashEmbedder())
    assert store.manifest.full_sweep_done()  # a new, empty store has no legacy orphans
    _add(store, "aaaaaaaaaaaaaaaa")
    _add(store, "bbbbbbbbbbbbbbbb")
    assert store.manifest.pending() == {}  # commits cleared their intents

    # Crash after the intent, before any vector: a pending row, nothing to delete.
    store.manifest.record_intents(["cccccccccccccccc"])
    # Crash mid-write: the intent, then vectors, no commit.
    _, chunks = _doc("dddddddddddddddd", 2)
    store._upsert_vectors(chunks, store.embedder.embed([c.text for c in chunks]))
    # Crash after a replacement's commit, before the old vectors went.
    new, new_chunks = _doc("eeeeeeeeeeeeeeee", 2)
    store._upsert_vectors(new_chunks, store.embedder.embed([c.text for c in new_chunks]))
    assert store.manifest.commit([(new, new_chunks, ["aaaaaaaaaaaaaaaa"])]) == ["aaaaaaaaaaaaaaaa"]
    # Crash after a removal's commit, before its vectors went.
    assert store.manifest.delete("bbbbbbbbbbbbbbbb")
    assert store.manifest.pending() == {
        "cccccccccccccccc": False,
        "dddddddddddddddd": False,
        "aaaaaaaaaaaaaaaa": False,
        "bbbbbbbbbbbbbbbb": False,
    }
    # Another store's vectors in the same collection (a shared Chroma server) are not ours,
    # even under a doc id we hold as pending.
    store._collection.upsert(
        ids=["theirs:0"],
        embeddings=store.embedder.embed(["theirs"]).tolist(),
        metadatas=[{"doc_id": "dddddddddddddddd", "store": "another-store"}],
    )

    assert store.sweep_orphans() == 6  # d's 2, a's 2, b's 2
    assert store.manifest.pending() == {}
    vecs = _vector_docs(store)
    assert sorted(set(vecs.values())) == ["dddddddddddddddd", "eeeeeeeeeeeeeeee"]
    assert [c for c, d in vecs.items() if d == "dddddddddddddddd"] == ["theirs:0"]
    assert store.sweep_orphans() == 0


def test_a_pending_doc_that_is_live_keeps_its_vectors(tmp_path: Path) -> None:
    store = Store(tmp_path, HashEmbedder())
    _add(store, "aaaaaaaaaaaaaaaa")
    # Re-writing a committed document (an interrupted re-ingest of the same content): its
    # vectors are the committed ones, not orphans.
    _, chunks = _doc("aaaaaaaaaaaaaaaa", 2)
    store._upsert_vectors(chunks, store.embedder.embed([c.text for c in chunks]))
    assert store.manifest.pending() == {"aaaaaaaaaaaaaaaa": True}
    assert store.sweep_orphans() == 0
    assert store.manifest.pending() == {} and store.vector_count() == 2


def test_replace_and_remove_leave_no_pending_rows(tmp_path: Path) -> None:
    store = Store(tmp_path, HashEmbedder())
    _add(store, "aaaaaaaaaaaaaaaa", 3)
    _add(store, "bbbbbbbbbbbbbbbb", 2, replaces=("aaaaaaaaaaaaaaaa",))
    assert set(_vector_docs(store).values()) == {"bbbbbbbbbbbbbbbb"}
    assert store.remove("bbbbbbbbbbbbbbbb")
    assert store.vector_count() == 0 and store.manifest.pending() == {}


def test_the_legacy_sweep_pages_and_keeps_live_and_foreign_vectors(tmp_path: Path) -> None:
    store = Store(tmp_path, HashEmbedder())
    _add(store, "aaaaaaaaaaaaaaaa", 7)
    _forget_full_sweep(store)
    col = store._collection
    emb = store.embedder.embed(["x"]).tolist() * 3
    col.upsert(
        ids=["old:0", "untagged:0", "foreign:0"],
        embeddings=emb,
        metadatas=[
            {"doc_id": "old", "store": store.store_id},
            {"doc_id": "untagged"},  # from before store ids: ours
            {"doc_id": "foreign", "store": "another-store"},
        ],
    )
    import rag.store as store_module

    page = store_module._CHROMA_MAX_BATCH
    store_module._CHROMA_MAX_BATCH = 3  # several pages of a 10-vector collection
    try:
        assert store.sweep_orphans() == 2
    finally:
        store_module._CHROMA_MAX_BATCH = page
    assert store.manifest.full_sweep_done()
    assert sorted(set(_vector_docs(store).values())) == ["aaaaaaaaaaaaaaaa", "foreign"]

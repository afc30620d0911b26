"""Contextual chunks: indexed with their document title and section heading, shown clean;
and a relevance beside the per-question score."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ingest.chunking import Chunk
from ingest.context import chunk_contexts, document_title, indexed_text
from ingest.loaders import Page

HANDBOOK = (
    "Northwind Robotics Employee Handbook\n\n"
    "Northwind Robotics builds warehouse robots.\n"
    "Paid time off\n\n"
    "Full-time employees accrue 25 days of paid vacation per year. "
    "Up to 5 unused vacation days can be carried over into the next calendar year.\n"
)


def test_title_and_nearest_heading() -> None:
    pages = [Page(1, HANDBOOK)]
    start = HANDBOOK.index("Up to 5")
    chunk = Chunk(HANDBOOK[start:], 1, start, len(HANDBOOK), 1, 20)
    first = Chunk(HANDBOOK[:40], 1, 0, 40, 0, 8)
    assert chunk_contexts("handbook.md", pages, [first, chunk]) == [
        "",  # the first chunk opens with the title itself
        "Northwind Robotics Employee Handbook - Paid time off",
    ]
    assert indexed_text("T - H", "text") == "T - H\ntext"
    assert indexed_text("", "text") == "text"


def test_title_falls_back_to_the_name_and_running_headers_are_no_headings() -> None:
    assert document_title("Super_Bowl_50#3", [Page(1, "The game was played in 2016. It")]) == (
        "Super Bowl 50"
    )
    assert document_title("policy.pdf", [Page(1, "This policy applies to all. It is long.")]) == (
        "policy"
    )
    pages = [Page(n, f"Report\n\nApril 2018\n\nBody text number {n} is here.") for n in (1, 2, 3)]
    chunks = [Chunk(p.text[20:], p.number, 20, len(p.text), i, 8) for i, p in enumerate(pages)]
    assert chunk_contexts("r.pdf", pages, chunks) == ["Report"] * 3


def test_indexed_text_has_the_context_and_the_stored_text_does_not(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "handbook.md"
    doc.write_text(HANDBOOK + ("Filler sentence about robots and warehouses. " * 60))
    seen: list[str] = []
    embed = engine.embedder.embed

    def spy(texts):  # type: ignore[no-untyped-def]
        seen.extend(texts)
        return embed(texts)

    engine.ingestor.embedder = type("E", (), {"embed": staticmethod(spy)})()
    engine.ingest([doc])
    ids, indexed = engine.store.all_chunks()
    stored = engine.store.get_chunks(ids)
    with_context = [t for t in indexed if t.startswith("Northwind Robotics Employee Handbook - ")]
    assert with_context, indexed
    assert any(t.startswith("Northwind Robotics Employee Handbook - ") for t in seen)
    assert not any(
        r.text.startswith("Northwind Robotics Employee Handbook - ") for r in stored.values()
    )


def test_an_old_manifest_without_the_context_column_still_opens(settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    from rag.store import Store

    state = settings.index_dir / "state" / "old"
    state.mkdir(parents=True)
    db = sqlite3.connect(state / "manifest.sqlite3")
    db.execute(
        "CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, idx INTEGER NOT "
        'NULL, page INTEGER, start INTEGER NOT NULL, "end" INTEGER NOT NULL, tokens INTEGER NOT '
        "NULL, text TEXT NOT NULL)"
    )
    db.commit()
    db.close()
    store = Store(settings.index_dir, fake_embedder, collection="old")
    assert store.all_chunks() == ([], [])


def test_sources_carry_a_relevance_that_a_bm25_only_hit_has_too(engine) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    engine.ensure_demo()
    res = engine.retrieve("Expensify receipt claimed within 30 days", k=3)
    assert res.passages and all(p.relevance == p.dense for p in res.passages)
    # A hit only BM25 found has no dense score: its relevance comes from its stored vector.
    bm25_only = [replace(p, dense=None, relevance=None) for p in res.passages]
    again = engine.retriever.with_relevance(bm25_only, res.query_vec)
    for p, q in zip(res.passages, again, strict=True):
        assert q.relevance is not None and abs(q.relevance - p.dense) < 1e-3
    ans = engine.ask("How many days after the trip can expenses be claimed?")
    row = ans.to_json()["sources"][0]
    assert {"score", "relevance"} <= set(row) and -1.0 <= row["relevance"] <= 1.0

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.ingest import samples


def _write(p: Path, text: str) -> Path:
    p.write_text(text, encoding="utf-8")
    return p


def test_ingest_unchanged_replaced_remove(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _write(tmp_path / "notes.txt", "The canteen opens at eight. Lunch costs four euros.")
    [r] = engine.ingest([f])
    assert (r.status, r.pages, r.chunks) == ("added", 1, 1)
    [again] = engine.ingest([f])
    assert again.status == "unchanged" and again.doc_id == r.doc_id

    _write(f, "The canteen opens at nine. Lunch costs five euros.")
    [rep] = engine.ingest([f])
    assert rep.status == "replaced" and rep.doc_id != r.doc_id
    docs = engine.docs()
    assert [d.doc_id for d in docs] == [rep.doc_id]
    # The old version's chunks are gone from vectors, manifest and BM25.
    assert engine.store.vector_count() == engine.store.chunk_count() == 1
    hits = engine.retrieve("canteen opens", k=5).passages
    assert [p.doc_id for p in hits] == [rep.doc_id]
    assert "nine" in hits[0].text

    [rm] = engine.remove(rep.doc_id)
    assert rm.status == "removed"
    assert engine.docs() == [] and engine.store.vector_count() == 0
    assert engine.retrieve("canteen", k=5).passages == []


def test_a_new_reader_re_reads_an_unchanged_file(engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The same bytes cut by an older reader (splitter, cleaner, chunk settings) are not
    "unchanged": an index built before an upgrade answered from stale chunks."""
    import ingest.reader_version as reader

    f = _write(tmp_path / "notes.txt", "The canteen opens at eight. Lunch costs four euros.")
    [r] = engine.ingest([f])
    assert engine.ingest([f])[0].status == "unchanged"
    monkeypatch.setattr(reader, "reader_version", lambda: "a-newer-reader")
    [again] = engine.ingest([f])
    assert again.status == "replaced" and again.doc_id != r.doc_id
    assert [d.doc_id for d in engine.docs()] == [again.doc_id]
    assert engine.store.vector_count() == engine.store.chunk_count() == 1
    assert engine.ingest([f])[0].status == "unchanged"
    # `reindex` (and the page's "Read them again") finds and re-reads what an older reader
    # cut; a file gone from disk fails alone and keeps its chunks.
    gone = _write(tmp_path / "gone.txt", "The library closes at six on Sundays.")
    engine.ingest([gone])
    monkeypatch.setattr(reader, "reader_version", lambda: "the-next-reader")
    gone.unlink()
    assert {d.name for d in engine.stale_docs()} == {"notes.txt", "gone.txt"}
    results = {Path(r.path).name: r for r in engine.reread()}
    assert results["notes.txt"].status == "replaced"
    assert results["gone.txt"].status == "failed" and "no such file" in results["gone.txt"].error
    assert [d.name for d in engine.stale_docs()] == ["gone.txt"]
    assert "six on Sundays" in engine.retrieve("library closes", k=1).passages[0].text
    # Chunk settings are part of the reader: a new chunk size re-reads too.
    engine.ingestor.chunk_tokens += 10
    assert engine.ingest([f])[0].status == "replaced"


def test_a_new_reader_drops_an_older_readers_copy_under_another_path(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path, monkeypatch
) -> None:
    """The same bytes read at another path (a second checkout, a moved folder) by a newer
    reader: the older reader's copy was kept beside the new one, so every question got each
    chunk twice (the dev set on a reused index: page_in_top5 113/119, contains_gold 77/119;
    fresh 116 and 88). Re-ingesting the old path was "unchanged" and `reindex` could not
    drop it either."""
    import ingest.reader_version as reader

    text = "The canteen opens at eight. Lunch costs four euros."
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old, new = (
        _write(tmp_path / "old" / "notes.txt", text),
        _write(tmp_path / "new" / "notes.txt", text),
    )
    monkeypatch.setattr(reader, "reader_version", lambda: "an-older-reader")
    [first] = engine.ingest([old])
    monkeypatch.setattr(reader, "reader_version", lambda: "a-newer-reader")
    [r] = engine.ingest([new])
    assert r.status == "replaced" and r.doc_id != first.doc_id
    assert [d.doc_id for d in engine.docs()] == [r.doc_id]
    assert engine.store.vector_count() == engine.store.chunk_count() == 1
    assert [p.doc_id for p in engine.retrieve("canteen opens", k=5).passages] == [r.doc_id]
    assert engine.stale_docs() == []
    assert engine.ingest([old])[0].status == "unchanged"
    assert [d.doc_id for d in engine.docs()] == [r.doc_id]


def test_an_index_holding_both_copies_is_repaired_by_the_next_ingest(  # type: ignore[no-untyped-def]
    engine, tmp_path: Path, monkeypatch
) -> None:
    """An index already holding an older reader's copy beside the current one (written before
    the fix) loses the stale copy when either path is ingested again ("unchanged")."""
    import ingest.reader_version as reader

    text = "The library closes at six on Sundays."
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old, new = (
        _write(tmp_path / "old" / "hours.txt", text),
        _write(tmp_path / "new" / "hours.txt", text),
    )
    monkeypatch.setattr(reader, "reader_version", lambda: "an-older-reader")
    [stale] = engine.ingest([old])
    monkeypatch.setattr(reader, "reader_version", lambda: "a-newer-reader")
    copies = engine.ingestor.stale
    copies.of, real = (lambda *a, **k: []), copies.of  # the old code: path-only replacement
    [r] = engine.ingest([new])
    assert {d.doc_id for d in engine.docs()} == {stale.doc_id, r.doc_id}
    copies.of = real
    for path in (new, old):
        assert engine.ingest([path])[0].status == "unchanged"
        assert [d.doc_id for d in engine.docs()] == [r.doc_id]
        assert engine.store.vector_count() == engine.store.chunk_count() == 1
    assert [p.doc_id for p in engine.retrieve("library closes", k=5).passages] == [r.doc_id]


def test_remove_by_name_and_unknown(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _write(tmp_path / "a.md", "# A\n\nAlpha bravo charlie.")
    engine.ingest([f])
    assert engine.remove("a.md")[0].status == "removed"
    assert engine.remove("nope")[0].status == "failed"


def test_bad_files_fail_alone(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _write(tmp_path / "good.txt", "Penguins live in the southern hemisphere.")
    samples.corrupt_pdf(tmp_path / "corrupt.pdf")
    samples.encrypted_pdf(tmp_path / "locked.pdf")
    samples.image_only_pdf(tmp_path / "scan.pdf")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "legacy.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 40)
    (tmp_path / "x.exe").write_bytes(b"MZ")
    results = {Path(r.path).name: r for r in engine.ingest([tmp_path, tmp_path / "x.exe"])}
    assert results["good.txt"].status == "added"
    failed = {n for n, r in results.items() if r.status == "failed"}
    assert failed == {
        "corrupt.pdf",
        "locked.pdf",
        "scan.pdf",
        "empty.txt",
        "bin.txt",
        "legacy.txt",
        "x.exe",
    }
    assert all(r.error and "\n" not in r.error for n, r in results.items() if n in failed)
    assert [d.name for d in engine.docs()] == ["good.txt"]
    assert engine.store.vector_count() == engine.store.chunk_count()


def test_orphan_vectors_are_invisible_and_swept(engine) -> None:  # type: ignore[no-untyped-def]
    from rag.store import ChunkRecord

    # Simulate a crash between the vector write and the manifest commit.
    rec = ChunkRecord("deadbeef:0", "deadbeef", 0, 1, 0, 10, 3, "ghost text about zebras")
    engine.store._upsert_vectors([rec], engine.embedder.embed([rec.text]))
    assert engine.store.vector_count() == 1
    assert engine.retrieve("zebras", k=5).passages == []
    assert engine.store.sweep_orphans() == 1
    assert engine.store.vector_count() == 0


def test_bm25_follows_the_manifest_generation(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine.ingest([_write(tmp_path / "x.txt", "Quokkas are small marsupials.")])
    gen = engine.store.generation
    assert engine.lexical.ensure(engine.store).generation == gen
    assert engine.retrieve("quokkas", k=3, mode="bm25").passages
    engine.ingest([_write(tmp_path / "y.txt", "Wombats dig burrows.")])
    assert engine.store.generation > gen
    assert engine.retrieve("wombats", k=3, mode="bm25").passages[0].source == "y.txt"


def test_bm25_matches_words_typed_without_their_accents(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine.ingest([_write(tmp_path / "o.txt", "The São Paulo office opened in Jardim Paulistano.")])
    engine.ingest([_write(tmp_path / "z.txt", "The Zurich office is near the lake.")])
    assert engine.retrieve("sao paulo", k=1, mode="bm25").passages[0].source == "o.txt"
    assert engine.retrieve("Zürich", k=1, mode="bm25").passages[0].source == "z.txt"


def test_a_chunks_context_is_read_back_with_it(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # it was written and indexed, but every read returned "" (get_chunks never selected it)
    engine.ingest(
        [_write(tmp_path / "guide.md", "# Travel guide\n\n## Hotels\n\n" + "Book early. " * 300)]
    )
    doc = engine.docs()[0]
    records = engine.store.get_chunks([f"{doc.doc_id}:{i}" for i in range(doc.chunks)])
    assert any(r.context.startswith("Travel guide") for r in records.values()), records


def test_a_bm25_index_saved_by_another_tokenizer_is_rebuilt(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    engine.ingest([_write(tmp_path / "x.txt", "Quokkas are small marsupials.")])
    engine.lexical.ensure(engine.store)
    stamp = engine.lexical.dir / "stamp.json"
    meta = json.loads(stamp.read_text())
    assert meta["params"]["tokens"]
    del meta["params"]["tokens"]  # as saved before accents were folded
    stamp.write_text(json.dumps(meta))
    engine.lexical._index = None
    assert engine.lexical._load(engine.store.store_id) is None
    assert engine.retrieve("quokkas", k=1, mode="bm25").passages
    assert "tokens" in json.loads(stamp.read_text())["params"]


def test_store_reopens_with_our_embedding_function(settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from rag.engine import Engine

    e1 = Engine(settings, embedder=fake_embedder)
    e1.ingest([_write(tmp_path / "k.txt", "Kiwis are flightless birds from New Zealand.")])
    e2 = Engine(settings, embedder=fake_embedder)  # a new process would do exactly this
    assert [p.source for p in e2.retrieve("flightless birds", k=1).passages] == ["k.txt"]
    assert isinstance(e2.store.embedder.embed(["x"]), np.ndarray)


def test_demo_corpus_is_ingested_on_first_run(engine) -> None:  # type: ignore[no-untyped-def]
    results = engine.ensure_demo()
    names = {Path(r.path).name for r in results}
    assert {"employee-handbook.md", "product-faq.html", "travel-and-expense-policy.pdf"} <= names
    assert all(r.status == "added" for r in results)
    assert engine.ensure_demo() == []  # not empty any more: nothing to do
    pdf = next(d for d in engine.docs() if d.name.endswith(".pdf"))
    assert pdf.pages == 3

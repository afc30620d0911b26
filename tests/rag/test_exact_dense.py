"""Exact dense search below EXACT_MAX chunks: the true neighbours, scoped, fresh after writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.exact_dense import ExactDense


class _Store:
    """What ExactDense reads from rag.store.Store: generation, snapshot, vectors, count."""

    def __init__(self, vecs: dict[str, np.ndarray]) -> None:
        self.vecs = vecs
        self.generation = 1
        self.loads = 0

    def snapshot(self) -> tuple[int, list[str], list[str]]:
        self.loads += 1
        return self.generation, list(self.vecs), [""] * len(self.vecs)

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        return {c: self.vecs[c] for c in ids if c in self.vecs}

    def chunk_count(self) -> int:
        return len(self.vecs)


def test_exact_neighbours_scope_and_reload() -> None:
    rng = np.random.default_rng(3)
    vecs = {f"d{i % 7}:{i}": rng.normal(size=16).astype(np.float32) for i in range(300)}
    store = _Store(vecs)
    exact = ExactDense()
    q = rng.normal(size=16).astype(np.float32)
    got = exact.search(store, q, 10, None)
    ids = list(vecs)
    m = np.asarray([vecs[c] / np.linalg.norm(vecs[c]) for c in ids])
    want = [ids[i] for i in np.argsort(-(m @ (q / np.linalg.norm(q))))[:10]]
    assert got is not None and [c for c, _ in got] == want
    assert got[0][1] >= got[-1][1] and -1.0 <= got[-1][1] <= 1.0
    # "ask within": only those documents' chunks
    scoped = exact.search(store, q, 10, ["d3"])
    assert scoped and all(c.startswith("d3:") for c, _ in scoped)
    assert exact.search(store, q, 10, ["nope"]) == []
    # one load per generation; a write (a new generation) is seen at once
    exact.search(store, q, 5, None)
    assert store.loads == 1
    store.vecs = {**vecs, "new:0": q.copy()}
    store.generation = 2
    top = exact.search(store, q, 1, None)
    assert top and top[0][0] == "new:0" and abs(top[0][1] - 1.0) < 1e-5
    assert store.loads == 2


def test_too_big_for_a_scan_falls_back_to_the_ann_index() -> None:
    store = _Store({f"d:{i}": np.ones(4, dtype=np.float32) for i in range(30)})
    assert ExactDense(max_chunks=20).search(store, np.ones(4), 5, None) is None
    assert ExactDense(max_chunks=20).search(_Store({}), np.ones(4), 5, None) == []


def test_the_store_answers_from_the_scan_after_a_replacement(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "a.txt"
    f.write_text("The canteen opens at eight.", encoding="utf-8")
    engine.ingest([f])
    f.write_text("The canteen opens at nine.", encoding="utf-8")
    engine.ingest([f])
    hits = engine.retrieve("canteen opens", k=5, mode="dense").passages
    assert [h.text for h in hits] == ["The canteen opens at nine."]

"""Promise 3: 8 threads ask while another ingests and removes documents, against one store:
no errors, every source an answer cites existed while it was being answered, no deadlock.

Two Streamlit sessions not seeing each other's keys, chat history or costs is covered by
tests/ui/test_app.py::test_sessions_do_not_share_keys_history_or_costs (AppTest).
"""

from __future__ import annotations

import random
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.reliability.checks import visibility_violations

ASKERS = 8
RUN_SECONDS = 8
ANIMALS = [
    "otter",
    "beaver",
    "heron",
    "lynx",
    "marmot",
    "osprey",
    "badger",
    "newt",
    "puffin",
    "stoat",
]


@dataclass
class Lifetimes:
    """When each document could have been visible: [ingest started, remove finished]."""

    spans: dict[str, list[list[float]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def added(self, doc_id: str, t_start: float) -> None:
        with self.lock:
            self.spans.setdefault(doc_id, []).append([t_start, float("inf")])

    def removed(self, doc_id: str, t_end: float) -> None:
        with self.lock:
            self.spans[doc_id][-1][1] = t_end

    def alive_during(self, doc_id: str, t0: float, t1: float) -> bool:
        with self.lock:
            return any(a <= t1 and b >= t0 for a, b in self.spans.get(doc_id, []))


def _doc(folder: Path, animal: str) -> Path:
    p = folder / f"{animal}.txt"
    p.write_text(
        f"The {animal} is the subject of this note. The {animal} lives near rivers and eats "
        f"small prey. Field guides describe the {animal} as shy. Sightings of the {animal} peak in spring."
    )
    return p


class Traffic:
    """ASKERS threads asking and one writer ingesting and removing, on one engine, for a
    while; records every answer (with its start and end time), the writes and any error."""

    def __init__(self, engine, paths: dict[str, Path], life: Lifetimes, texts: dict[str, str]):  # type: ignore[no-untyped-def]
        self.engine, self.paths, self.life, self.texts = engine, paths, life, texts
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.answers: list[tuple[float, float, object]] = []
        self.writes = {"ingested": 0, "removed": 0}

    def writer(self) -> None:
        rng = random.Random(7)
        engine = self.engine
        try:
            while not self.stop.is_set():
                animal = rng.choice(ANIMALS)
                present = {d.name: d.doc_id for d in engine.docs()}
                name = f"{animal}.txt"
                if name in present and len(present) > 3:
                    res = engine.remove(present[name])
                    assert [r.status for r in res] == ["removed"], res
                    self.life.removed(present[name], time.monotonic())
                    self.writes["removed"] += 1
                else:
                    t0 = time.monotonic()
                    [r] = engine.ingest([self.paths[animal]])
                    assert r.status in ("added", "unchanged"), r
                    if r.status == "added":
                        self.life.added(r.doc_id, t0)
                        self.texts[r.doc_id] = self.paths[animal].read_text()
                        self.writes["ingested"] += 1
        except Exception:
            self.errors.append("writer: " + traceback.format_exc())

    def asker(self, i: int) -> None:
        rng = random.Random(i)
        try:
            while not self.stop.is_set():
                q = f"Where does the {rng.choice(ANIMALS)} live?"
                t0 = time.monotonic()
                ans = self.engine.ask(q, k=3)  # extractive provider, FakeEmbedder
                self.answers.append((t0, time.monotonic(), ans))
        except Exception:
            self.errors.append(f"asker {i}: " + traceback.format_exc())

    def run(self, seconds: float) -> None:
        threads = [
            threading.Thread(target=self.asker, args=(i,), daemon=True) for i in range(ASKERS)
        ]
        threads.append(threading.Thread(target=self.writer, daemon=True))
        for th in threads:
            th.start()
        time.sleep(seconds)
        self.stop.set()
        for th in threads:
            th.join(timeout=60)
        stuck = [th.name for th in threads if th.is_alive()]
        assert not stuck, f"deadlock: {stuck} still running 60 s after stop"
        assert not self.errors, self.errors[0]


@pytest.mark.timeout(120)
def test_askers_and_a_writer_share_one_store(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    folder.mkdir()
    paths = {a: _doc(folder, a) for a in ANIMALS}
    life = Lifetimes()
    t = time.monotonic()
    texts: dict[str, str] = {}
    for r in engine.ingest([paths[a] for a in ANIMALS[:5]]):
        life.added(r.doc_id, t)
    for d in engine.docs():
        texts[d.doc_id] = paths[Path(d.name).stem].read_text()

    traffic = Traffic(engine, paths, life, texts)
    traffic.run(RUN_SECONDS)
    answers, writes = traffic.answers, traffic.writes

    stale = []
    for t0, t1, ans in answers:
        for s in ans.sources:  # type: ignore[attr-defined]
            if not life.alive_during(s.doc_id, t0, t1):
                stale.append((s.chunk_id, s.source))
            elif s.text not in texts[s.doc_id]:
                stale.append((s.chunk_id, "text does not match the document"))
    assert not stale, stale[:5]
    assert len(answers) >= 50, len(answers)  # real load, not a few lucky calls
    assert writes["ingested"] >= 3 and writes["removed"] >= 3, writes
    with_sources = sum(1 for *_, a in answers if a.sources)  # type: ignore[attr-defined]
    assert with_sources >= len(answers) // 2
    assert not visibility_violations(engine.store, [f"{a} rivers" for a in ANIMALS])
    print(f"\nconcurrency: {len(answers)} answers by {ASKERS} threads, writer {writes}, errors 0")

"""The upload's "about N s left": replayed on a fake clock at the pace of a real upload (the
55-page NIST CSF PDF and a 1-page scan on a busy 2-core machine), sampled as the progress
fragment redraws (every 0.5 s). It used to say "about 8 s left" in the first second and
grow to "about 39 s left" while the chunks were embedded."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import ui.documents as documents
from ingest.results import FileResult
from ui.documents import FileJob, UploadJob
from ui.embedder import ProgressEmbedder
from ui.upload_progress import time_left

REDRAW_S = 0.5


class Clock:
    """Fake time; every redraw tick it passes calls ``on_tick`` (the page's fragment)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.next_tick = self.now + REDRAW_S
        self.on_tick: Callable[[float], None] = lambda now: None

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        end = self.now + seconds
        while self.next_tick <= end:
            self.now = self.next_tick
            self.on_tick(self.now)
            self.next_tick += REDRAW_S
        self.now = end


class SlowModel:
    dim = 2

    def __init__(self, clock: Clock, per_chunk_s: float) -> None:
        self.clock, self.per_chunk_s = clock, per_chunk_s

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.clock.advance(self.per_chunk_s * len(texts))
        return np.zeros((len(texts), 2))


# name -> (pages, OCR'd, seconds a page, chunks, seconds a chunk), as measured at load ~8
PACE = {
    "NIST.CSWP.04162018.pdf": (55, False, 0.055, 210, 0.119),
    "senate-expenditures.pdf": (1, True, 3.5, 9, 0.15),
    "scan-10-pages.pdf": (10, True, 1.5, 30, 0.1),
    "notes.txt": (0, False, 0.0, 1, 0.1),
}
SIZES = {
    "NIST.CSWP.04162018.pdf": 771_427,
    "senate-expenditures.pdf": 53_481,
    "scan-10-pages.pdf": 1_200_000,
    "notes.txt": 139,
}


class FakeEngine:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def ingest_upload(self, name: str, data: bytes, page_progress: Any = None) -> FileResult:
        pages, ocr, page_s, chunks, chunk_s = PACE[name]
        for i in range(pages):
            if ocr:
                page_progress(name, "ocr", i, pages)
            self.clock.advance(page_s)
            page_progress(name, "text", i + 1, pages)
        self.clock.advance(1.0)  # cleaning and chunking
        ProgressEmbedder(SlowModel(self.clock, chunk_s)).embed(["chunk"] * chunks)
        self.clock.advance(0.2)  # the store and the keyword index
        return FileResult(name, "added", pages=pages, chunks=chunks)


def _seconds(words: str) -> float:
    if "a few seconds" in words:
        return 4.0
    m = re.search(r"about (\d+) (s|min) left", words)
    assert m, words
    return float(m[1]) * (60 if m[2] == "min" else 1)


@pytest.mark.parametrize(
    "names",
    [
        ["NIST.CSWP.04162018.pdf", "senate-expenditures.pdf"],  # the tester's upload
        ["scan-10-pages.pdf"],  # OCR: seconds a page, little to embed
        ["notes.txt", "NIST.CSWP.04162018.pdf"],  # a note done at once, then the PDF
    ],
)
def test_the_time_left_is_steady_and_not_far_off(
    monkeypatch: pytest.MonkeyPatch, names: list[str]
) -> None:
    clock = Clock()
    monkeypatch.setattr(documents, "time", SimpleNamespace(perf_counter=clock))
    files = [FileJob(name, name, b"%PDF", SIZES[name]) for name in names]
    # Refused before indexing (over the size limit): no work, so no share of the estimate.
    files.append(
        FileJob("huge.pdf", "huge.pdf", None, 90_000_000, "done", fraction=1.0, error="too big")
    )
    job = UploadJob(files, started=clock.now, moved=clock.now)
    shown: list[tuple[float, str]] = []
    clock.on_tick = lambda now: shown.append((now - job.started, time_left(job, now)))
    job.run(FakeEngine(clock))  # type: ignore[arg-type]
    total = clock.now - job.started

    assert all(words == "" for t, words in shown if t < 3.0)  # too early to judge
    estimates = [(t, _seconds(words)) for t, words in shown if words]
    assert estimates and estimates[0][0] <= 4.0, shown  # but said soon
    first_t, first = estimates[0]
    assert 0.5 * (total - first_t) <= first <= 2 * (total - first_t), (first, total - first_t)
    for (t0, before), (t1, after) in itertools.pairwise(estimates):
        assert after <= before * 1.2 + 1, f"grew from {before} s at {t0} to {after} s at {t1}"

"""rag.analysis.documents: per-document tone and topics, cached per store generation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.analysis import documents as D
from rag.analysis import topics as T
from rag.analysis.sentiment import SentimentResult

pytestmark = pytest.mark.analysis


def _fake_scores(texts: list[str], embedder: Any = None) -> list[SentimentResult]:
    return [
        SentimentResult(
            label="negative" if "late" in t else "positive",
            scores={"positive": 0.2, "negative": 0.7, "neutral": 0.1}
            if "late" in t
            else {"positive": 0.8, "negative": 0.1, "neutral": 0.1},
            emotions={"joy": 0.1, "anger": 0.6 if "late" in t else 0.0},
            n_sentences=2,
        )
        for t in texts
    ]


def test_tone_per_document_and_topics_cached_per_generation(
    engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(D, "score_batch", lambda t, e=None: calls.append(1) or _fake_scores(t))
    T._memo.clear()
    (tmp_path / "happy.txt").write_text("We love the new office. The team is great.")
    (tmp_path / "sad.txt").write_text("The delivery was late again. Customers are angry.")
    engine.ingest([tmp_path / "happy.txt", tmp_path / "sad.txt"])

    assert D.cached(engine) is None
    res = D.get(engine)
    tones = {d.name: d for d in res.documents}
    assert tones["happy.txt"].label == "positive" and tones["sad.txt"].label == "negative"
    assert tones["sad.txt"].emotion == "anger" and tones["sad.txt"].confidence == 0.7
    assert res.topics and {"label", "keywords", "documents"} <= set(res.topics[0])

    again = D.get(engine)  # from the cache file: nothing recomputed
    assert again == res and len(calls) == 1
    (tmp_path / "more.txt").write_text("Another happy note about the office garden.")
    engine.ingest([tmp_path / "more.txt"])
    assert D.cached(engine) is None  # a new generation
    assert len(D.get(engine).documents) == 3 and len(calls) == 2

"""The sentence vectors kept across questions: each text embedded once, answers unchanged."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.embed_cache import EmbedCache
from rag.engine import Engine
from rag.settings import load_settings
from tests.conftest import FakeEmbedder


class CountingEmbedder(FakeEmbedder):
    """The hashing embedder, recording every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed(texts)


def test_each_text_is_embedded_once_and_answers_keep_their_order() -> None:
    inner = CountingEmbedder()
    cache = EmbedCache(inner.embed)
    first = cache(["a cat", "a dog", "a cat"])
    again = cache(["a dog", "a bird", "a cat"])
    assert inner.texts == ["a cat", "a dog", "a bird"]
    direct = inner.embed(["a cat", "a dog", "a cat"])
    assert np.allclose(first, direct)
    assert np.allclose(again, inner.embed(["a dog", "a bird", "a cat"]))
    assert cache([]).shape[0] == 0


def test_the_least_recently_used_text_leaves_first() -> None:
    inner = CountingEmbedder()
    cache = EmbedCache(inner.embed, limit=2)
    cache(["one"])
    cache(["two"])
    cache(["one"])  # used again: "two" is now the oldest
    cache(["three"])
    assert list(cache.cache) == ["one", "three"]
    inner.texts.clear()
    cache(["one", "two"])
    assert inner.texts == ["two"]


def test_sessions_share_it_from_their_threads() -> None:
    inner = CountingEmbedder()
    cache = EmbedCache(inner.embed, limit=50)
    texts = [f"sentence number {i}" for i in range(80)]
    wrong: list[int] = []

    def ask(offset: int) -> None:
        for i in range(offset, offset + 40):
            got = cache([texts[i % 80], texts[(i * 7) % 80]])
            if not np.allclose(got, inner.embed([texts[i % 80], texts[(i * 7) % 80]])):
                wrong.append(i)

    threads = [threading.Thread(target=ask, args=(k * 20,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong and len(cache.cache) <= 50


def test_a_question_asked_again_embeds_no_sentence_again(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    settings = load_settings(index_dir=tmp_path / "index", auto_ingest_demo=False)
    engine = Engine(settings, embedder=inner)
    doc = tmp_path / "plans.md"
    doc.write_text(
        "# Plans\n\nThe Pro plan costs 20 dollars a month. It includes phone support.\n\n"
        "The Team plan costs 50 dollars a month and adds single sign-on.\n"
    )
    engine.ingest([doc])
    first = engine.ask("How much does the Pro plan cost?")
    inner.texts.clear()
    again = engine.ask("How much does the Pro plan cost?")
    assert again.answer == first.answer and "20 dollars" in again.answer
    # the retriever embeds its query; the answerer's sentences all come from the cache
    assert inner.texts == ["How much does the Pro plan cost?"]

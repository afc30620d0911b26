"""The upload's progress embedder: batches with a callback after each, and the chunker's
token ids passed through to a model that takes them (tokenize once, issue 19)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui import embedder as ui_embedder
from ui.embedder import ProgressEmbedder


class _Model:
    dim = 2

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(("text", len(texts)))
        return np.array([[len(t), 0.0] for t in texts])

    def embed_tokens(self, texts: Sequence[str], ids: Sequence[Sequence[int] | None]) -> np.ndarray:
        self.calls.append(("ids", len(texts)))
        return np.array([[len(t), float(len(i or []))] for t, i in zip(texts, ids, strict=True)])


class _TextOnly:
    dim = 2

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), 2))


def test_token_ids_reach_the_model_in_batches_with_progress() -> None:
    model, seen = _Model(), []
    ui_embedder.set_progress(lambda done, total: seen.append((done, total)))
    try:
        texts = [f"t{i}" for i in range(5)]
        out = ProgressEmbedder(model, batch=2).embed_tokens(texts, [[1, 2, 3]] * 5)  # type: ignore[arg-type]
    finally:
        ui_embedder.set_progress(None)
    assert model.calls == [("ids", 2), ("ids", 2), ("ids", 1)]
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert out.shape == (5, 2) and out[:, 1].tolist() == [3.0] * 5


def test_a_text_only_model_still_embeds_through_embed_tokens() -> None:
    out = ProgressEmbedder(_TextOnly()).embed_tokens(["a", "b"], [None, None])  # type: ignore[arg-type]
    assert out.shape == (2, 2)

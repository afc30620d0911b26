"""An embedder wrapper that reports batch progress, so a 55-page upload shows real progress.

The ingest pipeline embeds a whole file's chunks in one call; wrapping the shared model
lets the app split that call into batches and report after each one. The callback is
thread-local: only the upload job that set it sees its own progress, whatever else runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from rag.embeddings import Embedder

_local = threading.local()

EmbedProgress = Callable[[int, int], None]  # (texts embedded, texts total)


def set_progress(callback: EmbedProgress | None) -> None:
    _local.callback = callback


class ProgressEmbedder:
    def __init__(self, inner: Embedder, batch: int = 64) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.batch = batch

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        callback: EmbedProgress | None = getattr(_local, "callback", None)
        if callback is None or len(texts) <= self.batch:
            out = self.inner.embed(texts)
            if callback is not None:
                callback(len(texts), len(texts))
            return out
        parts = []
        for start in range(0, len(texts), self.batch):
            parts.append(self.inner.embed(texts[start : start + self.batch]))
            callback(min(start + self.batch, len(texts)), len(texts))
        return np.concatenate(parts, axis=0)

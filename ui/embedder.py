"""An embedder wrapper that reports batch progress, so a 55-page upload shows real progress.

The ingest pipeline embeds a whole file's chunks in one call; wrapping the shared model
lets the app split that call into batches and report after each one. The pipeline may
embed on its own worker thread, so the callback is held by the embedder (set by the upload
job, cleared when it ends); ingests are serialised by the engine's write lock, so one job
reports at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from rag.embeddings import Embedder

EmbedProgress = Callable[[int, int], None]  # (texts embedded, texts total)

_lock = threading.Lock()
_callback: EmbedProgress | None = None


def set_progress(callback: EmbedProgress | None) -> None:
    global _callback
    with _lock:
        _callback = callback


class ProgressEmbedder:
    def __init__(self, inner: Embedder, batch: int = 64) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.batch = batch

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        callback = _callback
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

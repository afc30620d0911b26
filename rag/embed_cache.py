"""Sentence vectors kept by their text, so a sentence is embedded once.

The extractive answerer embeds every sentence of the sources it is given, and a
conversation's questions keep retrieving the same passages: without a cache, embedding was
over half of every answer's time in the app (py-spy, a 20-question demo conversation). The
evaluations route the retriever's query vectors through one too (``rag.eval.squad``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

EmbedFn = Callable[[Sequence[str]], np.ndarray]


class EmbedCache:
    """A memoised embed function (least recently used out past ``limit`` texts), safe to
    share between sessions' threads. Stands in for an :class:`rag.embeddings.Embedder`
    (``embed``, ``dim``) and for a plain embed function."""

    def __init__(self, embed: EmbedFn, dim: int = 384, limit: int = 20_000) -> None:
        self._embed = embed
        self.dim = dim
        self.limit = limit
        self.cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self._embed([])
        with self._lock:
            found = {t: self.cache[t] for t in texts if t in self.cache}
            for t in found:
                self.cache.move_to_end(t)
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:  # embedded outside the lock: another session's answer need not wait
            new = dict(zip(todo, self._embed(todo), strict=True))
            found.update(new)
            with self._lock:
                self.cache.update(new)
                while len(self.cache) > self.limit:
                    self.cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    __call__ = embed

    def prime(self, texts: Sequence[str], batch: int = 512) -> None:
        """Embed ``texts`` ahead, in batches (far cheaper than one model call each)."""
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        for i in range(0, len(todo), batch):
            self(todo[i : i + batch])

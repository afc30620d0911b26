"""Vectors fed the chunker's token ids equal vectors fed the text (issue 19: tokenize once).

Real model (the fp32 export the app runs), real chunks with their contexts, including ones
past the model's 256 word pieces (truncation) and ones whose ids chunking left unknown.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")

pytestmark = pytest.mark.integration


def test_token_id_fed_vectors_equal_text_fed(tmp_path_factory: pytest.TempPathFactory) -> None:
    from ingest.chunking import chunk_pages
    from ingest.context import chunk_contexts, indexed_text
    from ingest.loaders import Page
    from ingest.pipeline import _indexed_ids
    from rag.embeddings_onnx import OnnxEmbedder, cached_model_path

    shared = os.environ.get("RAG_MODELS_DIR")
    models = Path(shared) if shared else tmp_path_factory.mktemp("models")
    emb = OnnxEmbedder(batch_size=8, variant="fp32", path=cached_model_path(models, "fp32"))
    body = (
        "Low impact systems need a baseline of security controls. The Framework Core is a "
        "set of cybersecurity activities. Aspirin reduces the risk of heart attack. "
    ) * 24
    # No full stop and no space (a long path or URL): an over-long sentence cut by word pieces,
    # inside its words (ids unknown there); one with spaces is cut between words.
    run_on = "/".join(f"pneumonoultramicroscopic{i}silicovolcanoconiosis" for i in range(60))
    long_title = "A Very Long Title About Federal Information Systems And Security Controls" * 2
    pages = [Page(1, f"{long_title}\n\n{body}"), Page(2, run_on)]
    chunks = chunk_pages(pages, 250, 40)  # + the title: past 254 word pieces
    contexts = chunk_contexts("report.pdf", pages, chunks)
    ids = _indexed_ids(chunks, contexts)
    texts = [indexed_text(x, c.text) for c, x in zip(chunks, contexts, strict=True)]
    assert any(i is None for i in ids) and sum(i is not None for i in ids) >= 2
    assert max(len(i) for i in ids if i is not None) > 254  # truncation is exercised
    by_text = emb.embed(texts)
    by_ids = emb.embed_tokens(texts, ids)
    np.testing.assert_allclose(by_ids, by_text, atol=1e-6, rtol=0)
    # A wrong id list would change the vector: the comparison can fail.
    wrong = [None if i is None else i[1:] for i in ids]
    assert np.abs(emb.embed_tokens(texts, wrong) - by_text).max() > 1e-3

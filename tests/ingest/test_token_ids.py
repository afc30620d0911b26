"""Tokenize once: the ids chunking hands the embedder equal tokenizing the indexed text.

Where ``Chunk.ids`` is set it must be exactly what the model's tokenizer gives for the text
the embedder sees (context, newline, chunk text), on real documents and on texts built to
break it (words cut by an over-long sentence's window, sentences with no space between
them, control characters, accents, CJK). Where it cannot be sure, chunking says None and
the embedder tokenizes the text: vectors never change. The vectors themselves are compared
in tests/integration/test_token_ids_embed.py.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ingest.chunking import chunk_pages
from ingest.context import chunk_contexts, indexed_text
from ingest.loaders import Page
from ingest.pipeline import _indexed_ids, load_pages
from ingest.tokens import tokenizer
from tests.conftest import SHARED, require_shared

TRICKY = [
    # An over-long "sentence" (no full stops): windows cut inside long words.
    " ".join(f"pneumonoultramicroscopic{i}silicovolcanoconiosis" for i in range(120)),
    "First sentence.Second one runs on.Third\u00e9t\u00e9 caf\u00e9s na\u0131ve r\u00e9sum\u00e9.",
    "Control\x1cchars\x07between words.\x00 And \u00a0no-break spaces\u2003here.",
    "\u4e2d\u6587\u53e5\u5b50\u3002\u53e6\u4e00\u4e2a\u53e5\u5b50\u3002" * 40,
    "Combining e\u0301 accents de\u0301ja\u0300 vu.\n\nA heading\n\nText under it. " * 30,
    "Table | 12,345 | 67.8% | x\u2011y |\n" * 150,
]


def _check(name: str, pages: list[Page]) -> tuple[int, int]:
    chunks = chunk_pages(pages, 200, 40)
    contexts = chunk_contexts(name, pages, chunks)
    ids = _indexed_ids(chunks, contexts)
    texts = [indexed_text(x, c.text) for c, x in zip(chunks, contexts, strict=True)]
    truth = tokenizer().encode_batch(texts, add_special_tokens=False)
    known = 0
    for text, got, want in zip(texts, ids, truth, strict=True):
        if got is not None:
            known += 1
            assert list(got) == want.ids, text[:200]
    return known, len(chunks)


def test_tricky_texts_never_get_wrong_ids() -> None:
    for i, text in enumerate(TRICKY):
        _check(f"tricky-{i}.txt", [Page(1, text), Page(2, text[::-1])])


def test_ids_of_real_texts_equal_the_tokenizer_and_almost_all_are_known() -> None:
    corpus = require_shared(SHARED / "beir-scifact" / "corpus.jsonl.gz", "SciFact")
    known = total = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= 400:
                break
            d = json.loads(line)
            k, t = _check(f"{d['_id']}.txt", [Page(1, f"{d['title']}\n\n{d['text']}")])
            known, total = known + k, total + t
    assert total > 400 and known / total > 0.98, (known, total)


@pytest.mark.parametrize("name", ["FIPS200.pdf", "federal-register-2020-17221.pdf"])
def test_ids_of_real_pdfs_equal_the_tokenizer(name: str) -> None:
    path: Path = require_shared(SHARED / "pdfs" / name, "real PDFs")
    known, total = _check(name, load_pages(path))
    assert total > 20 and known / total > 0.9, (known, total)

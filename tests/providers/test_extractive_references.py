"""What the extractive answer must not take for an answer: a table or figure caption. Found
asking the NIST Cybersecurity Framework in the browser."""

from __future__ import annotations

from providers.base import Message, Request, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from tests.conftest import FakeEmbedder

CHANGES = (
    "The following table summarizes the changes made between Version 1.0 and Version 1.1.\n"
    "Table NTR-1 - Summary of changes between Framework Version 1.0 and Version 1.1.\n"
    "Version 1.1 adds a section on self-assessing cybersecurity risk.\n"
)


def _answer(q: str, sources: list[Source]) -> str:
    # Always answers: these tests are about what is quoted, not whether to answer.
    provider = ExtractiveProvider(
        embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5)
    )
    r = provider.generate(Request(messages=[Message("user", q)], question=q, sources=sources))
    assert not r.refused
    return r.text


def test_a_table_caption_is_never_the_answer() -> None:
    text = _answer(
        "What changed in version 1.1 of the Framework?",
        [Source(1, "csf.pdf", 2, CHANGES, doc_id="d", chunk_id="d:1")],
    )
    assert "Table NTR-1" not in text, text

"""What the extractive answer must not take for an answer: a table or figure caption, and a
number that names a part of a document or a law ("Section 3.2", "Act of 1996") taken for a
count or a date. Found asking the NIST Cybersecurity Framework in the browser."""

from __future__ import annotations

from providers.base import Message, Request, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from tests.conftest import FakeEmbedder

CHANGES = (
    "The following table summarizes the changes made between Version 1.0 and Version 1.1.\n"
    "Table NTR-1 - Summary of changes between Framework Version 1.0 and Version 1.1.\n"
    "Version 1.1 adds a section on self-assessing cybersecurity risk.\n"
)
TIERS_CHANGED = (
    "Better explanation of the relationship between Implementation Tiers and Profiles. "
    "Added language to Section 3.2 on using Framework Tiers in Framework implementation.\n"
)
TIERS = (
    "The Framework Implementation Tiers provide context on how an organization views risk. "
    "Ranging from Partial (Tier 1) to Adaptive (Tier 4), the implementation Tiers describe an "
    "increasing degree of rigor.\n"
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


def test_a_section_number_is_not_a_count() -> None:
    text = _answer(
        "How many implementation tiers are there?",
        [
            Source(1, "csf.pdf", 2, TIERS_CHANGED, doc_id="d", chunk_id="d:1"),
            Source(2, "csf.pdf", 15, TIERS, doc_id="d", chunk_id="d:9"),
        ],
    )
    assert "(Tier 4)" in text, text
    assert "Section 3.2" not in text, text

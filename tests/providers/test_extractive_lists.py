"""Lists after an announcing sentence, and where they end; a pronoun's sentence is read with
the one right before it, never across a heading. From a newcomer's own Word file: "What
equipment does the company provide?" got the announcing sentence alone, then its items and
the next four section headings; "How much is reimbursed for travel ...?" got "This policy is
reviewed every 12 months.", which had borrowed the travel sentence across "7. Review"."""

from __future__ import annotations

from providers.base import Message, Request, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from tests.conftest import FakeEmbedder

POLICY = (
    "3. Equipment\n\n"
    "The company provides the following equipment to every remote employee:\n\n"
    "- A laptop with a docking station\n"
    "- One external monitor of up to 27 inches\n"
    "- An ergonomic chair on request, after an assessment\n  by Facilities\n\n"
    "Equipment remains company property and must be returned within 14 days.\n\n"
    "4. Stipends\n\nStipends are paid with the monthly salary.\n\n"
    "5. Security\n\nAll work must be done over the company VPN.\n\n"
    "6. Travel to the office\n\n"
    "Travel costs for the all-hands meeting are reimbursed up to EUR 300 per trip.\n\n"
    "7. Review\n\nThis policy is reviewed every 12 months.\n"
)


def _answer(q: str) -> str:
    provider = ExtractiveProvider(
        embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5)
    )
    src = Source(1, "remote-work-policy.docx", 1, POLICY, doc_id="p", chunk_id="p:0")
    return provider.generate(Request(messages=[Message("user", q)], question=q, sources=[src])).text


def test_a_best_sentence_that_announces_a_list_is_answered_with_its_items() -> None:
    text = _answer("What equipment does the company provide to remote employees?")
    assert "A laptop with a docking station; One external monitor of up to 27 inches" in text
    assert "An ergonomic chair on request" in text
    # the numbered section headings after the prose are not more equipment
    assert "Stipends" not in text and "Security" not in text, text


def test_a_pronouns_sentence_does_not_borrow_across_a_heading() -> None:
    q = "How much is reimbursed for travel to the all-hands meeting?"
    provider = ExtractiveProvider(embed=FakeEmbedder().embed)
    src = Source(1, "remote-work-policy.docx", 1, POLICY, doc_id="p", chunk_id="p:0")
    overlap = {c.text: c.overlap for c in provider.candidates(q, [src])}
    assert overlap["This policy is reviewed every 12 months."] == 0.0  # it borrowed 1.0
    assert (
        overlap["Travel costs for the all-hands meeting are reimbursed up to EUR 300 per trip."]
        > 0.9
    )
    assert _answer(q).startswith("Travel costs for the all-hands meeting are reimbursed")

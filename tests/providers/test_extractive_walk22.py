"""What a newcomer's walk found in FAQ pairs and numbered sections (2026-12-02): an "A:"
label quoted, a section heading "4. HOW TO MAKE A CLAIM" quoted as a list item, and the
section "3. WHAT IS NOT COVERED" not found for "What is not covered by the warranty?"."""

from __future__ import annotations

from providers.base import Message, Request, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from providers.extractive_sections import section_answer
from tests.conftest import FakeEmbedder

FAQ = (
    "IT Onboarding FAQ\n\n"
    "Q: How long must my password be?\n"
    "A: Passwords must be at least 14 characters long. Passwords expire every 180 days.\n\n"
    "Q: Which laptop will I get?\n"
    "A: Office staff receive a Lenovo ThinkPad T14 with 16 GB of RAM.\n"
)
WARRANTY = (
    "NORDVIK APPLIANCES - LIMITED WARRANTY TERMS\n\n"
    "3. WHAT IS NOT COVERED\n"
    "The warranty does not cover damage caused by power surges or commercial use.\n\n"
    "4. HOW TO MAKE A CLAIM\n"
    "To make a claim, contact Nordvik Customer Care and provide proof of purchase.\n"
)


def _ask(question: str, text: str, name: str, bias: float = 3.0) -> str:
    """The answer over one passage; ``bias=-3.0``: the model alone refuses (a rescue answers)."""
    sure = RefusalModel(weights={}, bias=bias, threshold=0.45)
    provider = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=sure)
    src = Source(1, name, 1, text, chunk_id=f"{name}:0")
    req = Request(messages=[Message("user", question)], question=question, sources=[src])
    return provider.generate(req).text


def test_an_faq_answer_is_quoted_without_its_a_label() -> None:
    answer = _ask("How long must my password be?", FAQ, "faq.md")
    assert answer.startswith("Passwords must be at least 14 characters long."), answer
    assert "A:" not in answer


def test_the_faq_question_above_a_labelled_answer_is_still_found() -> None:
    from providers.extractive_layout import answers_faq, faq_question, past_answer_label
    from providers.extractive_refusal import Candidate

    src = Source(1, "faq.md", 1, FAQ, chunk_id="faq:0")
    at = FAQ.index("A: Office")
    start = past_answer_label(FAQ, at)
    assert FAQ[start:].startswith("Office staff")
    c = Candidate(src, 0, FAQ[start : FAQ.index("RAM.") + 4], start, 0, 0.5, 0.5, 0.5)
    assert faq_question(c) == "Q: Which laptop will I get?"
    assert answers_faq(c, "Which laptop will I get?")
    # "A. Smith" is an initial, not a label
    assert past_answer_label("A. Smith signed it.", 0) == 0


def test_a_numbered_heading_in_capitals_is_no_item_to_quote() -> None:
    from providers.extractive_quotable import quotable_texts

    provider = ExtractiveProvider(embed=FakeEmbedder().embed)
    src = Source(1, "warranty.txt", 1, WARRANTY, chunk_id="w:0")
    texts = [t for _, t in quotable_texts(provider.candidates("How do I make a claim?", [src]))]
    assert texts and not [t for t in texts if "HOW TO MAKE A CLAIM" in t], texts
    # a numbered item in words stays an item
    items = "Steps:\n1. Call Customer Care today\n2. Send the proof of purchase\nThat is all.\n"
    src = Source(1, "steps.txt", 1, items, chunk_id="s:0")
    texts = [t for _, t in quotable_texts(provider.candidates("What are the steps?", [src]))]
    assert "Call Customer Care today" in texts, texts


def test_a_section_is_named_by_the_word_that_otherwise_asks_what_it_covers() -> None:
    src = Source(1, "warranty-terms.txt", 1, WARRANTY, chunk_id="w:0")
    piece = section_answer("What is not covered by the warranty?", [src])
    assert piece is not None
    assert piece.text.startswith("3. WHAT IS NOT COVERED: The warranty does not cover damage")


def test_a_term_glossed_in_brackets_answers_what_it_is() -> None:
    from providers.extractive_defined import glossed

    said = "Personal phones may be enrolled in Intune (our mobile device management)."
    assert glossed(said, "Intune")
    assert glossed("Use GlobalProtect, the company VPN, outside the office.", "GlobalProtect")
    assert not glossed("Intune (2019) is used for phones.", "Intune")  # a year, no gloss
    assert not glossed("We use the Authenticator app from Duo.", "Duo")
    faq = f"Q: Can I use my own phone?\nA: Yes. {said}\n"

    def ask(q: str) -> str:
        return _ask(q, faq, "faq.md", bias=-3.0)  # the model alone refuses

    assert ask("What is Intune?").startswith("Personal phones may be enrolled in Intune")
    assert ask("What is Duo?").startswith("I don't have enough information")


def test_a_term_an_entry_says_the_meaning_of_answers_what_it_means() -> None:
    from providers.extractive_defined import defines

    entry = (
        '1.7. "Larger Work" means a work that combines Covered Software with other material, '
        "in a separate file or files, that is not Covered Software."
    )
    assert defines(entry, '"Larger Work"') and defines(entry, "Larger Work")
    assert defines("The term convey refers to any kind of propagation.", "convey")
    assert not defines("A Larger Work is built from parts.", "Larger Work")  # no meaning said
    licence = f'1. Definitions\n\n{entry}\n\n1.8. "License" means this document.\n'

    def ask(q: str) -> str:
        return _ask(q, licence, "mpl.txt", bias=-3.0)  # the model alone refuses

    assert '"Larger Work" means a work that combines' in ask('What does "Larger Work" mean?')
    assert ask("What does Smaller Work mean?").startswith("I don't have enough information")

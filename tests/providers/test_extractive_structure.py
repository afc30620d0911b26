"""What a document's structure says about the answer: a list about another topic, items
framed by the same opening ("The potential impact is LOW if-"), a label over a block
("EXAMPLE 1:"), a definition's asking word."""

from __future__ import annotations

from providers.base import Source
from tests.providers.test_extractive_compose import _answer


def test_a_list_about_something_else_does_not_answer_a_list_question() -> None:
    """ "What are the security requirements?" was answered with the one sentence that
    enumerates ("courses, books and conferences"), which says nothing about security."""
    handbook = (
        "Each employee has a learning budget for courses, books and conferences. "
        "Security staff require full-disk encryption on every laptop."
    )
    text, _ = _answer("What are the security requirements?", [Source(1, "h.md", 1, handbook)])
    assert text.startswith("Security staff require full-disk encryption"), text


FIPS_LEVELS = (
    "FIPS Publication 199 defines three levels of potential impact on organizations should "
    "there be a breach of security.\n"
    "The potential impact is LOW if—\n− The loss could be expected to have a limited effect.2\n"
    "The potential impact is MODERATE if—\n− The loss could have a serious adverse effect.\n"
)
FIPS_LEVELS_NEXT = "The potential impact is HIGH if—\n− The loss could have a severe effect.\n"


def test_a_count_announced_is_answered_by_the_framed_items_that_follow() -> None:
    """ "What are the potential impact levels?" got only "... defines three levels of
    potential impact ...": the levels are the capitals of "The potential impact is X if-"."""
    sources = [
        Source(1, "fips.pdf", 6, FIPS_LEVELS, doc_id="f", chunk_id="f:10"),
        Source(2, "fips.pdf", 6, FIPS_LEVELS_NEXT, doc_id="f", chunk_id="f:11"),
    ]
    text, cited = _answer("What are the potential impact levels in FIPS 199?", sources)
    assert text.startswith("FIPS Publication 199 defines three levels of potential impact"), text
    assert "LOW; MODERATE; HIGH." in text and cited == [1, 2], (text, cited)
    # two framed items for three announced: no list made up of them
    text, _ = _answer("What are the potential impact levels in FIPS 199?", sources[:1])
    assert "LOW; MODERATE" not in text


def test_a_definition_is_not_completed_with_a_sentence_for_its_asking_word() -> None:
    fips = (
        "A loss of integrity is the unauthorized modification or destruction of information. "
        "AMPLIFICATION: A serious adverse effect means that the loss might cause damage."
    )
    text, _ = _answer("What does a loss of integrity mean?", [Source(1, "fips.pdf", 2, fips)])
    assert text == (
        "A loss of integrity is the unauthorized modification or destruction of information. [1]"
    ), text


def test_a_sentence_under_a_label_is_about_what_the_label_names() -> None:
    fips = (
        "EXAMPLE 1: An organization manages public information.  The resulting security "
        "category is low.\nEXAMPLE 2: A law enforcement office manages sensitive information. "
        " The resulting security category is high."
    )
    text, _ = _answer("What is the security category in Example 2?", [Source(1, "f.pdf", 7, fips)])
    assert text.startswith("The resulting security category is high"), text


def test_a_yes_needs_what_is_asked_in_the_sentence() -> None:
    """ "is sick leave paid" was answered "Yes. Sick leave is unlimited but ..."."""
    from providers.extractive_qtype import polarity

    passage = "Every parent receives fully paid parental leave. Sick leave is unlimited."
    assert polarity("Is sick leave paid?", "Sick leave is unlimited.", passage) is None
    assert polarity("Is parental leave paid?", "Parents get fully paid parental leave.") == "Yes"
    # a "No" the sentence says is kept, whatever its words
    assert polarity("Is alcohol reimbursed?", "Alcohol is not reimbursed.") == "No"

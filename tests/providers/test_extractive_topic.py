"""What a passage is about though no sentence says it (``providers/extractive_topic.py``):
its document's title and section count as said by each of its sentences."""

from __future__ import annotations

from providers.base import Source
from providers.extractive_provider import ExtractiveProvider
from providers.extractive_refusal import quotable
from providers.extractive_topic import title_line, topic_terms
from tests.conftest import FakeEmbedder

NOTES = (
    "Northwind Fleet release notes\n\n"
    "Northwind Fleet moved to a new map engine that loads warehouse maps in seconds.\n\n"
    "Single sign-on with Okta and Microsoft Entra ID is now available."
)


def test_a_short_first_line_of_a_documents_first_chunk_is_its_title() -> None:
    assert title_line(Source(1, "notes.md", 1, NOTES, chunk_id="d:0")) == (
        "Northwind Fleet release notes"
    )
    # a later chunk starts wherever the chunker cut: its first line is no title
    assert title_line(Source(1, "notes.md", 1, NOTES, chunk_id="d:4")) == ""
    # a wrapped sentence ("O" over the subscript "2") is no title either
    wrapped = "The common allotrope of elemental oxygen on Earth is called dioxygen, O\n2. It is"
    assert title_line(Source(1, "squad", None, wrapped, chunk_id="p:0")) == ""


def test_a_later_chunk_lends_its_sentences_no_topic() -> None:
    # its short first line is wherever the chunker cut, and the title and heading of every
    # chunk, counted as said by each sentence, cost the dev set's fit half two answers
    # (extractive_topic.topic_terms)
    later = Source(1, "notes.md", 2, "Fleet\nSSO is now available.", chunk_id="d:3")
    assert topic_terms(later) == set()


def test_the_sentence_with_the_questions_own_word_wins_over_one_repeating_the_title() -> None:
    provider = ExtractiveProvider(embed=FakeEmbedder().embed)
    src = Source(1, "notes.md", 1, NOTES, chunk_id="d:0")
    cands = provider.candidates("Does Northwind Fleet support Okta?", [src])
    assert quotable(cands)[0].text.startswith("Single sign-on with Okta")

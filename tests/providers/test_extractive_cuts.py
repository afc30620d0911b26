"""Sentences cut at a chunk's edge (``providers/extractive_cuts.py``): a cut piece is never
quoted, but a document's own first sentence is not a cut."""

from __future__ import annotations

from providers.base import Source


def test_a_document_that_starts_in_lower_case_is_not_cut_at_its_start() -> None:
    from providers.base import Message, Request
    from providers.extractive_provider import ExtractiveProvider, RefusalModel
    from tests.conftest import FakeEmbedder

    text = "café menu: the hotel limit is 200 euros per night."
    sure = RefusalModel(weights={}, bias=3.0, threshold=0.45)
    provider = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=sure)
    q = "What is the hotel limit?"

    def ask(chunk_id: str) -> str:
        src = Source(1, "latin1.txt", 1, text, chunk_id=chunk_id)
        return provider.generate(
            Request(messages=[Message("user", q)], question=q, sources=[src])
        ).text

    # the document's first chunk: nothing came before it, its first sentence is whole
    assert ask("doc:0").startswith("café menu: the hotel limit is 200 euros")
    # a later chunk that starts in lower case started inside a sentence: not quoted
    assert ask("doc:3").startswith("I don't have enough information")


def test_a_trailing_clause_that_announces_an_unquoted_list_goes() -> None:
    from providers.extractive_cuts import unannounced

    said = (
        "Title III of the E-Government Act, entitled the Federal Information Security "
        "Management Act of 2002 (FISMA), tasked NIST with responsibilities for standards and "
        "guidelines, including the development of:"
    )
    assert unannounced(said).endswith("responsibilities for standards and guidelines.")
    # the whole sentence announces: nothing to cut it back to
    assert unannounced("It takes two arguments:") == "It takes two arguments:"
    assert unannounced("Security, in short:") == "Security, in short:"

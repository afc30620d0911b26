"""Over-long "sentences" (an OCR'd ledger, a table with no full stops) are cut between lines,
else between words: a chunk never starts inside a word (the senate ledger's chunk began
"34 06/04/2019 ...", the end of the record id DHAW20190034)."""

from __future__ import annotations

import pytest

from ingest.chunking import chunk_pages
from ingest.loaders import Page

LEDGER = "\n".join(
    f"DHAW2019{n:04d} 06/{n % 28 + 1:02d}/2019 CITIBANK - TRAVEL CBA CARD STAFF TRANSPORTATION "
    f"{n * 13.17:,.2f}"
    for n in range(1, 120)
)
RUN_ON = " ".join(f"pneumonoultramicroscopicsilicovolcanoconiosis{n}" for n in range(200))


@pytest.mark.parametrize(
    ("text", "before", "head"),
    [(LEDGER, "\n", "DHAW2019"), (RUN_ON, " ", "pneumono")],
    ids=["a ledger is cut between its lines", "one long line is cut between words"],
)
def test_an_over_long_sentence_is_never_cut_inside_a_word(
    text: str, before: str, head: str
) -> None:
    chunks = chunk_pages([Page(1, text)], 200, 40)
    assert len(chunks) > 3
    for c in chunks:
        assert c.start == 0 or text[c.start - 1] == before, c.text[:40]
        assert c.text.startswith(head) and c.tokens <= 200


def test_a_word_longer_than_half_a_chunk_is_still_cut_at_its_word_pieces() -> None:
    word = "x" * 3000  # no space in the window's second half: the word-piece cut stands
    chunks = chunk_pages([Page(1, word)], 200, 40)
    assert "".join(c.text for c in chunks) == word and all(c.tokens <= 200 for c in chunks)

"""The one citation parser: every grammar models write reads the same numbers."""

from __future__ import annotations

import pytest

from text import citations


@pytest.mark.parametrize(
    "text",
    [
        "Fees are 20 dollars [1, 3].",
        "Fees are 20 dollars [1][3].",
        "Fees are 20 dollars [1] [3].",
        "Fees are 20 dollars [1; 3].",
        "Fees are 20 dollars [3, 1].",
    ],
)
def test_multi_citations_parse_the_same(text: str) -> None:
    assert citations.cited_in(text) == [1, 3]


def test_ranges_expand_and_typos_do_not_explode() -> None:
    assert citations.parse("Shown [1-3] and [5–6].") == [1, 2, 3, 5, 6]
    assert citations.parse("A typo [2-999].") == [2, 999]


def test_brackets_that_are_not_citations() -> None:
    assert citations.parse("[44 U.S.C., Sec. 3542] and [sic] and [1a] and [1234]") == []
    assert citations.marker_numbers("[1, 2]") == [1, 2]
    assert citations.marker_numbers("[44 U.S.C.]") is None


def test_valid_filter_and_order() -> None:
    assert citations.parse("B [3]. A [1, 3]. C [2].") == [3, 1, 2]
    assert citations.cited_in("B [3]. A [1, 9].", valid={1, 2, 3}) == [1, 3]


def test_strip_and_leading() -> None:
    assert citations.strip(  # noqa: B005 (our strip, not str.strip)"Tokyo is the capital [1, 2]. It is big. [3][4]") == (
        "Tokyo is the capital. It is big."
    )
    assert citations.leading_length(" [2] [3, 4] Contact us") == len(" [2] [3, 4] ")
    assert citations.leading_length("Contact [2]") == 0


def test_renumber_and_sub() -> None:
    assert (
        citations.renumber("A [1, 3]. B [2]. C [3][1].", {1: 2, 3: 1}) == "A [2, 1]. B. C [1][2]."
    )
    assert citations.sub("A [1, 2].", lambda ns: "<" + "+".join(map(str, ns)) + ">") == "A <1+2>."


def test_every_reader_uses_the_parser() -> None:
    """rag.answer's cited list, grounding and the UI marks agree on "[1, 3]" and "[1][3]"."""
    from providers.base import Source
    from rag.answer import cited_numbers
    from rag.grounding import answer_sentences, citations_in
    from text.quotes import answer_sentences_for
    from ui.text import link_citations

    sources = [Source(n=i, source="s", page=None, text="t", score=1.0) for i in (1, 2, 3)]
    for answer in ("Fees are 20 dollars [1, 3].", "Fees are 20 dollars [1][3]."):
        assert cited_numbers(answer, sources) == [1, 3]
        assert sorted(set(citations_in(answer))) == [1, 3]
        assert answer_sentences(answer)[0][3] == [1, 3]
        assert answer_sentences_for(answer, 3) == ["Fees are 20 dollars" + answer[19:]]
        assert answer_sentences_for(answer, 2) == []
    linked = link_citations("Fees are 20 dollars \\[1, 3\\]\\.", "src")
    # titled, so a screen reader says where the link goes, not only "[1, 3]"
    assert '[**\\[1, 3\\]**](#src "Show source 1 below")' in linked


def test_ui_links_every_marker_grammar_but_not_other_brackets() -> None:
    from ui.text import escape_md, link_citations

    out = link_citations(escape_md("A [1-3], B [2][4], C [sic] and [44 U.S.C.]."), None)
    assert "**\\[1\\-3\\]**" in out and "**\\[2\\]****\\[4\\]**" in out
    assert "**\\[sic\\]**" not in out and "\\[sic\\]" in out
    assert "**\\[44" not in out

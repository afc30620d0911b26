"""Where a passage sits, as the source list, the exported conversation and the CLI say it."""

from __future__ import annotations

from rag.places import extent, place, places


def test_a_paginated_format_says_its_own_unit() -> None:
    assert place("FIPS-199.pdf", 6) == "page 6"
    assert place("deck.PPTX", 3) == "slide 3"
    assert place("budget.xlsx", 2) == "sheet 2"
    assert places("policy.pdf", [2, 1, 2]) == "pages 1, 2"


def test_a_one_page_format_shows_no_page() -> None:
    # a text, Markdown, HTML, Word or CSV file is read as one page: "page 1" says nothing
    for name in ("handbook.md", "notes.txt", "faq.html", "letter.docx", "fleet.csv"):
        assert place(name, 1) == ""
    assert places("handbook.md", [1]) == ""
    assert place("memo.pdf", None) == ""


def test_a_name_without_a_known_suffix_keeps_pages_past_the_first() -> None:
    assert place("Pasted text", 1) == ""
    assert place("scan", 4) == "page 4"


def test_the_document_list_counts_pages_slides_and_sheets_and_not_one_page_formats() -> None:
    assert extent("policy.pdf", 3) == "3 pages"
    assert extent("memo.pdf", 1) == "1 page"
    assert extent("deck.pptx", 12) == "12 slides"
    assert extent("budget.xlsx", 1) == "1 sheet"
    assert extent("remote-work-policy.docx", 1) == ""  # was "1 page"
    assert extent("handbook.md", 1) == ""

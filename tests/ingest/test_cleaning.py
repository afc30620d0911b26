"""Page furniture out of the text: running headers/footers, page numbers, rules, leaders."""

from __future__ import annotations

from ingest.cleaning import clean_pages
from ingest.loaders import Page

HEADER = "FIPS Publication 199 Standards for Security Categorization of Federal Information"
RULE = "_" * 60


def _doc(bodies: list[str], header: str = HEADER, footer: str = "Agency Report {n}") -> list[Page]:
    return [
        Page(i + 1, f"{header}\n{RULE}\n{body}\n{footer.format(n=i + 1)}\n{i + 1}")
        for i, body in enumerate(bodies)
    ]


BODIES = [
    "Security Objectives\nThe act defines three security objectives.",
    "Confidentiality means preserving authorized restrictions.",
    "Integrity means guarding against improper modification.",
    "Availability means ensuring timely and reliable access.",
]


def test_running_header_footer_rule_and_page_number_go() -> None:
    cleaned = clean_pages(_doc(BODIES))
    assert [p.text for p in cleaned] == BODIES
    assert [p.number for p in cleaned] == [1, 2, 3, 4]


def test_page_numbers_may_vary_and_roman_numerals_count() -> None:
    pages = [
        Page(n, f"47699 Federal Register / Vol. 85, No. {n} / Proposed Rules\nBody {w}.\n{roman}")
        for n, (w, roman) in enumerate(
            [("one", "i"), ("two", "ii"), ("three", "iii"), ("four", "iv")], 1
        )
    ]
    assert [p.text for p in clean_pages(pages)] == [
        "Body one.",
        "Body two.",
        "Body three.",
        "Body four.",
    ]


def test_a_line_on_few_pages_stays() -> None:
    pages = _doc(BODIES, footer="Footer {n}")
    pages[0] = Page(1, "Only on page one\n" + pages[0].text)
    assert clean_pages(pages)[0].text.startswith("Only on page one\n")


def test_short_documents_keep_their_lines_but_lose_rules_and_page_of() -> None:
    pages = [Page(1, f"Title line\n{RULE}\nThe body text.\nPage 1 of 205")]
    assert clean_pages(pages)[0].text == "Title line\n\nThe body text."


def test_leaders_hyphenation_nfkc_and_paragraphs() -> None:
    page = Page(
        1,
        "SECTION 1 PURPOSE.............................1\n"
        "The catego-\nrization uses Public Law 104-\n106 and the Soekarno-\nHatta airport.\n\n"
        "The \ufb01nal\u00a0 e\u00adxam\u200b is \u201cdue\u201d.",
    )
    assert clean_pages([page])[0].text == (
        "SECTION 1 PURPOSE 1\n"
        "The categorization uses Public Law 104-106 and the Soekarno-Hatta airport.\n\n"
        "The final exam is \u201cdue\u201d."
    )


def test_a_page_of_furniture_stays_a_page() -> None:
    pages = _doc(BODIES)
    pages[2] = Page(3, f"{HEADER}\n{RULE}\n3")
    cleaned = clean_pages(pages)
    assert len(cleaned) == 4 and cleaned[2].text == ""


def test_transcript_caption_rule_goes() -> None:
    text = "IN THE SUPREME COURT\n- - - - - - - - - - - x\nMICHAEL A. KNOWLES, :"
    assert clean_pages([Page(1, text)])[0].text == "IN THE SUPREME COURT\n\nMICHAEL A. KNOWLES, :"


def test_transcript_line_numbers_are_not_all_page_numbers() -> None:
    text = "1\nJUSTICE: Good morning.\n2\nCOUNSEL: Thank you.\n3\nAlderson Reporting"
    assert clean_pages([Page(1, text)])[0].text.count("\n") == 4


def test_a_transcripts_line_number_column_goes_and_other_numbers_stay() -> None:
    column = "\n".join(str(n) for n in range(2, 26))
    text = f"{column}\nOfficial - Subject to Final Review\nThe matter came on for argument.\n1"
    assert clean_pages([Page(1, text)])[0].text == (
        "Official - Subject to Final Review\nThe matter came on for argument."
    )
    # a short run, or numbers that do not count up one by one, are content
    kept = "Ages\n18\n19\n20\n21\nScores\n3\n5\n7\n9\n11\n13\n15\n17\n19\n21\n23\nEnd of table"
    assert clean_pages([Page(1, kept)])[0].text == kept


def test_line_numbers_that_ocr_put_in_front_of_each_line_go() -> None:
    # A scanned transcript read by Tesseract: "18 CHARLES M. SEVILLA, ESQ., ..." was quoted
    # as the answer to "Who is the respondent?" with the numbers in it.
    lines = [f"{n} Line {n} of the argument." for n in range(2, 19)]
    lines[9] = "it: Line 11 of the argument."  # "11" misread; the run goes on
    text = "Official - Subject to Final Review\n" + "\n".join(lines)
    cleaned = clean_pages([Page(1, text)])[0].text.split("\n")
    assert cleaned[1] == "Line 2 of the argument." and cleaned[-1] == "Line 18 of the argument."
    assert "it: Line 11 of the argument." in cleaned
    # a numbered list of a few items, or numbers that do not count up, stay
    steps = "1 Open the lid.\n2 Insert the battery.\n3 Close the lid.\n9 volts are needed."
    assert clean_pages([Page(1, steps)])[0].text == steps


def test_a_chapter_running_header_is_removed_though_on_few_pages() -> None:
    body = ["Chapter one text.", "More text here."]
    pages = [Page(1, "Introduction\nThe first page starts the story.")]
    pages += [Page(n, "How to use it\n" + body[n % 2] + "\nand goes on") for n in range(2, 6)]
    pages += [Page(n, "Programming with it\nOther text " + str(n)) for n in range(6, 12)]
    cleaned = clean_pages(pages)
    assert not any("How to use it" in p.text for p in cleaned)  # 4 of 11 pages, in a row
    assert cleaned[0].text.startswith("Introduction")  # a first line seen once stays


def test_a_deck_of_templated_slides_keeps_its_text() -> None:
    # Five slides of a title and one line, alike once digits are masked: every line looked
    # like a running header, the deck was peeled to nothing and its upload failed.
    slides = [
        Page(n, f"Quarterly review slide {n}\n\nRevenue in Q{n % 4 + 1} grew {4 + n} percent.")
        for n in range(1, 6)
    ]
    cleaned = clean_pages(slides)
    assert cleaned[2].text == "Quarterly review slide 3\n\nRevenue in Q4 grew 7 percent."
    assert all(p.text for p in cleaned)


def test_a_header_on_both_pages_of_a_two_page_document_goes() -> None:
    """A two-page procedure's header and "Page 1 of 2" opened every passage (and its
    highlight) of it: three pages were needed to call a line running."""
    head = "Northwind Robotics - Fire Safety Procedure - CONFIDENTIAL"
    pages = [
        Page(1, f"{head}\nPage 1 of 2\nEvacuation\nLeave by the nearest exit."),
        Page(2, f"{head}\nPage 2 of 2\nFire extinguishers\nThey are checked yearly."),
    ]
    assert [p.text for p in clean_pages(pages)] == [
        "Evacuation\nLeave by the nearest exit.",
        "Fire extinguishers\nThey are checked yearly.",
    ]
    # a title on the first page only stays
    one = [Page(1, f"{head}\nLeave by the nearest exit."), Page(2, "They are checked yearly.")]
    assert clean_pages(one)[0].text.startswith(head)

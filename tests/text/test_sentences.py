"""The one sentence splitter: concrete cases from real documents, and properties."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from text.sentences import is_heading_line, is_title, sentence_spans, sentences


@pytest.mark.parametrize(
    "text",
    [
        # Issue 14: both were cut at the abbreviation and quoted as "... Donald L. [1]".
        "U.S. DEPARTMENT OF COMMERCE Donald L. Evans, Secretary",
        "The term means proprietary information...\u201d [44 U.S.C., Sec. 3542]",
        "Send it to Dr. Smith, e.g. by post, i.e. not by fax.",
        "Prices rose 3.5 percent under Sec. 3.2 of the act.",
        "See Fig. 4 and No. 152 of the Federal Register.",
        "Acme Inc. Board members and Beta Corp. Staff met.",
        "Apples, pears, etc. Were sold vs. bought.",
        "Apples etc. and pears, e.g. this one, approx. ten of them.",
    ],
)
def test_one_sentence_stays_whole(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It rained. Then it stopped.", ["It rained.", "Then it stopped."]),
        ("Is it? Yes! Good\u2026 Next.", ["Is it?", "Yes!", "Good\u2026", "Next."]),
        ("He moved to the U.S. The rest stayed.", ["He moved to the U.S.", "The rest stayed."]),
        ("He said \u201cstop.\u201d Then he left.", ["He said \u201cstop.\u201d", "Then he left."]),
        (
            "Paris is the capital. [1] It is big. [2][3]",
            ["Paris is the capital. [1]", "It is big. [2][3]"],
        ),
        (
            "Fees are 20 dollars [1, 3]. The rest is free.",
            ["Fees are 20 dollars [1, 3].", "The rest is free."],
        ),
        ("First part\n\nSecond part", ["First part", "Second part"]),
        (
            "The objectives are:\n1. Confidentiality.\n2. Integrity.\n3. Availability.",
            ["The objectives are:", "1. Confidentiality.", "2. Integrity.", "3. Availability."],
        ),
        (
            "Items:\n\u2022 one thing\n\u2022 another thing",
            ["Items:", "\u2022 one thing", "\u2022 another thing"],
        ),
        ("Steps:\na) open it\nb) close it", ["Steps:", "a) open it", "b) close it"]),
        (
            "Security Objectives\nThe FISMA defines three security objectives.",
            ["Security Objectives", "The FISMA defines three security objectives."],
        ),
        ("It ends (see below). Next one.", ["It ends (see below).", "Next one."]),
        ("By the FISMA law.2 FIPS 200 is next.", ["By the FISMA law.2", "FIPS 200 is next."]),
        # a footnote mark after a word in capitals ends its sentence as well
        (
            "Values are HIGH, or NOT APPLICABLE.4 EXAMPLE 1: An agency reads it.",
            ["Values are HIGH, or NOT APPLICABLE.4", "EXAMPLE 1: An agency reads it."],
        ),
        ("See Table A.1 For details.", ["See Table A.1 For details."]),
        (
            "Version 1.1 Framework and Section A.2 Scope.",
            ["Version 1.1 Framework and Section A.2 Scope."],
        ),
        # HTML text puts inline elements on lines of their own ("python<var>X</var>.<var>Y</var>")
        (
            "It must declare\nBuild-Depends\non\npython\nX\n.\nY\n-dev\n, where\nX\n.\nY\nis it.",
            ["It must declare Build-Depends on python X . Y -dev , where X . Y is it."],
        ),
        (
            "It is a Zip archive with code and a\n*\n.dist-info\nmetadata directory.",
            ["It is a Zip archive with code and a * .dist-info metadata directory."],
        ),
        (
            "Modules go to\n/usr/local/lib/python2.\nY\n/dist-packages\nfor Python 2. Next.",
            ["Modules go to /usr/local/lib/python2. Y /dist-packages for Python 2.", "Next."],
        ),
        # "o" bullets of formatted manual pages; each row of a text table is a unit
        (
            "It has programs:\n o man - an interface\n o whatis - search names\nMore.",
            ["It has programs:", "o man - an interface", "o whatis - search names More."],
        ),
        (
            "Sections:\n+----+------+\n|Sec | What |\n+----+------+\n| 1 | programs |\n| 6 | games |",
            [
                "Sections:",
                "+----+------+",
                "|Sec | What |",
                "+----+------+",
                "| 1 | programs |",
                "| 6 | games |",
            ],
        ),
        # a sentence may start with a lower-case name (a command, a function)
        (
            "It tells damaged blocks from undamaged ones. bzip2recover is a simple program.",
            ["It tells damaged blocks from undamaged ones.", "bzip2recover is a simple program."],
        ),
        (
            "the interpreter\npython\nX\n.\nY\n.\nThe package needs it.",
            ["the interpreter python X . Y .", "The package needs it."],
        ),
    ],
)
def test_splits(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_wrapped_lines_are_not_headings() -> None:
    text = "The Secretary of Commerce approves\nstandards for federal systems. Agencies\nComply with them."
    assert sentences(text) == [
        "The Secretary of Commerce approves standards for federal systems.",
        "Agencies Comply with them.",
    ]


def test_numbered_line_mid_sentence_is_not_an_item() -> None:
    # A hard-wrapped line may start with "2)" without starting a list item.
    text = "This applies to (1) agencies and\n2) their contractors."
    assert len(sentences(text)) == 1


def test_spans_are_exact_offsets() -> None:
    text = "  Hello there.  \n\n  U.S. law applies.\tDr. No. 5 rules.  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Hello there.",
        "U.S. law applies.",
        "Dr. No. 5 rules.",
    ]


def test_empty_and_blank() -> None:
    assert sentence_spans("") == []
    assert sentence_spans(" \n\n\t ") == []


_ALPHABET = string.ascii_letters + string.digits + " \n\t.!?,;:\"'()[]-\u2022\u201c\u201d\u2026"
_PIECES = st.sampled_from(
    ["U.S.", "Dr.", "e.g.", "3.5", "[1]", "[1, 3]", "\u201d", "1.", "a)", "\n\n", "\n", ". ", "The"]
)
_TEXTS = st.lists(st.one_of(st.text(_ALPHABET, max_size=12), _PIECES), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_spans_partition_the_text(text: str) -> None:
    spans = sentence_spans(text)
    prev_end = 0
    for s, e in spans:
        assert prev_end <= s < e <= len(text)
        seg = text[s:e]
        assert seg == seg.strip() and seg
        assert not text[prev_end:s].strip(), "nothing but whitespace between sentences"
        prev_end = e
    assert not text[prev_end:].strip()


@settings(max_examples=200, deadline=None)
@given(_TEXTS, _TEXTS)
def test_blank_line_always_separates(a: str, b: str) -> None:
    joined = f"{a}\n\n{b}"
    gap = len(a)
    for s, e in sentence_spans(joined):
        assert e <= gap or s >= gap + 2, "a sentence runs across a blank line"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["U.S.", "U.S.C.", "Sec.", "Fig.", "e.g.", "i.e.", "Dr.", "Mr.", "L."]))
def test_no_cut_after_abbreviation_before_a_name(abbr: str) -> None:
    text = f"It was {abbr} Evans who signed it."
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("line", "heading", "title"),
    [
        ("Security Objectives", True, False),
        ("1 PURPOSE", True, False),
        ("U.S. DEPARTMENT OF COMMERCE", True, False),
        ("On October 29, 2018, a Boeing Model", False, False),
        ("Guam | Permit: 0 | Handgun: 12 | Long Gun: 5", False, False),
        ("Guam 0 12 5 1", False, False),
        (
            "FIPS Publication 200, Minimum Security Requirements for Federal Information and "
            "Information Systems.",
            False,
            True,
        ),
        ("Identify, Protect, Detect, Respond, Recover.", False, False),
        ("The Eiffel Tower was completed in 1889 for the World's Fair.", False, False),
    ],
)
def test_headings_and_titles(line: str, heading: bool, title: bool) -> None:
    assert is_heading_line(line) is heading
    assert is_title(line) is title


def test_reflow_keeps_the_lines_a_reader_sees_and_joins_wrapped_ones() -> None:
    from text.sentences import reflow

    text = (
        "Northwind employs about 240 people.\nWorking hours\n\nCore hours are 10:00 to 15:00.\n"
        "Outside core hours, employees choose\nwhen to work. Fridays are meeting-free.\n"
        "- laptops\n- phones"
    )
    assert reflow(text).split("\n") == [
        "Northwind employs about 240 people.",
        "Working hours",  # a heading: its own line
        # a wrapped line and a sentence that ended at a line end run on, as on paper
        "Core hours are 10:00 to 15:00. Outside core hours, employees choose when to work. "
        "Fridays are meeting-free.",
        "- laptops",
        "- phones",
    ]
    assert reflow(text).replace("\n", " ") == " ".join(text.split())


def test_a_transcripts_label_line_stands_alone_and_a_dateline_opens_its_sentence() -> None:
    text = (
        "Washington, D.C.\nTuesday, January 13, 2009\nThe above-entitled matter came on for oral"
        "\nargument at 1:01 p.m.\nAPPEARANCES:\nSTEVEN E. MERCER, ESQ., Deputy Attorney General,"
        " Los\nAngeles, Cal.; on behalf of the Petitioner."
    )
    assert sentences(text) == [
        "Washington, D.C.",
        "Tuesday, January 13, 2009 The above-entitled matter came on for oral argument at 1:01 p.m.",
        "APPEARANCES:",
        "STEVEN E. MERCER, ESQ., Deputy Attorney General, Los Angeles, Cal.; on behalf of the "
        "Petitioner.",
    ]
    # a label inside a sentence's run is not one ("... as follows\nNOTE: the ...")
    assert len(sentences("The fee is due as follows\nNOTE: within ten days.")) == 1


def test_a_numbered_list_under_a_heading_keeps_its_items_on_their_own_lines() -> None:
    """Release notes in a .txt/.md file: "Fixes" ran into item 1, and item 2 into item 1's
    line, in the passage view and in answers ("... on Safari 16. 2. Reports load ...")."""
    from text.sentences import reflow

    text = (
        "Fixes\n1. The login page no longer freezes on Safari 16.\n2. Reports load twice as fast."
    )
    assert sentences(text) == [
        "Fixes",
        "1. The login page no longer freezes on Safari 16.",
        "2. Reports load twice as fast.",
    ]
    assert reflow(text).split("\n") == sentences(text)
    # a wrapped sentence that happens to put a number at a line start stays one sentence
    wrapped = "The fee rises in the\n2. quarter of each year."
    assert sentences(wrapped) == ["The fee rises in the 2. quarter of each year."]


def test_a_line_ending_in_a_word_a_number_follows_is_no_heading_over_a_list() -> None:
    """ "Building\\n3." is a sentence wrapped before its number, not "Fixes\\n1."."""
    for text in [
        "We moved to the Head Office in Building\n3. It is near the station.",
        "See Section\n4. It covers leave.",
    ]:
        # the number stays with its word (as before the list rule)
        assert not any(s.startswith(("3.", "4.")) for s in sentences(text)), sentences(text)
        assert " ".join(text.split("\n")[:2]).split(". ")[0] in sentences(text)[0]


def test_a_numbered_heading_over_its_first_clause_is_a_sentence_of_its_own() -> None:
    """A lease's "3. Deposit" over "3.1 The Tenant pays ..." was quoted as "3. Deposit 3.1
    The Tenant pays a deposit of £1,470 ..."."""
    lease = "3. Deposit\n3.1 The Tenant pays a deposit of £1,470.\n3.2 The deposit is protected."
    assert sentences(lease) == [
        "3. Deposit",
        "3.1 The Tenant pays a deposit of £1,470.",
        "3.2 The deposit is protected.",
    ]
    assert sentences("a Boeing Model\n737-8 airplane crashed.") == [
        "a Boeing Model 737-8 airplane crashed."
    ]

"""Answer composition of the extractive answerer: lists, definitions, yes/no, and never a
heading, page furniture or a cut sentence."""

from __future__ import annotations

import pytest

from providers.base import Message, Request, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from providers.extractive_qtype import classify
from providers.extractive_quotable import is_cut, tidy
from providers.extractive_refusal import Candidate
from tests.conftest import FakeEmbedder

NIST = (
    "The Framework Core consists of five concurrent and continuous Functions. "
    "The five Framework Core Functions are defined below. These Functions are not intended to "
    "form a serial path.\n"
    "• Identify – Develop an organizational understanding to manage cybersecurity risk.\n"
    "The activities in the Identify Function are foundational.\n"
    "• Protect – Develop and implement appropriate safeguards.\n"
    "• Detect – Develop and implement activities to identify a cybersecurity event.\n"
)
NIST_NEXT = (
    "• Respond – Develop and implement activities to take action.\n"
    "• Recover – Develop and implement activities to maintain plans for resilience.\n"
)
FIPS = (
    "FIPS PUB 199 \n___________________________________ \nSecurity Objectives \n"
    "The FISMA defines three security objectives for information and information systems: \n"
    "CONFIDENTIALITY \n"
    "“Preserving authorized restrictions on information access…” [44 U.S.C., Sec. 3542] \n"
    "A loss of confidentiality is the unauthorized disclosure of information. \n"
    "INTEGRITY \n"
    "“Guarding against improper information modification…” [44 U.S.C., Sec. 3542] \n"
    "AVAILABILITY \n"
    "“Ensuring timely and reliable access to and use of information…” [44 U.S.C., Sec. 3542] \n"
)


def _provider() -> ExtractiveProvider:
    # Always answers: these tests are about what is quoted, not whether to answer.
    return ExtractiveProvider(embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5))


def _answer(q: str, sources: list[Source]) -> tuple[str, list[int]]:
    r = _provider().generate(Request(messages=[Message("user", q)], question=q, sources=sources))
    assert not r.refused
    return r.text, r.cited


def test_a_list_question_gets_the_items_after_the_announcing_sentence() -> None:
    sources = [
        Source(1, "csf.pdf", 14, NIST, doc_id="d", chunk_id="d:20"),
        Source(2, "csf.pdf", 14, NIST_NEXT, doc_id="d", chunk_id="d:21"),
    ]
    text, cited = _answer("Name the five Functions that make up the Framework Core.", sources)
    assert "Identify; Protect; Detect; Respond; Recover" in text, text
    assert text.startswith("The five Framework Core Functions are defined below")
    assert cited == [1, 2] and text.endswith("[1][2]")


def test_capitalised_item_lines_are_items_and_furniture_is_not_quoted() -> None:
    sources = [Source(1, "FIPS199.pdf", 6, FIPS, doc_id="f", chunk_id="f:3")]
    text, _ = _answer("What are the three security objectives defined in FIPS 199?", sources)
    assert "Confidentiality; Integrity; Availability" in text, text
    assert "___" not in text and "FIPS PUB" not in text


def test_a_definition_question_prefers_the_defining_sentence() -> None:
    text = (
        "Security categories are used with vulnerability information. "
        "A security category is the characterization of information based on its impact. "
        "Security categories are used to assess risk to organizations."
    )
    got, _ = _answer("What is a security category?", [Source(1, "f.pdf", 2, text)])
    assert (
        got == "A security category is the characterization of information based on its impact. [1]"
    )


@pytest.mark.parametrize(
    ("question", "start"),
    [("Is alcohol reimbursed?", "No. "), ("Are taxis reimbursed?", "Yes. ")],
)
def test_yes_no_questions_start_with_the_answer(question: str, start: str) -> None:
    text = (
        "The daily meal allowance is 75 dollars; alcohol is not reimbursed. "
        "Taxis and ride-hailing are reimbursed for business travel."
    )
    got, _ = _answer(question, [Source(1, "travel.pdf", 2, text)])
    assert got.startswith(start), got


def test_one_sentence_for_a_how_many_question() -> None:
    text = (
        "Full-time employees accrue 25 days of paid vacation per year. "
        "Up to 5 unused vacation days can be carried over into the next year."
    )
    got, _ = _answer("How many vacation days can be carried over?", [Source(1, "h.md", 1, text)])
    assert got == "Up to 5 unused vacation days can be carried over into the next year. [1]"


def test_a_sentence_cut_by_the_chunk_edge_is_never_quoted() -> None:
    cut = "days of vacation are granted to staff. Employees get 25 days of paid vacation per"
    whole = "Vacation: every employee gets 25 days of paid vacation each year."
    got, _ = _answer(
        "How many days of vacation do employees get?",
        [Source(1, "a.pdf", 1, cut), Source(2, "b.pdf", 1, whole)],
    )
    assert got == f"{whole} [2]"


def test_a_citation_after_an_abbreviation_does_not_cut_the_sentence() -> None:
    text = "Integrity means guarding against improper modification [44 U.S.C., Sec. 3542] of data."
    got, _ = _answer("What does integrity mean?", [Source(1, "f.pdf", 6, text)])
    assert got == f"{text} [1]"


def test_only_headings_means_refusal_not_a_fragment() -> None:
    r = _provider().generate(
        Request(
            messages=[Message("user", "q")],
            question="What is the parental leave?",
            sources=[Source(1, "h.md", 1, "Parental leave\n\nRemote work")],
        )
    )
    assert r.refused and r.cited == []


def test_tidy_and_is_cut() -> None:
    assert tidy("FIPS PUB 199\n_____\nThe FISMA defines three objectives.") == (
        "The FISMA defines three objectives."
    )
    assert is_cut("and the rest expire in March.")
    assert is_cut("Employees get 25 days of")
    assert not is_cut("Employees get 25 days.")
    # FIPS 199 p.6: a footnote mark after the full stop is not part of the quote, and the
    # sentence is whole (it was taken for cut, and the MODERATE sentence answered "LOW").
    low = "The potential impact is LOW if the effect is limited on individuals.2"
    assert tidy(low) == "The potential impact is LOW if the effect is limited on individuals."
    assert tidy("Python was upgraded to version 3.2") == "Python was upgraded to version 3.2"
    # a dateline says when: it is no heading to strip ("When was the oral argument?")
    assert tidy("Tuesday, January 13, 2009\nThe matter came on for argument.") == (
        "Tuesday, January 13, 2009 The matter came on for argument."
    )
    # a bullet that opens a wrapped line inside the sentence is layout, not text
    assert tidy("The impact is LOW if—\n− The loss is limited.") == (
        "The impact is LOW if— The loss is limited."
    )


def test_footnoted_sentence_answers_over_its_neighbour() -> None:
    text = (
        "The potential impact is LOW if—\n− The loss of confidentiality could be expected to"
        " have a limited adverse\neffect on organizational operations.2\nAMPLIFICATION: A"
        " limited adverse effect means a noticeable reduction.\nThe potential impact is"
        " MODERATE if—\n− The loss of confidentiality could be expected to have a serious"
        " adverse\neffect on organizational operations."
    )
    q = (
        "What is the potential impact if the loss of confidentiality is expected to have a"
        " limited adverse effect?"
    )
    got, _ = _answer(q, [Source(1, "fips199.pdf", 6, text)])
    assert "LOW" in got and "MODERATE" not in got, got


@pytest.mark.parametrize(
    ("question", "kind", "count"),
    [
        ("Name the five Functions that make up the Framework Core.", "list", 5),
        ("What are the three security objectives defined in FIPS 199?", "list", 3),
        ("What is a security category?", "definition", None),
        ("Is alcohol reimbursed?", "yesno", None),
        ("What is the nightly hotel limit in London?", "fact", None),
        ("How many people does Northwind employ?", "fact", None),
    ],
)
def test_question_kinds(question: str, kind: str, count: int | None) -> None:
    qt = classify(question)
    assert (qt.kind, qt.count) == (kind, count)


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("What does mandb do?", "mandb"),
        ("What is bzip2recover?", "bzip2recover"),
        ("What is version 1.0.2?", None),  # a version number is not a term
    ],
)
def test_definition_questions_name_their_term(question: str, term: str | None) -> None:
    qt = classify(question)
    assert (qt.term if qt.kind == "definition" else None) == term


def test_a_quoted_plural_term_or_one_after_a_sentence_is_defined() -> None:
    from providers.extractive_compose import _defines

    assert _defines("PEP 427 defines a format called “wheels”, which is a Zip archive.", "wheel")
    assert _defines("Each block has a CRC. bzip2recover is a simple program.", "bzip2recover")
    assert not _defines("You can use bzip2recover to recover data.", "bzip2recover")


def test_a_two_fact_question_gets_the_sentence_with_the_fact_the_best_lacks() -> None:
    from providers.extractive_compose import _complement

    src = Source(n=1, source="policy.html", page=1, text="x")

    def row(score: float, text: str) -> tuple[float, Candidate, str]:
        return score, Candidate(src, 0, text, 0, 1, 0.5, 0.5, score), text

    q = "Should .pyc files ship in the package, and when are they generated?"
    best = row(1.0, "The .pyc files must not be shipped in the package.")
    later = row(0.95, "They are generated in the post-install script.")
    far = row(0.5, "They are generated at build time by some tools.")
    assert _complement(q, best, [best, later]) == later
    assert _complement(q, best, [best, far]) is None  # too weak to add
    assert _complement("Should .pyc files ship in the package?", best, [best, later]) is None


def test_a_line_ending_in_a_function_word_is_not_a_heading() -> None:
    # HTML text puts a link on a line of its own: "As noted in" is not a heading to drop
    assert tidy("As noted in\nInterpreter Location\n, the form is deprecated.") == (
        "As noted in Interpreter Location , the form is deprecated."
    )


def test_yes_no_reads_an_opposite_word_as_no() -> None:
    from providers.extractive_qtype import polarity

    q = "Is the #!/usr/bin/env shebang form recommended?"
    assert polarity(q, "As noted, the form #!/usr/bin/env interpreter_name is deprecated.") == "No"
    assert polarity(q, "The form #!/usr/bin/env shebang is recommended.") == "Yes"
    assert (
        polarity("Is the old shebang form allowed?", "The old shebang form is forbidden.") == "No"
    )
    # "unnecessary" answers "need" with no; a prefix negates the question's own word
    need = "Do I need to set MANPATH for man-db to work?"
    said = "The setting of $MANPATH is actually unnecessary as the man-db utilities work it out."
    assert polarity(need, said) == "No"
    assert (
        polarity("Is the archive format available?", "The archive format is unavailable.") == "No"
    )
    assert polarity("Is the archive format available?", "The archive format is available.") == "Yes"
    # "in-" negates an adjective ("incompatible"), not a noun ("information")
    compat = "Is the old SHA3 implementation compatible with current versions?"
    said = "The old SHA3 implementation is incompatible with current versions."
    assert polarity(compat, said) == "No"
    assert (
        polarity(
            "Is the formation of the key documented?",
            "The key information of the formation is documented.",
        )
        == "Yes"
    )
    # "more than one" against "only one"
    many = "Can a single rule declare more than one command?"
    assert polarity(many, "Each rule may have only one command declaration.") == "No"


def test_yes_no_reads_what_an_exclusion_names_as_no() -> None:
    from providers.extractive_qtype import polarity

    q = "Does FIPS 199 apply to national security systems?"
    s = (
        "These standards shall apply to all federal information systems other than those "
        "information systems designated as national security systems."
    )
    # the passage names the standard; the sentence need not
    assert polarity(q, s, "FIPS 199: Standards for Security Categorization. " + s) == "No"
    assert polarity("Is alcohol reimbursed?", "All meals are reimbursed except alcohol.") == "No"
    assert polarity("Are meals reimbursed?", "All meals are reimbursed except alcohol.") == "Yes"
    # named before the exclusion: the exclusion narrows it, it does not deny it
    said = "The policy applies to contractors, except those on contracts shorter than a month."
    assert polarity("Does the policy apply to contractors?", said) == "Yes"


def test_a_yes_no_question_is_answered_from_the_sentence_that_names_what_it_asks() -> None:
    text = (
        "These standards shall apply to all federal information systems other than those "
        "information systems designated as national security systems as defined in 44 United "
        "States Code Section 3542(b)(2). Agency officials shall use the security "
        "categorizations described in FIPS Publication 199 whenever there is a federal "
        "requirement to provide such a categorization of information or information systems."
    )
    applies, uses = text.split(" Agency officials ")
    # the sentence that repeats "FIPS 199" comes from the better-ranked passage
    sources = [
        Source(1, "FIPS199.pdf", 6, "Agency officials " + uses),
        Source(2, "FIPS199.pdf", 5, applies),
    ]
    answer, cited = _answer("Does FIPS 199 apply to national security systems?", sources)
    assert answer.startswith("No. These standards shall apply to"), answer
    assert cited == [2]


def test_yes_no_says_neither_when_the_passage_is_silent_on_what_is_asked() -> None:
    from providers.extractive_qtype import polarity

    q = "Can man display manual pages in a web browser?"
    s = "Using the --all argument will cause man to attempt to display all manual pages."
    # 4 of the question's 6 words are there, but not "web browser": no "Yes."
    assert polarity(q, s, "The order is important. " + s) is None
    # said in the passage but not in the quoted sentence: a "Yes." the quote would not
    # bear out (since "is sick leave paid" was answered "Yes. Sick leave is unlimited ...")
    assert polarity(q, s, "man can send manual pages to a web browser. " + s) is None
    sent = "man can send manual pages to a web browser."
    assert polarity(q, sent, sent + " " + s) == "Yes"
    # one word missing here and one there is a paraphrase, not a missing thing
    made = "Can bunzip2 decompress a file made by concatenating two .bz2 files?"
    said = "bunzip2 will correctly decompress a file which is the concatenation of two files."
    assert polarity(made, said) == "Yes"


def test_a_list_asked_without_a_count_takes_the_count_the_sentence_announces() -> None:
    # "List them." after "How many functions does the Framework Core have?": the five items
    # that follow, not one item and an "(ID)" from an appendix table further on
    table = "IDENTIFY (ID)\nAsset Management (ID.AM): The data, personnel, devices ...\n"
    sources = [
        Source(1, "csf.pdf", 14, NIST, doc_id="d", chunk_id="d:20"),
        Source(2, "csf.pdf", 31, table, doc_id="d", chunk_id="d:90"),
    ]
    provider = ExtractiveProvider(
        embed=FakeEmbedder().embed,
        refusal=RefusalModel(weights={}, bias=5),
        follow=lambda s: NIST_NEXT if s.chunk_id == "d:20" else "",
    )
    q = "List them. (functions Framework Core)"
    r = provider.generate(Request(messages=[Message("user", q)], question=q, sources=sources))
    assert "Identify; Protect; Detect; Respond; Recover." in r.text, r.text


def test_an_faq_answers_with_the_sentence_under_the_question_asked() -> None:
    faq = (
        "What is the warranty?\n\nEvery robot has a two-year warranty covering parts and "
        "labour. The extended warranty adds three more years for 4,000 dollars.\n\n"
        "How do I contact support?\n\nSupport is available 24 hours a day.\n"
    )
    text, _ = _answer("What is the warranty?", [Source(1, "faq.html", 1, faq)])
    assert text.startswith("Every robot has a two-year warranty"), text


def test_who_prefers_the_sentence_that_names_a_person() -> None:
    from providers.extractive_compose import rank
    from providers.extractive_refusal import _type_match

    q = "Who leads Project Falcon?"
    code = "The launch code word for Project Falcon is PLUMTREE."
    lead = "The Falcon budget is 42 thousand euros and the lead is Marta Okafor."
    src = Source(1, "falcon-notes.txt", None, f"{code} {lead}")
    quoted = [
        (Candidate(src, 0, code, 0, len(code), 0.71, 0.57, 1.20), code),  # more similar
        (Candidate(src, 0, lead, len(code) + 1, len(src.text), 0.59, 0.68, 1.145), lead),
    ]
    best = rank(classify(q), q, quoted, "who", _type_match)[0]
    assert best[2] == lead


def test_a_yes_no_question_that_also_asks_which_is_answered_by_its_wh_half() -> None:
    """A "Yes." before the quote answered the half it does not ("Is ECDSA tied to one hash
    function?": no), because the quote holds the question's words."""
    two = (
        "Is ECDSA in Nettle tied to one particular hash function, and which hash is "
        "suggested for signatures over the secp256r1 curve?"
    )
    assert classify(two).kind == "fact"
    assert classify("Can I work remotely, and how many days a week?").kind == "fact"
    assert classify("Is the warranty two years?").kind == "yesno"
    assert classify("Does it apply to systems other than national security ones?").kind == "yesno"


def test_a_yes_no_question_is_decided_by_the_sentence_that_says_its_predicate() -> None:
    from providers.extractive_qtype import says_predicate

    q = "Does the learning budget roll over?"
    assert says_predicate(q, "Unused budget does not roll over.")
    assert not says_predicate(q, "Each employee has a learning budget of 1,500 US dollars.")


def test_a_list_item_quoted_alone_loses_its_marker() -> None:
    from providers.extractive_compose import render
    from providers.extractive_lists import Piece as P

    assert render([P("- The bus leaves Tacoma at 07:30.", (1,))]) == (
        "The bus leaves Tacoma at 07:30. [1]"
    )
    assert render([P("• Badge required.", (2,))]) == "Badge required. [2]"
    assert render([P("-5 °C is the limit.", (1,))]) == "-5 °C is the limit. [1]"

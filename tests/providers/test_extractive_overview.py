"""The extractive answer to an overview question: each document in its own words."""

from __future__ import annotations

from providers.base import Message, Request, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from tests.conftest import FakeEmbedder

FIPS_PURPOSE = (
    "1 PURPOSE\nThe E-Government Act of 2002, passed by the Congress, recognized the importance "
    "of information security. Title III of the Act tasked NIST with the development of:\n"
    "• Standards to be used by all federal agencies to categorize information;\n"
    "• Guidelines recommending the types of information systems; and\n"
)
FIPS_NEXT = (
    "• Minimum information security requirements for each category.\n"
    "FIPS Publication 199 addresses the first task cited—to develop standards for categorizing "
    "information and information systems. Security categorization standards provide a common "
    "framework.\n2 APPLICABILITY\nThese standards apply to all federal information."
)
POLICY = (
    "Northwind Robotics Travel and Expense Policy\nThis policy explains how employees book "
    "business travel and claim expenses. It applies to all employees.\nBooking travel. "
    "Flights are booked through Navan."
)
TABLE = (
    "NICS Firearm Background Checks November - 2015\n\nAlabama | Permit: 18,870 | Handgun: 23,022"
)


def _ask(question: str, sources: list[Source], overview: list[int]) -> tuple[str, list[int]]:
    # a model that refuses everything: an overview answer does not ask it
    provider = ExtractiveProvider(
        embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=-5)
    )
    request = Request(
        messages=[Message("user", question)],
        question=question,
        sources=sources,
        metadata={"overview": overview},
    )
    r = provider.generate(request)
    assert not r.refused
    return r.text, r.cited


def test_one_document_is_summed_up_from_the_sentence_that_names_it() -> None:
    sources = [
        Source(1, "FIPS199.pdf", 5, FIPS_PURPOSE, doc_id="f", chunk_id="f:4"),
        Source(2, "FIPS199.pdf", 5, FIPS_NEXT, doc_id="f", chunk_id="f:5"),
        Source(
            3, "FIPS199.pdf", 3, "AUTHORITY\nFIPS are issued by NIST.", doc_id="f", chunk_id="f:2"
        ),
    ]
    text, cited = _ask("What is FIPS 199 about?", sources, [1, 2])
    assert text.startswith("FIPS Publication 199 addresses the first task cited")
    assert "APPLICABILITY" not in text and "apply to all" not in text  # the next section
    assert "•" not in text  # no item pulled out of the list
    assert cited == [2]


def test_one_document_is_summed_up_to_the_end_of_its_first_section() -> None:
    sources = [Source(1, "travel-policy.pdf", 1, POLICY, doc_id="p", chunk_id="p:0")]
    text, _ = _ask("Summarize the travel policy.", sources, [1])
    assert text == (
        "This policy explains how employees book business travel and claim expenses. "
        "It applies to all employees. [1]"
    )


def test_every_document_gets_a_line_and_a_table_its_title() -> None:
    sources = [
        Source(1, "travel-policy.pdf", 1, POLICY, doc_id="p", chunk_id="p:0"),
        Source(2, "nics.pdf", 1, TABLE, doc_id="n", chunk_id="n:0"),
        Source(
            3,
            "ledger.pdf",
            1,
            "DOCUMENT NO. DATE PAYEE AMOUNT ($)\nA | 1 | 2",
            doc_id="l",
            chunk_id="l:0",
        ),
    ]
    text, cited = _ask("What are these documents about?", sources, [1, 2, 3])
    assert text.split("\n") == [
        "travel-policy.pdf: This policy explains how employees book business travel and claim "
        "expenses. [1]",
        "nics.pdf: “NICS Firearm Background Checks November - 2015” (its title) [2]",
        "ledger.pdf: no sentence to quote (a table or a scan) [3]",
    ]
    assert cited == [1, 2, 3]


def test_without_the_overview_hint_the_question_is_answered_as_usual() -> None:
    sources = [Source(1, "travel-policy.pdf", 1, POLICY, doc_id="p", chunk_id="p:0")]
    provider = ExtractiveProvider(
        embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=-5)
    )
    q = "Summarize the travel policy."
    r = provider.generate(Request(messages=[Message("user", q)], question=q, sources=sources))
    assert r.refused  # the (refusing) model was asked: no overview without the retrieval's word


def test_a_date_question_gets_the_date_its_cover_prints() -> None:
    from providers.extractive_overview import dated_answer

    cover = Source(
        1, "FIPS200.pdf", 1, "FIPS PUB 200\n\nGaithersburg, MD 20899-8930\n\nMarch 2006\n"
    )
    later = Source(2, "FIPS200.pdf", 12, "It was issued in February 2014.")
    assert dated_answer([cover, later], [1]) == ("FIPS200.pdf is dated March 2006. [1]", [1])
    assert dated_answer([cover, later], [2]) is None  # no date line: the usual answer path


def test_a_contents_run_is_skipped_and_a_column_wrapped_sentence_is_not() -> None:
    toc = (
        "The Ninja build system\nIntroduction\nPhilosophical overview\nDesign goals\n\n"
        "Introduction\nNinja is yet another build system. It takes as input the files.\n"
    )
    authors = (
        "X Desktop Group\nThomas Leonard\ntal197 at users.sf.net\n1. Introduction\n1.1. Version\n"
        "This is version 0.21 of the spec.\nMany programs use the MIME system to type files.\n"
    )
    column = (
        "SUMMARY: The FAA proposes to\nsupersede Airworthiness Directive (AD)\n"
        "2018-23-51, which applies to all The\nBoeing Company Model 737-8 airplanes.\n"
    )
    sources = [
        Source(1, "ninja-manual.html", 1, toc, doc_id="n", chunk_id="n:0"),
        Source(2, "mime-spec.pdf", 1, authors, doc_id="m", chunk_id="m:0"),
        Source(3, "federal-register.pdf", 1, column, doc_id="f", chunk_id="f:0"),
    ]
    text, _ = _ask("What are these documents about?", sources, [1, 2, 3])
    assert text.split("\n") == [
        "ninja-manual.html: Ninja is yet another build system. [1]",
        "mime-spec.pdf: Many programs use the MIME system to type files. [2]",
        "federal-register.pdf: The FAA proposes to supersede Airworthiness Directive (AD) "
        "2018-23-51, which applies to all The Boeing Company Model 737-8 airplanes. [3]",
    ]

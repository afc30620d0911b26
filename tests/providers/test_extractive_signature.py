"""Signature lines: a signer on a line of its own answers "who" questions about the title."""

from __future__ import annotations

from providers.base import Source
from providers.extractive_signature import answers_who, names_a_person, names_people, signature
from tests.providers.test_extractive_compose import _answer

# FIPS 200's foreword as pypdf reads it (page 2).
FOREWORD = (
    "Comments concerning FIPS publications are welcomed and\n"
    "should be addressed to the Director, Information Technology Laboratory, National "
    "Institute of\nStandards and Technology, 100 Bureau Drive, Stop 8900, Gaithersburg, MD "
    "20899-8900.\n-- CITA M. FURLANI, ACTING DIRECTOR\nINFORMATION TECHNOLOGY LABORATORY"
)


def test_a_signature_line_is_a_name_and_a_title() -> None:
    assert signature("-- CITA M. FURLANI, ACTING DIRECTOR") == (
        "CITA M. FURLANI",
        "ACTING DIRECTOR",
    )
    assert signature("Jane Doe, Chief Executive Officer") == ("Jane Doe", "Chief Executive Officer")
    # names with accents are whole names, not "Mu" cut at the "ñ"
    assert signature("— José Muñoz, Chief Executive Officer") == (
        "José Muñoz",
        "Chief Executive Officer",
    )
    assert names_a_person("The plan was approved by Zoë Ångström last year.", "Who approved it?")
    # places and headings are not signers
    assert signature("New York, San Francisco") is None
    assert signature("INFORMATION TECHNOLOGY LABORATORY") is None
    assert signature("Booking travel, expenses and refunds") is None


def test_it_answers_who_holds_the_title_or_who_signed() -> None:
    line = "-- CITA M. FURLANI, ACTING DIRECTOR"
    assert answers_who("Who was the Acting Director of the laboratory?", line)
    assert answers_who("Who signed the foreword?", line)
    assert not answers_who("Who is the Secretary of Commerce?", line)


def test_who_holds_a_title_is_answered_with_the_signer() -> None:
    src = [Source(1, "FIPS200.pdf", 2, FOREWORD, doc_id="d", chunk_id="d:1")]
    q = "Who was the Acting Director of the Information Technology Laboratory?"
    text, cited = _answer(q, src)
    # not the "Comments ... addressed to the Director" sentence, which names nobody
    assert text == "CITA M. FURLANI, ACTING DIRECTOR [1]", text
    assert cited == [1]


def test_who_may_do_something_is_answered_by_a_group_of_people() -> None:
    q = "Who can get a corporate card?"
    assert names_people("Employees who travel often can request a corporate credit card.", q)
    assert not names_people("Personal purchases on the corporate card are not allowed.", q)
    assert not names_people("Employees must file receipts.", "Which employees file receipts?")
    card = (
        "Personal purchases on the corporate card are not allowed. Employees who travel more "
        "than four times a year can request a corporate card."
    )
    text, _ = _answer(q, [Source(1, "policy.pdf", 3, card)])
    assert text.startswith("Employees who travel more than four times a year"), text


def test_whom_to_ask_is_answered_by_an_address() -> None:
    from providers.extractive_signature import gives_contact

    q = "who do i ask about expenses"
    assert gives_contact("Questions go to finance@northwind.example.", q)
    assert gives_contact("Call +1 253 555 0142 at any hour.", "Who do I call?")
    assert not gives_contact("Expenses are claimed in the Expensify app.", q)
    assert not gives_contact("Questions go to finance@northwind.example.", "Who founded it?")
    policy = (
        "Expenses are claimed in the Expensify app within 30 days of the trip. "
        "Questions about expenses go to finance@northwind.example."
    )
    text, _ = _answer(q, [Source(1, "policy.pdf", 1, policy)])
    assert text.startswith("Questions about expenses go to finance@northwind.example."), text

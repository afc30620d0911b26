"""Answers of the wrong type: no name for "who wrote", no time for "when did", and a version
looked for in every line of the passages before the answerer gives up on "which version"."""

from __future__ import annotations

import pytest

from providers.base import Message, Request, Source
from providers.extractive_lists import Piece
from providers.extractive_offtype import lacks_asked_time, off_type, retyped
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from providers.extractive_refusal import Candidate, unknown_terms
from providers.extractive_signature import lacks_asked_author
from tests.conftest import FakeEmbedder


@pytest.mark.parametrize(
    ("question", "answer", "lacks"),
    [
        ("Who wrote man-1.1B?", "It was written by John W. Eaton.", False),
        ("Who proposed that inertia is natural?", "It was proposed by Newton.", False),
        ("Who designed the dpkg triggers spec?", "A dpkg trigger is a facility.", True),
        # the question's own name is no answer, nor a sentence's first word
        ("What is the name of the person who wrote Ninja?", "Your Ninja version is old.", True),
        # "who" alone is not judged: "Who approves expenses?" / "Your line manager does."
        ("Who approves expenses?", "Your line manager approves them.", False),
    ],
)
def test_who_made_something_is_answered_by_a_name(question: str, answer: str, lacks: bool) -> None:
    assert lacks_asked_author(question, [answer]) is lacks


@pytest.mark.parametrize(
    ("question", "answer", "lacks"),
    [
        ("When was the policy last updated?", "It was updated on 3 March 2026.", False),
        ("When did the last glacial end?", "It ran until the end of the Pleistocene.", False),
        ("When did rapid warming begin?", "Warming began about 13,000 BP.", False),
        ("When was there an attempt to reform it?", "Following the Nice Treaty, there was.", False),
        ("When did the office open?", "It opened two weeks after the launch.", False),
        ("When was the Python 2 stack dropped?", "It was dropped for the Bullseye release.", False),
        (
            "When was the Miller-Urey experiment conducted?",
            "The Miller-Urey experiment was conducted at the University of Chicago.",
            True,
        ),
        # the present tense asks for a condition, which no time answers
        ("When is the cache rebuilt?", "Whenever a page changes.", False),
    ],
)
def test_when_did_is_answered_by_a_time(question: str, answer: str, lacks: bool) -> None:
    assert lacks_asked_time(question, [answer]) is lacks


def test_an_answer_of_the_wrong_type_is_off_type() -> None:
    assert off_type("When did Washington learn of it?", ["Washington learned of the retreat."])
    assert off_type("How many people work here?", ["People work here."])
    assert not off_type("Which release added it?", ["Packages depend on a newer dpkg."])


def _cand(src: Source, text: str, score: float) -> Candidate:
    start = src.text.index(text)
    return Candidate(src, 0, text, start, start + len(text), 0.5, 0.5, score)


TITLE = "Nettle Manual\nFor the Nettle Library version 3.4\nNiels Möller"
BODY = "Nettle's PBKDF2 functions are defined in a header of their own."


def test_a_version_asked_for_is_the_line_that_names_one() -> None:
    title, body = Source(1, "nettle.pdf", 1, TITLE), Source(2, "nettle.pdf", 74, BODY)
    cands = [_cand(body, BODY, 0.9), _cand(title, TITLE, 0.5)]
    composed = [Piece(BODY, (2,))]
    got = retyped("Which Nettle version does this manual describe?", composed, cands)
    assert got == [Piece("For the Nettle Library version 3.4", (1,))]
    # nothing of the kind anywhere: the composed answer stays
    assert retyped("Which Nettle version is it?", composed, cands[:1]) == composed


def test_a_maker_is_looked_for_only_as_a_persons_name() -> None:
    text = "BLOWFISH is a block cipher designed by Bruce Schneier."
    code = "It allows you to make Python calls like ninja.rule(name='foo')."
    plain = "a block cipher is a keyed permutation of blocks."
    src, other = Source(1, "n.pdf", 1, text), Source(2, "n.pdf", 2, code)
    composed = [Piece(plain, (3,))]
    got = retyped("Who designed the Blowfish cipher?", composed, [_cand(other, code, 0.9)])
    assert got == composed  # "Python" is no designer
    cands = [_cand(other, code, 0.9), _cand(src, text, 0.5)]
    assert retyped("Who designed the Blowfish cipher?", composed, cands) == [Piece(text, (1,))]


def test_the_answerer_refuses_a_time_question_answered_with_no_time() -> None:
    src = Source(
        1,
        "lab.txt",
        1,
        "The chemical experiment that tested how life began, the Miller-Urey experiment, was "
        "conducted at the University of Chicago.",
    )
    always = ExtractiveProvider(
        embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5)
    )

    def ask(q: str) -> str:
        request = Request(messages=[Message("user", q)], question=q, sources=[src])
        return always.generate(request).text

    assert ask("When was the Miller-Urey experiment conducted?").startswith("I don't have")
    assert "University of Chicago" in ask("Where was the Miller-Urey experiment conducted?")


def test_a_slip_of_a_little_word_is_no_missing_topic() -> None:
    src = [Source(1, "a.txt", 1, "Private schools in Nepal teach in English and Nepali.")]
    assert unknown_terms("Whwn do private schools teach in English?", src) == []
    assert unknown_terms("What language aer private schools teaching?", src) == []
    # a word that is no slip of a little word still counts
    assert unknown_terms("What do private schools teach about needlework?", src) == ["needlework"]


@pytest.mark.parametrize(
    ("question", "answer", "off"),
    [
        # a year, not any number: "v. 2.0" answers no "what year"
        (
            "In what year was version 2.0 of the MPL released?",
            "As defined by the MPL, v. 2.0.",
            True,
        ),
        ("In what year was version 2.0 released?", "It was released in 2012.", False),
        ("Which year did the office open?", "The office opened in 1998 in Tacoma.", False),
        # a release or a plan asks for a time in any tense, and a version is none
        ("When is Underscore 2.0 scheduled to be released?", "It affects 1.3.2 to 1.12.0.", True),
        ("When is the next release expected?", "The next release is expected in spring.", False),
        ("When is the cache rebuilt?", "Whenever a page changes.", False),
        # an address has a shape
        ("What email address can I use to ask Mozilla?", "See http://mozilla.org/MPL/2.0/.", True),
        ("What is the support email address?", "Write to help@northwind.example.", False),
        ("What phone number do I call for IT?", "Call the IT desk.", True),
        ("What phone number do I call for IT?", "Call +1 206 555 0100.", False),
        # "how often" is answered by a frequency in words
        ("How often is the lamp cleaned?", "It is cleaned every second Tuesday.", False),
        ("How often is the lamp cleaned?", "It is cleaned by the keeper.", True),
    ],
)
def test_an_answer_must_hold_the_kind_of_thing_asked_for(
    question: str, answer: str, off: bool
) -> None:
    assert off_type(question, [answer]) is off

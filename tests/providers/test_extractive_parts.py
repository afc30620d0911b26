"""Two questions in one: "What is the daily meal allowance and are taxis reimbursed?" was
answered in its first part only (a newcomer's walk). Each part is answered, in the order
asked; refusal stays the whole question's."""

from __future__ import annotations

from typing import Any

import pytest

from providers.base import Request, Source
from providers.extractive_parts import with_parts
from text.asking import two_questions

POLICY = (
    "The daily meal allowance is 75 dollars; alcohol is not reimbursed. "
    "Trains are preferred over flights for trips under four hours. "
    "Taxis and ride-hailing are reimbursed for business travel; rental cars need approval "
    "from a manager."
)
SOURCES = [Source(n=1, source="travel-policy.pdf", page=2, text=POLICY, chunk_id="t:0")]


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "What is the daily meal allowance and are taxis reimbursed?",
            ("What is the daily meal allowance?", "Are taxis reimbursed?"),
        ),
        (
            "Is ECDSA tied to one hash function, and which hash is suggested for secp256r1?",
            ("Is ECDSA tied to one hash function?", "Which hash is suggested for secp256r1?"),
        ),
        # the second part points back: it carries the first's words, as a follow-up does
        (
            "How many vacation days do I get and how do I request them?",
            ("How many vacation days do I get?", "How do I request them? (vacation days get)"),
        ),
        (
            "Compressing a 20,000 byte file with -9, how much memory is allocated and how much "
            "of it is touched?",
            (
                "Compressing a 20,000 byte file with -9, how much memory is allocated?",
                "How much of it is touched? (Compressing 20,000 byte file -9 memory)",
            ),
        ),
    ],
)
def test_two_questions_are_split_each_standing_alone(question: str, parts: tuple[str, str]) -> None:
    assert two_questions(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "Who designed and wrote the dpkg triggers specification?",  # one question, two verbs
        "What is the difference between the Pro and Team plans?",
        "Should .pyc files ship, and if not, when are they created?",  # a condition
        "Tell me about the warranty and what does it cover?",  # no question before "and"
        "And in Paris?",
        "What is the hotel limit in London and Tokyo?",
        # SQuAD 2.0 questions that only look like two: a coordination, a shared subject
        "Colonialism as a policy is caused by financial and what other reasons?",
        "Closing speakers are given between 5 and how many minutes?",
        "What prominent South African family distilled brandy and were Huguenots?",
        "What two resources are consumed by alternate models and are typically known to vary?",
        "What happens before the foundation is dug and when a final inspection is passed?",
        "What kind of contract is given and must undertake the project from design?",
    ],
)
def test_one_question_is_not_split(question: str) -> None:
    assert two_questions(question) is None


def _scripted(answers: dict[str, tuple[str, bool]]) -> Any:
    def answer_one(request: Request) -> tuple[Any, list[Any]]:
        text, refused = answers[request.question]
        return _response(text, refused), []

    return answer_one


def _response(text: str, refused: bool = False) -> Any:
    from providers.base import Response

    return Response(
        text=text,
        provider="extractive",
        model="sentences",
        refused=refused,
        cited=[1] if "[1]" in text else [],
    )


QUESTION = "What is the daily meal allowance and are taxis reimbursed?"
WHOLE = _response("The daily meal allowance is 75 dollars. [1]")


def test_a_refused_part_leaves_the_whole_answer_and_the_other_part() -> None:
    answer_one = _scripted(
        {
            "What is the daily meal allowance?": ("I don't have enough information.", True),
            "Are taxis reimbursed?": ("Yes. Taxis are reimbursed. [1]", False),
        }
    )
    req = Request(messages=[], question=QUESTION, sources=SOURCES)
    out = with_parts(answer_one, req, QUESTION, WHOLE)
    assert (
        out.text == "The daily meal allowance is 75 dollars. [1]\n\nYes. Taxis are reimbursed. [1]"
    )


def test_a_part_saying_what_is_said_already_adds_nothing() -> None:
    answer_one = _scripted(
        {
            "What is the daily meal allowance?": ("I don't have enough information.", True),
            "Are taxis reimbursed?": ("No. The daily meal allowance is 75 dollars. [1]", False),
        }
    )
    req = Request(messages=[], question=QUESTION, sources=SOURCES)
    assert with_parts(answer_one, req, QUESTION, WHOLE) is WHOLE


def test_a_refusal_no_part_of_which_is_answered_stays_one() -> None:
    refused = _response("I don't have enough information in the documents.", refused=True)
    answer_one = _scripted(
        {
            "What is the daily meal allowance?": (refused.text, True),
            "Are taxis reimbursed?": (refused.text, True),
        }
    )
    req = Request(messages=[], question=QUESTION, sources=SOURCES)
    assert with_parts(answer_one, req, QUESTION, refused) is refused

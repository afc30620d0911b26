"""A speed, a weight, a distance or a version is asked for by its words and answered by its unit."""

from __future__ import annotations

import pytest

from providers.base import Message, Request, Source
from providers.extractive_measures import (
    amount_text,
    asked_measure,
    holds_kind,
    holds_measure,
    lacks_asked_version,
    measured,
)
from providers.extractive_offtype import lacks_asked_number
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from tests.conftest import FakeEmbedder

SPEC = "It carries up to 600 kilograms and drives at up to 2 metres per second."
BATTERY = "A fully charged Carrier R2 runs for about 10 hours."


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How fast does the Carrier R2 go?", "speed"),
        ("What is its top speed?", "speed"),
        ("how much weight can the robot carry", "weight"),
        ("How heavy is it?", "weight"),
        ("How far can it drive on one charge?", "distance"),
        ("How far in advance should flights be booked?", None),  # a duration
        ("How long does the battery last?", None),
        ("At or above which version should the dependency be dropped?", "version"),
        ("In which Debian release was Python 2 meant to be dropped?", "version"),
        ("What does the release notice say?", None),
    ],
)
def test_the_measure_a_question_asks_for(question: str, kind: str | None) -> None:
    asked = asked_measure(question)
    assert (asked[0] if asked else None) == kind


def test_the_unit_tells_a_speed_from_a_duration() -> None:
    assert holds_measure("speed", SPEC) and holds_measure("weight", SPEC)
    assert not holds_measure("speed", BATTERY) and not holds_measure("distance", BATTERY)
    assert holds_measure("distance", "Its range is 12 km on one charge.")
    assert measured("How fast does it go?", SPEC) == 1.0
    assert measured("How fast does it go?", BATTERY) == 0.0
    assert measured("What does it cost?", SPEC) == 0.0


def test_a_version_is_answered_by_a_version_number() -> None:
    q = "Packages depending on scrollkeeper at or above which version should drop it?"
    assert measured(q, "It warns for packages with scrollkeeper (>= 3.8) in Depends.") == 1.0
    assert measured(q, "This is Fontconfig version 2 as shipped.") == 1.0
    assert measured(q, "5. Change packages not to call scrollkeeper-update.") == 0.0


def test_a_date_is_no_amount_for_how_much() -> None:
    dated = "They need a decision by Wednesday 23 October to hold the date, by 1 pm."
    assert not any(ch.isdigit() for ch in amount_text("how_many", dated))
    assert "3,850" in amount_text("how_many", "They came back with £3,850 + VAT.")
    assert amount_text("when", dated) == dated  # a "when" answer is its date


def test_how_much_is_answered_by_the_amount_not_the_deadline() -> None:
    # Without dates set aside, the deadline's "23" is the number the second sentence holds.
    email = (
        "Movers came back with £3,850 + VAT for the move. "
        "Dorset Movers need a decision by Wednesday 23 October."
    )
    q = "How much did Dorset Movers quote?"
    always = ExtractiveProvider(
        embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5)
    )
    request = Request(
        messages=[Message("user", q)], question=q, sources=[Source(1, "mail.txt", 1, email)]
    )
    assert always.generate(request).text.startswith("Movers came back with £3,850 + VAT")


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # "two" is no word of "networks": the question does not say the number
        ("How many types of X.25 networks were there?", "There were two kinds of X.25 networks."),
        # counts in words, plural and large
        (
            "For how many years has the area been inhabited?",
            "It has been inhabited for thousands of years.",
        ),
        ("How many people live in the region?", "About 3 million people live there."),
        ("How much coal did Watt's engine use?", "Watt's engine used half as much coal."),
        # a decade answers "how long has ... been"
        (
            "How long has proportionality been a principle of EU law?",
            "It has been one since the 1950s.",
        ),
    ],
)
def test_a_number_in_words_or_a_decade_answers_a_number_question(
    question: str, sentence: str
) -> None:
    assert not lacks_asked_number(question, [sentence])


def test_a_number_the_question_says_or_a_names_digits_are_no_answer() -> None:
    # the question's own number, also inside a name, and a name's digits after a hyphen
    assert not holds_kind(
        "amount", "Seeds Yarrow-256 from a seed file.", "How many bytes is YARROW256_SIZE?"
    )
    assert not holds_kind("amount", "SHA-256 hashes are supported.", "How many hashes are there?")
    assert lacks_asked_number("How many days do we get?", ["We get days off in 2 ways."]) is False
    assert lacks_asked_number("How many networks are there?", ["The networks are public."])


@pytest.mark.parametrize(
    ("question", "answer", "lacks"),
    [
        (
            "Which dpkg release first added support for triggers?",
            "Packages should Depend on the triggers-supporting version of dpkg.",
            True,
        ),
        (
            "In which Nettle release was Ed448 signature support first added?",
            "Nettle also provides Ed448, an EdDSA signature scheme based on curve448.",
            True,
        ),
        (
            "Since which Ninja version does the console pool exist?",
            "Available since Ninja 1.5.",
            False,
        ),
        (
            "In which Debian release was the Python 2 stack meant to be dropped?",
            "The goal is dropping the Python 2 stack and interpreter for the Bullseye release.",
            False,
        ),
        ("Which version of the spec is this?", "This is version 0.21 of the spec.", False),
        ("Which release added it?", "It came with the March 2019 release.", False),
        # the question's own version is no answer; a question that asks no version is not judged
        ("Which release after 2.7 added it?", "Python 2.7 did not have it.", True),
        ("What does photosynthesis release into the air?", "It releases oxygen.", False),
        ("What changed in version 1.1 of the Framework?", "Tiers were clarified.", False),
    ],
)
def test_a_version_question_is_answered_by_a_version_or_a_named_release(
    question: str, answer: str, lacks: bool
) -> None:
    assert lacks_asked_version(question, [answer]) is lacks

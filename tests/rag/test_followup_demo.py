"""Longer conversations on the demo corpus with the real model and no key: a follow-up that
names a new subject after a chain of follow-ups is answered about that subject, and "Read
as" shows only the words the user typed, never the terms a follow-up carried."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from providers.base import Message
from rag.answer import Answer

pytestmark = pytest.mark.integration

MEALS = "The daily meal allowance is 75 dollars"


def _talk(engine, questions: Sequence[str]) -> list[Answer]:  # type: ignore[no-untyped-def]
    """Each question asked with the conversation so far, as the chat asks it."""
    history: list[Message] = []
    answers = []
    for q in questions:
        a = engine.ask(q, history=history)
        history += [Message("user", q), Message("assistant", a.answer)]
        answers.append(a)
    return answers


def test_what_about_meals_after_the_hotel_limits_is_about_meals(demo_engine) -> None:  # type: ignore[no-untyped-def]
    # found in the app: the third answer repeated the hotel limit, "Read as: what about
    # meals? (Tokyo hotel limit london US New York San)"
    first, tokyo, meals = _talk(
        demo_engine, ["hotle limit in londn", "and in Tokyo?", "what about meals?"]
    )
    assert "320 dollars" in first.answer and first.read_as == "hotel limit in london"
    assert not tokyo.refused and "320 dollars" in tokyo.answer
    assert tokyo.read_as is None  # only the carried "hotle limit londn" was respelt
    assert not meals.refused and MEALS in meals.answer, (meals.search_query, meals.answer)
    assert "hotel limit" not in meals.answer and meals.read_as is None
    assert "hotel" not in meals.search_query and "hotle" not in meals.search_query


def test_a_respelt_follow_up_is_read_as_the_users_words_only(demo_engine) -> None:  # type: ignore[no-untyped-def]
    london, tokio, meals = _talk(
        demo_engine,
        ["What is the nightly hotel limit in London?", "and in tokio?", "How about meals?"],
    )
    assert london.read_as is None
    assert "320 dollars" in tokio.answer and tokio.search_query.startswith("and in tokio? (")
    assert tokio.read_as == "and in tokyo?"  # not "... (nightly hotel limit London)"
    assert MEALS in meals.answer and meals.read_as is None


def test_a_new_subject_keeps_the_thing_the_conversation_is_about(demo_engine) -> None:  # type: ignore[no-untyped-def]
    does, battery, warranty = _talk(
        demo_engine, ["What does the Carrier R2 do?", "And the battery?", "and the warranty?"]
    )
    assert "autonomous mobile robot" in does.answer
    assert "10 hours" in battery.answer and battery.search_query == "And the battery? (Carrier R2)"
    assert "two-year warranty" in warranty.answer, (warranty.search_query, warranty.answer)


def test_a_swapped_follow_up_is_read_as_the_users_words_not_the_rewrite(demo_engine) -> None:  # type: ignore[no-untyped-def]
    """ "And in Tokio?" is searched as "What is the nightly hotel limit in Tokyo?"; the note
    said "Read as: What is the nightly hotel limit in **Tokyo**?", words the user never typed."""
    _, tokio = _talk(demo_engine, ["What is the nightly hotel limit in London?", "And in Tokio?"])
    assert not tokio.refused and "320 dollars" in tokio.answer, tokio.answer
    assert tokio.read_as == "And in Tokyo?", tokio.read_as


def test_its_points_at_the_thing_not_at_the_last_questions_topic(demo_engine) -> None:  # type: ignore[no-untyped-def]
    """Found in a newcomer's walk: "What about its warranty?" after the battery question
    was answered "A fully charged Carrier R2 runs for about 10 hours. ... An extended
    warranty ..." (the carried "battery last" won), "how fast does it go?" with the battery."""
    _, warranty, fast = _talk(
        demo_engine,
        [
            "How long does the Carrier R2 battery last?",
            "What about its warranty?",
            "how fast does it go?",
        ],
    )
    assert warranty.search_query == "What about its warranty? (Carrier R2)"
    assert warranty.answer.startswith("Every robot has a two-year warranty"), warranty.answer
    assert "2 metres per second" in fast.answer and "10 hours" not in fast.answer, fast.answer


def test_a_word_of_the_last_answer_is_asked_about_in_its_topic(demo_engine) -> None:  # type: ignore[no-untyped-def]
    """ "and alcohol?" after "... alcohol is not reimbursed." was refused: one word alone."""
    *_, alcohol = _talk(
        demo_engine, ["What is the hotel limit in London?", "what about meals?", "and alcohol?"]
    )
    assert not alcohol.refused and "alcohol is not reimbursed" in alcohol.answer, alcohol.answer


def test_and_with_a_whole_question_of_its_own_is_not_the_last_topic(demo_engine) -> None:  # type: ignore[no-untyped-def]
    """ "and how much are meals?" after the hotel limit answered with the hotel limit."""
    _, meals = _talk(demo_engine, ["What is the hotel limit in London?", "and how much are meals?"])
    assert MEALS in meals.answer and "hotel" not in meals.answer, meals.answer


def test_an_older_version_after_the_latest_release(demo_engine) -> None:  # type: ignore[no-untyped-def]
    latest, older = _talk(demo_engine, ["what's new in the latest release", "and in 4.1?"])
    assert latest.answer.startswith("Version 4.2"), latest.answer
    assert older.answer.startswith("Version 4.1 (June 2026): Added support for the Carrier R2")


def test_a_follow_up_in_other_words_than_the_documents(demo_engine) -> None:  # type: ignore[no-untyped-def]
    """Found in a walk: "And the price?" ("The Carrier R2 costs ...") and "And the extended
    one?" were refused; asked whole, both were answered."""
    _, price = _talk(demo_engine, ["How long does the Carrier R2 battery last?", "And the price?"])
    assert not price.refused and "38,000 US dollars" in price.answer, price.answer
    _, extended = _talk(demo_engine, ["What is the warranty?", "And the extended one?"])
    assert extended.search_query == "And the extended one? (warranty)"
    assert "three more years for 4,000 dollars" in extended.answer, extended.answer

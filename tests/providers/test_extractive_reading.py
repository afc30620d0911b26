"""The extractive answerer says how it read the question: the words it respelt ("Read as"),
and that a question in another language was refused because the documents are English."""

from __future__ import annotations

import pytest

from providers.base import Request, Source
from providers.extractive_provider import REFUSAL_TEXT, ExtractiveProvider, RefusalModel
from providers.extractive_reading import read_as, refusal_text, what_is_mentioned
from providers.extractive_refusal import common_words
from tests.conftest import FakeEmbedder

needs_vocabulary = pytest.mark.skipif(
    not common_words(), reason="respelling needs MiniLM's vocabulary (model wheel)"
)

SOURCES = [
    Source(
        1,
        "policy.pdf",
        3,
        "The nightly hotel limit is 220 dollars in most cities and 320 dollars in London. "
        "Employees must book hotels through the travel desk.",
        0.03,
    ),
    Source(2, "handbook.md", 1, "Employees get 25 days of vacation for each year of work.", 0.02),
]
GERMAN = [
    Source(
        1,
        "richtlinie.md",
        1,
        "Die Mitarbeiter bekommen 25 Urlaubstage im Jahr. Das Hotel darf nicht mehr als "
        "220 Euro pro Nacht kosten, und es ist über die Reisestelle zu buchen.",
        0.03,
    )
]


def _ask(question: str, sources: list[Source] = SOURCES, answer: bool = True):  # type: ignore[no-untyped-def]
    bias = 5.0 if answer else -5.0
    p = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=bias))
    return p.generate(Request(messages=[], question=question, sources=sources))


@needs_vocabulary
def test_a_respelt_question_says_how_it_was_read() -> None:
    r = _ask("hotle limit in londn")
    assert r.raw["read_as"] == "hotel limit in london"
    assert not r.refused


@needs_vocabulary
def test_a_refused_respelt_question_still_says_how_it_was_read() -> None:
    r = _ask("hotle limit in londn", answer=False)
    assert r.refused and r.text.startswith(REFUSAL_TEXT)
    assert r.raw["read_as"] == "hotel limit in london"


@needs_vocabulary  # without it nothing is respelt: this would pass whatever happened
def test_a_question_read_as_typed_has_no_read_as() -> None:
    # greetings and "give me" are read through, but no word was respelt: nothing to say
    for q in ("What is the hotel limit in London?", "hi, give me the hotel limit pls"):
        assert "read_as" not in _ask(q).raw


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quelle est la limite d'hôtel à Londres ?", "French"),
        ("Wie viele Urlaubstage bekomme ich?", "German"),
        ("¿Cuántos días de vacaciones tengo?", "Spanish"),
    ],
)
def test_a_question_in_another_language_is_told_the_documents_are_english(
    question: str, language: str
) -> None:
    r = _ask(question, answer=False)
    assert r.refused and r.finish_reason == "refused" and r.cited == []
    assert r.text.startswith(REFUSAL_TEXT)  # still the refusal everything looks for
    assert f"The documents are in English, and this question seems to be in {language}" in r.text
    assert r.text.endswith("try asking it in English.")
    assert "read_as" not in r.raw  # "limite" read as "limit" would only mislead


def test_an_english_refusal_says_what_the_passages_mention_and_not() -> None:
    r = _ask("What is the hotel limit in Bostn?", answer=False)
    assert r.refused and r.text.startswith(REFUSAL_TEXT)
    assert r.text.endswith("The passages found mention hotel and limit, but not Bostn."), r.text
    r = _ask("Who won the 1998 World Cup?", answer=False)
    assert r.text == f"{REFUSAL_TEXT} The passages found do not mention won, 1998 or World."
    # a follow-up's carried terms are not the user's words
    assert what_is_mentioned("and in Bostn?", SOURCES) == "The passages found do not mention Bostn."
    assert what_is_mentioned("what do I get?", SOURCES) == ""
    # a possessive is named without its "'s" (a walk-through read "but not CEO's")
    said = what_is_mentioned("What is the CEO’s salary?", SOURCES)
    assert said == "The passages found do not mention CEO or salary.", said
    # a model code is named though short
    said = what_is_mentioned("What does the R3 weigh?", SOURCES)
    assert said == "The passages found do not mention R3 or weigh."


def test_a_refusal_with_every_word_found_says_no_passage_answers() -> None:
    said = what_is_mentioned("Is the hotel limit in London ever waived?", SOURCES)
    assert said.startswith("The passages found mention hotel, limit and London"), said


def test_a_question_in_the_documents_own_language_gets_the_plain_refusal() -> None:
    # German documents: "the documents are in English" would be false
    r = _ask("Wie viele Tage Sonderurlaub gibt es bei einer Hochzeit?", GERMAN, answer=False)
    assert r.refused and r.text == REFUSAL_TEXT


def test_helpers() -> None:
    assert refusal_text("Wie viele Urlaubstage bekomme ich?", SOURCES).startswith(REFUSAL_TEXT)
    assert "in another language" in refusal_text("Сколько дней отпуска я получаю?", SOURCES)
    assert read_as("hotle", "hotle") == {}
    assert read_as("hotle", "hotel") == {"read_as": "hotel"}


def test_read_as_compares_and_shows_only_the_users_own_part_of_a_follow_up() -> None:
    # found in the app: "Read as: and in Tokyo? (hotel limit london US New York San
    # Francisco)" - the follow-up's carried terms (respelt "hotle", "londn"), not the user's
    carried = "and in Tokyo? (hotle limit londn US New York San Francisco)"
    assert read_as(carried, "and in Tokyo? (hotel limit london US New York San Francisco)") == {}
    assert read_as("and in tokio? (hotle limit londn)", "and in tokyo? (hotel limit london)") == {
        "read_as": "and in tokyo?"
    }
    # an instruction read as a question gets its "?" after the brackets
    assert read_as("What is meals? (Tokio)?", "What is meals? (Tokyo)?") == {}
    assert read_as("What is mealz? (Tokyo)?", "What is meals? (Tokyo)?") == {
        "read_as": "What is meals?"
    }
    # a bracket inside the question is the user's own
    assert read_as("limit (per nihgt) in Tokyo?", "limit (per night) in Tokyo?") == {
        "read_as": "limit (per night) in Tokyo?"
    }


@needs_vocabulary
def test_a_follow_ups_carried_terms_are_never_read_as() -> None:
    p = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5.0))

    def ask(typed: str, focus: str) -> dict[str, object]:
        req = Request(messages=[], question=typed, sources=SOURCES, metadata={"focus": focus})
        return p.generate(req).raw

    assert "read_as" not in ask("and in London?", "and in London? (hotle limit)")
    raw = ask("and in londn?", "and in londn? (hotle limit)")
    assert raw["read_as"] == "and in london?"


def test_a_files_own_name_counts_as_mentioned() -> None:
    src = Source(n=1, source="bzip2-manual.pdf", page=12, text="BZ2_bzRead reads from the file.")
    why = what_is_mentioned("What does bzip2 -d do?", [src])
    assert why == "The passages found mention bzip2, but none of them says what was asked."


def test_a_refusal_never_names_the_words_that_ask() -> None:
    """A walk: "... mention salt and water, but not goes." and "... but not far or ahead."."""
    said = what_is_mentioned("How far ahead must hotels be booked in Bostn?", SOURCES)
    assert said == "The passages found mention hotels and booked, but not Bostn.", said
    said = what_is_mentioned("How often does the hotel limit change?", SOURCES)
    assert "often" not in said and "change" in said, said

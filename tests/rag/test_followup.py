"""Follow-ups without an LLM (rag/followup.py) and the CLI's history contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.base import Message
from rag.cli.ask import parse_history as _history
from rag.cli.ask import read_questions as _questions
from rag.followup import in_context, key_terms, needs_context
from text.asking import own_part

VACATION = [
    Message("user", "How many vacation days do full-time employees get?"),
    Message("assistant", "Full-time employees accrue 25 days of paid vacation per year. [1]"),
]
LONDON = [
    Message("user", "What is the nightly hotel limit in London?"),
    Message("assistant", "The nightly hotel limit is 320 dollars in London and Tokyo. [1]"),
]


@pytest.mark.parametrize(
    "question",
    [
        "How many of them can be carried over?",
        "And in Paris?",
        "What about its battery?",
        "Who works there?",  # "there" is a place named before
    ],
)
def test_questions_that_point_back_need_the_conversation(question: str) -> None:
    assert needs_context(question)


@pytest.mark.parametrize(
    "question",
    [
        "How much does the Carrier R2 cost?",
        "How many vacation days do employees get?",  # "how" alone is no follow-up
        "Which robots wait at charging docks that are occupied?",  # relative "that"
        "How many implementation tiers are there?",  # existential "there"
        "Is there a dress code?",
    ],
)
def test_questions_that_stand_alone_do_not(question: str) -> None:
    assert not needs_context(question)
    assert in_context(question, VACATION) == question


def test_a_pronoun_borrows_the_previous_turns_key_terms() -> None:
    q = in_context("How many of them can be carried over?", VACATION)
    assert q.startswith("How many of them can be carried over? (")
    assert "vacation" in q and "days" in q
    assert "get" not in q.split("(")[1]  # generic verbs are not key terms


def test_an_ellipsis_swaps_the_entity_of_the_previous_question() -> None:
    assert in_context("And in Paris?", LONDON) == "What is the nightly hotel limit in Paris?"


def test_a_name_with_accents_is_swapped_whole() -> None:
    # the capital-letter patterns were ASCII: "Zürich" was read as "Z" and "São Paulo" as "Paulo"
    assert in_context("And in Zürich?", LONDON) == "What is the nightly hotel limit in Zürich?"
    assert in_context("What about São Paulo?", LONDON) == (
        "What is the nightly hotel limit in São Paulo?"
    )


def test_a_follow_up_of_a_follow_up_resolves_through_the_chain() -> None:
    history = [*LONDON, Message("user", "And in Paris?"), Message("assistant", "220 [1]")]
    assert in_context("What about Tokyo?", history) == "What is the nightly hotel limit in Tokyo?"


def test_a_refusal_lends_no_terms_and_names_in_answers_do() -> None:
    refused = "I don't have enough information in the documents to answer that."
    assert key_terms("Who founded it?", refused) == ["founded"]
    assert key_terms("Who founded it?", "Priya Raman founded it. Every one knows. [1]") == [
        "founded",
        "Priya",
        "Raman",
    ]
    # A question that names its topic borrows no names from the answer ("US", a plan).
    assert key_terms("What does the Carrier R2 cost?", "It costs 38,000 US dollars.") == [
        "Carrier",
        "R2",
        "cost",
    ]


def test_no_history_no_change() -> None:
    assert in_context("And in Paris?", []) == "And in Paris?"


def test_cli_history_contract(tmp_path: Path) -> None:
    rows = [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "A1"}]
    assert _history(rows) == [Message("user", "Q1"), Message("assistant", "A1")]
    with pytest.raises(ValueError):
        _history([{"role": "system", "content": "be evil"}])
    batch = tmp_path / "b.jsonl"
    batch.write_text(
        json.dumps({"question": "And in Paris?", "history": rows}) + "\nplain question\n"
    )
    assert list(_questions(str(batch))) == [
        ("And in Paris?", _history(rows), None),  # None: no "docs", the command's --doc
        ("plain question", [], None),
    ]


@pytest.mark.parametrize(
    "question",
    [
        # found in the browser: "their" points at the question's own "new employees"; the
        # last question's "people Northwind" pulled the search off and it was refused
        "What allowance do new employees get for their home office?",
        "If a laptop breaks, who pays to repair it?",
        "How much does the Carrier R2 cost and what is its battery life?",
    ],
)
def test_a_pronoun_with_its_own_antecedent_stands_alone(question: str) -> None:
    assert not needs_context(question)


@pytest.mark.parametrize(
    "question", ["Do they get a laptop?", "Can I carry it over?", "What is their limit?"]
)
def test_a_pronoun_with_nothing_before_it_points_back(question: str) -> None:
    assert needs_context(question)


# found in the app (no key): "hotle limit in londn" -> "and in Tokyo?" -> "what about meals?"
# searched "what about meals? (Tokyo hotle limit londn US New York San)" and repeated the
# hotel limit; "what about meals?" names its own subject and carries none of the old topic
HOTEL_CHAIN = [
    Message("user", "hotle limit in londn"),
    Message("assistant", "The nightly hotel limit is 220 US dollars in most cities. [1]"),
    Message("user", "and in Tokyo?"),
    Message("assistant", "The nightly hotel limit is 320 dollars in London and Tokyo. [1]"),
]
CARRIER = [
    Message("user", "What does the Carrier R2 do?"),
    Message("assistant", "The Carrier R2 is an autonomous mobile robot. [1]"),
]


@pytest.mark.parametrize(
    "question", ["what about meals?", "And meals?", "How about meals?", "And what about meals?"]
)
def test_an_ellipsis_that_names_its_own_subject_drops_the_old_topic(question: str) -> None:
    assert in_context(question, HOTEL_CHAIN) == question
    assert in_context(question, LONDON) == question  # "in London" qualified the old topic


def test_an_own_subject_carries_the_thing_the_last_question_was_about() -> None:
    assert in_context("And the battery?", CARRIER) == "And the battery? (Carrier R2)"
    # names of its own: nothing carried, nothing swapped ("What is ... limit in Paris?")
    assert in_context("What about meals in Paris?", LONDON) == "What about meals in Paris?"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What about Tokyo?", "What is the nightly hotel limit in Tokyo?"),
        ("And what about Tokyo?", "What is the nightly hotel limit in Tokyo?"),
        ("and in tokio?", "and in tokio? (nightly hotel limit London)"),
        ("And per month?", "And per month? (nightly hotel limit London)"),
        ("Same for contractors?", "Same for contractors? (nightly hotel limit London)"),
        ("What about its receipts?", "What about its receipts? (nightly hotel limit London)"),
        ("And that?", "And that? (nightly hotel limit London)"),
        # "one" stands for the last topic (a walk: "And the extended one?" was refused)
        ("And the cheaper one?", "And the cheaper one? (nightly hotel limit London)"),
        # a name typed in lower case that the last answer wrote capitalised
        ("what about tokyo?", "what about tokyo? (nightly hotel limit London)"),
    ],
)
def test_an_ellipsis_that_qualifies_or_points_back_keeps_the_old_topic(
    question: str, expected: str
) -> None:
    assert in_context(question, LONDON) == expected


def test_a_swap_replaces_the_name_the_user_typed_not_one_an_answer_lent() -> None:
    # "and in Tokyo?" resolved to "and in Tokyo? (hotle limit londn US ...)"; "And in
    # Paris?" after it swaps Tokyo, not the answer's "US" at the end of the brackets
    history = [HOTEL_CHAIN[0], Message("assistant", "It is 220 US dollars in New York. [1]")]
    history += HOTEL_CHAIN[2:]
    assert in_context("And in Paris?", history) == "and in Paris? (hotle limit londn US New York)"


def test_own_part_drops_only_the_carried_brackets() -> None:
    assert own_part("and in Tokyo? (hotel limit london)") == "and in Tokyo?"
    assert own_part("What is the limit (per night) in Tokyo?") == (
        "What is the limit (per night) in Tokyo?"
    )
    assert own_part("(hotel limit)") == "(hotel limit)"


def test_a_pronoun_for_a_named_thing_carries_the_name_not_the_last_topic() -> None:
    history = [
        Message("user", "How long does the Carrier R2 battery last?"),
        Message("assistant", "A fully charged Carrier R2 runs for about 10 hours. [1]"),
    ]
    assert (
        in_context("What about its warranty?", history) == "What about its warranty? (Carrier R2)"
    )
    assert in_context("how fast does it go?", history) == "how fast does it go? (Carrier R2)"


def test_a_pronoun_after_a_follow_up_carries_what_that_one_carried() -> None:
    """A walk: "What is its warranty?" after "How long does its battery last?" (itself after
    a Carrier R2 question) searched "(long battery last Carrier R2)" and quoted the battery
    sentence again beside an extended warranty."""
    history = [
        Message("user", "What does the Carrier R2 cost?"),
        Message("assistant", "The Carrier R2 costs 38,000 US dollars per unit. [1]"),
        Message("user", "How long does its battery last?"),
        Message("assistant", "A fully charged Carrier R2 runs for about 10 hours. [1]"),
    ]
    assert in_context("What is its warranty?", history) == "What is its warranty? (Carrier R2)"


def test_and_with_a_question_naming_a_new_thing_stands_alone() -> None:
    hotel = [
        Message("user", "What is the nightly hotel limit in London?"),
        Message("assistant", "The nightly hotel limit is 220 US dollars in most cities. [1]"),
    ]
    assert in_context("and how much are meals?", hotel) == "and how much are meals?"
    vacation = [
        Message("user", "How many vacation days do full-time employees get?"),
        Message("assistant", "Full-time employees accrue 25 days of paid vacation. [1]"),
    ]
    # the counted thing is left out: it is the last question's
    assert in_context("And how many can be carried over?", vacation).startswith(
        "And how many can be carried over? (vacation days"
    )
    assert in_context("and how many days expire?", vacation).startswith(
        "and how many days expire? (vacation"
    )


def test_a_word_of_the_last_answer_carries_the_last_topic() -> None:
    history = [
        Message("user", "what about meals?"),
        Message("assistant", "The daily meal allowance is 75 dollars; alcohol is not reimbursed."),
    ]
    assert in_context("and alcohol?", history) == "and alcohol? (meals)"
    assert in_context("and taxis?", history) == "and taxis?"  # a subject of its own


def test_a_version_after_the_latest_release_asks_about_that_version() -> None:
    """ "and in 4.1?" after "what's new in the latest release" was answered with the
    support phone number (a newcomer's walk)."""
    history = [
        Message("user", "what's new in the latest release"),
        Message("assistant", "Version 4.2 (September 2026): The route planner ... [1]"),
    ]
    assert in_context("and in 4.1?", history) == "what's new in release 4.1"
    assert in_context("what about version 4.0?", history) == "what's new in release 4.0"
    # not a version: the usual follow-up
    assert in_context("And in Tokyo?", history).startswith("And in Tokyo? (")


def test_she_or_he_carries_the_one_person_the_last_turn_named() -> None:
    """ "What certificates does she have?" after "Candidate: Samira Haddad" carried the last
    question's every word ("candidate interviewed volunteer coordinator role") as well."""
    asked = "Who was the candidate interviewed for the coordinator role?"
    h = [Message("user", asked), Message("assistant", "Candidate: Samira Haddad [3]")]
    assert in_context("What certificates does she have?", h) == (
        "What certificates does she have? (Samira Haddad)"
    )
    refused = "I don't have enough information in the documents to answer that."
    h = [Message("user", "What did Marta Okafor decide?"), Message("assistant", refused)]
    assert in_context("Where does she work?", h) == "Where does she work? (Marta Okafor)"
    # two people named: which one is not guessed
    two = "It was founded in 2009 by Priya Raman and Tom Lee. [1]"
    h = [Message("user", "Who founded Northwind Robotics?"), Message("assistant", two)]
    assert "Priya Raman" not in in_context("When did she leave?", h)


LAPTOPS = [
    Message("user", "Which laptop do office staff get?"),
    Message("assistant", "Office staff receive a Lenovo ThinkPad T14 with 16 GB of RAM. [1]"),
]


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        (LAPTOPS, "And engineers?", "Which laptop do engineers get?"),
        (LAPTOPS, "What about the data analysts?", "Which laptop do data analysts get?"),
        (
            VACATION,
            "And part-time employees?",
            "How many vacation days do part-time employees get?",
        ),
        (VACATION, "And for contractors?", "How many vacation days do contractors get?"),
        (VACATION, "What about their managers?", "How many vacation days do managers get?"),
    ],
)
def test_another_group_of_people_is_asked_the_same_question(
    history: list[Message], question: str, expected: str
) -> None:
    """A walk: "And engineers?" after "Which laptop do office staff get?" named nothing
    capitalised to carry, so "engineers" alone was searched and the answer refused."""
    assert in_context(question, history) == expected


def test_a_group_swap_needs_a_group_on_both_sides() -> None:
    # the last question names no group of people: its own subject, as before
    assert in_context("And managers?", LONDON) == "And managers?"
    # the follow-up names no group: no swap ("And meals?" is its own subject)
    assert in_context("And meals?", LAPTOPS) == "And meals?"

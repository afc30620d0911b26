"""A question's misspelt words read as the documents spell them (text/spelling.py)."""

from __future__ import annotations

import pytest

from text.spelling import (
    best_spelling,
    edit_distance,
    other_spellings,
    respelled,
    slip_of_a_little_word,
    word_counts,
)

DOCS = word_counts(
    [
        "The nightly hotel limit is 220 US dollars in most cities and 320 dollars in London.",
        "Passwords must be at least 14 characters long, kept in the password manager.",
        "The lint check runs nightly.",
        "It carries up to 600 kilograms. The Tacoma office is the centre of operations.",
    ]
)
ENGLISH = {
    "cost",
    "limit",
    "boston",
    "nightly",
    "what",
    "the",
    "in",
    "is",
    "how",
    "long",
    "must",
    "be",
}


def _is_word(w: str) -> bool:
    return w in ENGLISH


def test_a_swap_of_two_letters_is_one_edit() -> None:
    assert edit_distance("hotle", "hotel") == 1
    assert edit_distance("londn", "london") == 1
    assert edit_distance("kitten", "sitting") == 3  # over the limit of 2
    assert edit_distance("abc", "abcdef") == 3


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("hotle limit in londn", "hotel limit in london"),
        ("How long must pasword be?", "How long must password be?"),
        ("HOW LONG MUST PASSWRODS BE", "HOW LONG MUST PASSWORDS BE"),
        ("Nightly Hotle limit", "Nightly Hotel limit"),
        ("waht is the limit", "what is the limit"),
        ("max weight in kilogrammes", "max weight in kilograms"),
        ("Where is the center?", "Where is the centre?"),
    ],
)
def test_misspelt_words_are_spelt_as_the_documents_spell_them(typed: str, read: str) -> None:
    assert respelled(typed, DOCS, _is_word)[0] == read


def test_an_acronym_is_no_chat_shorthand() -> None:
    # "Who is the head of HR?" was shown as read "Who is the head of HOUR?"
    assert respelled("Who is the head of HR?", DOCS, _is_word)[0] == "Who is the head of HR?"
    assert respelled("how many hr a week", DOCS, _is_word)[0] == "how many hour a week"
    assert respelled("HOW MANY HR A WEEK", DOCS, _is_word)[0] == "HOW MANY HOUR A WEEK"


def test_real_words_the_documents_lack_stay_as_typed() -> None:
    # "Boston" is a word: the documents lacking it must refuse, not answer about London.
    assert respelled("hotel limit in Boston", DOCS, _is_word) == ("hotel limit in Boston", {})
    # "R2", "full-time" and short words are never touched
    assert respelled("the R2 full-tme cost", DOCS, _is_word)[0] == "the R2 full-tme cost"


def test_another_form_of_a_word_is_no_slip() -> None:
    # "charger" is a word of its own, not "charge" misspelt (the FAQ's charge takes 90 min)
    assert best_spelling("charger", {"charge": 2, "battery": 1}) is None
    assert best_spelling("charger", {"charged": 2}) is None
    assert best_spelling("warrant", {"warranty": 2}) is None


def test_two_words_equally_close_and_common_are_no_guess() -> None:
    # "limt" is one edit from "limit" and from "lint", each once in the documents
    assert best_spelling("limt", DOCS) is None
    assert best_spelling("limt", {**DOCS, "limit": 3}) == "limit"


def test_the_other_sides_spelling_is_no_closer_than_a_one_letter_slip() -> None:
    # "flor" read the British way is "flour"; "floor" is one edit away too
    docs = word_counts(["The office is on floor 2.", "Flour and sugar are in the pantry."])
    assert respelled("Where is the flor?", docs, _is_word) == ("Where is the flor?", {})
    assert best_spelling("flor", {**docs, "floor": 3}) == "floor"
    assert best_spelling("flor", {**docs, "flour": 3}) == "flour"


def test_other_spellings_read_british_as_american_and_back() -> None:
    assert "kilograms" in other_spellings("kilogrammes")
    assert "colour" in other_spellings("color")
    assert "center" in other_spellings("centre")


@pytest.mark.parametrize(
    ("word", "slip"),
    [
        *[("aer", True), ("abut", True), ("whwn", True), ("tot", True), ("Caan", True)],
        *[("serf", False), ("quanton", False), ("mpg", False), ("the", False), ("ws", False)],
    ],
)
def test_a_short_word_one_slip_from_a_stop_word_is_a_slip(word: str, slip: bool) -> None:
    assert slip_of_a_little_word(word) is slip

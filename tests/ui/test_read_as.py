"""The page says how the extractive answerer read a question: "Read as" under an answer
whose misspelt words it respelt, and "ask in English" for a question in another language."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from providers.base import REFUSAL_TEXT
from tests.ui.conftest import ask, page_text
from ui.notes import read_as_note


def test_a_misspelt_question_shows_how_it_was_read(new_app: Callable[[], AppTest]) -> None:
    at = ask(new_app(), "hotle limit in londn")
    a = at.session_state.turns[0].answers[0]
    assert not a.refused and "320 dollars" in a.answer and not at.exception
    read = [c.value for c in at.caption if "Read as:" in str(c.value)]
    assert read == [":material/spellcheck: Read as: **hotel** limit in **london**"]
    ask(at, "What is the daily meal allowance?")  # spelt right: no note
    assert page_text(at).count("Read as:") == 1
    # a reload (the saved conversation) still says it
    assert at.session_state.turns[0].answers[0].read_as == "hotel limit in london"


def test_a_question_in_another_language_is_told_to_ask_in_english(
    new_app: Callable[[], AppTest],
) -> None:
    at = ask(new_app(), "Wie viele Urlaubstage bekomme ich?")
    a = at.session_state.turns[0].answers[0]
    assert a.refused and a.answer.startswith(REFUSAL_TEXT) and not at.exception
    # drawn as a refusal: the info box, "Passages searched" (not "Sources"), no tone, no read-as
    infos = [str(i.value).replace("\\", "") for i in at.info]  # escaped markdown
    assert any("seems to be in German: try asking it in English" in i for i in infos)
    heads = [h.value for h in at.subheader]
    assert "Passages searched" in heads and "Sources" not in heads
    text = page_text(at)
    assert "Read as" not in text and "Tone of this answer" not in text


def test_only_respelt_words_are_bold() -> None:
    note = read_as_note("pls give me the hotle limit", "What is the hotel limit?")
    assert note.endswith("Read as: What is the **hotel** limit?")
    assert read_as_note("waht are the core hours", "what are the core hours").endswith(
        "Read as: **what** are the core hours"
    )
    # reworded in the documents' wording, nothing respelt: no spell-check mark
    reworded = read_as_note(
        "What is the meal allowance per day?", "What is the meal allowance daily?"
    )
    assert reworded.startswith(":material/edit_note: Read as:") and "**" not in reworded

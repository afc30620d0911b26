"""A question typed while an answer is still coming: Streamlit reruns the page at once,
which stopped the answer and lost its question (neither shown nor saved). The stopped one is
answered first, then the new one."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import ask, page_text

FIRST = "How many vacation days do employees get?"
SECOND = "What is the daily meal allowance?"


def test_a_question_asked_during_an_answer_does_not_lose_the_first(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    # What a run stopped by the next question leaves behind: the question it was answering
    # (AppTest runs the script to its end, so the stop is staged).
    at.session_state["answering"] = FIRST
    ask(at, SECOND)
    assert [t.question for t in at.session_state.turns] == [FIRST, SECOND]
    text = page_text(at)
    assert "25 days of paid vacation" in text and "75 dollars" in text
    assert "answering" not in at.session_state  # nothing left to resume
    at.run()
    assert len(at.session_state.turns) == 2  # not asked again


def test_a_new_conversation_does_not_ask_the_question_of_the_one_left(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    at.session_state["answering"] = FIRST
    at.button(key="conv_new").click().run()
    assert not at.exception
    assert not at.session_state.turns

"""AppTest: the cost panel's note on a reopened conversation's earlier answers names the
right conversation. After "New conversation" it still said "this conversation's answers
from before it was reopened", of an empty conversation that had never been reopened."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOpenAI
from tests.ui.conftest import ask, page_text, reopen, use_openai

pytestmark = pytest.mark.integration

THIS = "for this conversation's answers from before it was reopened"
OTHER = "for the earlier answers of a conversation reopened earlier in this session"


def test_the_reopened_cost_note_names_its_conversation(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    conv_id = at.session_state.conversation_id

    again = reopen(conv_id)  # a reload: a new browser session
    assert THIS in page_text(again)
    again.button(key="conv_new").click().run()
    assert not again.exception
    assert THIS not in page_text(again) and OTHER in page_text(again)
    again.button(key=f"conv_open_{conv_id}").click().run()
    assert THIS in page_text(again)


def test_free_answers_of_a_reopened_conversation_are_said_to_be_in_the_count(
    new_app: Callable[[], AppTest],
) -> None:
    """No key: a reload showed "Nothing paid for: 1 question so far" in a session that had
    asked nothing, with no word of where the question came from."""
    at = new_app()
    ask(at, "What is the nightly hotel limit in London?")
    conv_id = at.session_state.conversation_id

    again = reopen(conv_id)  # a reload: a new browser session
    text = page_text(again)
    assert "Includes the 1 answer this conversation had before it was reopened" in text, text
    again.button(key="conv_new").click().run()
    assert "Includes 1 answer of a conversation reopened earlier in this session" in page_text(
        again
    )

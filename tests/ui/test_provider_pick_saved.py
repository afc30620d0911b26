"""AppTest: a reload reopens a conversation with the provider it was left at, not the one
its last question was asked with (a walk: switched OpenAI -> Extractive, reloaded, and the
next answer was OpenAI's "no API key" fallback)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from rag.conversations import ConversationStore
from tests.fakes.servers import FakeOpenAI
from tests.ui.conftest import ask, reopen, use_openai

pytestmark = pytest.mark.integration


def test_a_switch_after_the_last_question_survives_areopen(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    conv_id = at.session_state.conversation_id
    at.selectbox(key="provider").set_value("extractive").run()
    assert "answer_with" not in at.query_params  # the default: a plain URL
    assert reopen(conv_id).selectbox(key="provider").value == "extractive"

    at.selectbox(key="provider").set_value("openai").run()
    at.selectbox(key="model_openai").set_value("gpt-4o").run()
    again = reopen(conv_id)  # the pick and its model, without the URL's help
    assert again.selectbox(key="provider").value == "openai"
    assert again.selectbox(key="model_openai").value == "gpt-4o"
    # the URL's own pick wins over what the conversation was left at
    assert reopen(conv_id, answer_with="extractive").selectbox(key="provider").value == (
        "extractive"
    )


def test_the_next_question_makes_its_provider_the_one_to_reopen_with(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = ConversationStore(tmp_path / "c.sqlite3")
    conv = store.create()
    store.save_pick(conv.id, "anthropic", "claude-3-5-haiku-latest")
    assert store.pick(conv.id) == ("anthropic", "claude-3-5-haiku-latest")
    assert store.pick(conv.id, owner="someone-else") is None
    store.save_turn(conv.id, 1, "A question?", [])
    assert store.pick(conv.id) is None  # its last question's provider stands again

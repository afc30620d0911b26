"""AppTest: a conversation opens in the workspace it belongs to. A reload or a shared
link starts a new session in "default"; showing another workspace's conversation there
searched default's documents for its follow-ups and listed default's conversations."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP, ask, wait_until

pytestmark = pytest.mark.integration


def test_a_reloaded_conversation_reopens_its_workspace(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    at.text_input(key="workspace_new").set_value("team-b").run()
    at.button(key="workspace_create").click().run()
    assert at.session_state.workspace == "team-b"
    ask(at, "Who leads Project Falcon?")
    conv_id = at.session_state.conversation_id
    assert conv_id

    again = AppTest.from_file(APP, default_timeout=180)  # a reload: a new session
    again.query_params["c"] = conv_id
    again.run()
    wait_until(again, lambda a: a.session_state.conversation_id == conv_id, 60)
    assert not again.exception
    assert again.session_state.workspace == "team-b"
    assert again.selectbox(key="workspace").value == "team-b"
    assert [t.question for t in again.session_state.turns] == ["Who leads Project Falcon?"]
    assert any(b.key == f"conv_open_{conv_id}" for b in again.button)

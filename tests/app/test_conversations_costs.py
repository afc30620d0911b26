"""AppTest: saved conversations reopen from the URL; cost panel words; spending limit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, ask, page_text

pytestmark = pytest.mark.integration


def test_conversation_is_saved_and_reopens_from_the_url(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    assert "No spending limit is set" in page_text(at)
    assert "RAG_SESSION_BUDGET_USD" not in page_text(at)
    ask(at, "How many vacation days do employees get?")
    conv_id = at.session_state.conversation_id
    assert conv_id and at.query_params["c"] in (conv_id, [conv_id])
    assert any(b.key == f"conv_open_{conv_id}" for b in at.button)
    assert at.get("download_button")[0].proto.label == "Export as Markdown"

    again = AppTest.from_file(APP, default_timeout=180)  # a reload: a new session
    again.query_params["c"] = conv_id
    again.run()
    assert not again.exception
    assert [t.question for t in again.session_state.turns] == [
        "How many vacation days do employees get?"
    ]
    assert "Answered by extractive" in page_text(again)

    again.button(key="conv_new").click().run()
    assert not again.exception
    assert again.session_state.turns == [] and "c" not in again.query_params


def test_spending_limit_from_the_sidebar_is_shown_in_words(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    at.number_input(key="session_cap_usd").set_value(0.5).run()
    assert not at.exception
    assert at.session_state.usage.session_budget_usd == 0.5
    assert "This session may spend $0.5000: $0.5000 left." in page_text(at)

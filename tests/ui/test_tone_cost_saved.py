"""AppTest: a model's tone interpretation is a cost of the conversation, also reopened."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOpenAI, Reply
from tests.ui.conftest import APP, ask, read_tone, use_openai
from ui.notes import money

pytestmark = pytest.mark.integration


def test_a_reopened_conversation_counts_its_tone_interpretation(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk: the live session had the row "OpenAI · gpt-4o-mini (tone)"; a reload
    brought the conversation back with a total that left the tone call out."""
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    read_tone(
        at,
        fake_openai,
        Reply(text="The tone is neutral and factual.", input_tokens=300, output_tokens=20),
    )
    spent = at.session_state.usage.session_totals()["cost_usd"]
    rows = [(r["provider"], r["tokens"]) for r in at.session_state.costs]
    assert rows[-1] == ("openai:gpt-4o-mini (tone)", 320)

    again = AppTest.from_file(APP, default_timeout=180)  # a reload: a new browser session
    again.query_params["c"] = at.session_state.conversation_id
    again.run()
    assert not again.exception
    assert [(r["provider"], r["tokens"]) for r in again.session_state.costs] == rows
    assert next(m for m in again.metric if m.label == "Cost").value == money(spent)
    table = next(d.value for d in again.table if "Answered by" in d.value.columns)
    assert list(table["Answered by"]) == ["OpenAI · gpt-4o-mini", "OpenAI · gpt-4o-mini (tone)"]

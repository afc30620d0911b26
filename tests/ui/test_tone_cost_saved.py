"""AppTest: a tone interpretation is kept with the conversation: a reopened one shows it,
and a model's is a cost of the conversation, also reopened."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOpenAI, Reply
from tests.ui.conftest import APP, ask, read_tone, use_openai
from ui.notes import money
from ui.text import escape_md

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

    asked = len(fake_openai.requests)
    again = AppTest.from_file(APP, default_timeout=180)  # a reload: a new browser session
    again.query_params["c"] = at.session_state.conversation_id
    again.run()
    assert not again.exception
    assert [(r["provider"], r["tokens"]) for r in again.session_state.costs] == rows
    assert next(m for m in again.metric if m.label == "Cost").value == money(spent)
    table = next(d.value for d in again.table if "Answered by" in d.value.columns)
    assert list(table["Answered by"]) == ["OpenAI · gpt-4o-mini", "OpenAI · gpt-4o-mini (tone)"]
    # the interpretation itself is back, as it was shown, without asking the model again
    assert escape_md("The tone is neutral and factual.") in [m.value for m in again.markdown]
    assert any("Interpretation written by OpenAI" in c.value for c in again.caption)
    assert not [b for b in again.button if b.key == "tone_1_0"]
    assert len(fake_openai.requests) == asked


def test_a_reopened_conversation_shows_its_offline_tone_interpretation(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    ask(at, "What is the nightly hotel limit in London?")
    at.button(key="tone_1_0").click().run()
    assert not at.exception
    shown = escape_md(at.session_state.turns[0].sentiment[0])
    assert shown in [m.value for m in at.markdown]

    again = AppTest.from_file(APP, default_timeout=180)
    again.query_params["c"] = at.session_state.conversation_id
    again.run()
    assert not again.exception
    assert shown in [m.value for m in again.markdown]
    assert any(c.value.startswith("Offline interpretation") for c in again.caption)
    assert not [b for b in again.button if b.key == "tone_1_0"]
    assert at.session_state.costs == again.session_state.costs  # the template costs nothing


def test_a_tone_the_model_could_not_write_says_why_it_is_the_offline_one(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk: with OpenAI picked and failing, the panel said "Offline interpretation
    (... no model used)", as if no model had been asked."""
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    fake_openai.default = Reply(fault="server")
    at.button(key="tone_1_0").click().run()
    assert not at.exception
    why = escape_md(
        "OpenAI · gpt-4o-mini had a server error, so this is the offline interpretation"
    )
    assert any(c.value.startswith(why) for c in at.caption), [c.value for c in at.caption]
    assert not any(r["provider"].endswith("(tone)") for r in at.session_state.costs)

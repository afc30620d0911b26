"""The welcome above an empty chat and the spinner under a question: words a person reads
while waiting."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest


def _draw_welcome_for_one_document() -> None:
    from pathlib import Path
    from types import SimpleNamespace

    from ui.welcome import render_welcome

    class OneDocument:
        settings = SimpleNamespace(demo_dir=Path("/nonexistent-demo"))

        def docs(self) -> list[SimpleNamespace]:
            return [SimpleNamespace(doc_id="m1", name="memo.txt")]

    render_welcome(OneDocument())  # type: ignore[arg-type]


def test_one_document_is_it_not_them() -> None:
    at = AppTest.from_function(_draw_welcome_for_one_document).run()
    assert not at.exception
    assert [str(i.value) for i in at.info] == [
        "1 document is indexed. Ask anything about it. No API key needed."
    ]


def test_the_spinner_names_the_provider_it_waits_for() -> None:
    from rag.session import Choice
    from ui.chat import waiting_text

    assert waiting_text(Choice("extractive")) == "Searching the documents…"
    assert waiting_text(Choice("openai:gpt-4o-mini")) == (
        "Searching the documents, then waiting for OpenAI · gpt-4o-mini…"
    )
    # a provider without its API key is skipped: not waited for either
    assert waiting_text(Choice("openai:gpt-4o-mini"), keyless=True) == "Searching the documents…"
    # sensitive documents never go to a remote provider: it is not waited for
    assert waiting_text(Choice("openai:gpt-4o-mini", sensitive=True)) == (
        "Searching the documents…"
    )


def _welcome(at: AppTest) -> str:
    return " ".join(str(i.value) for i in at.info if "indexed" in str(i.value))


@pytest.mark.integration
def test_the_welcome_says_what_the_picked_provider_needs(
    new_app: Callable[[], AppTest],
) -> None:
    """The walk: "Gemini - needs key" picked, the welcome still said "No API key needed."."""
    at = new_app()
    assert _welcome(at).endswith("No API key needed.")  # extractive
    at.selectbox(key="provider").set_value("gemini").run()
    assert not at.exception
    assert "No API key needed" not in _welcome(at)
    assert "Gemini needs an API key: add it under API keys in the sidebar." in _welcome(at)
    at.text_input(key="api_key_gemini").set_value("gm-test-key-0123456789").run()
    assert not at.exception
    assert "API key" not in _welcome(at)  # the key is there: nothing to ask for
    at.selectbox(key="provider").set_value("extractive").run()
    assert _welcome(at).endswith("No API key needed.")


def test_the_examples_left_are_those_a_short_conversation_has_not_asked() -> None:
    from rag.session import Turn
    from ui.welcome import EXAMPLES, EXAMPLES_UNTIL_TURNS, examples_left

    def turns(*questions: str) -> list[Turn]:
        return [Turn(id=i, question=q) for i, q in enumerate(questions, 1)]

    assert examples_left([]) == [0, 1]
    assert examples_left(turns(EXAMPLES[0])) == [1]
    # typed rather than clicked, in other case and spacing: asked all the same
    assert examples_left(turns("how many  vacation days do employees get?")) == [0]
    assert examples_left(turns(*EXAMPLES)) == []
    # a few turns in, the conversation is the user's own: no more suggestions
    assert examples_left(turns(*["What about meals?"] * EXAMPLES_UNTIL_TURNS)) == []


@pytest.mark.integration
def test_the_examples_not_asked_stay_offered_under_the_conversation(
    new_app: Callable[[], AppTest],
) -> None:
    """The walk: clicking the first example took every example away, so the second could
    only be tried in a new conversation."""
    from tests.ui.conftest import page_text
    from ui.welcome import EXAMPLES

    at = new_app()
    at.button(key="example_0").click().run()
    assert not at.exception
    assert [t.question for t in at.session_state.turns] == [EXAMPLES[0]]
    offered = [b for b in at.button if (b.key or "").startswith("example_")]
    assert [(b.key, b.label) for b in offered] == [("example_1", EXAMPLES[1])]
    assert "Another example to try:" in page_text(at)

    at.button(key="example_1").click().run()  # asked in the same conversation
    assert not at.exception
    assert [t.question for t in at.session_state.turns] == list(EXAMPLES)
    assert "25 days" in page_text(at)
    assert not [b for b in at.button if (b.key or "").startswith("example_")]
    assert "example to try" not in page_text(at)

"""The welcome above an empty chat and the spinner under a question: words a person reads
while waiting."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest


def _draw_welcome_for_one_document() -> None:
    from pathlib import Path
    from types import SimpleNamespace

    from ui.chat import render_welcome

    class OneDocument:
        settings = SimpleNamespace(demo_dir=Path("/nonexistent-demo"))

        def docs(self) -> list[SimpleNamespace]:
            return [SimpleNamespace(name="memo.txt")]

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

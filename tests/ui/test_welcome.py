"""The welcome above an empty chat and the spinner under a question: words a person reads
while waiting."""

from __future__ import annotations

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

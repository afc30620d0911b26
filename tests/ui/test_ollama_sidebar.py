"""Ollama model management in the sidebar, against the wire-format fake (incl. /api/pull)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOllama, unused_port
from tests.ui.conftest import page_text


@pytest.fixture
def fake_ollama(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOllama]:
    with FakeOllama() as fake:
        monkeypatch.setenv("OLLAMA_HOST", fake.root)
        yield fake


def test_missing_model_is_pulled_with_progress(
    new_app: Callable[[], AppTest], fake_ollama: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_FALLBACK", '["ollama:mistral:7b"]')  # a model the settings need
    at = new_app()
    at.selectbox(key="provider").set_value("ollama").run()
    assert not at.exception
    assert "2 models installed" in page_text(at)
    assert at.selectbox(key="ollama_missing").value == "mistral:7b"
    at.button(key="ollama_pull").click().run()
    assert not at.exception
    assert any(r.path == "/api/pull" for r in fake_ollama.requests)
    text = page_text(at)
    assert "mistral:7b is installed" in text
    # Drawn again: the count and the missing list no longer show the model just pulled.
    assert "3 models installed" in text and "2 models installed" not in text
    assert "Every model the settings use is installed." in text
    assert "ollama_missing" not in [b.key for b in at.selectbox]


def test_ollama_not_running_is_a_clear_message(
    new_app: Callable[[], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{unused_port()}")
    at = new_app()
    at.selectbox(key="provider").set_value("ollama").run()
    assert not at.exception
    warning = " ".join(str(w.value) for w in at.warning)
    assert "not running" in warning.lower() or "ollama serve" in warning.lower()


def test_a_model_ollama_does_not_have_is_named_in_the_note(
    new_app: Callable[[], AppTest], fake_ollama: FakeOllama
) -> None:
    from tests.fakes.servers import Reply

    fake_ollama.script(Reply(fault="model_not_found", model="llama3.2"))
    at = new_app()
    at.selectbox(key="provider").set_value("ollama").run()
    at.chat_input[0].set_value("What is the nightly hotel limit in London?").run()
    assert not at.exception
    text = page_text(at)
    # Not "Ollama failed" / "is not configured": which model is missing and where to get it.
    assert (
        "Ollama does not have llama3.2 installed (pull it under Ollama models in the "
        "sidebar), answered by extractive." in text
    ), text


def test_the_model_picker_offers_the_models_ollama_has(
    new_app: Callable[[], AppTest], fake_ollama: FakeOllama
) -> None:
    at = new_app()
    at.selectbox(key="provider").set_value("ollama").run()
    # Only the default was offered: a model already pulled had to be typed by name.
    # llama3.2:latest is the default llama3.2 already in the list, so it is not repeated.
    assert list(at.selectbox(key="model_ollama").options) == ["llama3.2", "qwen2.5:0.5b"]
    at.selectbox(key="model_ollama").set_value("qwen2.5:0.5b").run()
    at.chat_input[0].set_value("What is the nightly hotel limit in London?").run()
    assert not at.exception
    assert [c.body["model"] for c in fake_ollama.calls] == ["qwen2.5:0.5b"]

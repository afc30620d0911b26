"""The sidebar's providers: a stable "Answer with" pick (issue 16), texts that say what is
true, and a third-party provider that shows up from its own declarations."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from providers.base import register, unregister
from tests.fakes.acme_provider import AcmeProvider
from tests.fakes.servers import FakeOpenAI
from tests.ui.conftest import APP, FAKE_KEY, ask, page_text


def options(at: AppTest) -> list[str]:
    return list(at.selectbox(key="provider").options)


def test_typing_a_key_keeps_the_pick(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = new_app()
    assert "OpenAI - needs key" in options(at)
    at.selectbox(key="provider").set_value("openai").run()
    at.text_input(key="api_key_openai").set_value(FAKE_KEY).run()
    assert not at.exception
    box = at.selectbox(key="provider")
    assert box.value == "openai" and "OpenAI - key set" in options(at)
    # The browser still holds the old text ("OpenAI - needs key"), which is no option any
    # more: the page sends it the pick's new text, so nothing falls back to Extractive.
    assert box.proto.set_value and box.proto.raw_value == "OpenAI - key set"
    ask(at, "What is the nightly hotel limit in London?")
    assert at.selectbox(key="provider").value == "openai"
    (turn,) = at.session_state.turns
    assert turn.answers[0].provider == "openai" and fake_openai.calls
    assert fake_openai.calls[-1].headers.get("authorization") == f"Bearer {FAKE_KEY}"
    assert "London hotels may cost up to 320 dollars a night" in page_text(at)


def test_option_texts_are_short_and_true(new_app: Callable[[], AppTest]) -> None:
    texts = options(new_app())
    assert texts[0] == "Extractive - local, no key"
    assert "Gemini - needs key" in texts and not any("Google" in t for t in texts)
    # Nothing cut off: the sidebar's box shows about 31 characters ("llama.cpp - not
    # installed (make setup-" and "OpenAI-compatible - needs base" were cut in the walk).
    assert all(len(t) <= 31 for t in texts), texts
    assert len(set(texts)) == len(texts)


def test_a_provider_not_installed_says_how_to_install_it(new_app: Callable[[], AppTest]) -> None:
    """The hint left the label (where it was cut off) for a line under the box."""
    from providers.info import info

    if info("llamacpp").installed:
        pytest.skip("llama-cpp-python is installed here")
    at = new_app()
    at.selectbox(key="provider").set_value("llamacpp").run()
    assert not at.exception
    assert "llama.cpp - not installed" in options(at)
    assert (
        "llama.cpp is not installed here: `make setup-local` installs it. Until then "
        "extractive answers." in [str(c.value) for c in at.sidebar.caption]
    )


def test_the_api_keys_note_does_not_promise_the_key_is_never_shown(
    new_app: Callable[[], AppTest],
) -> None:
    """Streamlit's password field has an eye button that reveals the typed key (and no way
    to remove it): the note under "API keys" says so instead of "never ... shown"."""
    at = new_app()
    (panel,) = [e for e in at.expander if e.label == "API keys"]
    note = " ".join(str(c.value) for c in panel.caption)
    assert "never saved or logged" in note and "unless you press the eye" in note
    assert "shown" not in note
    # A reload starts a new session and the keys are gone: "this browser session" read as
    # "until the browser is closed".
    assert "until this page is reloaded or closed" in note


@pytest.fixture
def acme(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ACME_BASE_URL", fake_openai.base_url)  # the SDK-style variable
    register("acme", AcmeProvider)
    yield
    unregister("acme")


def test_third_party_provider_appears_with_its_label_and_key_field(
    acme: None, new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = new_app()
    assert "Acme AI - needs key" in options(at)
    key_field = at.text_input(key="api_key_acme")
    assert key_field.label == "Acme AI API key"
    # It answers through the chain like any other (it speaks the OpenAI wire format).
    at.selectbox(key="provider").set_value("acme").run()
    at.text_input(key="api_key_acme").set_value(FAKE_KEY).run()
    assert at.selectbox(key="provider").value == "acme"
    assert "Acme AI - key set" in options(at)
    ask(at, "What is the nightly hotel limit in London?")
    (turn,) = at.session_state.turns
    assert turn.answers[0].provider == "acme"
    assert "Answered by Acme AI" in page_text(at)


def test_model_picker_opens_on_the_default_before_the_registry_is_built(
    new_app: Callable[[], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI caught it: picked before the providers were built, OpenAI opened on "gpt-4" (the
    price list's first and dearest model) and kept it, instead of its default."""
    from concurrent.futures import Future

    import ui.sidebar

    never: Future[list[dict[str, object]]] = Future()
    monkeypatch.setattr(ui.sidebar, "registry_future", lambda settings: never)
    at = new_app()
    at.selectbox(key="provider").set_value("openai").run()
    assert not at.exception
    assert at.selectbox(key="model_openai").value == "gpt-4o-mini"
    at.selectbox(key="provider").set_value("anthropic").run()
    assert at.selectbox(key="model_anthropic").value == "claude-3-5-haiku-latest"


def test_registry_waits_for_the_first_extractive_answer(new_app: Callable[[], AppTest]) -> None:
    """Building the registry imports every SDK (seconds, holding the GIL): started beside
    the engine warm-up it delayed the first answer of a cold start (7.7 s in the browser,
    2026-11-30). An extractive session starts it only once it has an answer."""
    import ui.sidebar
    from rag.settings import cached_settings

    at = new_app()
    settings = cached_settings()  # the app's: this test's index dir, no secrets
    assert at.selectbox(key="provider").value == "extractive"  # the no-key default
    assert ui.sidebar.registry_future(settings) is None
    ask(at, "What is the nightly hotel limit in London?")
    assert not at.exception and at.session_state.turns
    assert ui.sidebar.registry_future(settings) is not None


def test_compare_asks_the_model_picked_above(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = new_app()
    at.selectbox(key="provider").set_value("openai").run()
    at.text_input(key="api_key_openai").set_value(FAKE_KEY).run()
    at.selectbox(key="model_openai").set_value("gpt-4o").run()
    at.toggle(key="compare_on").set_value(True).run()
    assert not at.exception
    # It offered the provider's default model (gpt-4o-mini), not the one picked above it:
    # compare then asked a model the person had not chosen (an Ollama model not installed).
    assert at.multiselect(key="compare_specs").value == ["extractive", "openai:gpt-4o"]
    at.selectbox(key="model_openai").set_value("gpt-4.1").run()  # picked again: no error
    assert not at.exception
    assert at.multiselect(key="compare_specs").value == ["extractive", "openai:gpt-4.1"]
    ask(at, "What is the nightly hotel limit in London?")
    assert [c.body["model"] for c in fake_openai.calls] == ["gpt-4.1"]


def test_the_pick_survives_a_reload(new_app: Callable[[], AppTest]) -> None:
    """A reload starts a new session: "Answer with" comes back from the URL, not the
    default (a walk lost the pick, and the next answer came from Extractive)."""
    at = new_app()
    at.selectbox(key="provider").set_value("openai").run()
    assert at.query_params["answer_with"] == "openai" and "model" not in at.query_params
    at.selectbox(key="model_openai").set_value("gpt-4o").run()
    assert at.query_params["model"] == "gpt-4o"
    reloaded = AppTest.from_file(APP, default_timeout=180)
    reloaded.query_params.update(answer_with="openai", model="gpt-4o")
    reloaded.run()
    assert not reloaded.exception
    assert reloaded.selectbox(key="provider").value == "openai"
    assert reloaded.selectbox(key="model_openai").value == "gpt-4o"
    # back to the default: the URL is plain again; a name that is no provider is ignored
    reloaded.selectbox(key="provider").set_value("extractive").run()
    assert "answer_with" not in reloaded.query_params and "model" not in reloaded.query_params
    stray = AppTest.from_file(APP, default_timeout=180)
    stray.query_params["answer_with"] = "nonesuch"
    stray.run()
    assert not stray.exception and stray.selectbox(key="provider").value == "extractive"

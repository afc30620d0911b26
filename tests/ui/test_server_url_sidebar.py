"""An OpenAI-compatible server from the sidebar alone (walk 3): its base URL and model typed
in the session, a note that says what is missing, a key field that claims no key that is not
there, and fallback options named as "Answer with" names them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOpenAI
from tests.ui.conftest import ask, page_text

QUESTION = "What is the nightly hotel limit in London?"


def options(at: AppTest) -> list[str]:
    return [str(o) for o in at.selectbox(key="provider").options]


def test_an_openai_compatible_server_answers_once_its_url_is_typed(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = new_app()
    at.selectbox(key="provider").set_value("openai_compatible").run()
    assert not at.exception
    ask(at, QUESTION)
    # No address yet: the note says where to give one, not just "is not configured".
    assert (
        "OpenAI-compatible is not configured (set its base URL in the sidebar or "
        "RAG_OPENAI_COMPATIBLE_BASE_URL), answered by extractive." in page_text(at)
    )
    assert not fake_openai.calls

    at.text_input(key="base_url_openai_compatible").set_value(fake_openai.base_url).run()
    at.text_input(key="model_openai_compatible").set_value("local-model").run()
    assert not at.exception
    assert at.selectbox(key="provider").value == "openai_compatible"
    assert "OpenAI-compatible - ready" in options(at)
    ask(at, QUESTION)
    last = at.session_state.turns[-1].answers[0]
    assert last.provider == "openai_compatible" and last.model == "local-model"
    assert fake_openai.calls and fake_openai.calls[-1].body["model"] == "local-model"
    assert "London hotels may cost up to 320 dollars a night" in page_text(at)


def test_the_typed_url_replaces_a_registry_built_without_one(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """Built before the URL was typed, the registry row says "not configured": the label
    must follow the URL, not the stale row."""
    import ui.sidebar
    from rag.settings import cached_settings

    at = new_app()
    ui.sidebar.prefetch_registry(cached_settings()).result(timeout=120)
    at.selectbox(key="provider").set_value("openai_compatible").run()
    assert "OpenAI-compatible - needs URL" in options(at)
    # typed without a scheme: read as http
    address = fake_openai.base_url.removeprefix("http://")
    at.text_input(key="base_url_openai_compatible").set_value(address).run()
    assert not at.exception
    assert "OpenAI-compatible - ready" in options(at)
    ask(at, QUESTION)
    assert at.session_state.turns[-1].answers[0].provider == "openai_compatible"


def key_placeholder(at: AppTest, name: str) -> str:
    return str(at.text_input(key=f"api_key_{name}").proto.placeholder)


@pytest.mark.parametrize("registry", [False, True])
def test_no_key_field_claims_a_key_that_is_nowhere(
    registry: bool, new_app: Callable[[], AppTest]
) -> None:
    """An OpenAI-compatible server needs no key, which made its field say "from env /
    secrets" (light view after a workspace switch) though there was none anywhere."""
    import ui.sidebar
    from rag.settings import cached_settings

    at = new_app()
    if registry:
        ui.sidebar.prefetch_registry(cached_settings()).result(timeout=120)
        at.run()
    assert not at.exception
    for name in ("openai_compatible", "openai", "anthropic", "gemini"):
        assert key_placeholder(at, name) == "", name


def test_a_key_from_the_environment_is_said_to_come_from_there(
    new_app: Callable[[], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_OPENAI_COMPATIBLE_API_KEY", "local-server-token-0123456789")
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-test-key-0123456789")
    at = new_app()
    assert key_placeholder(at, "openai_compatible") == "from env / secrets"
    assert key_placeholder(at, "gemini") == "from env / secrets"
    assert key_placeholder(at, "openai") == ""


def test_fallback_options_are_named_as_answer_with_names_them(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    box = at.multiselect(key="fallback")
    shown = [str(o) for o in box.proto.options]
    assert "Gemini · gemini-2.0-flash" in shown and "OpenAI-compatible · default" in shown
    names = [s.split(" · ")[0] for s in shown]
    assert not any(":" in n or "_" in n for n in names), shown
    # the values stay the ids the chain and settings use
    box.set_value(["gemini:gemini-2.0-flash", "openai_compatible:default"]).run()
    assert not at.exception
    assert at.multiselect(key="fallback").value == [
        "gemini:gemini-2.0-flash",
        "openai_compatible:default",
    ]


def test_a_keyless_provider_the_registry_could_not_build_lacks_no_key(app_index: object) -> None:
    """Provider health read "Not configured (no API key)" for an OpenAI-compatible server
    that had lost its URL (a reload): it needs no key, the registry just could not build it."""
    import ui.sidebar
    from rag.settings import cached_settings

    settings = cached_settings()
    ui.sidebar.prefetch_registry(settings).result(timeout=120)
    rows = ui.sidebar.provider_rows(settings, {}, {})
    assert rows["openai_compatible"].get("error")  # no URL: it could not be built
    assert rows["openai_compatible"]["key_configured"]
    assert not rows["openai"]["key_configured"]  # one that needs a key still lacks it


def test_the_typed_url_outlives_picking_another_provider(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The URL field is drawn only while OpenAI-compatible is picked; the session keeps the
    address meanwhile, for a fallback to it and for picking it again."""
    at = new_app()
    at.selectbox(key="provider").set_value("openai_compatible").run()
    at.text_input(key="base_url_openai_compatible").set_value(fake_openai.base_url).run()
    at.selectbox(key="provider").set_value("openai").run()
    at.run()
    at.multiselect(key="fallback").set_value(["openai_compatible:default"]).run()
    assert not at.exception
    ask(at, QUESTION)  # no OpenAI key: its fallback, the OpenAI-compatible server, answers
    assert at.session_state.turns[-1].answers[0].provider == "openai_compatible"
    at.selectbox(key="provider").set_value("openai_compatible").run()
    assert at.text_input(key="base_url_openai_compatible").value == fake_openai.base_url


def test_an_address_nothing_answers_at_is_not_called_ready(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk typed a port nothing listened on: "OpenAI-compatible - ready", then every
    question fell back. Ollama says "not running" in the same case."""
    from tests.fakes.servers import unused_port

    at = new_app()
    at.selectbox(key="provider").set_value("openai_compatible").run()
    at.text_input(key="base_url_openai_compatible").set_value(
        f"http://127.0.0.1:{unused_port()}/v1"
    ).run()
    assert not at.exception
    assert "OpenAI-compatible - not running" in options(at)
    # What the sidebar's box shows uncut at its default width ("... - not reachab", "... -
    # needs base" were cut in the walk's screenshots).
    assert all(len(o) <= 31 for o in options(at) if o.startswith("OpenAI-compatible"))
    assert at.selectbox(key="provider").value == "openai_compatible"
    at.text_input(key="base_url_openai_compatible").set_value(fake_openai.base_url).run()
    assert "OpenAI-compatible - ready" in options(at)

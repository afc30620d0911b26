"""AppTest fixtures: an isolated index per test, a clean provider environment, a fake OpenAI.

The engine is cached with ``st.cache_resource`` keyed by the settings (index dir included),
and the embedding model is shared per process. Each test's index starts as a copy of one
demo index (and its documents analysis) that a separate process built once per run, the
state the app leaves after its first start; a test whose settings could change what the
index holds (no demo, another workspace, another store) starts empty as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.fakes.plugin import PROVIDER_KEY_ENV
from tests.fakes.servers import FakeOpenAI, Reply

APP = str(ROOT / "app.py")
FAKE_KEY = "sk-test-APPTESTKEY0123456789abcdefXYZ"
# The app's choice of provider and profile too: each app test starts from the defaults.
PROVIDER_ENV = (*PROVIDER_KEY_ENV, "RAG_PROVIDER", "RAG_FALLBACK", "APP_ENV")


def reset_streamlit_secrets() -> None:
    """Forget the secrets.toml Streamlit has read. ``st.secrets`` is one per process and
    copies top-level keys into os.environ, so a test that ran the app over a secrets.toml
    (tests/reliability/test_secrets_session.py) would hand its key to every later app test
    (a session with no key typed then answers with OpenAI)."""
    from streamlit.runtime.secrets import secrets_singleton

    secrets_singleton._reset()


# Settings that leave the demo index as the app's first start builds it (anything else, e.g.
# RAG_AUTO_INGEST_DEMO or RAG_WORKSPACE, starts the test from an empty index).
INDEX_NEUTRAL_ENV = {
    "RAG_INDEX_DIR",
    "RAG_MODELS_DIR",
    "RAG_SHARED_DATA",
    "RAG_REQUIRE_SHARED",
    "RAG_MAX_RETRIES",
    "RAG_REQUEST_TIMEOUT_S",
    "RAG_MAX_FILE_MB",
    "RAG_FALLBACK",
    "RAG_PROVIDER",
    "RAG_BREAKER_FAILURES",
    "RAG_OPENAI_COMPATIBLE_API_KEY",
}
BUILD_DEMO_INDEX = (
    "from rag.analysis import documents; from rag.settings import load_settings; "
    "from rag.warmup import build_engine; documents.get(build_engine(load_settings()))"
)


@pytest.fixture(scope="session")
def demo_index_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus indexed and analysed by ``rag.warmup.build_engine`` in a process of
    its own (which closes the store, so the copy is whole)."""
    index = tmp_path_factory.mktemp("demo-template") / "index"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("RAG_") or k in INDEX_NEUTRAL_ENV
    }
    env.update(RAG_INDEX_DIR=str(index), HF_HUB_OFFLINE="1")
    env.pop("APP_ENV", None)
    subprocess.run(
        [sys.executable, "-c", BUILD_DEMO_INDEX], env=env, cwd=ROOT, check=True, timeout=600
    )
    return index


def _starts_from_the_template() -> bool:
    return all(k in INDEX_NEUTRAL_ENV for k in os.environ if k.startswith("RAG_"))


@pytest.fixture
def app_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    reset_streamlit_secrets()
    d = tmp_path / "index"
    monkeypatch.setenv("RAG_INDEX_DIR", str(d))
    monkeypatch.setenv("RAG_MAX_RETRIES", "0")  # a failing fake fails at once
    monkeypatch.setenv("RAG_REQUEST_TIMEOUT_S", "5")
    for var in PROVIDER_ENV:
        monkeypatch.delenv(var, raising=False)
    return d


@pytest.fixture
def fake_openai(app_index: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(
        Reply(
            text="London hotels may cost up to 320 dollars a night [1].",
            input_tokens=1200,
            output_tokens=40,
        )
    )
    fake.start()
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    yield fake
    fake.stop()


@pytest.fixture
def new_app(app_index: Path, demo_index_template: Path) -> Callable[[], AppTest]:
    def make() -> AppTest:
        if not app_index.exists() and _starts_from_the_template():
            shutil.copytree(demo_index_template, app_index)
        at = AppTest.from_file(APP, default_timeout=180)
        at.run()
        assert not at.exception
        # The engine warms in a background thread (the browser's poll reruns the page
        # when it is ready; AppTest has no browser): rerun until it is.
        return wait_until(at, lambda a: "Loading the documents" not in page_text(a), 180)

    return make


def page_text(at: AppTest) -> str:
    """Everything a user can read on the page (markdown, captions, notes, labels)."""
    parts: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "title",
        "subheader",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    parts += [str(m.value) + " " + str(m.label) for m in at.metric]
    return "\n".join(parts)


def reopen(conversation_id: str, **params: str) -> AppTest:
    """A reload of the page at ``?c=conversation_id`` (and ``params``): a new browser session."""
    again = AppTest.from_file(APP, default_timeout=180)
    again.query_params["c"] = conversation_id
    again.query_params.update(params)
    again.run()
    assert not again.exception
    return again


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


def read_tone(at: AppTest, fake_openai: FakeOpenAI, reply: Reply) -> AppTest:
    """Click the first answer's "Tone" button with the fake OpenAI scripted to ``reply``."""
    fake_openai.script(reply)
    at.button(key="tone_1_0").click().run()
    assert not at.exception
    return at


def use_openai(at: AppTest, key: str = FAKE_KEY) -> AppTest:
    at.selectbox(key="provider").set_value("openai").run()
    at.text_input(key="api_key_openai").set_value(key).run()
    assert not at.exception
    return at


def wait_until(at: AppTest, pred: Callable[[AppTest], bool], timeout: float = 60.0) -> AppTest:
    deadline = time.monotonic() + timeout
    while True:
        at.run()
        assert not at.exception
        if pred(at):
            return at
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time:\n" + page_text(at))
        time.sleep(0.2)

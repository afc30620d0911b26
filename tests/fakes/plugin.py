"""Pytest fixtures for the wire-format fakes, loaded for every test (tests/conftest.py).

Each fake server is started per test on 127.0.0.1:<random port> and stopped at teardown.
``make_provider`` builds a real provider (real SDK) pointed at a fake, with short timeouts,
a recorded (not real) sleep and the SDK's own env vars cleared so the machine's environment
cannot leak into a test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from providers.base import Capabilities, Message, Request, Response, Source, StreamItem, Usage
from providers.config import ProviderConfig
from providers.remote import RemoteProvider
from tests.fakes.servers import (
    FakeAnthropic,
    FakeGemini,
    FakeOllama,
    FakeOpenAI,
    FakeServer,
    unused_port,
)

NETWORKED = ("openai", "anthropic", "gemini", "ollama")

MODELS = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-3-5-haiku-latest",
    "gemini": "gemini-2.0-flash",
    "ollama": "llama3.2",
    "openai_compatible": "local-model",
}

FAKE_KEY = "sk-test-FAKEKEY0123456789abcdefXYZ"

PROVIDER_KEY_ENV = (  # the SDKs' own variables, cleared for every test
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_GEMINI_BASE_URL",
    "OLLAMA_HOST",
    "OLLAMA_API_KEY",
)


def provider_class(name: str) -> type[RemoteProvider]:
    from providers.anthropic_provider import AnthropicProvider
    from providers.gemini_provider import GeminiProvider
    from providers.ollama_provider import OllamaProvider
    from providers.openai_compatible_provider import OpenAICompatibleProvider
    from providers.openai_provider import OpenAIProvider

    return {
        "openai": OpenAIProvider,
        "anthropic": AnthropicProvider,
        "gemini": GeminiProvider,
        "ollama": OllamaProvider,
        "openai_compatible": OpenAICompatibleProvider,
    }[name]


def fake_class(name: str) -> type[FakeServer]:
    return {
        "openai": FakeOpenAI,
        "openai_compatible": FakeOpenAI,
        "anthropic": FakeAnthropic,
        "gemini": FakeGemini,
        "ollama": FakeOllama,
    }[name]


@pytest.fixture(autouse=True)
def _clean_provider_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in PROVIDER_KEY_ENV:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def start_fake() -> Iterator[Callable[[str], FakeServer]]:
    started: list[FakeServer] = []

    def start(name: str) -> FakeServer:
        f = fake_class(name)().start()
        started.append(f)
        return f

    yield start
    for f in started:
        f.stop()


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the retry loop asked for, instead of sleeping them."""
    return []


@pytest.fixture
def make_provider(sleeps: list[float]) -> Callable[..., RemoteProvider]:
    def make(
        name: str,
        fake: FakeServer | None,
        *,
        key: Any = FAKE_KEY,
        max_retries: int = 2,
        timeout_s: float = 1.0,  # generous: a loaded CI machine must not turn 5xx into timeouts
        config: ProviderConfig | None = None,
        **kw: Any,
    ) -> RemoteProvider:
        cfg = config or ProviderConfig(
            max_retries=max_retries,
            retry_base_s=0.1,
            retry_max_wait_s=5.0,
            breaker_failures=100,
            timeout_s=timeout_s,
        )
        if fake is None:  # refused connection: nothing listens there
            root = f"http://127.0.0.1:{unused_port()}"
            base = root + "/v1" if name in ("openai", "openai_compatible") else root
        else:
            base = fake.base_url
        return provider_class(name)(
            kw.pop("model", MODELS[name]),
            api_key=key,
            base_url=base,
            config=cfg,
            sleep=sleeps.append,
            **kw,
        )

    return make


@pytest.fixture
def fake_openai(start_fake: Callable[[str], FakeServer]) -> FakeServer:
    return start_fake("openai")


@pytest.fixture
def fake_anthropic(start_fake: Callable[[str], FakeServer]) -> FakeServer:
    return start_fake("anthropic")


@pytest.fixture
def fake_gemini(start_fake: Callable[[str], FakeServer]) -> FakeServer:
    return start_fake("gemini")


@pytest.fixture
def fake_ollama(start_fake: Callable[[str], FakeServer]) -> FakeServer:
    return start_fake("ollama")


class FinalFake:
    """Stands in for the extractive provider where the real one is not the point."""

    name = "final"
    model = "fake"
    capabilities = Capabilities(local=True, paid=False)

    def __init__(self, text: str = "Extractive answer [1].") -> None:
        self.text = text
        self.calls: list[Request] = []

    def generate(self, request: Request) -> Response:
        self.calls.append(request)
        return Response(
            self.text, self.name, self.model, Usage(0, 0), cost_usd=0.0, finish_reason="stop"
        )

    def stream(self, request: Request) -> Iterator[StreamItem]:
        resp = self.generate(request)
        yield from (w + " " for w in resp.text.split())
        yield resp


def question(text: str = "What is the capital of France?") -> Request:
    return Request(
        messages=[Message("user", text)],
        system="Answer from the sources and cite them as [n].",
        question=text,
        sources=[Source(1, "geo.txt", 1, "Paris is the capital of France.")],
    )


@pytest.fixture
def req() -> Request:
    return question()

"""A client that leaves mid-stream (the ``openai`` SDK's ``stream.close()``, a closed tab in
Open WebUI): the server closes the answer's stream, down to the provider's, instead of leaving
it suspended with its upstream connection open."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.base import Request, Response, StreamItem, Usage
from tests.fakes.scripted import ScriptedProvider, registered
from tests.rag.server.conftest import TOKEN, server_settings, serving

pytestmark = pytest.mark.integration

WORDS = ("The late fee is 20 dollars [1]. " * 40).split(" ")


class SlowProvider(ScriptedProvider):
    """Streams a long answer a word every 20 ms; says when its stream was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.closed = threading.Event()
        self.finished = threading.Event()

    def stream(self, request: Request) -> Iterator[StreamItem]:
        self.calls.append(request)
        self.started.set()
        try:
            for w in WORDS:
                time.sleep(0.02)
                yield w + " "
            self.finished.set()
            yield Response(
                " ".join(WORDS), self.name, self.model, Usage(10, 5), finish_reason="stop"
            )
        except GeneratorExit:
            self.closed.set()
            raise


@pytest.fixture
def slow(tmp_path: Path) -> Iterator[tuple[Any, SlowProvider]]:
    from openai import OpenAI

    from rag.engine import Engine
    from rag.server import create_app

    settings = server_settings(
        tmp_path / "index",
        embedding_backend="hash",
        auto_ingest_demo=False,
        provider="scripted",
        cache_ttl_s=0,
    )
    provider = SlowProvider()
    with registered("scripted", provider):
        engine = Engine(settings)
        note = tmp_path / "fees.txt"
        note.write_text("The late fee is 20 dollars. Refunds take five business days.\n")
        engine.ingest([note])
        with serving(create_app(settings, engine)) as url:
            client = OpenAI(base_url=url + "/v1", api_key=TOKEN, max_retries=0, timeout=30)
            yield client, provider


def test_a_client_leaving_mid_stream_closes_the_providers_stream(
    slow: tuple[Any, SlowProvider], caplog: pytest.LogCaptureFixture
) -> None:
    client, provider = slow
    stream = client.chat.completions.create(
        model="grounded-qa",
        messages=[{"role": "user", "content": "What is the late fee?"}],
        stream=True,
    )
    text = ""
    for chunk in stream:
        text += chunk.choices[0].delta.content or ""
        if len(text) > 20:
            break
    stream.close()  # the client goes away after a few words
    assert provider.started.is_set() and text.startswith("The late fee")
    # Before: the provider's generator stayed suspended (never closed, never finished).
    assert provider.closed.wait(10), "the answer's stream was left open after the client left"
    assert not provider.finished.is_set()
    assert not [r for r in caplog.records if r.exc_info], "a disconnect is not an error"

    # The server goes on answering, in full, whoever stays.
    chunks = list(
        client.chat.completions.create(
            model="grounded-qa",
            messages=[{"role": "user", "content": "What is the late fee?"}],
            stream=True,
        )
    )
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert provider.finished.is_set()

"""An OpenAI-compatible server (LM Studio, vLLM, llama.cpp server) at the address people type."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from providers.config import ProviderConfig
from providers.openai_compatible_provider import OpenAICompatibleProvider
from tests.fakes.plugin import question
from tests.fakes.servers import FakeServer


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/"])
def test_the_server_answers_with_or_without_v1_in_its_address(
    suffix: str, start_fake: Callable[[str], FakeServer]
) -> None:
    # LM Studio shows "http://localhost:1234"; typed as is, every question was a 404
    # ("OpenAI-compatible failed"): these servers answer under /v1.
    fake = start_fake("openai")
    p = OpenAICompatibleProvider(
        "default", base_url=fake.root + suffix, config=ProviderConfig(max_retries=0)
    )
    assert p.generate(question()).text
    assert [r.path for r in fake.calls] == ["/v1/chat/completions"]

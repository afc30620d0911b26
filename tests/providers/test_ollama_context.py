"""Ollama truncates a prompt longer than ``num_ctx`` silently: we size it and say what we cut.

The fake behaves like the real server: ``/api/show`` tells the model's trained context, and
``/api/chat`` keeps only the last ``num_ctx`` tokens of a longer prompt without an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from providers.base import Message, Request, Source
from providers.chain import FallbackChain
from providers.config import ProviderConfig
from providers.ollama_provider import FALLBACK_NUM_CTX
from rag.context import ContextBudgeter
from tests.fakes.plugin import FinalFake
from tests.fakes.servers import FakeOllama, FakeServer, Reply


def big_request(n: int = 8, chars: int = 2400) -> Request:
    sources = [
        Source(i, f"doc{i}.txt", 1, f"Fact number {i}. " + "x" * chars) for i in range(1, n + 1)
    ]
    return Request(
        messages=[Message("user", "Which fact?")],
        question="Which fact?",
        sources=sources,
        max_tokens=256,
    )


def test_the_fake_truncates_silently_like_the_real_server(fake_ollama: FakeServer) -> None:
    assert isinstance(fake_ollama, FakeOllama)
    body = {
        "model": "llama3.2",
        "stream": False,
        "messages": [{"role": "user", "content": "y" * 40_000}],
    }
    r = httpx.post(fake_ollama.root + "/api/chat", json=body)
    assert r.status_code == 200 and r.json()["done"] is True  # no error at all
    assert r.json()["prompt_eval_count"] == fake_ollama.default_num_ctx
    assert fake_ollama.truncated == [(10_001, fake_ollama.default_num_ctx)]


def test_num_ctx_is_the_model_context_capped(
    fake_ollama: FakeServer, make_provider: Callable[..., Any], req: Request
) -> None:
    p = make_provider("ollama", fake_ollama)
    p.generate(req)
    assert fake_ollama.calls[0].body["options"]["num_ctx"] == 8192  # 131072 trained, capped
    assert [r.path for r in fake_ollama.requests].count("/api/show") == 1
    p.generate(req)
    assert [r.path for r in fake_ollama.requests].count("/api/show") == 1  # read once

    cfg = ProviderConfig(ollama_num_ctx_max=32_768, max_retries=0)
    assert make_provider("ollama", fake_ollama, config=cfg).max_context == 32_768


def test_modelfile_num_ctx_wins_and_unknown_model_falls_back(
    fake_ollama: FakeServer, make_provider: Callable[..., Any]
) -> None:
    assert isinstance(fake_ollama, FakeOllama)
    fake_ollama.modelfile_num_ctx = 16_384
    assert make_provider("ollama", fake_ollama).max_context == 16_384
    assert make_provider("ollama", fake_ollama, model="nope:1b").max_context == FALLBACK_NUM_CTX


def test_sources_are_budgeted_to_num_ctx_and_the_answer_says_so(
    fake_ollama: FakeServer, make_provider: Callable[..., Any]
) -> None:
    assert isinstance(fake_ollama, FakeOllama)
    fake_ollama.context_length = 4096  # a small model: 8 sources of ~600 tokens cannot fit
    fake_ollama.default = Reply(text="Fact number 1 [1].")
    p = make_provider("ollama", fake_ollama)
    chain = FallbackChain([p, FinalFake()], fit=ContextBudgeter())
    items = list(chain.stream(big_request()))
    final = items[-1]
    sent = fake_ollama.calls[0].body
    rep = final.raw["context"]
    assert final.provider == "ollama"
    assert sent["options"]["num_ctx"] == rep["max_context"] == 4096
    assert fake_ollama.truncated == []  # nothing was cut behind our back
    assert rep["dropped_sources"]
    dropped = ", ".join(str(n) for n in rep["dropped_sources"])
    assert f"sources {dropped} left out" in final.text
    assert "".join(i for i in items[:-1]) == final.text  # the note was shown, not only kept
    assert "4096 tokens" in final.text


def test_a_window_override_is_what_is_sent(
    fake_ollama: FakeServer, make_provider: Callable[..., Any]
) -> None:
    p = make_provider("ollama", fake_ollama)
    chain = FallbackChain([p, FinalFake()], fit=ContextBudgeter({"ollama": 6000}))
    resp = chain.generate(big_request(n=3, chars=400))
    assert fake_ollama.calls[0].body["options"]["num_ctx"] == 6000
    assert "left out" not in resp.text  # it all fitted: no note


def test_the_cap_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from rag.settings import load_settings

    monkeypatch.setenv("RAG_OLLAMA_NUM_CTX_MAX", "16384")
    assert load_settings(index_dir=tmp_path).provider_config().ollama_num_ctx_max == 16384

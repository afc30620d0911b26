"""The error shapes the fakes used to be too kind to send, checked one at a time.

In-stream errors (a 200 stream that ends with the API's error event), Gemini's 429 whose
wait is only in the ``google.rpc.RetryInfo`` body, and Gemini 2.5's ``thoughtsTokenCount``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from providers.base import Request, Response
from providers.errors import OverloadedError, RateLimitError, ServerError
from tests.fakes.servers import FakeServer, Reply


def _stream(p: Any, req: Request) -> tuple[list[str], Response]:
    items = list(p.stream(req))
    assert isinstance(items[-1], Response)
    return [i for i in items[:-1] if isinstance(i, str)], items[-1]


def test_openai_error_chunk_is_a_retryable_server_error(
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    req: Request,
    sleeps: list[float],
) -> None:
    fake = start_fake("openai")
    fake.script(Reply(fault="stream_error"), Reply())
    p = make_provider("openai", fake)
    texts, resp = _stream(p, req)
    assert resp.text == Reply().text and "".join(texts) == resp.text
    assert len(fake.calls) == 2 and len(sleeps) == 1  # retried once, before any token


def test_openai_error_chunk_after_tokens_is_not_retried(
    start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any], req: Request
) -> None:
    fake = start_fake("openai")
    fake.default = Reply(fault="stream_error_late")
    p = make_provider("openai", fake)
    shown: list[str] = []
    with pytest.raises(ServerError) as ei:
        for item in p.stream(req):
            if isinstance(item, str):
                shown.append(item)
    assert "".join(shown) == "Paris is the capital "
    assert "mid-stream" in str(ei.value) and ei.value.retryable
    assert len(fake.calls) == 1


def test_anthropic_error_event_is_overloaded(
    start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any], req: Request
) -> None:
    fake = start_fake("anthropic")
    fake.default = Reply(fault="stream_error")
    p = make_provider("anthropic", fake, max_retries=0)
    with pytest.raises(OverloadedError) as ei:
        list(p.stream(req))
    assert ei.value.status == 200 and ei.value.retryable


def test_gemini_429_wait_comes_from_the_body_only(
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    req: Request,
    sleeps: list[float],
) -> None:
    fake = start_fake("gemini")
    fake.script(Reply(fault="rate_limit", retry_after=3.5), Reply())
    p = make_provider("gemini", fake)
    assert p.generate(req).text == Reply().text
    assert sleeps == [pytest.approx(3.5)]
    first = fake.requests[0]
    assert first.path.endswith(":generateContent")
    with pytest.raises(RateLimitError) as ei:
        fake.default = Reply(fault="rate_limit", retry_after=1.25)
        make_provider("gemini", fake, max_retries=0).generate(req)
    assert ei.value.retry_after == pytest.approx(1.25)


@pytest.mark.parametrize("mode", ["generate", "stream"])
def test_gemini_thinking_tokens_are_billed_as_output(
    mode: str,
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    req: Request,
) -> None:
    fake = start_fake("gemini")
    fake.default = Reply(input_tokens=100, output_tokens=20, thinking_tokens=500)
    p = make_provider("gemini", fake, model="gemini-2.5-flash")
    resp = p.generate(req) if mode == "generate" else _stream(p, req)[1]
    assert (resp.usage.input_tokens, resp.usage.output_tokens) == (100, 520)
    # gemini-2.5-flash: $0.30 in / $2.50 out per 1M tokens (pricing.toml)
    assert resp.cost_usd == pytest.approx((100 * 0.30 + 520 * 2.50) / 1e6)

"""Every networked provider x every fault, through the real SDKs against the wire fakes.

For each: the right error kind, the right number of attempts and the waits Retry-After
asked for, recovery when the fault is transient, the fallback taken, and an answer always.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from providers.base import Request, Response
from providers.chain import FallbackChain
from providers.errors import (
    AuthError,
    BadResponseError,
    ContentFilteredError,
    ContextTooLongError,
    OverloadedError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeout,
    RateLimitError,
    ServerError,
)
from providers.metrics import Metrics
from tests.fakes.plugin import NETWORKED, FinalFake
from tests.fakes.servers import FAULTS, FakeServer, Reply

EXPECT: dict[str, tuple[type[ProviderError], bool]] = {
    "rate_limit": (RateLimitError, True),
    "server": (ServerError, True),
    "overloaded": (OverloadedError, True),
    "slow": (ProviderTimeout, True),
    "refused": (ProviderConnectionError, True),
    "malformed": (BadResponseError, False),
    "cut": (ProviderConnectionError, True),
    "auth": (AuthError, False),
    "context": (ContextTooLongError, False),
    "filter": (ContentFilteredError, False),
    # Overridden per API below: each one's in-stream error names its own kind.
    "stream_error": (ServerError, True),
    "stream_error_late": (ServerError, True),
}
assert set(EXPECT) == set(FAULTS)
# What each API's in-stream error event says (the fakes send the real shapes): OpenAI a
# server_error chunk, Anthropic ``event: error`` overloaded_error, Gemini an UNAVAILABLE
# (503) error chunk, Ollama an ``{"error": ...}`` line from a crashed runner.
STREAM_ERROR: dict[str, type[ProviderError]] = {
    "openai": ServerError,
    "anthropic": OverloadedError,
    "gemini": OverloadedError,
    "ollama": ServerError,
}
# Faults after which text was already shown: a stream is not retried but handed on.
LATE = ("cut", "stream_error_late")


def expect(pname: str, fault: str) -> tuple[type[ProviderError], bool]:
    if fault.startswith("stream_error"):
        return STREAM_ERROR[pname], True
    return EXPECT[fault]


# Hand-computed from pricing.toml and the fake's usage (42 in, 9 out).
EXPECTED_COST = {
    "openai": (42 * 0.15 + 9 * 0.60) / 1e6,
    "anthropic": (42 * 0.80 + 9 * 4.00) / 1e6,
    "gemini": (42 * 0.10 + 9 * 0.40) / 1e6,
    "ollama": 0.0,
}
RETRY_AFTER = 2.0
TEXT = Reply().text


def cases() -> list[Any]:
    out = []
    for p in NETWORKED:
        for f in FAULTS:
            marks = []
            if p == "ollama" and f == "filter":
                marks.append(
                    pytest.mark.skip(reason="Ollama's API has no content filter to refuse with")
                )
            if p == "ollama" and f == "context":
                marks.append(
                    pytest.mark.skip(
                        reason="Ollama never refuses a long prompt: it truncates it silently at "
                        "num_ctx (tests/providers/test_ollama_context.py)"
                    )
                )
            out.append(pytest.param(p, f, id=f"{p}-{f}", marks=marks))
    return out


def fault_reply(fault: str) -> Reply:
    return Reply(
        fault=fault,
        retry_after=RETRY_AFTER if fault in ("rate_limit", "overloaded") else None,
        delay_s=2.5,  # past the 1.0 s client timeout
    )


def run(provider: Any, request: Request, mode: str) -> Response:
    if mode == "generate":
        return provider.generate(request)
    items = list(provider.stream(request))
    assert isinstance(items[-1], Response)
    assert all(isinstance(i, str) for i in items[:-1])
    assert sum(isinstance(i, Response) for i in items) == 1
    return items[-1]


def expected_waits_ok(fault: str, waits: list[float], n: int) -> None:
    assert len(waits) == n, waits
    for i, w in enumerate(waits, start=1):
        if fault in ("rate_limit", "overloaded"):
            assert w == pytest.approx(RETRY_AFTER)  # what the server asked for
        else:
            assert 0.0 <= w <= 0.1 * 2 ** (i - 1)  # full-jitter exponential backoff


@pytest.mark.parametrize("mode", ["generate", "stream"])
@pytest.mark.parametrize(("pname", "fault"), cases())
def test_error_kind_and_retries(
    pname: str,
    fault: str,
    mode: str,
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    sleeps: list[float],
    req: Request,
) -> None:
    fake = None if fault == "refused" else start_fake(pname)
    max_retries = 1 if fault == "slow" else 2
    if fake is not None:
        fake.default = fault_reply(fault)
    p = make_provider(pname, fake, max_retries=max_retries)
    exc_type, retryable = expect(pname, fault)
    # A stream broken after tokens were shown is not retried (it would repeat the text).
    retried = retryable and not (mode == "stream" and fault in LATE)
    with pytest.raises(exc_type) as ei:
        run(p, req, mode)
    err = ei.value
    assert err.kind == exc_type.kind
    assert err.retryable == retryable
    if fault not in ("filter",) and pname != "ollama":
        assert err.__cause__ is not None  # mapped "from e"
    n_attempts = max_retries + 1 if retried else 1
    if fake is not None:
        assert len(fake.calls) == n_attempts
    expected_waits_ok(fault, sleeps, n_attempts - 1)
    if fault in ("rate_limit", "overloaded"):
        assert err.retry_after == pytest.approx(RETRY_AFTER)


@pytest.mark.parametrize("mode", ["generate", "stream"])
@pytest.mark.parametrize(("pname", "fault"), cases())
def test_fallback_always_answers(
    pname: str,
    fault: str,
    mode: str,
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    req: Request,
) -> None:
    fake = None if fault == "refused" else start_fake(pname)
    if fake is not None:
        fake.default = fault_reply(fault)
    p = make_provider(pname, fake, max_retries=0)
    final = FinalFake()
    chain = FallbackChain([p, final], metrics=Metrics())
    resp = run(chain, req, mode)
    kind = expect(pname, fault)[0].kind
    assert resp.provider == "final"
    assert [a.provider for a in resp.attempts] == [pname, "final"]
    assert resp.attempts[0].error_kind == kind
    assert resp.attempts[0].error
    assert resp.attempts[-1].error is None
    assert chain.metrics.snapshot()[p.label]["errors"] == {kind: 1}
    if mode == "stream" and fault in LATE:
        # Tokens were shown, then the stream broke: flagged, with a visible notice, and
        # completed by the next provider which got the partial answer to continue from.
        assert resp.interrupted
        assert resp.text.startswith("Paris is the capital ")
        assert "stopped mid-answer" in resp.text
        assert resp.text.rstrip().endswith(final.text)
        assert final.calls[0].metadata["continuation_of"].startswith("Paris is")
        assert "interrupted" in (resp.attempts[0].error or "")
    else:
        assert not resp.interrupted
        assert resp.text.strip() == final.text


RECOVERABLE = [
    c
    for c in cases()
    if c.values[1] in ("rate_limit", "server", "overloaded", "slow", "cut", "stream_error")
]


@pytest.mark.parametrize("mode", ["generate", "stream"])
@pytest.mark.parametrize(("pname", "fault"), RECOVERABLE)
def test_transient_fault_recovers_with_usage_and_cost(
    pname: str,
    fault: str,
    mode: str,
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    sleeps: list[float],
    req: Request,
) -> None:
    fake = start_fake(pname)
    bad = fault_reply(fault)
    if fault == "cut":
        bad.cut_after = 0  # cut before the first token: still safe to retry a stream
    fake.script(bad, Reply())
    p = make_provider(pname, fake)
    resp = run(p, req, mode)
    assert resp.text == TEXT
    assert (resp.usage.input_tokens, resp.usage.output_tokens) == (42, 9)
    assert resp.cost_usd == pytest.approx(EXPECTED_COST[pname], rel=1e-9)
    assert len(fake.calls) == 2
    expected_waits_ok(fault, sleeps, 1)


@pytest.mark.parametrize(
    ("provider_timeout_s", "request_timeout_s"),
    # each attempt spends a whole timeout (a person would wait 3 x 30 s), and a follow-up's
    # rewrite has its own 10 s: it was retried until 1.5 x the provider's 30 s had passed
    # (2 s, not 1: the second attempt must start within 1.5 timeouts, and on a loaded CI
    # machine the first 1 s attempt's own overhead once took it past 1.5 s)
    [(2.0, None), (20.0, 2.0)],
    ids=["provider-timeout", "request-timeout"],
)
@pytest.mark.parametrize("pname", NETWORKED)
def test_a_stalled_provider_is_retried_once_not_until_the_retries_run_out(
    pname: str,
    provider_timeout_s: float,
    request_timeout_s: float | None,
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    req: Request,
) -> None:
    # Two retries allowed, but no new attempt starts after 1.5 of the request's timeouts.
    from dataclasses import replace

    fake = start_fake(pname)
    fake.default = replace(fault_reply("slow"), delay_s=6.0)  # past either 2 s timeout
    p = make_provider(pname, fake, max_retries=2, timeout_s=provider_timeout_s)
    with pytest.raises(ProviderError) as ei:
        p.generate(replace(req, timeout_s=request_timeout_s))
    assert ei.value.kind == "timeout"
    assert len(fake.calls) == 2

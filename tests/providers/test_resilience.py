"""Retry loop, Retry-After handling, circuit breaker and key rotation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from providers.base import Request
from providers.errors import (
    AuthError,
    CircuitOpenError,
    ContextTooLongError,
    ProviderTimeout,
    RateLimitError,
    ServerError,
)
from providers.resilience import CircuitBreaker, Resilience, RetryPolicy
from tests.fakes.servers import FakeServer, Reply


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def flaky(
    errors: list[Exception], result: str = "ok"
) -> tuple[Callable[[str | None], str], list[str | None]]:
    keys: list[str | None] = []

    def fn(key: str | None) -> str:
        keys.append(key)
        if errors:
            raise errors.pop(0)
        return result

    return fn, keys


def test_retry_after_is_honoured_and_capped() -> None:
    waits: list[float] = []
    r = Resilience("p", policy=RetryPolicy(max_retries=3, max_wait_s=5.0), sleep=waits.append)
    fn, _ = flaky(
        [RateLimitError("slow down", retry_after=1.5), RateLimitError("x", retry_after=60)]
    )
    assert r.call(fn) == "ok"
    assert waits == [1.5, 5.0]  # 60 s asked, capped at max_wait_s


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    r = Resilience("p", policy=RetryPolicy(max_retries=5, base_s=1.0, max_wait_s=3.0))
    for attempt in range(1, 8):
        samples = [r.backoff(attempt, ServerError("x")) for _ in range(200)]
        assert all(0.0 <= s <= min(3.0, 2 ** (attempt - 1)) for s in samples)
        assert len(set(samples)) > 50  # jittered, not a constant


def test_only_retryable_errors_are_retried() -> None:
    waits: list[float] = []
    r = Resilience("p", policy=RetryPolicy(max_retries=3), sleep=waits.append)
    fn, keys = flaky([ContextTooLongError("too long")])
    with pytest.raises(ContextTooLongError):
        r.call(fn)
    assert len(keys) == 1 and waits == []
    fn, keys = flaky([ServerError("a"), ServerError("b"), ServerError("c"), ServerError("d")])
    with pytest.raises(ServerError):
        r.call(fn)
    assert len(keys) == 4 and len(waits) == 3


def test_breaker_opens_after_n_failures_then_half_opens_after_cooldown() -> None:
    clock = Clock()
    r = Resilience(
        "p",
        policy=RetryPolicy(max_retries=0),
        breaker=CircuitBreaker(2, 30.0, clock=clock),
        sleep=lambda s: None,
    )
    for _ in range(2):
        with pytest.raises(ServerError):
            r.call(flaky([ServerError("x")])[0])
    assert r.breaker.state == "open"
    fn, calls = flaky([])
    with pytest.raises(CircuitOpenError):
        r.call(fn)
    assert calls == []  # not even tried
    clock.t += 31
    assert r.breaker.state == "half_open"
    # A failed trial re-opens at once.
    with pytest.raises(ServerError):
        r.call(flaky([ServerError("x")])[0])
    assert r.breaker.state == "open"
    clock.t += 31
    assert r.call(fn) == "ok"
    assert r.breaker.state == "closed"


def test_request_errors_do_not_trip_the_breaker() -> None:
    r = Resilience("p", policy=RetryPolicy(max_retries=0), breaker=CircuitBreaker(1, 30.0))
    with pytest.raises(ContextTooLongError):
        r.call(flaky([ContextTooLongError("x")])[0])
    assert r.breaker.state == "closed"


def test_key_rotation_on_401_and_429_without_waiting() -> None:
    waits: list[float] = []
    r = Resilience(
        "p", keys=["k1", "k2", "k3"], policy=RetryPolicy(max_retries=0), sleep=waits.append
    )
    fn, keys = flaky([AuthError("bad key"), RateLimitError("quota", retry_after=10)])
    assert r.call(fn) == "ok"
    assert keys == ["k1", "k2", "k3"]
    assert waits == [0.0, 0.0]  # a fresh key has its own quota
    # The good key stays current for the next call.
    fn, keys = flaky([])
    r.call(fn)
    assert keys == ["k3"]


def test_all_keys_bad_gives_auth_error() -> None:
    r = Resilience("p", keys=["k1", "k2"], policy=RetryPolicy(max_retries=0), sleep=lambda s: None)
    fn, keys = flaky([AuthError("a"), AuthError("b"), AuthError("c")])
    with pytest.raises(AuthError):
        r.call(fn)
    assert keys == ["k1", "k2"]


def test_key_rotation_through_real_sdk(
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    sleeps: list[float],
    req: Request,
) -> None:
    fake = start_fake("openai")
    fake.script(Reply(fault="auth"), Reply(fault="rate_limit", retry_after=7), Reply())
    p = make_provider(
        "openai",
        fake,
        key=[
            "sk-first-aaaaaaaaaaaaaaaaaaaa",
            "sk-second-bbbbbbbbbbbbbbbbbbb",
            "sk-third-ccccccccccccccccccccc",
        ],
    )
    assert p.generate(req).text
    sent = [r.headers["authorization"] for r in fake.calls]
    assert sent == [
        "Bearer sk-first-aaaaaaaaaaaaaaaaaaaa",
        "Bearer sk-second-bbbbbbbbbbbbbbbbbbb",
        "Bearer sk-third-ccccccccccccccccccccc",
    ]
    assert sleeps == [0.0, 0.0]


def test_breaker_through_real_sdk(
    start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any], req: Request
) -> None:
    from providers.config import ProviderConfig

    fake = start_fake("anthropic")
    fake.default = Reply(fault="server")
    p = make_provider(
        "anthropic",
        fake,
        config=ProviderConfig(
            max_retries=0, breaker_failures=2, breaker_cooldown_s=60, timeout_s=1
        ),
    )
    for _ in range(2):
        with pytest.raises(ServerError):
            p.generate(req)
    with pytest.raises(CircuitOpenError):
        list(p.stream(req))
    assert len(fake.calls) == 2


def test_stream_retries_only_before_first_token(
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    sleeps: list[float],
    req: Request,
) -> None:
    fake = start_fake("gemini")
    fake.script(Reply(fault="server"), Reply(fault="overloaded", retry_after=3), Reply())
    p = make_provider("gemini", fake)
    items = list(p.stream(req))
    assert "".join(i for i in items if isinstance(i, str)) == Reply().text
    assert len(sleeps) == 2 and sleeps[1] == 3.0


def test_no_retry_once_the_deadline_has_passed() -> None:
    # A person is waiting: once the deadline has passed (here one 30 s timeout) no new
    # attempt starts; quick failures are still retried.
    now = [0.0]
    waits: list[float] = []

    def timing_out(key: str | None) -> str:
        now[0] += 30.0  # the request timeout, spent
        raise ProviderTimeout("no answer in 30 s")

    r = Resilience(
        "p",
        policy=RetryPolicy(max_retries=2, deadline_s=30.0),
        sleep=waits.append,
        clock=lambda: now[0],
    )
    with pytest.raises(ProviderTimeout):
        r.call(timing_out)
    assert waits == [] and now[0] == 30.0
    fn, keys = flaky([ServerError("a"), ServerError("b")])
    assert r.call(fn) == "ok" and len(keys) == 3  # quick failures: retried as before

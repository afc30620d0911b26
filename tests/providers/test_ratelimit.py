"""Client-side rate limits: buckets on a fake clock, bounded waits, priorities, per-key quotas."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from providers.base import Request
from providers.config import ProviderConfig
from providers.ratelimit import LocalRateLimitError, RateLimiter, priority_of
from tests.fakes.servers import FakeServer

pytestmark = pytest.mark.trust


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def sleeping_limiter(
    limits: dict[str, Any], max_wait_s: float = 60.0
) -> tuple[RateLimiter, FakeClock]:
    """A limiter whose waits advance the fake clock instead of sleeping."""
    clock = FakeClock()

    def wait(cond: threading.Condition, s: float) -> None:
        clock.t += s

    return RateLimiter(limits, max_wait_s=max_wait_s, clock=clock, wait=wait), clock


def test_requests_per_minute_burst_then_wait() -> None:
    lim, _ = sleeping_limiter({"openai": {"rpm": 2}})
    assert lim.acquire("openai", "k") == 0.0
    assert lim.acquire("openai", "k") == 0.0
    assert lim.acquire("openai", "k") == pytest.approx(30.0)  # 2/min refills one every 30 s
    assert lim.acquire("anthropic", "k") == 0.0  # no limit configured


def test_tokens_per_minute() -> None:
    lim, _ = sleeping_limiter({"openai": {"tpm": 6000}})
    assert lim.acquire("openai", "k", tokens=5000) == 0.0
    assert lim.acquire("openai", "k", tokens=3000) == pytest.approx(20.0)  # 2000 short at 100/s


def test_bounded_wait_fails_locally() -> None:
    lim, _ = sleeping_limiter({"openai": {"rpm": 1}}, max_wait_s=10.0)
    lim.acquire("openai", "k")
    with pytest.raises(LocalRateLimitError) as e:
        lim.acquire("openai", "k")
    assert e.value.kind == "rate_limit" and not e.value.retryable
    assert e.value.retry_after == pytest.approx(60.0)
    assert "client-side rate limit" in str(e.value)


def test_quota_is_per_key_and_per_model_override() -> None:
    lim, _ = sleeping_limiter({"openai": {"rpm": 1}, "openai:gpt-4o": {"rpm": 100}}, max_wait_s=0)
    lim.acquire("openai", "key-a")
    lim.acquire("openai", "key-b")  # a second key has its own bucket
    with pytest.raises(LocalRateLimitError):
        lim.acquire("openai", "key-a")
    for _ in range(5):
        lim.acquire("openai", "key-a", model="gpt-4o")


def test_interactive_goes_before_background() -> None:
    """Both wait for the same empty bucket; the interactive one, though later, is served first."""
    clock = FakeClock()
    lim = RateLimiter(
        {"openai": {"rpm": 1}}, max_wait_s=1000, clock=clock, wait=lambda cond, s: cond.wait(0.005)
    )
    lim.acquire("openai", "k")  # bucket now empty for 60 (fake) seconds
    order: list[str] = []

    def run(prio: str) -> None:
        lim.acquire("openai", "k", priority=prio)
        order.append(prio)

    bg = threading.Thread(target=run, args=("background",))
    bg.start()
    time.sleep(0.05)
    it = threading.Thread(target=run, args=("interactive",))
    it.start()
    time.sleep(0.05)
    clock.t += 60  # one request's worth
    deadline = time.time() + 5
    while len(order) < 1 and time.time() < deadline:
        time.sleep(0.01)
    assert order == ["interactive"]
    clock.t += 60
    bg.join(5)
    it.join(5)
    assert order == ["interactive", "background"]


def test_priority_from_request_metadata() -> None:
    assert priority_of(Request([])) == "interactive"
    assert priority_of(Request([], metadata={"task": "structured"})) == "background"
    assert (
        priority_of(Request([], metadata={"task": "interpretation", "priority": "interactive"}))
        == "interactive"
    )


def test_provider_waits_its_turn_then_rotates_key(
    make_provider: Callable[..., Any], fake_openai: FakeServer, req: Request
) -> None:
    """Over the local limit, the retry loop moves to a second key (its own quota)."""
    lim, _ = sleeping_limiter({"openai": {"rpm": 1}}, max_wait_s=0)
    p = make_provider(
        "openai",
        fake_openai,
        key=["sk-test-keyAAAAAAAAAAAAAAAAAAAA", "sk-test-keyBBBBBBBBBBBBBBBBBBBB"],
        limiter=lim,
    )
    p.generate(req)
    p.generate(req)
    auths = [c.headers["authorization"][-4:] for c in fake_openai.calls]
    assert auths == ["AAAA", "BBBB"]
    with pytest.raises(LocalRateLimitError):
        p.generate(req)  # both keys used up: fails locally, no HTTP call
    assert len(fake_openai.calls) == 2


def test_limits_come_from_config(
    make_provider: Callable[..., Any], fake_openai: FakeServer, req: Request
) -> None:
    cfg = ProviderConfig(rate_limits={"openai": {"rpm": 1}}, rate_limit_max_wait_s=0, max_retries=0)
    p = make_provider("openai", fake_openai, config=cfg)
    assert p.limiter is not None and p.limiter.limit_for("openai").rpm == 1
    p.generate(req)
    with pytest.raises(LocalRateLimitError):
        p.generate(req)
    p.limiter.configure({})  # the shared limiter outlives this test: clear it

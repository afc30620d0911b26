"""Client-side rate limits per provider and API key: requests/min and tokens/min.

A burst of questions (or a topic-labelling job firing 20 calls) should wait its turn here
instead of collecting 429s from the provider. Each (provider, key) pair has two token
buckets (requests and tokens, refilled continuously, capacity = one minute's allowance)
and a small priority queue: a caller waits until it is at the head of the queue *and* both
buckets hold enough. Interactive questions go before background work (topic labels,
interpretations). The wait is bounded: if the allowance will not be there within
``max_wait_s`` the call fails at once with :class:`LocalRateLimitError` (the fallback chain
then moves on, and with several keys the retry loop rotates to a key with its own quota).

Tokens counted per call = estimated prompt tokens + ``max_tokens``, as OpenAI's own
limiter counts the requested completion size against TPM.

``clock`` and ``wait`` are injectable so tests run on a fake clock without sleeping.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from providers.base import Request
from providers.errors import LocalRateLimitError

PRIORITIES = {"interactive": 0, "background": 10}
# Request.metadata["task"] values that are a user waiting for an answer.
INTERACTIVE_TASKS = frozenset({"", "answer", "chat", "ask", "consensus"})


@dataclass(frozen=True)
class Limit:
    rpm: float | None = None  # requests per minute
    tpm: float | None = None  # tokens per minute

    @classmethod
    def parse(cls, v: Any) -> Limit:
        if isinstance(v, Limit):
            return v
        if isinstance(v, Mapping):
            return cls(v.get("rpm"), v.get("tpm"))
        raise ValueError(f"rate limit must be {{'rpm': n, 'tpm': n}}, got {v!r}")


class _Bucket:
    def __init__(self, per_minute: float, now: float) -> None:
        self.capacity = float(per_minute)
        self.rate = float(per_minute) / 60.0
        self.level = self.capacity
        self.last = now

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.last) * self.rate)
        self.last = now

    def wait_for(self, amount: float, now: float) -> float:
        self.refill(now)
        amount = min(
            amount, self.capacity
        )  # one huge call may use a whole minute, not block forever
        return 0.0 if self.level >= amount else (amount - self.level) / self.rate

    def take(self, amount: float) -> None:
        self.level -= min(amount, self.capacity)


def priority_of(request: Request) -> str:
    p = request.metadata.get("priority")
    if p in PRIORITIES:
        return str(p)
    return (
        "interactive"
        if str(request.metadata.get("task", "")) in INTERACTIVE_TASKS
        else "background"
    )


def _key_id(key: str | None) -> str:
    # Buckets are per key, but the key itself is never stored: a short hash identifies it.
    return hashlib.sha256(key.encode()).hexdigest()[:12] if key else "-"


class RateLimiter:
    def __init__(
        self,
        limits: Mapping[str, Any] | None = None,
        *,
        max_wait_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[threading.Condition, float], Any] | None = None,
    ) -> None:
        self.limits: dict[str, Limit] = {k: Limit.parse(v) for k, v in (limits or {}).items()}
        self.max_wait_s = max_wait_s
        self.clock = clock
        self._wait = wait or (lambda cond, s: cond.wait(s))
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._buckets: dict[tuple[str, str], tuple[_Bucket | None, _Bucket | None]] = {}
        self._queues: dict[tuple[str, str], list[tuple[int, int]]] = {}
        # (provider, priority, waited seconds) of every granted call, for tests and metrics.
        self.log: list[tuple[str, str, float]] = []

    def configure(self, limits: Mapping[str, Any], max_wait_s: float | None = None) -> None:
        with self._cond:
            new = {k: Limit.parse(v) for k, v in limits.items()}
            if new != self.limits:
                self.limits = new
                self._buckets.clear()
            if max_wait_s is not None:
                self.max_wait_s = max_wait_s

    def _scope(self, provider: str, model: str) -> str | None:
        """The settings entry that applies: ``provider:model`` before ``provider``."""
        for scope in (f"{provider}:{model}", provider):
            lim = self.limits.get(scope)
            if lim and (lim.rpm or lim.tpm):
                return scope
        return None

    def limit_for(self, provider: str, model: str = "") -> Limit | None:
        scope = self._scope(provider, model)
        return self.limits[scope] if scope else None

    def acquire(
        self,
        provider: str,
        key: str | None = None,
        tokens: int = 0,
        priority: str = "interactive",
        model: str = "",
    ) -> float:
        """Wait for a slot; returns seconds waited, raises LocalRateLimitError past max_wait_s."""
        scope = self._scope(provider, model)
        if scope is None:
            return 0.0
        lim = self.limits[scope]
        bk = (scope, _key_id(key))
        prio = PRIORITIES.get(priority, PRIORITIES["background"])
        with self._cond:
            start = self.clock()
            deadline = start + self.max_wait_s
            if bk not in self._buckets:
                self._buckets[bk] = (
                    _Bucket(lim.rpm, start) if lim.rpm else None,
                    _Bucket(lim.tpm, start) if lim.tpm else None,
                )
            rb, tb = self._buckets[bk]
            queue = self._queues.setdefault(bk, [])
            ticket = (prio, next(self._seq))
            heapq.heappush(queue, ticket)
            try:
                while True:
                    now = self.clock()
                    if queue[0] == ticket:
                        need = max(
                            rb.wait_for(1, now) if rb else 0.0,
                            tb.wait_for(tokens, now) if tb else 0.0,
                        )
                        if need <= 0:
                            if rb:
                                rb.take(1)
                            if tb:
                                tb.take(tokens)
                            waited = now - start
                            self.log.append((provider, priority, waited))
                            return waited
                        if now + need > deadline:
                            raise self._error(provider, need, lim)
                    else:
                        # Someone ahead of us; they notify when done (or we time out).
                        need = max(0.0, deadline - now)
                        if need <= 0:
                            raise self._error(provider, 0.0, lim)
                    self._wait(self._cond, need)
            finally:
                if ticket in queue:
                    queue.remove(ticket)
                    heapq.heapify(queue)
                self._cond.notify_all()

    def _error(self, provider: str, need: float, lim: Limit) -> LocalRateLimitError:
        parts = [
            f"{lim.rpm:g} requests/min" if lim.rpm else "",
            f"{lim.tpm:g} tokens/min" if lim.tpm else "",
        ]
        return LocalRateLimitError(
            f"client-side rate limit ({', '.join(p for p in parts if p)}) would need a "
            f"{need:.1f}s wait, more than the {self.max_wait_s:g}s allowed",
            provider=provider,
            retry_after=need or None,
        )


_default: RateLimiter | None = None
_default_lock = threading.Lock()


def default_limiter() -> RateLimiter:
    """The process-wide limiter: providers are rebuilt per chain, quotas are not."""
    global _default
    with _default_lock:
        if _default is None:
            _default = RateLimiter()
        return _default

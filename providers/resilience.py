"""Retries, circuit breaker and key rotation: the only retry loop in the provider layer.

SDKs are built with ``max_retries=0`` so that this loop alone decides: it retries only
errors marked ``retryable``, waits what ``Retry-After`` / ``retry-after-ms`` asked for (capped
by ``max_wait_s``) or else exponential backoff with full jitter, moves to the next API key on
429/401, and stops calling a provider whose breaker is open. ``sleep`` and ``clock`` are
injectable so tests assert the waits without sleeping.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from providers.base import Response, StreamItem
from providers.errors import (
    AuthError,
    BudgetExceededError,
    CircuitOpenError,
    ContentFilteredError,
    ContextTooLongError,
    ProviderError,
    RateLimitError,
    scrub_chain,
)

log = logging.getLogger(__name__)

T = TypeVar("T")


class CircuitBreaker:
    """closed -> (N consecutive failed calls) -> open -> (cooldown) -> half-open -> one trial."""

    def __init__(
        self,
        failures: int = 3,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self._lock = threading.Lock()
        # The kind of the last failure ("auth", "server"...): a paused provider's note says
        # why, or a rejected key would read as a vague "paused after repeated failures".
        self.last_failure: str | None = None

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self.clock() - self._opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a call go out now? In half-open, only one trial at a time."""
        with self._lock:
            st = self._state()
            if st == "closed":
                return True
            if st == "half_open" and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._consecutive = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self, kind: str | None = None) -> None:
        with self._lock:
            self._consecutive += 1
            self.last_failure = kind
            was_trial = self._trial_running
            self._trial_running = False
            if was_trial or self._consecutive >= self.failures:
                self._opened_at = self.clock()

    def release_trial(self) -> None:
        """A half-open trial ended without saying anything about health (e.g. bad request)."""
        with self._lock:
            self._trial_running = False


class KeyRing:
    """Several API keys for one provider; a 429 or 401 moves on to the next one."""

    def __init__(self, keys: list[str] | None) -> None:
        self.keys: list[str | None] = list(keys) if keys else [None]
        self._i = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def index(self) -> int:
        with self._lock:
            return self._i

    def current(self) -> str | None:
        with self._lock:
            return self.keys[self._i]

    def rotate(self) -> int:
        with self._lock:
            self._i = (self._i + 1) % len(self.keys)
            return self._i


# Errors that say "this request is wrong", not "this provider is sick": they do not trip
# the breaker (the next different request may well succeed).
_NOT_HEALTH = (ContextTooLongError, ContentFilteredError, BudgetExceededError)


@dataclass
class RetryPolicy:
    max_retries: int = 2
    base_s: float = 0.5
    max_wait_s: float = 20.0
    # No new attempt once this long has passed since the first began (None: no limit): a
    # person is waiting, and the next provider in the chain can answer instead.
    deadline_s: float | None = None


class Resilience:
    """Retry + breaker + key rotation for one provider instance."""

    def __init__(
        self,
        name: str,
        *,
        keys: list[str] | None = None,
        policy: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.clock = clock
        self.keys = KeyRing(keys)
        self.policy = policy or RetryPolicy()
        self.breaker = breaker or CircuitBreaker()
        self.sleep = sleep
        self.rng = rng or random.Random()
        # Every wait actually taken, for tests and debugging.
        self.waits: list[float] = []

    # -- waits ---------------------------------------------------------------------------
    def backoff(self, attempt: int, error: BaseException | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based) after ``error``."""
        cap = self.policy.max_wait_s
        if getattr(error, "_rotated_fresh_key", False):
            return 0.0  # a different key has its own quota: no reason to wait
        ra = getattr(error, "retry_after", None)
        if ra is not None:
            return min(float(ra), cap)
        exp = self.policy.base_s * (2 ** (attempt - 1))
        # Full jitter: spreads clients that failed together.
        return self.rng.uniform(0.0, min(cap, exp))

    def _wait(self, rs: RetryCallState) -> float:
        err = rs.outcome.exception() if rs.outcome else None
        return self.backoff(rs.attempt_number, err)

    def _should_retry(self, e: BaseException) -> bool:
        if not isinstance(e, ProviderError):
            return False
        if getattr(e, "_rotated_fresh_key", False):
            return True
        return e.retryable

    def _before_sleep(self, rs: RetryCallState) -> None:
        err = rs.outcome.exception() if rs.outcome else None
        wait = rs.next_action.sleep if rs.next_action else 0.0
        self.waits.append(wait)
        log.info(
            "%s: retry %d after %s in %.2fs",
            self.name,
            rs.attempt_number,
            getattr(err, "kind", type(err).__name__),
            wait,
        )

    def _retrying(self, deadline_s: float | None = None) -> Retrying:
        # With k keys an auth failure may need k attempts to find a good key.
        attempts = self.policy.max_retries + 1
        attempts = max(attempts, len(self.keys))
        start = self.clock()
        deadline = self.policy.deadline_s if deadline_s is None else deadline_s
        by_count = stop_after_attempt(attempts)

        def stop(rs: RetryCallState) -> bool:
            if by_count(rs):
                return True
            if deadline is not None and self.clock() - start >= deadline:
                log.info(
                    "%s: no retry, %.0f s spent of the %.0f s allowed",
                    self.name,
                    self.clock() - start,
                    deadline,
                )
                return True
            return False

        return Retrying(
            stop=stop,
            wait=self._wait,
            retry=retry_if_exception(self._should_retry),
            sleep=self.sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )

    def _on_error(self, e: ProviderError, tried: set[int]) -> None:
        """Rotate keys on 429/401; mark whether the next attempt uses an untried key."""
        if isinstance(e, AuthError | RateLimitError) and len(self.keys) > 1:
            nxt = self.keys.rotate()
            fresh = nxt not in tried
            e._rotated_fresh_key = fresh
            log.info("%s: %s, switching to key #%d", self.name, e.kind, nxt + 1)

    def _check_breaker(self) -> None:
        if not self.breaker.allow():
            last = self.breaker.last_failure
            raise CircuitOpenError(
                f"circuit open after {self.breaker.failures} consecutive failures"
                + (f" (last: {last})" if last else "")
                + f"; retrying after {self.breaker.cooldown_s:.0f}s cooldown",
                provider=self.name,
            )

    def _finish(self, error: BaseException | None) -> None:
        if error is not None:
            scrub_chain(error)  # the wrapped SDK error may quote the key (401 echoes)
        if error is None:
            self.breaker.record_success()
        elif isinstance(error, _NOT_HEALTH):
            self.breaker.release_trial()
        else:
            self.breaker.record_failure(getattr(error, "kind", None))

    # -- calls ---------------------------------------------------------------------------
    def call(self, fn: Callable[[str | None], T], deadline_s: float | None = None) -> T:
        """Run ``fn(key)`` with retries; raises the last :class:`ProviderError`.
        ``deadline_s`` replaces the policy's for this call (a request with its own timeout)."""
        self._check_breaker()
        tried: set[int] = set()
        try:
            for attempt in self._retrying(deadline_s):
                with attempt:
                    idx = self.keys.index
                    tried.add(idx)
                    try:
                        result = fn(self.keys.current())
                    except ProviderError as e:
                        self._on_error(e, tried)
                        raise
        except BaseException as e:
            self._finish(e)
            raise
        self._finish(None)
        return result

    def stream(
        self, fn: Callable[[str | None], Iterator[StreamItem]], deadline_s: float | None = None
    ) -> Iterator[StreamItem]:
        """Retry opening the stream until the first item; after that errors propagate.

        Once text has been shown a retry would repeat it, so a break mid-stream is the
        caller's (the fallback chain's) to handle.
        """
        self._check_breaker()
        tried: set[int] = set()
        it: Iterator[StreamItem] | None = None
        first: StreamItem | None = None
        try:
            for attempt in self._retrying(deadline_s):
                with attempt:
                    idx = self.keys.index
                    tried.add(idx)
                    try:
                        it = fn(self.keys.current())
                        first = _first_meaningful(it)
                    except ProviderError as e:
                        self._on_error(e, tried)
                        raise
        except BaseException as e:
            self._finish(e)
            raise
        assert it is not None and first is not None
        try:
            yield first
            if isinstance(first, Response):
                self._finish(None)
                return
            yield from it
        except GeneratorExit:
            # Consumer stopped early: not a provider failure.
            self.breaker.release_trial()
            raise
        except BaseException as e:
            self._finish(e)
            raise
        self._finish(None)


def _first_meaningful(it: Iterator[StreamItem]) -> StreamItem:
    """First non-empty delta (or the final Response); empty deltas carry nothing to show."""
    for item in it:
        if isinstance(item, Response) or item:
            return item
    from providers.errors import BadResponseError

    raise BadResponseError("stream ended without a final response")

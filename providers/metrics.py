"""Per-provider counters: calls, errors by kind, latency p50/p95 of the answers the provider
itself gave (not of failures, not of cache hits), tokens, cost. Thread-safe.

The fallback chain records into a :class:`Metrics`; the UI and ``rag providers --json`` read
:meth:`Metrics.snapshot`. :func:`default_metrics` is the process-wide instance.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from providers.base import Usage

_WINDOW = 1000  # latencies kept per provider for percentiles


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    # Nearest-rank: a real observed latency, no interpolation surprises on tiny samples.
    idx = max(0, min(len(s) - 1, round(q * len(s) + 0.5) - 1))
    return s[idx]


@dataclass
class _Stats:
    calls: int = 0
    successes: int = 0
    cached: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=_WINDOW))
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: dict[str, _Stats] = {}

    def record_success(
        self,
        provider: str,
        latency_ms: float,
        usage: Usage | None = None,
        cost_usd: float | None = 0.0,
        *,
        cached: bool = False,
    ) -> None:
        with self._lock:
            st = self._stats.setdefault(provider, _Stats())
            st.calls += 1
            st.successes += 1
            st.cached += int(cached)
            if not cached:  # a cache hit takes no time of the provider's
                st.latencies.append(latency_ms)
            if usage is not None:
                st.input_tokens += usage.input_tokens or 0
                st.output_tokens += usage.output_tokens or 0
            if cost_usd is None:
                st.unpriced_calls += 1
            else:
                st.cost_usd += cost_usd

    def record_error(self, provider: str, kind: str, latency_ms: float = 0.0) -> None:
        with self._lock:
            st = self._stats.setdefault(provider, _Stats())
            st.calls += 1
            st.errors[kind] += 1
            # ``latency_ms`` is not kept: a paused provider fails in 0 ms, a hung one at the
            # timeout, and the percentiles say how fast the provider answers.

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """``{"openai:gpt-4o-mini": {"calls", "errors", "p50_ms", ...}}``, JSON-ready."""
        with self._lock:
            out: dict[str, dict[str, Any]] = {}
            for name, st in self._stats.items():
                lat = list(st.latencies)
                out[name] = {
                    "calls": st.calls,
                    "successes": st.successes,
                    "cached": st.cached,
                    "errors": dict(st.errors),
                    "error_count": sum(st.errors.values()),
                    "p50_ms": _percentile(lat, 0.50),
                    "p95_ms": _percentile(lat, 0.95),
                    "input_tokens": st.input_tokens,
                    "output_tokens": st.output_tokens,
                    "cost_usd": round(st.cost_usd, 10),
                    "unpriced_calls": st.unpriced_calls,
                }
            return out

    def reset(self) -> None:
        with self._lock:
            self._stats.clear()


_default = Metrics()


def default_metrics() -> Metrics:
    return _default

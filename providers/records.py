"""Where usage rows and cached responses are kept: two small interfaces.

:class:`providers.usage.UsageTracker` and :class:`providers.cache.ResponseCache` keep their
rows in a SQLite file by default (one machine). Replicas that share a PostgreSQL database
(``RAG_STATE_URL``) pass implementations of these protocols instead (``rag/state/postgres.py``),
so a daily budget holds across every replica and a cached answer serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

TotalsBy = Literal["session", "day"]
# (cost_usd, calls, unpriced calls, input tokens, output tokens)
Totals = tuple[float, int, int, int, int]


@dataclass(frozen=True)
class UsageRow:
    ts: float
    day: str
    session: str
    provider: str
    model: str
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    cached: bool
    estimated: bool
    task: str


class UsageRecords(Protocol):
    def add(self, row: UsageRow) -> None: ...
    def totals(self, by: TotalsBy, value: str) -> Totals: ...
    def close(self) -> None: ...


class CacheRecords(Protocol):
    def get(self, key: str) -> tuple[float, str] | None:
        """(created, body) of the stored response, or None."""
        ...

    def put(self, key: str, created: float, provider: str, model: str, body: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def purge(self, before: float) -> int: ...
    def close(self) -> None: ...

"""SQLite response cache (``<state_dir>/cache.sqlite3``) with a TTL.

The key is the sha256 of provider, model, prompt and generation parameters; API keys are
never part of the key or the stored row. A hit comes back as ``cached=True, cost_usd=0``:
nothing was paid for it this time.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from providers.base import Request, Response, Usage
from providers.records import CacheRecords

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    created REAL NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    body TEXT NOT NULL
);
"""


def server_of(provider: object) -> str | None:
    """Where a provider's server is (its base URL), or None for the API's usual address."""
    url = getattr(provider, "base_url", None)
    return str(url).rstrip("/") if url else None


def cache_key(provider: str, model: str, request: Request, server: str | None = None) -> str:
    payload: dict[str, Any] = {
        "provider": provider,
        "model": model,
        "system": request.system,
        "messages": [[m.role, m.content] for m in request.messages],
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "stop": request.stop,
        "json_schema": request.json_schema,
        # Sources matter for the extractive answer even when messages are identical.
        "sources": [[s.n, s.source, s.page, s.text] for s in request.sources],
    }
    if request.tools or any(m.tool_calls or m.tool_call_id for m in request.messages):
        # Only when tools are in play, so keys of plain requests stay what they were.
        payload["tools"] = [[t.name, t.description, t.parameters] for t in request.tools or []]
        payload["tool_choice"] = request.tool_choice
        payload["tool_turns"] = [
            [[asdict(c) for c in m.tool_calls], m.tool_call_id] for m in request.messages
        ]
    if server:
        # Two servers of one kind (two OpenAI-compatible servers, both serving "default")
        # are two models: one's answers were served, "cached", for the other, even for an
        # address nothing listened at. Only when set, so other keys stay what they were.
        payload["server"] = server
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class _SqliteCache:
    """:class:`providers.records.CacheRecords` in a SQLite file (or in memory)."""

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        self._db.executescript(_SCHEMA)
        self._db.commit()

    def get(self, key: str) -> tuple[float, str] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT created, body FROM responses WHERE key = ?", (key,)
            ).fetchone()
        return (float(row[0]), str(row[1])) if row else None

    def put(self, key: str, created: float, provider: str, model: str, body: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?,?,?,?,?)",
                (key, created, provider, model, body),
            )
            self._db.commit()

    def delete(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM responses WHERE key = ?", (key,))
            self._db.commit()

    def purge(self, before: float) -> int:
        with self._lock:
            cur = self._db.execute("DELETE FROM responses WHERE created < ?", (before,))
            self._db.commit()
            return cur.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()


class ResponseCache:
    """``records`` replaces the SQLite file (PostgreSQL shared by replicas)."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        ttl_s: float = 24 * 3600.0,
        clock: Callable[[], float] = time.time,
        records: CacheRecords | None = None,
    ) -> None:
        if path is not None and records is None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.ttl_s = ttl_s
        self.clock = clock
        self._records: CacheRecords = records or _SqliteCache(str(path) if path else ":memory:")

    def get(
        self, provider: str, model: str, request: Request, server: str | None = None
    ) -> Response | None:
        if self.ttl_s <= 0:
            return None
        key = cache_key(provider, model, request, server)
        row = self._records.get(key)
        if row is None:
            return None
        created, body = row
        if self.clock() - created > self.ttl_s:
            self._records.delete(key)
            return None
        d = json.loads(body)
        return Response(
            text=d["text"],
            provider=provider,
            model=d.get("model", model),
            usage=Usage(**d.get("usage", {})),
            cost_usd=0.0,
            latency_ms=0.0,
            finish_reason=d.get("finish_reason"),
            cached=True,
            cited=list(d.get("cited", [])),
        )

    def put(
        self,
        provider: str,
        model: str,
        request: Request,
        response: Response,
        server: str | None = None,
    ) -> None:
        # Interrupted, refused or cached answers are not worth keeping.
        if self.ttl_s <= 0 or response.interrupted or response.refused or response.cached:
            return
        if response.tool_calls:  # a mid-loop turn: its value is the calls, not the text
            return
        body = json.dumps(
            {
                "text": response.text,
                "model": response.model,
                "usage": asdict(response.usage),
                "finish_reason": response.finish_reason,
                "cited": response.cited,
            }
        )
        key = cache_key(provider, model, request, server)
        self._records.put(key, self.clock(), provider, model, body)

    def purge_expired(self) -> int:
        return self._records.purge(self.clock() - self.ttl_s)

    def close(self) -> None:
        self._records.close()

"""One record per provider call: a structured log line and a row in SQLite.

Every attempt the fallback chain makes (answered, cached, failed, interrupted, or cancelled:
its reader left mid-answer) is logged on the ``providers.calls`` logger as one JSON object - provider, model, task, the key's
fingerprint (never the key), tokens, cost, latency, outcome - and stored in the ``calls``
table of ``<state_dir>/usage.sqlite3`` (beside the budget's ``usage`` table), so the metrics
and the usage report of earlier processes can be read back: ``python -m rag providers
--json``, ``python -m rag usage`` and the page's health panel. The prompt is logged only
when asked for (``log_prompts``, ``RAG_LOG_PROMPTS``), and then redacted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from providers.base import Usage
from providers.errors import redact
from providers.metrics import _percentile

log = logging.getLogger("providers.calls")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    ts REAL NOT NULL,
    day TEXT NOT NULL,
    session TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    task TEXT NOT NULL,
    key_fp TEXT,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cost_usd REAL,
    latency_ms REAL NOT NULL,
    outcome TEXT NOT NULL,
    error_kind TEXT,
    estimated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS calls_day ON calls(day);
"""
# Outcomes: ok, cached, error, interrupted (text shown, then the stream broke).
BY = {"provider": "provider", "model": "provider || ':' || model", "day": "day", "task": "task"}


def key_fingerprint(key: str | None) -> str | None:
    """A short, stable, one-way tag for a key: tells keys apart in logs, reveals nothing."""
    if not key:
        return None
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


class CallLog:
    """Calls in SQLite (``path=None``: in memory) and on the ``providers.calls`` logger."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        session_id: str = "",
        log_prompts: bool = False,
    ) -> None:
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path) if path is not None else ":memory:"
        self.session_id = session_id
        self.log_prompts = log_prompts
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self._db.executescript(_SCHEMA)
        self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(
        self,
        provider: str,
        model: str,
        *,
        outcome: str,
        latency_ms: float,
        task: str = "answer",
        key: str | None = None,
        usage: Usage | None = None,
        cost_usd: float | None = None,
        error_kind: str | None = None,
        estimated: bool = False,
        prompt: str | None = None,
    ) -> dict[str, Any]:
        """Store one call and log it as one JSON line; returns what was logged."""
        u = usage or Usage()
        now = time.time()
        row: dict[str, Any] = {
            "event": "provider_call",
            "provider": provider,
            "model": model,
            "task": task,
            "key_fp": key_fingerprint(key),
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "cost_usd": cost_usd,
            "latency_ms": round(latency_ms, 1),
            "outcome": outcome,
            "error_kind": error_kind,
            "estimated": estimated,
        }
        if self.log_prompts and prompt is not None:
            row["prompt"] = redact(prompt)
        log.info(json.dumps(row))
        day = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d")
        with self._lock:
            self._db.execute(
                "INSERT INTO calls VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    now,
                    day,
                    self.session_id,
                    provider,
                    model,
                    task,
                    row["key_fp"],
                    u.input_tokens,
                    u.output_tokens,
                    cost_usd,
                    latency_ms,
                    outcome,
                    error_kind,
                    int(estimated),
                ),
            )
            self._db.commit()
        return row

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def metrics(self, group: str = "model", task: str | None = None) -> dict[str, dict[str, Any]]:
        """Per ``provider:model`` (or ``group="provider"``), shaped like
        :meth:`providers.metrics.Metrics.snapshot`; only the calls of ``task`` if given."""
        out: dict[str, dict[str, Any]] = {}
        lat: dict[str, list[float]] = {}
        where, args = ("WHERE task = ?", (task,)) if task else ("", ())
        rows = self._rows(
            f"SELECT {BY[group]}, outcome, error_kind, latency_ms, "
            f"input_tokens, output_tokens, cost_usd FROM calls {where} ORDER BY ts",
            args,
        )
        for label, outcome, kind, ms, tin, tout, cost in rows:
            m = out.setdefault(label, _empty())
            m["calls"] += 1
            lat.setdefault(label, [])
            if outcome in ("ok", "cached"):
                m["successes"] += 1
                m["cached"] += int(outcome == "cached")
                # Percentiles of answers only (as providers.metrics): failures took 0 ms
                # (paused) or the timeout, cache hits took no time of the provider's.
                if outcome == "ok":
                    lat[label].append(float(ms))
            elif outcome == "cancelled":  # the reader left: paid for, but no failure
                pass
            else:
                m["errors"][kind or outcome] += 1
            m["input_tokens"] += tin or 0
            m["output_tokens"] += tout or 0
            if cost is None and outcome in ("ok", "interrupted", "cancelled"):
                m["unpriced_calls"] += 1
            m["cost_usd"] += cost or 0.0
        for label, m in out.items():
            m["errors"] = dict(m["errors"])
            m["error_count"] = sum(m["errors"].values())
            m["p50_ms"] = _percentile(lat[label][-1000:], 0.50)
            m["p95_ms"] = _percentile(lat[label][-1000:], 0.95)
            m["cost_usd"] = round(m["cost_usd"], 10)
        return out

    def report(self, by: str = "provider", day: str | None = None) -> list[dict[str, Any]]:
        """Calls, tokens and dollars grouped ``by`` provider | model | day | task."""
        key = BY[by]  # KeyError for anything else: never interpolated from user text
        where, args = ("WHERE day = ?", (day,)) if day else ("", ())
        rows = self._rows(
            f"SELECT {key}, COUNT(*), SUM(outcome IN ('ok','cached','interrupted')), "
            "COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0), "
            "COALESCE(SUM(cost_usd),0), "
            "SUM(CASE WHEN cost_usd IS NULL AND outcome IN ('ok','interrupted','cancelled') "
            "THEN 1 ELSE 0 END), "
            f"SUM(estimated) FROM calls {where} GROUP BY 1 ORDER BY 1",
            args,
        )
        return [
            {
                by: k,
                "calls": int(n),
                "answered": int(ok or 0),
                "input_tokens": int(tin),
                "output_tokens": int(tout),
                "cost_usd": round(float(cost), 10),
                "unpriced_calls": int(unpriced or 0),
                "estimated_calls": int(est or 0),
            }
            for k, n, ok, tin, tout, cost, unpriced, est in rows
        ]


def stored_metrics(
    path: Path | str | None, group: str = "model", task: str | None = None
) -> dict[str, dict[str, Any]]:
    """Per-model (or per-provider) metrics of every process that used this state file
    (of one ``task``'s calls if given: "answer", "query_rewrite")."""
    if not path or str(path) == ":memory:" or not Path(path).exists():
        return {}
    log_ = CallLog(path)
    try:
        return log_.metrics(group, task)
    finally:
        log_.close()


def _empty() -> dict[str, Any]:
    return {
        "calls": 0,
        "successes": 0,
        "cached": 0,
        "errors": Counter(),
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": 0.0,
        "unpriced_calls": 0,
    }

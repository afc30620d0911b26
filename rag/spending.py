"""What the cost and health panels say, in words a person reads (no Streamlit here).

``budget_words`` turns caps and spending into one sentence; ``cost_rows`` gives each answer
its own and cumulative cost; ``health_rows`` separates a provider that is not configured
(no API key: it was never called) from one that failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

BREAKER_WORDS = {
    "closed": "OK",
    "open": "Paused after repeated failures",
    "half_open": "Trying again",
    "n/a": "OK",
}
ERROR_WORDS = {
    "timeout": "timed out",
    "rate_limit": "rate-limited",
    "overloaded": "overloaded",
    "server": "server error",
    "connection": "unreachable",
    "auth": "key rejected",
    "context_too_long": "question too long",
    "content_filtered": "content filter",
    "bad_response": "unusable response",
    "budget_exceeded": "over budget",
    "circuit_open": "paused",
    "config": "not configured",
}


def money(cost: float | None) -> str:
    if cost is None:
        return "unpriced"
    if cost == 0:
        return "$0"
    return "$" + (f"{cost:.6f}".rstrip("0") if cost < 0.01 else f"{cost:.4f}")


def budget_words(
    session_cap: float | None, session_spent: float, daily_cap: float | None, daily_spent: float
) -> str:
    """One line: what is capped, how much is left; or that nothing is capped."""
    lines = []
    if session_cap is not None:
        left = max(session_cap - session_spent, 0.0)
        lines.append(f"This session may spend {money(session_cap)}: {money(left)} left.")
    if daily_cap is not None:
        left = max(daily_cap - daily_spent, 0.0)
        lines.append(f"Today's limit is {money(daily_cap)}: {money(left)} left.")
    if not lines:
        return "No spending limit is set. You can set one for this session in the sidebar."
    return " ".join(lines)


def cost_rows(costs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per answer: number, provider, tokens, its cost and the running total (unpriced = 0)."""
    out: list[dict[str, Any]] = []
    total = 0.0
    for row in costs:
        raw = row.get("cost_usd")
        c = float(raw) if raw is not None else float("nan")
        priced = c == c  # None and NaN are unpriced
        total += c if priced else 0.0
        out.append(
            {
                "answer": int(row["answer"]),
                "provider": provider_label(str(row.get("provider", ""))),
                "tokens": int(row.get("tokens") or 0),
                "cost": money(c) if priced else "unpriced",
                "cost_usd": c if priced else 0.0,
                "cumulative_usd": round(total, 10),
                "seconds": round(float(row.get("latency_ms") or 0) / 1000, 2),
            }
        )
    return out


def health_rows(
    snapshot: Mapping[str, Mapping[str, Any]], statuses: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One row per provider:model seen in a chain or in the metrics.

    A provider without its API key is "Not configured": its refused calls are not errors
    and it has no latency. Other failures are counted and named by kind.
    """
    status: dict[str, Mapping[str, Any]] = {}
    for s in statuses:
        status.setdefault(f"{s['provider']}:{s['model']}", s)
    rows = []
    for label in sorted(set(status) | set(snapshot)):
        s = status.get(label, {})
        m = snapshot.get(label, {})
        if not s.get("key_configured", True):
            rows.append(_row(label, "Not configured (no API key)", None, None, None))
            continue
        errors = {k: v for k, v in (m.get("errors") or {}).items() if v}
        n_err = sum(errors.values())
        if n_err:
            kinds = ", ".join(f"{ERROR_WORDS.get(k, k)} ×{v}" for k, v in sorted(errors.items()))
            state = f"Errors: {kinds}"
        else:
            state = "OK" if m.get("calls") else "Not used yet"
        breaker = str(s.get("breaker", "n/a"))
        if breaker in ("open", "half_open"):
            state = BREAKER_WORDS[breaker] + (f" ({state})" if n_err else "")
        p50 = m.get("p50_ms")
        successes = int(m.get("successes") or 0)
        rows.append(
            _row(
                label,
                state,
                int(m.get("calls") or 0),
                n_err,
                round(p50) if p50 is not None and successes else None,
            )
        )
    return rows


def provider_label(label: str) -> str:
    """ "openai:gpt-4o-mini" -> "openai · gpt-4o-mini"; the extractive answerer is "extractive"."""
    name, _, model = label.partition(":")
    return name if not model or model == name or name == "extractive" else f"{name} · {model}"


def _row(
    label: str, state: str, calls: int | None, errors: int | None, p50: int | None
) -> dict[str, Any]:
    return {
        "provider": provider_label(label),
        "status": state,
        "calls": calls,
        "errors": errors,
        "p50_ms": p50,
    }

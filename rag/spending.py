"""What the cost and health panels say, in words a person reads (no Streamlit here).

``budget_words`` turns caps and spending into one sentence; ``cost_rows`` gives each answer
its own and cumulative cost; ``health_rows`` separates a provider that is not configured
(no API key: it was never called) from one that failed, and counts questions, not calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rag.catalog import spec_label
from text.money import money

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
    "no_key": "no API key",  # health_rows: a question skipped, not an error (never sent)
}
# A "config" error while answering is a local model that is not there: Ollama's 404 'model
# not found' (providers.ollama_provider), a GGUF llama.cpp could not load. "not configured
# ×1" sent people to settings when one `ollama pull` was missing (ui.notes words the note).
MISSING_MODEL_WORDS = {"ollama": "model not installed", "llamacpp": "model could not be loaded"}


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
    """Per cost line (an answer, or a call made for it: a follow-up's rewrite, a provider cut
    off mid-answer): its number, the question it belongs to, provider, tokens, its cost and
    the running total (unpriced = 0)."""
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
                "question": int(row.get("question") or row.get("turn") or row["answer"]),
                "provider": provider_label(str(row.get("provider", ""))),
                "tokens": int(row.get("tokens") or 0),
                "cost": money(c) if priced else "unpriced",
                "cost_usd": c if priced else 0.0,
                "cumulative_usd": round(total, 10),
                "seconds": round(float(row.get("latency_ms") or 0) / 1000, 2),
            }
        )
    return out


def free_words(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """One line for a session whose answers used no token and cost nothing (no key: the
    extractive answerer, on this machine), instead of a table of "extractive | 0 | $0" rows
    (a walk's had 55); None once anything was paid for or is unpriced."""
    if not rows or any(r["tokens"] or r["cost_usd"] or r["cost"] == "unpriced" for r in rows):
        return None
    by: dict[str, int] = {}
    for r in rows:
        by[str(r["provider"])] = by.get(str(r["provider"]), 0) + 1
    n = len({r["question"] for r in rows})
    asked = f"Nothing paid for: {n} question{'' if n == 1 else 's'} so far"
    # not "answered by ...": each answer's own line says that (and the page is searched for it)
    if len(by) == 1:
        return f"{asked}, all by {next(iter(by))}."
    # a question can have several answers (compare, consensus): counted as calls, they add up
    # ("35 questions, all by extractive (35), extractive (for the consensus) (2)" did not)
    calls = ", ".join(f"{name} {k}" for name, k in by.items())
    return f"{asked}; {len(rows)} calls, none paid: {calls}."


NOT_CONFIGURED = "Not configured (no API key)"  # no count, no latency (see health_rows)


def health_rows(
    snapshot: Mapping[str, Mapping[str, Any]],
    statuses: Iterable[Mapping[str, Any]],
    keyed: Mapping[str, bool] | None = None,
) -> list[dict[str, Any]]:
    """One row per provider:model seen in a chain or in the metrics (the answer calls: a
    question counts once, its follow-up rewrite is not in ``snapshot``).

    ``keyed`` (provider name -> has a key now) is the current configuration. Without it the
    chains' ``statuses`` say, a later chain over an earlier one: a session keeps the keyless
    chain built before a key was typed. A provider without its API key now is "Not
    configured": no count, no latency. Questions it skipped for want of a key ("no_key") are not errors;
    other failures are counted and named by kind.
    """
    status: dict[str, Mapping[str, Any]] = {}
    for s in statuses:
        status[f"{s['provider']}:{s['model']}"] = s
    rows = []
    for label in sorted(set(status) | set(snapshot)):
        s = status.get(label, {})
        m = snapshot.get(label, {})
        has_key = (keyed or {}).get(label.partition(":")[0], s.get("key_configured", True))
        if not has_key:
            rows.append(_row(label, NOT_CONFIGURED, None, None, None, None))
            continue
        errors = {k: v for k, v in (m.get("errors") or {}).items() if v}
        skipped = errors.pop("no_key", 0)
        # refused by the open breaker: never sent, so no error of its own ("Errors: paused ×1,
        # unreachable ×1" counted one failure twice, a walk found)
        held = errors.pop("circuit_open", 0)
        n_err = sum(errors.values())
        if n_err:
            kinds = ", ".join(f"{_error_words(label, k)} ×{v}" for k, v in sorted(errors.items()))
            state = f"Errors: {kinds}"
        else:
            state = "OK" if int(m.get("calls") or 0) > skipped + held else "Not used yet"
        breaker = str(s.get("breaker", "n/a"))
        if breaker in ("open", "half_open"):
            state = BREAKER_WORDS[breaker] + (f" ({state})" if n_err else "")
        if skipped:
            no_key = f"×{skipped}: {ERROR_WORDS['no_key']}"
            # a sentence of its own: after "Errors: unreachable ×1" a "; skipped" read as one more
            # error kind (a walk), though a question skipped for want of a key was never sent
            state = f"Skipped {no_key}" if state == "Not used yet" else f"{state}. Skipped {no_key}"
        if held:
            state = f"{state}. Skipped ×{held} while paused"
        p50 = m.get("p50_ms")
        successes = int(m.get("successes") or 0)
        rows.append(
            _row(
                label,
                state,
                int(m.get("calls") or 0),
                n_err,
                skipped + held,
                round(p50) if p50 is not None and successes else None,
            )
        )
    return rows


def _error_words(label: str, kind: str) -> str:
    """An error kind in words, for the provider of ``label`` ("ollama:mistral:7b")."""
    if kind == "config":
        missing = MISSING_MODEL_WORDS.get(label.partition(":")[0])
        if missing:
            return missing
    return ERROR_WORDS.get(kind, kind)


def provider_label(label: str) -> str:
    """ "openai:gpt-4o-mini" -> "OpenAI · gpt-4o-mini" (:func:`rag.catalog.spec_label`),
    a cost line's note kept: "extractive:extractive (consensus)" -> "extractive (consensus)".
    "none" (no model answered) stays as is: ui.costs words that row itself."""
    spec, paren, note = label.partition(" (")
    if spec.partition(":")[0] == "none":
        return "none"
    return spec_label(spec) + (f" ({note}" if paren else "")


def _row(
    label: str,
    state: str,
    questions: int | None,
    errors: int | None,
    skipped: int | None,
    p50: int | None,
) -> dict[str, Any]:
    return {
        "provider": provider_label(label),
        "status": state,
        "questions": questions,
        "errors": errors,
        "skipped": skipped,
        "p50_ms": p50,
    }

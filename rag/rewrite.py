"""The follow-up rewrite: a paid call like any other, so budgeted, cached and counted.

A follow-up ("and in 2023?") is turned into a standalone question by the chosen model
before retrieval. That is one more paid call per question after the first, so it goes
through the same rules as the answer: the budget (and the unpriced-model rule) is checked
before it is made, a repeat is served from the response cache for free, its usage is
recorded under the task ``query_rewrite``, and the :class:`Response` is handed back so the
caller can show it as its own cost line. When the call is refused or fails, the history
heuristic (:func:`rag.answer.contextualize`) rewrites the question instead - the rewrite
never costs the answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from providers.base import Message, Provider, Request, Response
from providers.cache import ResponseCache, server_of
from providers.calllog import CallLog
from providers.errors import ProviderError
from providers.usage import UsageTracker
from rag.answer import contextualize
from rag.prompts import rewrite_messages

log = logging.getLogger(__name__)

TASK = "query_rewrite"


# A rewrite is a nicety before the answer: never worth a longer wait than this.
REWRITE_TIMEOUT_S = 10.0


def rewrite_request(
    question: str, history: Sequence[Message], timeout_s: float = REWRITE_TIMEOUT_S
) -> Request:
    system, messages = rewrite_messages(question, history)
    return Request(
        messages=messages,
        system=system,
        temperature=0.0,
        max_tokens=96,
        timeout_s=timeout_s,
        metadata={"task": TASK},
    )


def rewrite_timeout(p: Provider) -> float:
    """The provider's own request timeout, when shorter, caps the rewrite's: a fixed 10 s made
    a stalled provider with a 5 s timeout (RAG_REQUEST_TIMEOUT_S) keep a follow-up waiting
    10 s before its answer's own 5 s."""
    own = getattr(p, "timeout_s", None)
    return (
        min(REWRITE_TIMEOUT_S, float(own)) if isinstance(own, (int, float)) else REWRITE_TIMEOUT_S
    )


def _first_line(resp: Response) -> str:
    lines = (resp.text or "").strip().splitlines()
    return lines[0].strip() if lines else ""


def rewrite_question(
    provider: Provider,
    question: str,
    history: Sequence[Message],
    *,
    usage: UsageTracker | None = None,
    cache: ResponseCache | None = None,
    calls: CallLog | None = None,
) -> tuple[str, Response | None]:
    """``(standalone question, the rewrite's Response or None when none was made)``."""
    if not history:
        return question, None
    p = provider
    req = rewrite_request(question, history, rewrite_timeout(p))
    hit = cache.get(p.name, p.model, req, server_of(p)) if cache is not None else None
    if hit is not None and _first_line(hit):
        hit.raw["task"] = TASK
        return _first_line(hit), hit
    t0 = time.perf_counter()
    try:
        if usage is not None and p.capabilities.paid:
            usage.check_budget(f"{p.name}:{p.model}")
            usage.check_priced(getattr(p, "pricing", None), p.name, p.model)
        resp = p.generate(req)
    except Exception as e:  # refused by the budget, or failed: the heuristic answers
        kind = e.kind if isinstance(e, ProviderError) else type(e).__name__
        if calls is not None:
            calls.record(
                p.name,
                p.model,
                outcome="error",
                latency_ms=(time.perf_counter() - t0) * 1000.0,
                task=TASK,
                error_kind=kind,
            )
        log.info("question rewrite not made (%s); using the history heuristic", kind)
        return contextualize(question, history), None
    resp.raw["task"] = TASK
    model = resp.model or p.model
    if usage is not None:
        usage.record(p.name, model, resp.usage, resp.cost_usd, task=TASK)
    if calls is not None:
        res = getattr(p, "resilience", None)
        calls.record(
            p.name,
            model,
            outcome="ok",
            latency_ms=(time.perf_counter() - t0) * 1000.0,
            task=TASK,
            key=res.keys.current() if res is not None else None,
            usage=resp.usage,
            cost_usd=resp.cost_usd,
        )
    text = _first_line(resp)
    if not text:
        return contextualize(question, history), resp
    if cache is not None:
        cache.put(p.name, p.model, req, resp, server_of(p))
    return text, resp

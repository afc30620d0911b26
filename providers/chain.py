"""The fallback chain: providers in order, always ending in one that cannot fail (extractive).

``generate`` and ``stream`` never raise provider errors. A provider that fails before its
first token is skipped for the next one. A stream that breaks after text was shown is not
silently truncated: the chain yields a visible notice, asks the next provider to continue
the partial answer, and marks the final :class:`Response` ``interrupted=True``. Empty or
whitespace-only answers count as failures. Budgets are checked before every paid call.
Every provider tried is listed in ``Response.attempts`` with its error kind and (redacted)
message; the one that answered has ``error=None``.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any

from providers.base import Attempt, Provider, Request, Response, StreamItem, Usage
from providers.budget import context_notice, estimate_partial, observe, request_chars
from providers.cache import ResponseCache, server_of
from providers.calllog import CallLog
from providers.errors import (
    BadResponseError,
    ContextTooLongError,
    MissingKeyError,
    ProviderError,
    UnexpectedProviderError,
    redact,
)
from providers.metrics import Metrics, default_metrics
from providers.notices import continuation_request, interrupted_notice
from providers.usage import UsageTracker

log = logging.getLogger(__name__)
MAX_CANCELLED = 100  # unfinished streams kept for a chat session's cost rows

# (request, provider, scale) -> the request cut to that provider's context window.
FitFn = Callable[[Request, Provider, float], Request]


def label_of(p: Provider) -> str:
    return f"{p.name}:{p.model}"


def _as_provider_error(e: BaseException, label: str) -> ProviderError:
    if isinstance(e, ProviderError):
        return e
    # A bug in a (third-party) provider must not take the answer down with it.
    return UnexpectedProviderError(f"unexpected {type(e).__name__}: {e}", provider=label)


class FallbackChain:
    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        usage: UsageTracker | None = None,
        cache: ResponseCache | None = None,
        metrics: Metrics | None = None,
        skipped: Sequence[Attempt] = (),
        fit: FitFn | None = None,
        calls: CallLog | None = None,
        task: str = "answer",
    ) -> None:
        if not providers:
            raise ValueError("a fallback chain needs at least one provider (extractive last)")
        self.providers = list(providers)
        self.usage = usage
        self.cache = cache
        self.metrics = metrics or default_metrics()
        # Providers that could not even be built (bad spec, missing base URL): reported on
        # every answer so the user sees why they were not tried.
        self.skipped = list(skipped)
        # Context-window budgeting (rag.context.ContextBudgeter): the request each provider
        # gets is cut to its window; after a ContextTooLongError, one retry at half budget.
        self.fit = fit
        # One log line and one stored row per attempt (providers/calllog.py).
        self.calls = calls or CallLog(None)
        self.task = task
        # Streams closed by their reader mid-answer, as (label, tokens, USD, ms): billed, in
        # no answer's usage; a chat session shows them as cost rows (take_cancelled).
        # Bounded: the HTTP server's long-lived chain has no reader to take them.
        self.cancelled: deque[tuple[str, int, float | None, float]] = deque(maxlen=MAX_CANCELLED)

    # -- helpers -------------------------------------------------------------------------
    def _fit(self, request: Request, p: Provider, scale: float = 1.0) -> Request:
        if self.fit is None:
            return request
        try:
            return self.fit(request, p, scale)
        except Exception as e:  # budgeting must never cost the answer
            log.warning("context budgeting failed for %s: %s", label_of(p), redact(e))
            return request

    def _fail(
        self,
        attempts: list[Attempt],
        p: Provider,
        err: ProviderError,
        t0: float,
        request: Request | None = None,
        shown: str = "",
    ) -> None:
        label, model = label_of(p), p.model
        ms = (time.perf_counter() - t0) * 1000.0
        usage = Usage()
        cost: float | None = 0.0
        if shown and request is not None:
            # Text was streamed before the break: the API billed it, its usage never came.
            usage, cost = estimate_partial(p, request, shown)
            if self.usage is not None:
                self.usage.record(p.name, model, usage, cost, estimated=True, task=self.task)
            self._log(p, "interrupted", ms, usage, cost, err.kind, estimated=True)
        else:
            self._log(p, "error", ms, error_kind=err.kind)
        name, why, tokens = label.split(":", 1)[0], redact(err), usage.total_tokens
        attempts.append(Attempt(name, model, why, err.kind, ms, tokens=tokens, cost_usd=cost))
        self.metrics.record_error(label, err.kind, ms)
        log.warning("provider %s failed (%s): %s", label, err.kind, redact(err))

    def _cancelled(self, p: Provider, request: Request, t0: float, shown: str) -> None:
        """Count a stream its reader closed: an estimate of what was written, logged as
        "cancelled" (neither an answer nor the provider's error in its health)."""
        ms = (time.perf_counter() - t0) * 1000.0
        usage, cost = estimate_partial(p, request, shown)
        if self.usage is not None:
            self.usage.record(p.name, p.model, usage, cost, estimated=True, task=self.task)
        self._log(p, "cancelled", ms, usage, cost, estimated=True)
        self.cancelled.append((f"{p.name}:{p.model}", usage.total_tokens, cost, ms))

    def take_cancelled(self) -> list[tuple[str, int, float | None, float]]:
        """The streams closed mid-answer since the last call (each returned once)."""
        out = list(self.cancelled)
        self.cancelled.clear()
        return out

    def _log(
        self,
        p: Provider,
        outcome: str,
        ms: float,
        usage: Usage | None = None,
        cost: float | None = None,
        error_kind: str | None = None,
        *,
        estimated: bool = False,
        model: str | None = None,
        request: Request | None = None,
    ) -> None:
        res = getattr(p, "resilience", None)
        prompt = None
        if request is not None and self.calls.log_prompts:
            prompt = "\n".join(m.content for m in request.messages)
        self.calls.record(
            p.name,
            model or p.model,
            outcome=outcome,
            latency_ms=ms,
            task=self.task,
            key=res.keys.current() if res is not None else None,
            usage=usage,
            cost_usd=cost,
            error_kind=error_kind,
            estimated=estimated,
            prompt=prompt,
        )

    def _precheck(self, p: Provider) -> None:
        # Before the cache too: a session without a key must not be served answers that
        # another session paid for with its key.
        if getattr(p, "requires_key", False) and not getattr(p, "keys", None):
            env = " or ".join(getattr(p, "key_env_vars", ())) or "a key"
            raise MissingKeyError(f"no API key configured (set {env})", provider=label_of(p))
        if self.usage is not None and p.capabilities.paid:
            self.usage.check_budget(label_of(p))
            # With a budget set, a model whose price is unknown could spend without limit.
            self.usage.check_priced(getattr(p, "pricing", None), p.name, p.model)

    def _cacheable(self, p: Provider) -> bool:
        return bool(getattr(p, "cacheable", p.name != "extractive")) and self.cache is not None

    def _cached(self, p: Provider, request: Request) -> Response | None:
        if not self._cacheable(p):
            return None
        assert self.cache is not None
        return self.cache.get(p.name, p.model, request, server_of(p))

    def _succeed(
        self,
        p: Provider,
        request: Request,
        resp: Response,
        attempts: list[Attempt],
        t0: float,
        *,
        store: bool,
    ) -> Response:
        ms = (time.perf_counter() - t0) * 1000.0
        if not resp.latency_ms:
            resp.latency_ms = ms
        attempts.append(Attempt(p.name, resp.model or p.model, latency_ms=ms))
        resp.attempts = [*self.skipped, *attempts]
        if "context" in request.metadata:
            resp.raw["context"] = request.metadata["context"]
        if not resp.cached:
            observe(p.name, request_chars(request), resp.usage.input_tokens)
        self.metrics.record_success(label_of(p), ms, resp.usage, resp.cost_usd, cached=resp.cached)
        outcome = "cached" if resp.cached else "ok"
        self._log(p, outcome, ms, resp.usage, resp.cost_usd, model=resp.model, request=request)
        if self.usage is not None and not resp.cached:
            self.usage.record(
                p.name, resp.model or p.model, resp.usage, resp.cost_usd, task=self.task
            )
            for alert in self.usage.new_alerts():
                log.warning("budget alert: %s", alert)
        if store and self._cacheable(p) and not resp.cached:
            assert self.cache is not None
            self.cache.put(p.name, p.model, request, resp, server_of(p))
        return resp

    def _nobody(
        self, attempts: list[Attempt], text: str = "", interrupted: bool = False
    ) -> Response:
        tried = ", ".join(f"{a.provider}:{a.model} ({a.error_kind})" for a in attempts) or "none"
        notice = f"[No provider could answer. Tried: {tried}]"
        return Response(
            text=(text + "\n\n" + notice) if text else notice,
            provider="none",
            model="",
            usage=Usage(),
            cost_usd=0.0,
            finish_reason="error",
            interrupted=interrupted,
            refused=True,
            attempts=[*self.skipped, *attempts],
        )

    # -- API -----------------------------------------------------------------------------
    def generate(self, request: Request) -> Response:
        attempts: list[Attempt] = []
        for p in self.providers:
            label = label_of(p)
            t0 = time.perf_counter()
            try:
                self._precheck(p)
                preq = self._fit(request, p)
                hit = self._cached(p, preq)
                if hit is not None:
                    return self._succeed(p, preq, hit, attempts, t0, store=False)
                try:
                    resp = p.generate(preq)
                except ContextTooLongError:
                    if self.fit is None:
                        raise
                    preq = self._fit(request, p, 0.5)  # our estimate was off: halve it, once
                    resp = p.generate(preq)
                # A turn that only calls tools has no text and is still an answer.
                if (not resp.text or not resp.text.strip()) and not resp.tool_calls:
                    raise BadResponseError("empty answer", provider=label)
                if resp.text:
                    resp.text += context_notice(preq, label)
            except Exception as e:
                self._fail(attempts, p, _as_provider_error(e, label), t0)
                continue
            return self._succeed(p, preq, resp, attempts, t0, store=True)
        return self._nobody(attempts)

    def stream(self, request: Request) -> Iterator[StreamItem]:
        """Text deltas, then exactly one final Response (whose text is everything shown)."""
        attempts: list[Attempt] = []
        shown: list[str] = []  # everything yielded so far, notices included
        answer_so_far = ""  # model text only (what a continuation must carry on from)
        interrupted = False
        req = request
        for i, p in enumerate(self.providers):
            label = label_of(p)
            t0 = time.perf_counter()
            parts: list[str] = []
            final: Response | None = None
            preq = req
            try:
                self._precheck(p)
                preq = self._fit(req, p)
                hit = None if interrupted else self._cached(p, preq)
                if hit is not None:
                    yield hit.text
                    yield self._succeed(p, preq, hit, attempts, t0, store=False)
                    return
                final, preq = yield from self._attempt(p, req, preq, parts)
                if final is None:
                    raise BadResponseError("stream ended without a final response", provider=label)
                if not "".join(parts).strip() and not (final.text or "").strip():
                    raise BadResponseError("empty answer", provider=label)
            except GeneratorExit:
                # The reader left mid-answer (an API client disconnected, the page reran):
                # the provider billed what it wrote, and its usage never comes.
                if parts:
                    self._cancelled(p, preq, t0, "".join(parts))
                raise
            except Exception as e:
                err = _as_provider_error(e, label)
                self._fail(attempts, p, err, t0, preq, "".join(parts))
                if parts:
                    # Text was shown: say so, and let the next provider finish it.
                    interrupted = True
                    partial = "".join(parts)
                    answer_so_far += partial
                    notice = self._interrupted(attempts, i, err, partial)
                    shown += [partial, notice]
                    yield notice
                    req = continuation_request(request, answer_so_far)
                continue
            text = "".join(parts) if parts else (final.text or "")
            if not parts and text:
                yield text  # a provider that only returned a final Response
            notice = context_notice(preq, label)
            if notice:
                yield notice
                text += notice
            final.text = "".join(shown) + text
            final.interrupted = interrupted
            yield self._succeed(p, preq, final, attempts, t0, store=not interrupted)
            return
        resp = self._nobody(attempts, "".join(shown), interrupted)
        yield resp.text[len("".join(shown)) :]
        yield resp

    def _attempt(
        self, p: Provider, req: Request, preq: Request, parts: list[str]
    ) -> Generator[str, None, tuple[Response | None, Request]]:
        """One provider's stream: its deltas (kept in ``parts``), then (final, request)."""
        for retry in (False, True):
            try:
                for item in p.stream(preq):
                    if isinstance(item, Response):
                        return item, preq
                    # Leading whitespace is held back: a whitespace-only answer is a failure
                    # and must not have been shown.
                    if not parts and not item.strip():
                        continue
                    parts.append(item)
                    yield item
                return None, preq
            except ContextTooLongError:
                if retry or parts or self.fit is None:
                    raise
                preq = self._fit(req, p, 0.5)  # our estimate was off: halve it, once
        return None, preq

    def _interrupted(
        self, attempts: list[Attempt], i: int, err: ProviderError, partial: str
    ) -> str:
        """Mark the failed attempt as interrupted; the notice the user sees in the answer."""
        nxt = next(iter(self.providers[i + 1 :]), None)
        attempts[-1].error = f"stream interrupted after {len(partial)} chars: {attempts[-1].error}"
        return interrupted_notice(self.providers[i], err.kind, nxt)

    def status(self) -> list[dict[str, Any]]:
        """Per provider in chain order: label, key configured, breaker state, local, paid."""
        out: list[dict[str, Any]] = []
        for p in self.providers:
            res = getattr(p, "resilience", None)
            out.append(
                {
                    "provider": p.name,
                    "model": p.model,
                    "key_configured": bool(getattr(p, "keys", None))
                    or not getattr(p, "requires_key", False),
                    "breaker": res.breaker.state if res is not None else "n/a",
                    "local": p.capabilities.local,
                    "paid": p.capabilities.paid,
                }
            )
        return out


# Kept importable from here (rag.llm, the CLI).
from providers.factory import build_chain  # noqa: E402
from providers.info import providers_info  # noqa: E402

__all__ = [
    "FallbackChain",
    "build_chain",
    "context_notice",
    "continuation_request",
    "estimate_partial",
    "providers_info",
]

"""Context-window budgeting: fit system + history + sources + question into a model's window.

The fallback chain calls a :class:`ContextBudgeter` for each provider it tries (windows
differ: an 8k local model and a 200k hosted one see different source sets for the same
question). Budget = ``max_context * scale - max_tokens`` (the output is reserved). When
the prompt does not fit we cut, in this order, and report every cut:

1. the lowest-ranked sources, down to ``min_sources`` (the top ones carry the answer),
2. the oldest history turns,
3. the remaining sources except the best one,
4. the text of the best source (truncated at a sentence boundary when possible).

Sources keep their numbers, so the answer's ``[n]`` still point at the right passages and
``dropped_sources`` says which ones the model never saw. Token counts are the calibrated
estimates of :mod:`providers.budget`. After a provider's ContextTooLongError the chain
calls again with ``scale=0.5`` (its own count disagrees with our estimate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from providers import budget
from providers.base import Message, Provider, Request, Source
from rag.prompts import grounded_messages

# Room for what the count cannot see: tool/format wrappers, BOS/EOS, chat templates.
TEMPLATE_OVERHEAD = 64


@dataclass
class ContextReport:
    provider: str
    max_context: int
    reserved_output: int
    budget: int
    estimated_tokens: int
    scale: float = 1.0
    dropped_sources: list[int] = field(default_factory=list)
    truncated_sources: list[int] = field(default_factory=list)
    history_dropped: int = 0
    fits: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "max_context": self.max_context,
            "reserved_output": self.reserved_output,
            "budget": self.budget,
            "estimated_tokens": self.estimated_tokens,
            "chars_per_token": round(budget.ratio(self.provider), 3),
            "scale": self.scale,
            "dropped_sources": self.dropped_sources,
            "truncated_sources": self.truncated_sources,
            "history_dropped": self.history_dropped,
            "fits": self.fits,
        }


class ContextBudgeter:
    """The chain's ``fit`` hook: ``fit(request, provider, scale) -> request that fits``."""

    def __init__(self, windows: Mapping[str, int] | None = None, min_sources: int = 2) -> None:
        # "provider:model" or "provider" -> window, overriding Capabilities.max_context
        # (e.g. an Ollama server started with a larger num_ctx).
        self.windows = dict(windows or {})
        self.min_sources = min_sources

    def max_context(self, provider: Provider) -> int:
        label = f"{provider.name}:{provider.model}"
        return int(
            self.windows.get(label)
            or self.windows.get(provider.name)
            or getattr(provider, "max_context", None)
            or provider.capabilities.max_context
        )

    def __call__(self, request: Request, provider: Provider, scale: float = 1.0) -> Request:
        label = f"{provider.name}:{provider.model}"
        window = self.max_context(provider)
        limit = max(0, int(window * scale) - request.max_tokens - TEMPLATE_OVERHEAD)
        grounded = _is_grounded(request)
        if not grounded and "continuation_of" in request.metadata:
            return request
        history = list(request.messages[:-1]) if grounded else list(request.messages)
        sources = list(request.sources)
        report = ContextReport(label, window, request.max_tokens, limit, 0, scale)

        def render(hist: list[Message], srcs: list[Source]) -> Request:
            if not grounded:
                return replace(request, messages=hist)
            system, messages = grounded_messages(request.question, srcs, hist)
            # Keep a caller's system prompt (e.g. STRICT_SUFFIX added) rather than the default.
            return replace(
                request, system=request.system or system, messages=messages, sources=srcs
            )

        def size(r: Request) -> int:
            return budget.count_request(r, provider.name)

        current = render(history, sources) if grounded else request
        n = size(current)
        if n > limit:
            # 1. lowest-ranked sources, down to min_sources
            while n > limit and len(sources) > self.min_sources:
                report.dropped_sources.insert(0, sources.pop().n)
                current = render(history, sources)
                n = size(current)
            # 2. oldest history (for a non-grounded request keep at least the last message)
            keep_last = 0 if grounded else 1
            while n > limit and len(history) > keep_last:
                history.pop(0)
                report.history_dropped += 1
                current = render(history, sources)
                n = size(current)
            # 3. all but the best source
            while n > limit and len(sources) > 1:
                report.dropped_sources.insert(0, sources.pop().n)
                current = render(history, sources)
                n = size(current)
            # 4. truncate the best source
            if n > limit and sources:
                over_chars = int((n - limit) * budget.ratio(provider.name)) + 16
                top = sources[0]
                cut = _truncate(top.text, max(0, len(top.text) - over_chars))
                sources[0] = replace(top, text=cut)
                report.truncated_sources.append(top.n)
                current = render(history, sources)
                n = size(current)
        report.estimated_tokens = n
        report.fits = n <= limit
        return replace(current, metadata={**request.metadata, "context": report.to_json()})


def _is_grounded(request: Request) -> bool:
    # Only a plain grounded request (history + one sources/question turn) is re-rendered;
    # continuations and tool-calling turns are left alone (cutting them would lose state).
    return (
        bool(request.sources and request.question and request.messages)
        and request.messages[-1].role == "user"
        and "continuation_of" not in request.metadata
        and not any(m.role == "tool" or m.tool_calls for m in request.messages)
    )


def _truncate(text: str, max_chars: int) -> str:
    if max_chars <= 0:
        return ""
    cut = text[:max_chars]
    end = max(cut.rfind(". "), cut.rfind(".\n"))
    return cut[: end + 1] if end > max_chars // 2 else cut


def context_report(request: Request) -> dict[str, Any] | None:
    rep = request.metadata.get("context")
    return rep if isinstance(rep, dict) else None

"""Question -> passages -> provider (chain) -> :class:`Answer` with numbered citations."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from providers.base import Attempt, Message, Provider, Request, Response, Source, Usage
from rag.followup import in_context
from rag.prompts import grounded_messages
from rag.retrieve import Passage, RetrievalResult

_CITATION = re.compile(r"\[(\d{1,3})\]")


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    provider: str
    model: str
    sources: list[Source]
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = 0.0
    cached: bool = False
    interrupted: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    latency_ms: float = 0.0
    retrieval_ms: float = 0.0
    search_query: str = ""
    cited: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``ask --json`` object (field names are a contract: extend, never rename)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "provider": self.provider,
            "model": self.model,
            "sources": [
                {
                    "n": s.n,
                    "source": s.source,
                    "page": s.page,
                    "text": s.text,
                    "score": round(s.score, 6),
                    "relevance": None if s.relevance is None else round(s.relevance, 4),
                    "doc_id": s.doc_id,
                    "chunk_id": s.chunk_id,
                }
                for s in self.sources
            ],
            "cited": self.cited,
            "usage": {
                "input_tokens": self.usage.input_tokens,
                "output_tokens": self.usage.output_tokens,
            },
            "cost_usd": self.cost_usd,
            "cached": self.cached,
            "interrupted": self.interrupted,
            "attempts": [asdict(a) for a in self.attempts],
            "latency_ms": round(self.latency_ms, 1),
            **({"search_query": self.search_query} if self.search_query != self.question else {}),
            **self.extra,
        }


def to_sources(passages: Sequence[Passage]) -> list[Source]:
    return [
        Source(
            n=i + 1,
            source=p.source,
            page=p.page,
            text=p.text,
            score=p.score,
            doc_id=p.doc_id,
            chunk_id=p.chunk_id,
            relevance=p.relevance,
        )
        for i, p in enumerate(passages)
    ]


def cited_numbers(text: str, sources: Sequence[Source]) -> list[int]:
    valid = {s.n for s in sources}
    return sorted({int(m) for m in _CITATION.findall(text) if int(m) in valid})


def contextualize(question: str, history: Sequence[Message]) -> str:
    """History-aware search query without an LLM (see :mod:`rag.followup`): a follow-up
    ("And in Paris?", "How many of them...") is completed from the previous exchange; a
    question that stands alone passes unchanged."""
    return in_context(question, history)


def build_request(
    question: str,
    retrieval: RetrievalResult,
    history: Sequence[Message] = (),
    temperature: float = 0.1,
    max_tokens: int = 512,
    timeout_s: float | None = None,
    search_query: str = "",
) -> Request:
    """The grounded request; a follow-up's ``search_query`` (the question in the context of
    the conversation) travels as ``metadata["focus"]``, what the extractive answerer answers."""
    sources = to_sources(retrieval.passages)
    system, messages = grounded_messages(question, sources, history)
    focus = search_query.strip()
    return Request(
        messages=messages,
        system=system,
        temperature=temperature,
        max_tokens=max_tokens,
        question=question,
        sources=sources,
        timeout_s=timeout_s,
        metadata={"focus": focus} if focus and focus != question else {},
    )


def finish(
    question: str,
    request: Request,
    resp: Response,
    started: float,
    retrieval: RetrievalResult,
    search_query: str,
) -> Answer:
    cited = resp.cited or cited_numbers(resp.text, request.sources)
    return Answer(
        question=question,
        answer=resp.text,
        refused=resp.refused,
        provider=resp.provider,
        model=resp.model,
        sources=list(request.sources),
        usage=resp.usage,
        cost_usd=resp.cost_usd,
        cached=resp.cached,
        interrupted=resp.interrupted,
        attempts=list(resp.attempts),
        latency_ms=(time.perf_counter() - started) * 1000,
        retrieval_ms=retrieval.timings.total_ms,
        search_query=search_query,
        cited=cited,
        # What context-window budgeting cut for the provider that answered (rag/context.py).
        extra={"context": resp.raw["context"]} if "context" in resp.raw else {},
    )


def run(provider: Provider, request: Request) -> Response:
    return provider.generate(request)


def run_stream(provider: Provider, request: Request) -> Iterator[str | Response]:
    yield from provider.stream(request)

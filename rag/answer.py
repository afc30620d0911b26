"""Question -> passages -> provider (chain) -> :class:`Answer` with numbered citations."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, NotRequired, TypedDict

from providers.base import Attempt, Message, Provider, Request, Response, Source, Usage
from rag.followup import in_context
from rag.prompts import grounded_messages
from rag.retrieve import Passage, RetrievalResult
from text import citations


class GroundingInfo(TypedDict):
    """The ``grounding`` object of ``ask --json`` (:meth:`rag.grounding.Grounding.to_json`
    plus what the pipeline did about it). Extend, never rename."""

    supported: int
    total: int
    unsupported: list[dict[str, Any]]
    bad_citations: NotRequired[list[int]]
    sentences: NotRequired[list[dict[str, Any]]]
    action: NotRequired[str | None]  # None | "flag" | "retry_strict" | "extractive"
    original: NotRequired[GroundingInfo]  # the replaced answer's check
    original_answer: NotRequired[str]


class ConsensusInfo(TypedDict):
    method: str  # "synthesis" | "claims" | "none" | "single" (one provider answered: its answer)
    removed: list[str]
    claims: int
    asked: NotRequired[list[str]]  # the "provider:model" specs asked, in order
    answered: NotRequired[list[str]]  # who answered them, each once (fallbacks merged)


class ConsensusPart(TypedDict):
    """One provider's own answer behind a consensus, as the app shows it."""

    provider: str
    model: str
    answer: str
    latency_ms: float
    tokens: int
    cost_usd: float | None
    cached: bool
    requested: NotRequired[str]  # the "provider:model" asked; ``provider`` is who answered
    attempts: NotRequired[list[dict[str, Any]]]  # providers.base.Attempt fields, as saved
    counted: NotRequired[bool]  # False: a fallback whose answerer another part already is


@dataclass
class ToolCallRecord:
    """One tool call as shown with the answer."""

    name: str
    query: str
    k: int
    sources: list[int] = field(default_factory=list)  # numbers of the passages returned
    new_sources: int = 0  # of which not seen before
    error: str | None = None


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
    # Optional parts, in the order they appear in to_json() (absent there when unset).
    context: dict[str, Any] | None = None  # what context budgeting cut (rag/context.py)
    truncated: bool = False  # the output cap cut a runaway answer
    grounding: GroundingInfo | None = None  # the grounding check of a generated answer
    tool_calls: list[ToolCallRecord] | None = None  # answered with tools (rag/tools.py)
    consensus: ConsensusInfo | None = None  # a consensus answer (rag/consensus.py)
    consensus_of: list[ConsensusPart] | None = None  # ... and each provider's own answer
    consensus_method: str | None = None
    # Nothing to answer from, so no provider was asked: "no_documents" (nothing is indexed)
    # or "nothing_retrieved" (the search found no passage). See nothing_to_answer().
    no_sources: str | None = None
    # Compare and consensus: the "provider:model" the user picked for this answer, since a
    # fallback (``provider``) may have answered in its place.
    requested: str | None = None
    # What interpreting its tone with a model cost (ui.analysis), summed over the times it
    # was asked: {"provider", "tokens", "cost_usd"}. Saved with the conversation, so a
    # reopened one counts it (its total had left the tone call out).
    tone_spend: dict[str, Any] | None = None
    # The tone interpretation shown under it (rag.analysis.tone.Tone's fields), saved with
    # the conversation so a reopened one shows it instead of asking (and paying) again.
    tone: dict[str, Any] | None = None
    # The question as the extractive answerer read it when it respelt words of it ("hotle
    # limit in londn" -> "hotel limit in london"): the user sees what was answered.
    read_as: str | None = None

    @property
    def asked(self) -> str:
        """The "provider:model" picked for this answer (its first attempt when saved before
        ``requested`` existed: a fallback's answerer is not what the user picked)."""
        if self.requested:
            return self.requested
        first = self.attempts[0] if self.attempts else None
        return f"{first.provider}:{first.model}" if first else f"{self.provider}:{self.model}"

    def spend(self) -> list[CostLine]:
        """What this answer cost, as cost-table lines ``(label, tokens, USD, ms)`` (USD None:
        unpriced): a provider cut off mid-answer (billed for what it wrote), then the answer.
        A consensus is a line per provider that answered for it, labelled by who was paid
        (its one row "extractive (consensus)" held OpenAI's money), and its combining step
        when that cost something or nothing else did. The live session and a reopened
        conversation count the same."""
        lines = [
            (f"{x.provider}:{x.model} (stopped mid-answer)", x.tokens, x.cost_usd, x.latency_ms)
            for x in self.attempts
            if x.tokens or x.cost_usd
        ]
        label = f"{self.provider}:{self.model}" if self.model else self.provider
        tokens, cost = self.usage.total_tokens, self.cost_usd
        if not self.consensus_of:
            return [*lines, (label, tokens, cost, self.latency_ms)]
        if self.consensus_method == "single":  # a copy of one part's answer, not a call
            tokens, cost = 0, 0.0
        for p in self.consensus_of:
            if p["cached"]:  # answered from the cache: nothing was spent on it again
                continue
            who = f"{p['provider']}:{p['model']}" if p["model"] else p["provider"]
            lines.append(
                (f"{who} (for the consensus)", p["tokens"], p["cost_usd"], p["latency_ms"])
            )
        if tokens or cost != 0.0 or not lines:  # the question keeps a row even when free
            lines.append((f"{label} (combining the consensus)", tokens, cost, self.latency_ms))
        return lines

    def cost_lines(
        self, turn: int, first: int, question: int | None = None
    ) -> list[dict[str, Any]]:
        """:meth:`spend` as the session's cost rows (:func:`cost_rows_of_lines`): the live
        session and a reopened conversation build them the same way."""
        lines = self.spend()
        if self.tone_spend:
            t = self.tone_spend
            lines.append(tone_line(t["provider"], t["tokens"], t["cost_usd"]))
        return cost_rows_of_lines(lines, first, turn, question)

    def add_tone_spend(self, provider: str, tokens: int, cost_usd: float | None) -> None:
        """Count a model's interpretation of this answer's tone (see ``tone_spend``)."""
        t = self.tone_spend or {"provider": provider, "tokens": 0, "cost_usd": 0.0}
        before = t["cost_usd"]
        self.tone_spend = {
            "provider": provider,
            "tokens": t["tokens"] + tokens,
            "cost_usd": None if before is None or cost_usd is None else before + cost_usd,
        }

    def spent(self) -> tuple[int, float | None]:
        """Tokens and USD of :meth:`spend`'s lines together (USD None if one is unpriced):
        what a consensus cost, where the answer's own line is only the combining step."""
        lines = self.spend()
        tokens = sum(t for _, t, _, _ in lines)
        costs = [c for _, _, c, _ in lines]
        return tokens, None if None in costs else sum(c for c in costs if c is not None)

    @property
    def extra(self) -> Mapping[str, Any]:
        """The optional parts as ``to_json()`` writes them (read-only; set the fields)."""
        out: dict[str, Any] = {}
        if self.context is not None:
            out["context"] = self.context
        if self.truncated:
            out["truncated"] = True
        if self.grounding is not None:
            out["grounding"] = self.grounding
        if self.tool_calls is not None:
            out["tool_calls"] = [asdict(r) for r in self.tool_calls]
        if self.consensus is not None:
            out["consensus"] = self.consensus
        if self.consensus_of is not None:
            out["consensus_of"] = self.consensus_of
        if self.consensus_method is not None:
            out["consensus_method"] = self.consensus_method
        if self.no_sources is not None:
            out["no_sources"] = self.no_sources
        if self.requested is not None:
            out["requested"] = self.requested
        if self.read_as is not None:
            out["read_as"] = self.read_as
        return MappingProxyType(out)

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
                    **({"opens_document": True} if s.opens_document else {}),
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


CostLine = tuple[str, int, float | None, float]  # (label, tokens, USD or None, ms)


def tone_line(provider: str, tokens: int, cost_usd: float | None) -> CostLine:
    """The cost line of a model's tone interpretation: "openai:gpt-4o-mini (tone)"."""
    return (f"{provider} (tone)", tokens, cost_usd, 0.0)


def cost_rows_of_lines(
    lines: Sequence[CostLine], first: int, turn: int, question: int | None = None
) -> list[dict[str, Any]]:
    """Cost-table lines as the session keeps them: answer number from ``first``, the turn
    they belong to, its question's number in the session (the turn's when not given),
    provider, tokens, cost_usd, latency_ms."""
    return [
        {
            "answer": first + i,
            "turn": turn,
            "question": question or turn,
            "provider": label,
            "tokens": tokens,
            "cost_usd": cost,
            "latency_ms": round(ms),
        }
        for i, (label, tokens, cost, ms) in enumerate(lines)
    ]


def to_source(p: Passage, n: int) -> Source:
    """A retrieved passage as source number ``n`` of a request."""
    return Source(
        n=n,
        source=p.source,
        page=p.page,
        text=p.text,
        score=p.score,
        doc_id=p.doc_id,
        chunk_id=p.chunk_id,
        relevance=p.relevance,
        opens_document=p.opens_document,
    )


def to_sources(passages: Sequence[Passage]) -> list[Source]:
    return [to_source(p, i + 1) for i, p in enumerate(passages)]


def cited_numbers(text: str, sources: Sequence[Source]) -> list[int]:
    """Sorted numbers of the sources ``text`` cites ("[1, 3]" and "[1][3]" alike)."""
    return citations.cited_in(text, {s.n for s in sources})


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
    metadata: dict[str, Any] = {"focus": focus} if focus and focus != question else {}
    if retrieval.openings:  # "overview" or "dated": these sources open the documents asked
        asks = retrieval.asks or "overview"
        metadata[asks] = [s.n for s in sources if s.chunk_id in retrieval.openings]
    return Request(
        messages=messages,
        system=system,
        temperature=temperature,
        max_tokens=max_tokens,
        question=question,
        sources=sources,
        timeout_s=timeout_s,
        metadata=metadata,
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
        context=resp.raw.get("context"),
        # The question as the answerer read it, when it corrected words (extractive).
        read_as=resp.raw.get("read_as"),
    )


def run(provider: Provider, request: Request) -> Response:
    return provider.generate(request)


def run_stream(provider: Provider, request: Request) -> Iterator[str | Response]:
    yield from provider.stream(request)

"""Answering with tools: the model may call ``search_documents(query, k)`` for more passages.

For questions that need more than one retrieval ("compare A and B", multi-part questions)
a provider with function calling gets the usual grounded prompt plus one tool. Each call
runs our hybrid retrieval; new passages join the numbered sources (a passage already shown
keeps its number) and go back to the model inside the same delimited ``<source>`` blocks as
the first ones, because they are untrusted document text too. The loop is bounded: at most
``max_calls`` searches and ``max_tokens`` tokens in total; past either limit the model is
told to answer (``tool_choice="none"``) with what it has. Every call is recorded on the
answer (``Answer.extra["tool_calls"]``) so the CLI and UI can show it.

Providers without function calling (and the extractive one) never see the tool: the
question is then answered the usual way.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from providers.base import Message, Provider, Request, Response, Source, ToolSpec, Usage
from providers.chain import FallbackChain
from rag.answer import Answer, build_request, finish
from rag.prompts import format_sources, grounded_messages

MAX_K = 8
DEFAULT_MAX_CALLS = 3
DEFAULT_MAX_TOKENS = 16_000  # input + output over the whole loop

SEARCH_TOOL = ToolSpec(
    name="search_documents",
    description=(
        "Search the user's indexed documents (hybrid keyword + semantic search). Returns "
        "numbered passages you can cite as [n]. Use it when the sources you have do not "
        "cover every part of the question."
    ),
    parameters={
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "what to look for, as a short query"},
            "k": {
                "type": "integer",
                "description": f"how many passages (1-{MAX_K})",
                "minimum": 1,
                "maximum": MAX_K,
            },
        },
        "required": ["query"],
    },
)

TOOL_SYSTEM_SUFFIX = (
    "\nYou may call search_documents(query, k) when the sources above do not cover every part "
    "of the question (for example a comparison or a multi-part question). Passages it "
    "returns are numbered after the existing ones; cite them the same way. Search only "
    "when needed, then answer."
)
LIMIT_NOTE = "Search limit reached: answer now with the sources you have."


@dataclass
class ToolCallRecord:
    """One tool call as shown with the answer."""

    name: str
    query: str
    k: int
    sources: list[int] = field(default_factory=list)  # numbers of the passages returned
    new_sources: int = 0  # of which not seen before
    error: str | None = None


def _tool_providers(chain: Provider | FallbackChain) -> list[Provider]:
    providers = chain.providers if isinstance(chain, FallbackChain) else [chain]
    return [p for p in providers if p.capabilities.tools and p.name != "extractive"]


def _add_usage(total: Usage, u: Usage) -> None:
    total.input_tokens = (total.input_tokens or 0) + (u.input_tokens or 0)
    total.output_tokens = (total.output_tokens or 0) + (u.output_tokens or 0)


def ask_with_tools(
    engine: Any,
    question: str,
    chain: Provider | FallbackChain,
    *,
    k: int | None = None,
    history: Sequence[Message] = (),
    max_calls: int = DEFAULT_MAX_CALLS,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> Answer:
    started = time.perf_counter()
    question = question.strip()
    tool_providers = _tool_providers(chain)
    if not tool_providers:
        ans = engine.ask(question, k=k, provider=chain, history=history)
        ans.extra["tool_calls"] = []
        return ans
    settings = engine.settings
    retrieval = engine.retrieve(question, k)
    base = build_request(
        question,
        retrieval,
        history,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        timeout_s=settings.request_timeout_s,
    )
    sub = (
        FallbackChain(tool_providers, usage=chain.usage, cache=chain.cache, metrics=chain.metrics)
        if isinstance(chain, FallbackChain)
        else FallbackChain(tool_providers)
    )
    sources: list[Source] = list(base.sources)
    number = {s.chunk_id: s.n for s in sources if s.chunk_id}
    messages = list(base.messages)
    system = (base.system or "") + TOOL_SYSTEM_SUFFIX
    records: list[ToolCallRecord] = []
    usage = Usage(0, 0)
    cost: float | None = 0.0
    attempts = []
    final: Response | None = None
    while final is None:
        open_budget = len(records) < max_calls and usage.total_tokens < max_tokens
        req = Request(
            messages=messages,
            system=system,
            temperature=base.temperature,
            max_tokens=base.max_tokens,
            tools=[SEARCH_TOOL],
            tool_choice="auto" if open_budget else "none",
            question=question,
            sources=list(sources),
            timeout_s=base.timeout_s,
        )
        resp = sub.generate(req)
        attempts += resp.attempts
        if resp.provider == "none":
            # No tool-capable provider answered: the whole chain answers without tools.
            resp = (chain if isinstance(chain, FallbackChain) else FallbackChain([chain])).generate(
                replace(base, sources=list(sources), messages=_plain(sources, base))
            )
            attempts += resp.attempts
            final = resp
        elif not resp.tool_calls:
            final = resp
        elif not open_budget:
            # The model asked for more despite tool_choice="none": answer without tools.
            req2 = replace(
                req, tools=None, tool_choice=None, messages=[*messages, Message("user", LIMIT_NOTE)]
            )
            final = sub.generate(req2)
            attempts += final.attempts
        _add_usage(usage, resp.usage)
        cost = None if cost is None or resp.cost_usd is None else cost + resp.cost_usd
        if final is not None:
            if final is not resp:
                _add_usage(usage, final.usage)
                cost = None if cost is None or final.cost_usd is None else cost + final.cost_usd
            break
        messages.append(Message("assistant", resp.text or "", tool_calls=tuple(resp.tool_calls)))
        for call in resp.tool_calls:
            content = _run_call(
                engine, call.name, call.arguments, records, sources, number, max_calls
            )
            messages.append(Message("tool", content, tool_call_id=call.id, name=call.name))
    final_req = replace(base, sources=list(sources))
    final.usage, final.cost_usd, final.attempts = usage, cost, attempts
    ans = finish(question, final_req, final, started, retrieval, question)
    ans.extra["tool_calls"] = [asdict(r) for r in records]
    return ans


def _plain(sources: list[Source], base: Request) -> list[Message]:
    """The original question with every source gathered so far (for tool-less providers)."""
    return grounded_messages(base.question, sources, list(base.messages[:-1]))[1]


def _run_call(
    engine: Any,
    name: str,
    args: dict[str, Any],
    records: list[ToolCallRecord],
    sources: list[Source],
    number: dict[str, int],
    max_calls: int,
) -> str:
    query = str(args.get("query") or "").strip()
    try:
        k = max(1, min(MAX_K, int(args.get("k") or engine.settings.top_k)))
    except (TypeError, ValueError):
        k = engine.settings.top_k
    if name != SEARCH_TOOL.name:
        records.append(ToolCallRecord(name, query, k, error="unknown tool"))
        return f"Unknown tool {name!r}; the only tool is {SEARCH_TOOL.name}."
    if len(records) >= max_calls:
        records.append(ToolCallRecord(name, query, k, error="call limit reached"))
        return LIMIT_NOTE
    if not query:
        records.append(ToolCallRecord(name, query, k, error="empty query"))
        return "The query was empty; pass a short search query."
    result = engine.retrieve(query, k)
    shown: list[Source] = []
    new = 0
    for p in result.passages:
        n = number.get(p.chunk_id)
        if n is None:
            n = len(sources) + 1
            number[p.chunk_id] = n
            sources.append(
                Source(
                    n=n,
                    source=p.source,
                    page=p.page,
                    text=p.text,
                    score=p.score,
                    doc_id=p.doc_id,
                    chunk_id=p.chunk_id,
                    relevance=p.relevance,
                )
            )
            new += 1
        shown.append(sources[n - 1])
    records.append(ToolCallRecord(name, query, k, [s.n for s in shown], new))
    if not shown:
        return "No passages matched that query."
    return format_sources(shown)

"""Answering with tools: the model may call ``search_documents(query, k)`` for more passages.

For questions that need more than one retrieval ("compare A and B", multi-part questions)
a provider with function calling gets the usual grounded prompt plus one tool. Each call
runs our hybrid retrieval; new passages join the numbered sources (a passage already shown
keeps its number) and go back to the model inside the same delimited ``<source>`` blocks as
the first ones, because they are untrusted document text too. The loop is bounded: at most
``max_calls`` searches and ``max_tokens`` tokens in total; past either limit the model is
told to answer (``tool_choice="none"``) with what it has. Every call is recorded on the
answer (``Answer.tool_calls``) so the CLI and UI can show it. The final answer goes through
the same output cap and grounding check as any other (:mod:`rag.pipeline`).

Providers without function calling (and the extractive one) never see the tool: the
question is then answered the usual way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from providers.base import Attempt, Message, Provider, Request, Response, Source, ToolSpec, Usage
from providers.chain import FallbackChain
from rag.answer import Answer, ToolCallRecord, to_source
from rag.prompts import format_sources, grounded_messages

if TYPE_CHECKING:
    from rag.engine import Engine

__all__ = ["SEARCH_TOOL", "ToolCallRecord", "ask_with_tools"]

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


def _tool_providers(chain: Provider | FallbackChain) -> list[Provider]:
    providers = chain.providers if isinstance(chain, FallbackChain) else [chain]
    return [p for p in providers if p.capabilities.tools and p.name != "extractive"]


class _Spent:
    """What every call of the loop cost, together (None: some call was unpriced)."""

    def __init__(self) -> None:
        self.usage = Usage(0, 0)
        self.cost: float | None = 0.0
        self.attempts: list[Attempt] = []

    def add(self, r: Response) -> None:
        self.attempts += r.attempts
        self.usage.input_tokens = (self.usage.input_tokens or 0) + (r.usage.input_tokens or 0)
        self.usage.output_tokens = (self.usage.output_tokens or 0) + (r.usage.output_tokens or 0)
        self.cost = None if self.cost is None or r.cost_usd is None else self.cost + r.cost_usd

    def onto(self, r: Response) -> Response:
        r.usage, r.cost_usd, r.attempts = self.usage, self.cost, self.attempts
        return r


def ask_with_tools(
    engine: Engine,
    question: str,
    chain: Provider | FallbackChain,
    *,
    k: int | None = None,
    history: Sequence[Message] = (),
    max_calls: int = DEFAULT_MAX_CALLS,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> Answer:
    pipe = engine.pipeline
    tool_providers = _tool_providers(chain)
    if not tool_providers:
        ans = pipe.ask(question, k=k, provider=chain, history=history)
        ans.tool_calls = []
        return ans
    # The question searches as asked (the model can search again for what it lacks).
    prep = pipe.prepare(question, k, history, rewrite=lambda q, _history: q)
    unanswerable = pipe.nothing_to_answer(prep)  # nothing indexed: no search would help
    if unanswerable is not None:
        unanswerable.tool_calls = []
        return unanswerable
    sources: list[Source] = list(prep.request.sources)
    records: list[ToolCallRecord] = []
    final = _loop(
        engine, prep.request, chain, tool_providers, sources, records, max_calls, max_tokens
    )
    ans = pipe.settle(prep, replace(prep.request, sources=list(sources)), final, chain)
    ans.tool_calls = records
    return ans


def _loop(
    engine: Engine,
    base: Request,
    chain: Provider | FallbackChain,
    tool_providers: list[Provider],
    sources: list[Source],
    records: list[ToolCallRecord],
    max_calls: int,
    max_tokens: int,
) -> Response:
    """Ask, run the searches asked for, ask again... until an answer (or a limit)."""
    whole = chain if isinstance(chain, FallbackChain) else FallbackChain([chain])
    sub = (
        FallbackChain(tool_providers, usage=chain.usage, cache=chain.cache, metrics=chain.metrics)
        if isinstance(chain, FallbackChain)
        else FallbackChain(tool_providers)
    )
    number = {s.chunk_id: s.n for s in sources if s.chunk_id}
    messages = list(base.messages)
    spent = _Spent()
    while True:
        open_budget = len(records) < max_calls and spent.usage.total_tokens < max_tokens
        req = replace(
            base,
            messages=messages,
            system=(base.system or "") + TOOL_SYSTEM_SUFFIX,
            tools=[SEARCH_TOOL],
            tool_choice="auto" if open_budget else "none",
            sources=list(sources),
        )
        resp = sub.generate(req)
        if resp.provider == "none":
            # No tool-capable provider answered: the whole chain answers without tools.
            spent.attempts += resp.attempts
            resp = whole.generate(
                replace(base, sources=list(sources), messages=_plain(sources, base))
            )
            spent.add(resp)
            return spent.onto(resp)
        spent.add(resp)
        if not resp.tool_calls:
            return spent.onto(resp)
        if not open_budget:
            # The model asked for more despite tool_choice="none": answer without tools.
            note = [*messages, Message("user", LIMIT_NOTE)]
            final = sub.generate(replace(req, tools=None, tool_choice=None, messages=note))
            spent.add(final)
            return spent.onto(final)
        messages.append(Message("assistant", resp.text or "", tool_calls=tuple(resp.tool_calls)))
        for call in resp.tool_calls:
            content = _run_call(
                engine, call.name, call.arguments, records, sources, number, max_calls
            )
            messages.append(Message("tool", content, tool_call_id=call.id, name=call.name))


def _plain(sources: list[Source], base: Request) -> list[Message]:
    """The original question with every source gathered so far (for tool-less providers)."""
    return grounded_messages(base.question, sources, list(base.messages[:-1]))[1]


def _run_call(
    engine: Engine,
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
            sources.append(to_source(p, n))
            new += 1
        shown.append(sources[n - 1])
    records.append(ToolCallRecord(name, query, k, [s.n for s in shown], new))
    if not shown:
        return "No passages matched that query."
    return format_sources(shown)

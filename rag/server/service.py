"""What the routes need from the library: the engine, the answering chain, and turning an
OpenAI ``messages`` list into a question with its history."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Literal

from providers.base import Message, Response
from rag.answer import Answer
from rag.server.errors import APIError
from rag.server.models import Target
from rag.server.schemas import AnswerInfo, ChatMessage, SourceOut, UsageOut
from rag.session import HISTORY_TURNS, first_remote, make_rewriter

if TYPE_CHECKING:
    from providers.chain import FallbackChain
    from rag.engine import Engine


class Service:
    """One engine and one answering chain (the settings' provider and fallbacks, ending in
    the extractive answerer), shared by every request: its breakers keep their state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._chain: FallbackChain | None = None
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    @property
    def chain(self) -> FallbackChain:
        with self._lock:
            if self._chain is None:
                from rag.llm import make_chain

                self._chain = make_chain(self.engine, session_id="http-api")
            return self._chain

    def workspaces(self) -> list[str]:
        """The created workspaces (``grounded-qa`` itself is the default one)."""
        from rag.workspaces import DEFAULT, list_workspaces

        return [w for w in list_workspaces(self.engine.settings) if w != DEFAULT]

    def engine_for(self, target: Target) -> Engine:
        """The engine answering ``target``: one per workspace, made on first use."""
        if target.workspace is None:
            return self.engine
        with self._lock:
            engine = self._engines.get(target.workspace)
            if engine is None:
                from rag.engine import Engine

                settings = self.engine.settings.model_copy(update={"workspace": target.workspace})
                engine = Engine(
                    settings,
                    embedder=self.engine.embedder,
                    refusal=self.engine.extractive.refusal,
                )
                self._engines[target.workspace] = engine
            return engine

    def answer_stream(
        self, target: Target, messages: Sequence[ChatMessage], temperature: float | None = None
    ) -> Iterator[str | Answer]:
        """Text deltas, then exactly one :class:`Answer` (rag/pipeline.py)."""
        question, history = split_messages(messages)
        engine = self.engine_for(target)
        chain = self.chain
        remote = first_remote(chain)
        spent: list[Response] = []
        rewrite = None
        if remote is not None and history and chain.usage is not None:
            rewrite = make_rewriter(remote, chain.usage, spent)
        return engine.pipeline.ask_stream(
            question,
            provider=chain,
            history=history,
            rewrite=rewrite,
            temperature=temperature,
        )


def split_messages(messages: Sequence[ChatMessage]) -> tuple[str, list[Message]]:
    """The last user message (the question) and the earlier exchanges (the history).

    System, developer and tool messages are left out: the server's own grounded prompt
    decides how to answer."""
    last = messages[-1]
    question = last.text().strip()
    if last.role != "user" or not question:
        raise APIError(
            400,
            "The last message must be a user message with text (the question).",
            param="messages",
            code="invalid_value",
        )
    history = [
        Message("user" if m.role == "user" else "assistant", m.text())
        for m in messages[:-1]
        if m.role in ("user", "assistant") and m.text().strip()
    ]
    return question, history[-2 * HISTORY_TURNS :]


def sources_of(answer: Answer) -> list[SourceOut]:
    cited = set(answer.cited)
    return [
        SourceOut(
            n=s.n,
            file=s.source,
            page=s.page,
            text=s.text,
            score=round(float(s.score), 6),
            doc_id=s.doc_id,
            chunk_id=s.chunk_id,
            cited=s.n in cited,
        )
        for s in answer.sources
    ]


def usage_of(answer: Answer) -> UsageOut:
    prompt = answer.usage.input_tokens or 0
    completion = answer.usage.output_tokens or 0
    return UsageOut(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


def info_of(answer: Answer) -> AnswerInfo:
    return AnswerInfo(
        provider=answer.provider,
        model=answer.model,
        refused=answer.refused,
        cited=list(answer.cited),
        cost_usd=answer.cost_usd,
        latency_ms=round(answer.latency_ms, 1),
        search_query=answer.search_query,
    )


def finish_reason(answer: Answer) -> Literal["stop", "length"]:
    return "length" if answer.truncated else "stop"

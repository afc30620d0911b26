"""A chat session: its turns and history, follow-up rewrites, its provider chains, compare
and consensus - everything about a conversation except drawing it.

The app keeps one :class:`ChatSession`'s parts in ``st.session_state`` (so reruns keep them)
and only renders what comes back; nothing here imports Streamlit. Keys given for a session
(typed in the sidebar) live in this object and the chains built from it, never on disk.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from providers.base import Answerer, Capabilities, Message, Provider, Request, Response, StreamItem
from providers.chain import FallbackChain
from providers.metrics import Metrics
from providers.usage import UsageTracker
from rag.answer import Answer, contextualize, cost_rows_of_lines
from rag.llm import make_chain
from rag.rewrite import rewrite_question
from rag.scope import names_of

if TYPE_CHECKING:
    from rag.engine import Engine

log = logging.getLogger(__name__)

HISTORY_TURNS = 3  # previous exchanges sent with a follow-up
# (spec, fallbacks, keys fingerprint, sensitive, id of the engine's extractive answerer)
ChainKey = tuple[str, tuple[str, ...], str, bool, int]


@dataclass
class Choice:
    """How to answer: what the sidebar (or any other front end) picked."""

    provider: str  # "openai:gpt-4o-mini" or "extractive"
    fallback: list[str] = field(default_factory=list)
    temperature: float = 0.1
    top_k: int = 5
    compare: list[str] = field(default_factory=list)  # 2-3 specs when compare mode is on
    sensitive: bool = False  # every task stays on this machine (local providers only)
    consensus: bool = False  # compare mode: one answer keeping only claims the sources support
    docs: list[str] = field(default_factory=list)  # ask within these doc ids (empty: all)
    # ``docs`` is the default, not a pick: one's own documents beside the demo's
    # (rag.demo.searched_by_default); a turn records "all", so a reopened conversation
    # searches documents uploaded since as well
    docs_by_default: bool = False


@dataclass
class Turn:
    """One question and what answered it (several answers in compare mode)."""

    id: int
    question: str
    answers: list[Answer] = field(default_factory=list)
    sentiment: dict[int, str] = field(default_factory=dict)
    within: list[str] = field(default_factory=list)  # doc ids it searched (empty: all)
    within_names: list[str] = field(default_factory=list)  # their names when it was asked
    indexing: int = 0  # documents still being indexed when it was asked (it could not use them)
    # It searched one's own documents by default, not the demo's: a refusal says so, since
    # the demo's may hold the answer ("How many vacation days ...?" beside one's own policy)
    own_only: bool = False
    # Its place among the session's questions (the cost table's "Question"): a new
    # conversation restarts ``id`` at 1, and two conversations' first questions were both 1.
    number: int = 0

    @property
    def question_no(self) -> int:
        """``number``, or ``id`` for a turn restored from a saved conversation."""
        return self.number or self.id


def history_messages(turns: Sequence[Turn]) -> list[Message]:
    """The last few exchanges, as messages sent with a follow-up question."""
    out: list[Message] = []
    for t in turns[-HISTORY_TURNS:]:
        if t.answers:
            out += [Message("user", t.question), Message("assistant", t.answers[0].answer)]
    return out


def make_rewriter(
    p: Provider, usage: UsageTracker, spent: list[Response], chain: FallbackChain | None = None
) -> Callable[[str, Sequence[Message]], str]:
    """Follow-up -> standalone question with the chosen model (budget-checked, cached and
    logged by rag.rewrite); the history heuristic when it is refused or fails."""

    def rewrite(question: str, history: Sequence[Message]) -> str:
        try:
            text, resp = rewrite_question(
                p,
                question,
                history,
                usage=usage,
                cache=chain.cache if chain is not None else None,
                calls=chain.calls if chain is not None else None,
            )
        except Exception as e:  # never let the rewrite cost the answer
            log.info("question rewrite failed (%s); using the history heuristic", type(e).__name__)
            return contextualize(question, history)
        if resp is not None:
            spent.append(resp)
        return text

    return rewrite


class Tuned:
    """A provider (or chain) with the session's temperature applied to every request."""

    def __init__(self, inner: Answerer, temperature: float) -> None:
        self.inner = inner
        self.temperature = temperature
        self.name = "chain"
        self.model = ""
        self.capabilities = Capabilities()

    def generate(self, request: Request) -> Response:
        return self.inner.generate(replace(request, temperature=self.temperature))

    def stream(self, request: Request) -> Iterator[StreamItem]:
        yield from self.inner.stream(replace(request, temperature=self.temperature))


def first_remote(chain: FallbackChain) -> Provider | None:
    p = chain.providers[0]
    return None if p.name == "extractive" else p


@dataclass
class ChatSession:
    """One user's conversation. The lists and dicts may be shared with a UI's state store."""

    engine: Engine
    session_id: str
    usage: UsageTracker
    metrics: Metrics = field(default_factory=Metrics)
    keys: Mapping[str, str] = field(default_factory=dict)
    # Base URLs given for this session (the sidebar's, e.g. an OpenAI-compatible server).
    base_urls: Mapping[str, str] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    costs: list[dict[str, Any]] = field(default_factory=list)
    chains: dict[ChainKey, FallbackChain] = field(default_factory=dict)

    # --- chains --------------------------------------------------------------------------
    def chain(
        self, spec: str, fallback: Sequence[str] = (), sensitive: bool = False
    ) -> FallbackChain:
        """This session's chain for (spec, fallbacks, keys, base URLs, sensitive, engine):
        reused so its breakers keep state. Sensitive mode drops every provider that is not local."""
        given = [f"{k}={v}" for k, v in sorted(self.keys.items())]
        given += [f"url:{n}={u}" for n, u in sorted(self.base_urls.items())]
        fp = hashlib.sha256("\0".join(given).encode()).hexdigest()
        # The chain ends in its engine's extractive answerer, which knows that workspace's
        # vocabulary (each workspace's engine has its own): keyed without it, a question in
        # an empty workspace left its chain to answer back in the default one, worse, for
        # the rest of the session. The chain holds that answerer, so its id is not reused
        # while the key is here.
        key: ChainKey = (spec, tuple(fallback), fp, sensitive, id(self.engine.extractive))
        if key not in self.chains:
            self.chains[key] = make_chain(
                self.engine,
                spec,
                list(fallback),
                sensitive=sensitive,
                keys=dict(self.keys),
                base_urls=dict(self.base_urls),
                session_id=self.session_id,
                metrics=self.metrics,
                usage=self.usage,
            )
        return self.chains[key]

    # --- asking --------------------------------------------------------------------------
    def new_turn(self, question: str) -> Turn:
        asked = [_question_of(r) for r in self.costs] + [t.number for t in self.turns]
        return Turn(
            id=(self.turns[-1].id + 1) if self.turns else 1,
            question=question,
            number=max(asked, default=0) + 1,
        )

    def ask_stream(self, turn: Turn, choice: Choice) -> Iterator[str | Answer]:
        """One answer (with fallbacks), streamed; the answer joins ``turn`` and the costs."""
        self._scope(turn, choice)
        history = history_messages(self.turns)
        chain = self.chain(choice.provider, choice.fallback, choice.sensitive)
        remote = first_remote(chain)
        spent: list[Response] = []
        rewrite = make_rewriter(remote, self.usage, spent, chain) if remote and history else None
        for item in self.engine.within(choice.docs).pipeline.ask_stream(
            turn.question,
            k=choice.top_k,
            provider=Tuned(chain, choice.temperature),
            history=history,
            rewrite=rewrite,
        ):
            if isinstance(item, Answer):
                for r in spent:  # the follow-up rewrite: its own cost line, before the answer's
                    label = f"{remote.name}:{r.model} (rewrite)" if remote else ""
                    self._row(turn, label, r.usage.total_tokens, r.cost_usd, r.latency_ms)
                self._keep(turn, item)
            yield item

    def compare(self, turn: Turn, choice: Choice) -> Iterator[tuple[str, Iterator[str | Answer]]]:
        """One retrieval, then each provider of ``choice.compare`` answers the same request:
        ``(spec, its stream)`` pairs, each to be consumed before the next."""
        self._scope(turn, choice)
        history = history_messages(self.turns)
        pipe = self.engine.within(choice.docs).pipeline
        prep = pipe.prepare(turn.question, choice.top_k, history, temperature=choice.temperature)
        chains = [self.chain(spec, [], choice.sensitive) for spec in choice.compare]
        for spec, (_, stream) in zip(choice.compare, pipe.compare(prep, chains), strict=True):
            yield spec, self._kept(turn, stream, spec)

    def consensus(self, turn: Turn, choice: Choice) -> tuple[Answer, str | None]:
        """N providers answer one retrieval; one synthesises the claims the sources support.
        Returns the consensus answer and a note for the user (or None)."""
        from rag.consensus import consensus_from_settings
        from rag.routing import is_local

        self._scope(turn, choice)
        specs = [s for s in choice.compare if is_local(s)] if choice.sensitive else choice.compare
        note = None
        if len(specs) < 2:
            note = "Consensus needs two providers (sensitive mode keeps only local ones)."
            specs = specs or ["extractive"]
        started = time.perf_counter()
        result = consensus_from_settings(
            self.engine.within(choice.docs),
            turn.question,
            specs,
            keys=self.keys,
            base_urls=self.base_urls,
            session_id=self.session_id,
            k=choice.top_k,
        )
        answer = result.answer
        # The whole wait (every provider, then the combining step), not the last step's
        # 0.3 s: its line reads "... for all providers".
        answer.latency_ms = (time.perf_counter() - started) * 1000.0
        answer.consensus_of = result.parts()
        answer.consensus_method = result.method
        self._keep(turn, answer)  # its cost lines count every provider's call
        return answer, note

    def finish(self, turn: Turn) -> None:
        """The turn is complete: it joins the history."""
        self._unfinished(turn)
        self.turns.append(turn)

    # --- bookkeeping ---------------------------------------------------------------------
    def _scope(self, turn: Turn, choice: Choice) -> None:
        """Record what ``turn`` searches, names included: a saved answer must still say so
        after one of its documents is deleted (rag.scope)."""
        turn.within = [] if choice.docs_by_default else list(choice.docs)
        turn.own_only = choice.docs_by_default
        if turn.within:
            indexed = {d.doc_id: d.name for d in self.engine.docs()}
            turn.within_names = names_of(turn.within, indexed)

    def _kept(self, turn: Turn, items: Iterator[str | Answer], spec: str) -> Iterator[str | Answer]:
        for item in items:
            if isinstance(item, Answer):
                item.requested = spec  # its column is headed by what was asked, not who answered
                self._keep(turn, item)
            yield item

    def _unfinished(self, turn: Turn) -> None:
        """An answer the page stopped on its way (a question typed meanwhile reran it) was
        billed for what it wrote: a cost row of its own, before the answer that followed."""
        for chain in self.chains.values():
            for label, tokens, cost, ms in chain.take_cancelled():
                self._row(turn, f"{label} (left unfinished)", tokens, cost, ms)

    def _keep(self, turn: Turn, a: Answer) -> None:
        """Add ``a`` to the turn and its cost lines (:meth:`Answer.spend`) to the costs."""
        self._unfinished(turn)
        turn.answers.append(a)
        self.costs += a.cost_lines(turn.id, len(self.costs) + 1, turn.question_no)

    def _row(
        self, turn: Turn, label: str, tokens: int, cost: float | None, latency_ms: float = 0.0
    ) -> None:
        line = (label, tokens, cost, latency_ms)
        self.costs += cost_rows_of_lines([line], len(self.costs) + 1, turn.id, turn.question_no)


def _question_of(row: dict[str, Any]) -> int:
    """The session-wide question number of a cost row (a reopened conversation's rows have
    only their turn, and come first)."""
    return int(row.get("question") or row.get("turn") or 0)

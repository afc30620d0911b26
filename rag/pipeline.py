"""The one answer path: retrieve -> request -> provider -> output cap -> grounding -> Answer.

Every way of answering goes through here - :meth:`Engine.ask` / :meth:`Engine.ask_stream`,
compare mode (one retrieval, several providers), answering with tools (:mod:`rag.tools`) and
consensus (:mod:`rag.consensus`) - so every answer gets the same runaway-output cap and the
same grounding check, whoever wrote it.

The steps are separate so callers that need them apart can have them:
:meth:`Pipeline.prepare` retrieves and builds the request once; :meth:`Pipeline.stream` /
:meth:`Pipeline.generate` ask one provider; :meth:`Pipeline.settle` turns a provider's
final :class:`Response` into a checked :class:`Answer` (the tool loop and consensus, which
talk to providers themselves, finish through it). When nothing was retrieved (an empty
workspace) no provider is asked at all: :meth:`Pipeline.nothing_to_answer` says so, free.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from providers.base import Answerer, Message, Provider, Request, Response
from rag.answer import Answer, build_request, contextualize, finish
from rag.no_sources import nothing_to_answer, small_talk_answer
from rag.retrieve import RetrievalResult
from rag.settings import Settings
from text.asking import small_talk

log = logging.getLogger(__name__)

# ~4 characters per token in English; twice that before an answer counts as "far over".
MAX_CHARS_PER_TOKEN = 8
TRUNCATED_NOTICE = "\n\n[Answer cut: the provider returned far more than max_tokens ({})]"

RetrieveFn = Callable[[str, int | None], RetrievalResult]
EmbedFn = Callable[[Sequence[str]], np.ndarray]
RewriteFn = Callable[[str, Sequence[Message]], str]


@dataclass
class Prepared:
    """One retrieval and the grounded request built from it, ready for any provider."""

    question: str
    search_query: str
    retrieval: RetrievalResult
    request: Request
    started: float


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        retrieve: RetrieveFn,
        extractive: Provider,
        embed: EmbedFn | None,
        has_documents: Callable[[], bool] | None = None,
    ) -> None:
        self.settings = settings
        self.retrieve = retrieve
        self.extractive = extractive
        self.embed = embed
        self.has_documents = has_documents

    def _empty(self) -> bool:
        """Nothing is indexed. Asked only where it matters (a follow-up's rewrite, an answer
        with no passage), not on every question."""
        return self.has_documents is not None and not self.has_documents()

    # --- retrieve -> request -------------------------------------------------------------
    def prepare(
        self,
        question: str,
        k: int | None = None,
        history: Sequence[Message] = (),
        rewrite: RewriteFn | None = None,
        temperature: float | None = None,
    ) -> Prepared:
        """Search (a follow-up rewritten with the history first) and build the request."""
        started = time.perf_counter()
        question = question.strip()
        search_query = question
        # a rewrite may be a paid call: not for an empty index, nor for "thanks!"
        if history and not self._empty() and small_talk(question) is None:
            search_query = (
                rewrite(question, history) if rewrite else contextualize(question, history)
            )
        retrieval = self.retrieve(search_query, k)
        s = self.settings
        request = build_request(
            question,
            retrieval,
            history,
            temperature=s.temperature if temperature is None else temperature,
            max_tokens=s.max_tokens,
            timeout_s=s.request_timeout_s,
            search_query=search_query,
        )
        return Prepared(question, search_query, retrieval, request, started)

    def nothing_to_answer(self, prep: Prepared) -> Answer | None:
        """The answer when ``prep`` retrieved no passage or asks nothing of the documents
        ("hi", "thanks": no provider is asked), else None."""
        if (kind := small_talk(prep.question)) is not None:
            return small_talk_answer(
                prep.question, kind, prep.retrieval, prep.search_query, prep.started
            )
        if prep.request.sources:
            return None
        return nothing_to_answer(
            prep.question, prep.retrieval, prep.search_query, prep.started, self._empty()
        )

    # --- provider -> cap -> grounding -> Answer ------------------------------------------
    def stream(self, prep: Prepared, provider: Answerer | None = None) -> Iterator[str | Answer]:
        """Text deltas as they arrive (capped), then exactly one checked :class:`Answer`."""
        unanswerable = self.nothing_to_answer(prep)
        if unanswerable is not None:
            yield unanswerable
            return
        p = provider or self.extractive
        resp: Response | None = None
        limit, notice = self._cap()
        shown, cut = 0, False
        for item in p.stream(prep.request):
            if isinstance(item, Response):
                resp = item
                continue
            room = limit - shown
            shown += len(item)
            if room > 0:
                yield item[:room]
            if shown > limit and not cut:
                cut = True
                yield notice  # the rest is drained, not shown: the final Response still comes
        assert resp is not None, "a provider stream must end with a Response"
        yield from self._settle(prep, prep.request, resp, p, prep.started, shown=shown)

    def generate(self, prep: Prepared, provider: Answerer, action: str | None = None) -> Answer:
        """One provider's whole answer, without streaming (consensus asks several at once)."""
        unanswerable = self.nothing_to_answer(prep)
        if unanswerable is not None:
            return unanswerable
        started = time.perf_counter()
        resp = provider.generate(prep.request)
        return self.settle(prep, prep.request, resp, provider, started=started, action=action)

    def settle(
        self,
        prep: Prepared,
        request: Request,
        resp: Response,
        provider: Answerer,
        *,
        started: float | None = None,
        action: str | None = None,
    ) -> Answer:
        """A provider's final response to ``request`` -> capped, grounded :class:`Answer`.

        ``action`` overrides the settings' grounding action (consensus only flags: it drops
        unsupported claims itself). A retry or extractive replacement asks ``provider``.
        """
        t0 = prep.started if started is None else started
        return drain(self._settle(prep, request, resp, provider, t0, action=action))

    def _settle(
        self,
        prep: Prepared,
        request: Request,
        resp: Response,
        provider: Answerer,
        started: float,
        *,
        shown: int = 0,
        action: str | None = None,
    ) -> Iterator[str | Answer]:
        limit, notice = self._cap()
        size = max(shown, len(resp.text))
        if size > limit:
            resp.text = resp.text[:limit] + notice

        def done(req: Request, r: Response) -> Answer:
            return finish(prep.question, req, r, started, prep.retrieval, prep.search_query)

        answer = done(request, resp)
        if size > limit:
            answer.truncated = True
            log.warning(
                "%s:%s answered %d chars, over the %d-token cap; truncated",
                resp.provider,
                resp.model,
                size,
                self.settings.max_tokens,
            )
        # Grounding check of generated answers; per settings, flag / retry strictly / extractive.
        from rag.grounding import after_answer

        yield from after_answer(
            answer,
            request,
            provider,
            embed=self.embed,
            action=action or self.settings.grounding_action,
            min_ratio=self.settings.grounding_min_supported,
            extractive=self.extractive,
            finish=done,
        )

    def _cap(self) -> tuple[int, str]:
        # A provider that ignores max_tokens (or a hostile endpoint) must not flood the page:
        # past a generous character cap the rest is not shown and the answer is flagged.
        n = self.settings.max_tokens
        return n * MAX_CHARS_PER_TOKEN, TRUNCATED_NOTICE.format(n)

    # --- the whole path ------------------------------------------------------------------
    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        provider: Answerer | None = None,
        history: Sequence[Message] = (),
        rewrite: RewriteFn | None = None,
        temperature: float | None = None,
    ) -> Iterator[str | Answer]:
        prep = self.prepare(question, k, history, rewrite, temperature)
        yield from self.stream(prep, provider)

    def ask(
        self,
        question: str,
        k: int | None = None,
        provider: Answerer | None = None,
        history: Sequence[Message] = (),
        rewrite: RewriteFn | None = None,
    ) -> Answer:
        return drain(self.ask_stream(question, k, provider, history, rewrite))

    def compare(
        self,
        prep: Prepared,
        providers: Sequence[Answerer],
        temperature: float | None = None,
    ) -> Iterator[tuple[Answerer, Iterator[str | Answer]]]:
        """Each provider answers the same request (one retrieval), in turn: ``(provider,
        its stream)`` pairs; consume each stream before taking the next pair."""
        if temperature is not None:
            prep = replace(prep, request=replace(prep.request, temperature=temperature))
        for p in providers:
            yield p, self.stream(replace(prep, started=time.perf_counter()), p)


def drain(items: Iterator[str | Answer]) -> Answer:
    """The final :class:`Answer` of a stream (its text deltas dropped)."""
    final: Answer | None = None
    for item in items:
        if isinstance(item, Answer):
            final = item
    assert final is not None
    return final

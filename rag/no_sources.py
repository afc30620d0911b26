"""Answers no provider gives: nothing to answer from (an empty workspace, nothing found),
or nothing asked of the documents ("hi", "thanks"). No model is called, so they are free."""

from __future__ import annotations

import time

from providers.base import Usage
from rag.answer import Answer
from rag.retrieve import RetrievalResult

NO_DOCUMENTS = (
    "This workspace has no documents yet, so there is nothing to answer from. "
    "Add some documents, then ask again."
)
NOTHING_RETRIEVED = (
    "The search found no passage to answer from in the documents it searched, "
    "so no model was asked."
)


def nothing_to_answer(
    question: str, retrieval: RetrievalResult, search_query: str, started: float, empty: bool
) -> Answer:
    """The answer when no passage was retrieved: said plainly, with no provider called (a
    paid model given no sources can only refuse, and would bill for it)."""
    return Answer(
        question=question,
        answer=NO_DOCUMENTS if empty else NOTHING_RETRIEVED,
        refused=True,
        provider="none",
        model="",
        sources=[],
        usage=Usage(0, 0),  # nothing was sent: zero, not unknown (None)
        latency_ms=(time.perf_counter() - started) * 1000,
        retrieval_ms=retrieval.timings.total_ms,
        search_query=search_query,
        no_sources="no_documents" if empty else "nothing_retrieved",
    )


SMALL_TALK = {
    "hello": (
        "Hello! Ask me a question about your documents and I will answer from them, quoting "
        "the sentences I use with their sources."
    ),
    "thanks": "You're welcome. Ask another question about your documents whenever you like.",
    "no_words": "There is nothing to search for in that. Ask a question about your documents "
    "in words, and I will answer from them.",
}


def small_talk_answer(
    question: str, kind: str, retrieval: RetrievalResult, search_query: str, started: float
) -> Answer:
    """ "hi", "thanks", "help": a short reply, with no provider called (a paid model would
    bill for "I don't have enough information", which is what the answerer said to "hi")."""
    return Answer(
        question=question,
        answer=SMALL_TALK[kind],
        refused=False,
        provider="none",
        model="",
        sources=[],
        usage=Usage(0, 0),
        latency_ms=(time.perf_counter() - started) * 1000,
        retrieval_ms=retrieval.timings.total_ms,
        search_query=search_query,
        no_sources="small_talk",
    )

"""Answer.to_json() is the CLI's ``ask --json`` contract: pinned byte for byte.

PINNED is what the implementation before the typed fields (``extra: dict``, filled in the
pipeline's order) printed for the same answer.
"""

from __future__ import annotations

import json

import pytest

from providers.base import Attempt, Source, Usage
from rag.answer import Answer, ToolCallRecord

# Additions since the redesign (both additive): "relevance" beside "score" (issue 15), and
# each attempt's "tokens" and "cost_usd" (a stream cut mid-answer is billed for its text),
# and "read_as" last (the question as the extractive answerer read it, words respelt).
PINNED = (
    '{"question": "Fees?", "answer": "Fees are 20 dollars [1].", "refused": false, '
    '"provider": "openai", "model": "gpt-4o-mini", "sources": [{"n": 1, "source": "fees.md", '
    '"page": 2, "text": "Fees are 20 dollars.", "score": 0.123457, "relevance": null, '
    '"doc_id": "d1", '
    '"chunk_id": "d1:0"}], "cited": [1], "usage": {"input_tokens": 100, "output_tokens": 9}, '
    '"cost_usd": 1.5e-05, "cached": false, "interrupted": false, "attempts": [{"provider": '
    '"anthropic", "model": "claude", "error": "timed out", "error_kind": "timeout", '
    '"latency_ms": 3.0, "tokens": 0, "cost_usd": 0.0}], "latency_ms": 12.3, "search_query": "Fees? (plans)", "context": '
    '{"dropped_sources": 1}, "truncated": true, "grounding": {"supported": 1, "total": 1, '
    '"unsupported": [], "action": null}, "tool_calls": [{"name": "search_documents", '
    '"query": "fees", "k": 2, "sources": [1], "new_sources": 1, "error": null}], '
    '"consensus": {"method": "synthesis", "removed": [], "claims": 1}, '
    '"read_as": "Fees? (plans)"}'
)


def full() -> Answer:
    return Answer(
        question="Fees?",
        answer="Fees are 20 dollars [1].",
        refused=False,
        provider="openai",
        model="gpt-4o-mini",
        sources=[Source(1, "fees.md", 2, "Fees are 20 dollars.", 0.1234567, "d1", "d1:0")],
        usage=Usage(100, 9),
        cost_usd=1.5e-05,
        attempts=[Attempt("anthropic", "claude", "timed out", "timeout", 3.0)],
        latency_ms=12.34,
        search_query="Fees? (plans)",
        cited=[1],
        context={"dropped_sources": 1},
        truncated=True,
        grounding={"supported": 1, "total": 1, "unsupported": [], "action": None},
        tool_calls=[ToolCallRecord("search_documents", "fees", 2, [1], 1)],
        consensus={"method": "synthesis", "removed": [], "claims": 1},
        read_as="Fees? (plans)",
    )


def test_to_json_is_pinned() -> None:
    assert json.dumps(full().to_json()) == PINNED


def test_unset_parts_are_absent() -> None:
    a = full()
    a.context = a.grounding = a.tool_calls = a.consensus = a.read_as = None
    a.truncated = False
    a.search_query = a.question
    j = a.to_json()
    assert list(j)[-1] == "latency_ms"
    assert not {"context", "truncated", "grounding", "tool_calls", "consensus", "read_as"} & set(j)
    assert "search_query" not in j


def test_extra_is_a_read_only_view() -> None:
    a = full()
    assert a.extra["grounding"]["supported"] == 1
    with pytest.raises(TypeError):
        a.extra["truncated"] = False  # type: ignore[index]

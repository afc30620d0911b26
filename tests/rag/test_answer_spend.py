"""What an answer cost, as its cost lines and the line under it count it."""

from __future__ import annotations

import pytest

from rag.answer import Answer, ConsensusPart


def _part(provider: str, tokens: int, cost: float, cached: bool) -> ConsensusPart:
    return {
        "provider": provider,
        "model": "m",
        "answer": "320 dollars.",
        "latency_ms": 5.0,
        "tokens": tokens,
        "cost_usd": cost,
        "cached": cached,
        "requested": f"{provider}:m",
        "attempts": [],
        "counted": True,
    }


def test_a_consensus_costs_its_providers_calls_but_not_cached_answers() -> None:
    a = Answer("Q?", "320 dollars [1].", False, "extractive", "", [])
    a.consensus_method = "synthesis"
    a.consensus_of = [_part("openai", 1000, 0.0002, False), _part("anthropic", 900, 0.001, False)]
    assert a.spent() == (1900, pytest.approx(0.0012))
    # the same question again: both answers came from the cache, nothing was spent
    a.consensus_of = [_part("openai", 1000, 0.0002, True), _part("anthropic", 900, 0.001, True)]
    assert a.spent() == (0, 0.0)
    (line,) = a.spend()
    assert line[0] == "extractive (combining the consensus)" and line[1:3] == (0, 0.0)


def test_a_consensus_is_a_cost_line_per_provider_paid_not_one_line_named_extractive() -> None:
    """The walk: one row "extractive (consensus)" held 2,080 tokens and OpenAI's money;
    the free extractive step that combined the answers had spent none of it."""
    a = Answer("Q?", "320 dollars [1].", False, "extractive", "", [])
    a.consensus_method = "synthesis"
    a.consensus_of = [_part("openai", 1260, 0.000216, False), _part("ollama", 820, 0.0, False)]
    lines = a.spend()
    assert [(label, tokens, cost) for label, tokens, cost, _ in lines] == [
        ("openai:m (for the consensus)", 1260, 0.000216),
        ("ollama:m (for the consensus)", 820, 0.0),
    ]
    assert a.spent() == (2080, pytest.approx(0.000216))
    # a model that combines the answers is paid too, and says so
    a.provider, a.model, a.usage.input_tokens = "openai", "gpt-4o-mini", 500
    assert a.spend()[-1][0] == "openai:gpt-4o-mini (combining the consensus)"

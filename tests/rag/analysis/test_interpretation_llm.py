"""Interpretations both ways: through a fake LLM, and the template when no provider answers.

Checked for content (the dominant polarity and the strongest emotion are named), not wording.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from providers.chain import FallbackChain
from providers.extractive_provider import ExtractiveProvider
from rag.analysis.interpretation_llm import analyze, interpret, llm_sentiment
from rag.analysis.sentiment import Evidence, SentimentResult
from tests.fakes.servers import FakeServer, Reply

pytestmark = pytest.mark.analysis

NEG = SentimentResult(
    label="negative",
    scores={"positive": 0.08, "negative": 0.81, "neutral": 0.11},
    emotions={
        "joy": 0.02,
        "trust": 0.1,
        "fear": 0.64,
        "anger": 0.3,
        "sadness": 0.4,
        "surprise": 0.05,
    },
    most_negative=Evidence(text="The breach exposed every customer's records.", score=-0.9),
    most_positive=Evidence(text="Support answered quickly.", score=0.3),
    n_sentences=6,
)


def _mentions(text: str, result: SentimentResult) -> bool:
    low = text.lower()
    return result.label in low and result.strongest_emotion[0] in low


def test_llm_path_through_the_fake(
    fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_openai.script(
        Reply(
            text="The text is negative (very likely, 81%). Fear is the strongest emotion, "
            "as in “The breach exposed every customer's records.”"
        )
    )
    chain = FallbackChain([make_provider("openai", fake_openai), ExtractiveProvider()])
    text, source = interpret(NEG, chain)
    assert source == "llm" and _mentions(text, NEG)
    body = fake_openai.calls[0].body
    assert body["temperature"] <= 0.2
    prompt = body["messages"][-1]["content"]
    assert '"negative"' in prompt and "fear" in prompt  # the scores went to the model


@pytest.mark.parametrize("chain_kind", ["none", "extractive_only", "dead_provider"])
def test_template_when_no_provider_answers(
    chain_kind: str, fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    chain: Any = None
    if chain_kind == "extractive_only":
        chain = FallbackChain([ExtractiveProvider()])
    elif chain_kind == "dead_provider":
        fake_openai.default = Reply(fault="server")
        chain = FallbackChain(
            [make_provider("openai", fake_openai, max_retries=0), ExtractiveProvider()]
        )
    text, source = interpret(NEG, chain)
    assert source == "template" and _mentions(text, NEG)
    assert 2 <= text.count(". ") + 1 <= 4


def test_llm_sentiment_is_structured(
    fake_anthropic: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_anthropic.script(
        Reply(
            text="",
            tool_calls=[
                (
                    "structured_answer",
                    {
                        "label": "negative",
                        "confidence": 0.9,
                        "emotions": ["fear", "anger"],
                        "explanation": "It reports a breach.",
                    },
                )
            ],
        )
    )
    r = llm_sentiment(
        "The breach exposed every customer's records.", make_provider("anthropic", fake_anthropic)
    )
    assert r.ok and r.value.label == "negative" and r.value.emotions[0] == "fear"


def test_analyze_offline_and_with_llm(
    fake_openai: FakeServer, make_provider: Callable[..., Any], fake_embedder: Any
) -> None:
    text = "I love this phone. The battery is wonderful and the screen is great."
    off = analyze(text, None, embedder=fake_embedder)
    assert off["interpretation_source"] == "template" and "llm_sentiment" not in off
    assert off["label"] in ("positive", "negative", "neutral") and set(off["scores"]) == {
        "positive",
        "negative",
        "neutral",
    }
    fake_openai.script(
        Reply(text="The tone is positive; joy is the strongest emotion."),
        Reply(
            text='{"label": "positive", "confidence": 0.95, "emotions": ["joy"], "explanation": "Praise."}'
        ),
    )
    on = analyze(
        text,
        FallbackChain([make_provider("openai", fake_openai), ExtractiveProvider()]),
        embedder=fake_embedder,
    )
    assert on["interpretation_source"] == "llm"
    assert (
        on["llm_sentiment"]["label"] == "positive"
        and on["llm_sentiment"]["provider"] == "openai:gpt-4o-mini"
    )
    assert on["llm_sentiment"]["agrees_with_offline"] == (on["label"] == "positive")


def test_template_quote_ends_the_sentence_once() -> None:
    """No `Tokyo.".` artefact: the quoted evidence's own stop ends the sentence."""
    from rag.analysis.interpret import _quote

    assert _quote('320 dollars in London and Tokyo." [1]') == "“320 dollars in London and Tokyo.”"
    assert _quote("no stop here") == "“no stop here.”"
    assert _quote("Is it?") == "“Is it?”"

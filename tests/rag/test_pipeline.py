"""rag/pipeline.py: every way of answering (ask, compare, tools, consensus) is capped and
grounding-checked, on the queue-fed ScriptedProvider (no HTTP)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from providers.chain import FallbackChain
from rag.consensus import consensus
from rag.engine import Engine
from rag.pipeline import MAX_CHARS_PER_TOKEN
from rag.session import ChatSession, Choice
from rag.settings import load_settings
from tests.fakes.scripted import ScriptedProvider, registered

DOC = (
    "The Pro plan costs $20 per month. It includes priority support and 100 GB of storage.\n\n"
    "Refunds are issued within 14 days of purchase. Contact billing to request one.\n"
)
PRICE = "The Pro plan costs $20 per month [1]."
MADE_UP = "The CEO personally signs every refund on Tuesdays [1]."
MAX_TOKENS = 64
FLOOD = PRICE + " " + "Penguins rule the billing department [1]. " * 100


@pytest.fixture
def small(tmp_path: Path, fake_embedder: Any) -> Engine:
    return small_engine(tmp_path, fake_embedder)


def small_engine(tmp_path: Path, fake_embedder: Any) -> Engine:
    """An engine over one short document, with a small max_tokens (the cap is ~512 chars)."""
    settings = load_settings(
        index_dir=tmp_path / "index", max_tokens=MAX_TOKENS, auto_ingest_demo=False
    )
    engine = Engine(settings, embedder=fake_embedder)
    f = tmp_path / "plans.md"
    f.write_text(DOC)
    engine.ingest([f])
    return engine


def chain(engine: Engine, p: ScriptedProvider) -> FallbackChain:
    return FallbackChain([p, engine.extractive])


def assert_capped(a: Any) -> None:
    assert a.truncated and "Answer cut" in a.answer
    assert len(a.answer) < MAX_TOKENS * MAX_CHARS_PER_TOKEN + 200


def test_ask_grounds_and_caps(small: Engine) -> None:
    p = ScriptedProvider(f"{PRICE} {MADE_UP}", FLOOD)
    a = small.ask("How much is the Pro plan?", provider=chain(small, p))
    assert a.provider == "scripted" and a.grounding is not None
    assert (a.grounding["supported"], a.grounding["total"]) == (1, 2)
    b = small.ask("How much is the Pro plan?", provider=chain(small, p))
    assert_capped(b)
    assert b.grounding is not None  # the cut answer is still checked


def test_compare_answers_are_grounded_and_capped(small: Engine, tmp_path: Path) -> None:
    from providers.usage import UsageTracker

    one = ScriptedProvider(f"{PRICE} {MADE_UP}", model="one")
    two = ScriptedProvider(FLOOD, model="two")  # another model: no response-cache hit
    with registered("one", one), registered("two", two):
        session = ChatSession(small, "s1", UsageTracker(tmp_path / "usage.sqlite3"))
        turn = session.new_turn("How much is the Pro plan?")
        choice = Choice("extractive", compare=["one", "two"], temperature=0.3)
        for _spec, stream in session.compare(turn, choice):
            list(stream)
    first, second = turn.answers
    assert first.grounding is not None and first.grounding["supported"] == 1
    assert_capped(second)
    assert one.calls[0].temperature == 0.3 and one.calls[0].sources == two.calls[0].sources
    assert len(session.costs) == 2 and session.turns == []  # the turn joins on finish()


def test_tool_answers_are_grounded_and_capped(small: Engine) -> None:
    p = ScriptedProvider([("search_documents", {"query": "refund"})], FLOOD)
    a = small.ask_with_tools("Price and refunds?", chain(small, p))
    assert a.tool_calls is not None and len(a.tool_calls) == 1
    assert a.tool_calls[0].query == "refund"
    assert_capped(a)
    assert a.grounding is not None and a.grounding["total"] >= 1
    assert a.to_json()["tool_calls"][0]["query"] == "refund"


def test_consensus_answers_are_grounded_and_capped(small: Engine) -> None:
    a = ScriptedProvider(f"{PRICE} {MADE_UP}", PRICE)  # its answer, then the synthesis
    b = ScriptedProvider(FLOOD)
    r = consensus(small, "How much is the Pro plan?", [chain(small, a), chain(small, b)])
    first, second = r.answers
    assert first.grounding is not None and first.grounding["supported"] == 1
    assert_capped(second)
    assert r.answer.grounding is not None and r.answer.consensus is not None
    assert r.answer.answer == PRICE and r.method == "synthesis"
    assert r.to_json()["per_provider"][0]["supported"] == 1


def test_session_consensus_lists_each_providers_answer(small: Engine, tmp_path: Path) -> None:
    from providers.usage import UsageTracker

    one, two = ScriptedProvider(PRICE, PRICE, model="one"), ScriptedProvider(PRICE, model="two")
    with registered("one", one), registered("two", two):
        session = ChatSession(small, "s1", UsageTracker(tmp_path / "usage.sqlite3"))
        turn = session.new_turn("How much is the Pro plan?")
        answer, note = session.consensus(turn, Choice("extractive", compare=["one", "two"]))
    assert note is None and answer.consensus_method == "synthesis"
    assert answer.consensus_of is not None
    assert [p["provider"] for p in answer.consensus_of] == ["scripted", "scripted"]
    # three scripted calls of 15 tokens: a row per provider paid, then the combining step
    rows = [r for r in session.costs if r["turn"] == session.costs[-1]["turn"]]
    assert [r["tokens"] for r in rows] == [15, 15, 15]
    assert [r["provider"].split(" (")[1] for r in rows] == [
        "for the consensus)",
        "for the consensus)",
        "combining the consensus)",
    ]

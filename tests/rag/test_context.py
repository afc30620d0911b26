"""Context-window budgeting: what is cut, in which order, and the retry after 'too long'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from providers import budget
from providers.base import Capabilities, Message, Request, Source
from providers.chain import FallbackChain
from rag.context import ContextBudgeter
from rag.prompts import grounded_messages
from tests.fakes.plugin import FinalFake
from tests.fakes.servers import FakeServer, Reply

pytestmark = pytest.mark.trust


class Small:
    """A provider stub with a small window (only its name/model/capabilities are used)."""

    name = "openai"
    model = "tiny"

    def __init__(self, window: int) -> None:
        self.capabilities = Capabilities(max_context=window)


def grounded(n_sources: int = 5, chars: int = 400, history: int = 0) -> Request:
    sources = [
        Source(i + 1, f"doc{i + 1}.txt", None, f"Fact number {i + 1}. " + "word " * (chars // 5))
        for i in range(n_sources)
    ]
    hist = [
        Message("user" if i % 2 == 0 else "assistant", f"turn {i} " + "x" * 200)
        for i in range(history)
    ]
    system, messages = grounded_messages("What is fact one?", sources, hist)
    return Request(
        messages=messages,
        system=system,
        question="What is fact one?",
        sources=sources,
        max_tokens=100,
    )


@pytest.fixture(autouse=True)
def _fresh_calibration() -> Any:
    budget.reset_calibration()
    yield
    budget.reset_calibration()


def test_fits_untouched() -> None:
    req = grounded()
    out = ContextBudgeter()(req, Small(100_000))
    assert [s.n for s in out.sources] == [1, 2, 3, 4, 5]
    rep = out.metadata["context"]
    assert rep["dropped_sources"] == [] and rep["fits"] and rep["reserved_output"] == 100
    assert rep["estimated_tokens"] == budget.count_request(out, "openai")


def test_drops_lowest_ranked_sources_first_then_history() -> None:
    req = grounded(n_sources=5, history=4)
    full = budget.count_request(req, "openai")
    # Room for roughly three sources and all history: sources 4 and 5 go, history stays.
    window = full - 2 * 110 + 100 + 64
    out = ContextBudgeter()(req, Small(window))
    rep = out.metadata["context"]
    assert rep["dropped_sources"] == [4, 5] and rep["history_dropped"] == 0
    assert [s.n for s in out.sources] == [1, 2, 3]
    assert "doc5.txt" not in out.messages[-1].content and rep["fits"]
    # Much smaller: down to two sources, then all history, then one (truncated) source.
    out = ContextBudgeter()(req, Small(450))
    rep = out.metadata["context"]
    assert rep["history_dropped"] == 4 and [s.n for s in out.sources] == [1]
    assert rep["truncated_sources"] == [1] and rep["fits"]
    assert rep["dropped_sources"] == [2, 3, 4, 5]
    assert len(out.messages) == 1 and out.messages[0].role == "user"


def test_truncates_the_best_source_as_last_resort() -> None:
    req = grounded(n_sources=2, chars=4000)
    out = ContextBudgeter()(req, Small(600))
    rep = out.metadata["context"]
    assert rep["truncated_sources"] == [1] and rep["fits"]
    assert len(out.sources[0].text) < len(req.sources[0].text)
    assert out.sources[0].n == 1  # numbering kept: citations still point at the right passage


def test_window_override_and_calibration() -> None:
    req = grounded()
    b = ContextBudgeter({"openai:tiny": 50_000})
    assert b.max_context(Small(10)) == 50_000
    before = budget.count_text("x" * 4000, "openai")
    budget.observe("openai", 4000, 2000)  # this model really makes 2 chars per token
    assert budget.count_text("x" * 4000, "openai") > before
    budget.observe("openai", 10, 1)  # tiny prompts are ignored
    assert budget.ratio("openai") < budget.DEFAULT_RATIOS["openai"]
    assert b(req, Small(10)).metadata["context"]["chars_per_token"] == round(
        budget.ratio("openai"), 3
    )


def test_context_error_retries_once_with_half_budget(
    make_provider: Callable[..., Any], fake_openai: FakeServer
) -> None:
    fake_openai.script(Reply(fault="context"), Reply(text="Fact number 1 [1]."))
    p = make_provider("openai", fake_openai)
    chain = FallbackChain([p, FinalFake()], fit=ContextBudgeter({"openai": 4000}))
    req = grounded(n_sources=5, chars=1200)
    resp = chain.generate(req)
    assert resp.provider == "openai" and resp.text.startswith("Fact number 1 [1].")
    assert "left out" in resp.text  # the user is told what the model never saw
    first, second = (c.body["messages"][-1]["content"] for c in fake_openai.calls)
    assert len(second) < len(first)
    assert resp.raw["context"]["scale"] == 0.5 and resp.raw["context"]["dropped_sources"]


def test_context_error_twice_falls_back(
    make_provider: Callable[..., Any], fake_openai: FakeServer
) -> None:
    fake_openai.script(Reply(fault="context"), Reply(fault="context"))
    final = FinalFake()
    chain = FallbackChain([make_provider("openai", fake_openai), final], fit=ContextBudgeter())
    resp = chain.generate(grounded())
    assert resp.provider == "final" and len(fake_openai.calls) == 2
    assert resp.attempts[0].error_kind == "context_too_long"


def test_stream_retries_too(make_provider: Callable[..., Any], fake_anthropic: FakeServer) -> None:
    # (Not Ollama: its real API never refuses a long prompt, it truncates it silently.)
    fake_anthropic.script(Reply(fault="context"), Reply(text="Fact number 1 [1]."))
    chain = FallbackChain(
        [make_provider("anthropic", fake_anthropic), FinalFake()], fit=ContextBudgeter()
    )
    items = list(chain.stream(grounded()))
    final = items[-1]
    assert final.provider == "anthropic" and "".join(i for i in items[:-1]) == "Fact number 1 [1]."
    assert final.raw["context"]["scale"] == 0.5 and len(fake_anthropic.calls) == 2


def test_engine_answer_reports_context(
    engine: Any, tmp_path: Any, make_provider: Callable[..., Any], fake_openai: FakeServer
) -> None:
    from rag.llm import make_chain

    f = tmp_path / "a.md"
    f.write_text("The Pro plan costs $20 per month.\n")
    engine.ingest([f])
    chain = make_chain(engine, "extractive")
    assert isinstance(chain.fit, ContextBudgeter)
    chain.providers.insert(0, make_provider("openai", fake_openai))
    fake_openai.script(Reply(text="The Pro plan costs $20 per month [1]."))
    j = engine.ask("How much is the Pro plan?", provider=chain).to_json()
    assert j["context"]["dropped_sources"] == [] and j["context"]["max_context"] > 0
    assert j["grounding"]["supported"] == 1


def test_continuations_are_not_refit() -> None:
    req = replace(grounded(), metadata={"continuation_of": "partial"})
    assert ContextBudgeter()(req, Small(10)) is req

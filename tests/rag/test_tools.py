"""The search_documents tool loop on the wire fakes (OpenAI, Anthropic, Gemini): scripted calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pytest

from providers.chain import FallbackChain
from tests.fakes.servers import FakeServer, Reply

pytestmark = pytest.mark.analysis


@pytest.fixture
def demo_engine(engine: Any) -> Any:
    engine.ensure_demo()
    return engine


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini"])
def test_scripted_search_then_answer(
    name: str,
    demo_engine: Any,
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
) -> None:
    fake = start_fake(name)
    fake.script(
        Reply(
            text="", tool_calls=[("search_documents", {"query": "parental leave weeks", "k": 2})]
        ),
        Reply(
            text="Parental leave is covered in the handbook [1].",
            input_tokens=100,
            output_tokens=10,
        ),
    )
    chain = FallbackChain([make_provider(name, fake), demo_engine.extractive])
    ans = demo_engine.ask_with_tools(
        "How long is parental leave and what is the hotel limit?", chain, k=3
    )
    assert ans.provider == name and ans.answer.startswith("Parental leave")
    (call,) = ans.tool_calls
    assert call.name == "search_documents" and call.query == "parental leave weeks" and call.k == 2
    assert call.sources and len(ans.sources) == 3 + call.new_sources
    assert ans.usage.input_tokens == 42 + 100  # both rounds counted
    assert ans.to_json()["tool_calls"] == [asdict(call)]
    # The second request carried the search results back, as delimited source blocks.
    body = fake.calls[1].body
    blob = str(body)
    assert "<source n=" in blob and "search_documents" in blob


def test_loop_is_bounded(
    demo_engine: Any, fake_anthropic: FakeServer, make_provider: Callable[..., Any]
) -> None:
    again = Reply(text="", tool_calls=[("search_documents", {"query": "more"})])
    fake_anthropic.script(again, again, Reply(text="Done [1]."))
    chain = FallbackChain([make_provider("anthropic", fake_anthropic), demo_engine.extractive])
    ans = demo_engine.ask_with_tools("Tell me everything.", chain, max_calls=1)
    assert len(ans.tool_calls) == 1 and ans.answer == "Done [1]."
    bodies = [c.body for c in fake_anthropic.calls]
    assert bodies[0]["tool_choice"] == {"type": "auto"}
    assert bodies[1]["tool_choice"] == {"type": "none"}  # the limit: answer now
    assert "tools" not in bodies[2]  # it still asked: one last call without tools
    assert len(bodies) == 3


def test_token_budget_stops_searching(
    demo_engine: Any, fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_openai.script(
        Reply(text="", tool_calls=[("search_documents", {"query": "a"})], input_tokens=5000),
        Reply(text="Answer [1]."),
    )
    chain = FallbackChain([make_provider("openai", fake_openai), demo_engine.extractive])
    ans = demo_engine.ask_with_tools("q?", chain, max_tokens=1000)
    assert len(ans.tool_calls) == 1
    assert fake_openai.calls[1].body["tool_choice"] == "none"


def test_without_tool_capable_providers_answers_normally(demo_engine: Any) -> None:
    ans = demo_engine.ask_with_tools(
        "What is the hotel limit in London?", FallbackChain([demo_engine.extractive])
    )
    assert ans.provider == "extractive" and ans.tool_calls == []


def test_dead_tool_provider_falls_back_to_the_chain(
    demo_engine: Any, fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_openai.default = Reply(fault="server")
    chain = FallbackChain(
        [make_provider("openai", fake_openai, max_retries=0), demo_engine.extractive]
    )
    ans = demo_engine.ask_with_tools("What is the hotel limit in London?", chain)
    assert ans.provider == "extractive" and ans.tool_calls == []
    assert ans.attempts[0].error_kind == "server"

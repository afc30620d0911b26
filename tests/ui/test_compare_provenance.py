"""Compare and consensus say who was asked and who answered when a provider fails (a
fallback's answer is headed by the provider asked, and is never counted as agreement)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag.conversations import ConversationStore, to_markdown
from tests.fakes.servers import FakeOpenAI, Reply
from tests.ui.conftest import ask, page_text, use_openai
from ui.provenance import answer_notes

pytestmark = pytest.mark.integration

SPECS = ["extractive", "openai:gpt-4o-mini"]
FELL_BACK = "OpenAI had a server error, answered by extractive."


def compare_app(new_app: Callable[[], AppTest], consensus: bool) -> AppTest:
    at = use_openai(new_app())
    at.toggle(key="compare_on").set_value(True).run()
    at.multiselect(key="compare_specs").set_value(SPECS).run()
    if consensus:
        at.toggle(key="consensus_on").set_value(True).run()
    ask(at, "What is the nightly hotel limit in London?")
    assert not at.exception
    return at


def test_each_compare_column_is_headed_by_the_provider_asked(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.default = Reply(fault="server")
    at = compare_app(new_app, consensus=False)
    (turn,) = at.session_state.turns
    assert [a.provider for a in turn.answers] == ["extractive", "extractive"]
    headings = [str(m.value) for m in at.markdown if str(m.value).startswith("**")]
    assert "**extractive**" in headings and "**OpenAI · gpt\\-4o\\-mini**" in headings
    notes = [str(c.value) for c in at.caption if FELL_BACK in str(c.value)]
    assert len(notes) == 1  # said once, under its heading
    # The export keeps the note (saved and read back, as the export button does).
    store = ConversationStore(tmp_path / "c.sqlite3")
    c = store.create()
    store.save_turn(c.id, 1, turn.question, turn.answers)
    md = to_markdown("Compare", store.turns(c.id), answer_notes)
    assert md.count(f"*↪ {FELL_BACK}*") == 1


def test_a_consensus_of_one_provider_with_its_fallback_is_shown_as_one_answer(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.default = Reply(fault="server")
    at = compare_app(new_app, consensus=True)
    text = page_text(at)
    only = (
        "Only extractive answered; OpenAI had a server error. One answer is not a consensus, "
        "so it is shown as it is."
    )
    assert only in text and "320 dollars" in text
    assert not any(e.label.startswith("Consensus of") for e in at.expander)
    (turn,) = at.session_state.turns
    store = ConversationStore(tmp_path / "c.sqlite3")
    c = store.create()
    store.save_turn(c.id, 1, turn.question, turn.answers)
    assert f"*↪ {only}*" in to_markdown("Consensus", store.turns(c.id), answer_notes)


def _draw_consensus_with_a_fallback() -> None:
    from providers.base import Attempt
    from rag.answer import Answer, ConsensusPart
    from ui.chat import render_answer_body

    def part(provider: str, requested: str, failed: bool, counted: bool) -> ConsensusPart:
        tried = [Attempt(requested.split(":")[0], "m", "boom", "server")] if failed else []
        return {
            "provider": provider,
            "model": "m",
            "answer": f"{provider} says 320 dollars.",
            "latency_ms": 5.0,
            "tokens": 0,
            "cost_usd": 0.0,
            "cached": False,
            "requested": requested,
            "attempts": [*(vars(x) for x in tried)],
            "counted": counted,
        }

    a = Answer("Q?", "320 dollars [1].", False, "anthropic", "m", [])
    a.consensus_method = "synthesis"
    a.consensus_of = [
        part("extractive", "extractive", False, True),
        part("extractive", "openai:gpt-4o-mini", True, False),
        part("anthropic", "anthropic:m", False, True),
    ]
    render_answer_body(a, None)


def test_a_consensus_names_who_was_asked_and_counts_a_fallback_once() -> None:
    at = AppTest.from_function(_draw_consensus_with_a_fallback).run()
    assert not at.exception
    (box,) = at.expander
    assert box.label.startswith("Consensus of 2 providers (extractive and Anthropic)")
    text = page_text(at)
    assert "OpenAI had a server error, answered by extractive." in text
    assert "Its answer is extractive's: counted once." in text
    assert text.count("extractive says 320 dollars") == 1  # not shown as a second voice
    assert (
        "Asked extractive, OpenAI · gpt-4o-mini and Anthropic · m. OpenAI had a server error, "
        "so the consensus is of extractive and Anthropic." in text
    )


def test_a_consensus_costs_what_its_providers_cost_live_and_reopened(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk: the consensus's row said "extractive" with OpenAI's money in it, and a
    reload brought the conversation back at $0 for that answer."""
    from streamlit.testing.v1 import AppTest as Reopened

    from tests.ui.conftest import APP
    from ui.notes import money

    fake_openai.default = Reply(
        text="London hotels may cost up to 320 dollars a night [1].", fault="slow", delay_s=0.6
    )
    at = compare_app(new_app, consensus=True)
    spent = at.session_state.usage.session_totals()["cost_usd"]
    assert spent > 0  # OpenAI's answer behind the consensus
    table = next(d.value for d in at.table if "Answered by" in d.value.columns)
    # a row per provider that answered for it: the money is OpenAI's, extractive's is $0
    assert list(table["Answered by"]) == [
        "extractive (for the consensus)",
        "OpenAI · gpt-4o-mini (for the consensus)",
    ]
    assert list(table["Cost"]) == ["$0", money(spent)]
    # the line under the answer says so too (it said "0 tokens · $0", the combining step's)
    line = next(c.value for c in at.caption if c.value.startswith("Answered by consensus"))
    assert f"{money(spent)} for all providers" in line and " 0 tokens" not in line
    # ... and the whole wait, OpenAI's 0.6 s included (it gave the combining step's alone)
    seconds = float(line.split(" · ")[1].removesuffix(" s"))
    assert seconds >= 0.6, line

    again = Reopened.from_file(APP, default_timeout=180)  # a reload: a new browser session
    again.query_params["c"] = at.session_state.conversation_id
    again.run()
    assert not again.exception
    assert next(m for m in again.metric if m.label == "Cost").value == money(spent)

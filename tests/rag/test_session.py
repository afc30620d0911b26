"""rag/session.py without Streamlit: history, follow-up rewrite, the chain cache, costs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from providers.usage import UsageTracker
from rag.answer import Answer
from rag.engine import Engine
from rag.session import ChatSession, Choice, history_messages
from tests.fakes.scripted import ScriptedProvider, registered
from tests.rag.test_pipeline import PRICE, small_engine


@pytest.fixture
def small(tmp_path: Path, fake_embedder: Any) -> Engine:
    return small_engine(tmp_path, fake_embedder)


def ask(session: ChatSession, question: str, choice: Choice) -> Answer:
    turn = session.new_turn(question)
    items = list(session.ask_stream(turn, choice))
    session.finish(turn)
    assert isinstance(items[-1], Answer) and turn.answers == [items[-1]]
    return items[-1]


def test_follow_up_is_rewritten_by_the_chosen_model_and_costed(
    small: Engine, tmp_path: Path
) -> None:
    p = ScriptedProvider(PRICE, "How much is the Pro plan per year?", PRICE)
    with registered("scripted", p):
        session = ChatSession(small, "s1", UsageTracker(tmp_path / "usage.sqlite3"))
        choice = Choice("scripted", temperature=0.7)
        first = ask(session, "How much is the Pro plan?", choice)
        assert first.provider == "scripted" and p.calls[0].temperature == 0.7
        second = ask(session, "And per year?", choice)
    assert second.search_query == "How much is the Pro plan per year?"
    assert "How much is the Pro plan?" in str(p.calls[1].messages)  # the rewrite saw history
    # the rewrite call is counted, on its own cost line
    assert [r["tokens"] for r in session.costs] == [15, 15, 15]
    assert [r["provider"].endswith("(rewrite)") for r in session.costs] == [False, True, False]
    assert [t.id for t in session.turns] == [1, 2]
    assert [m.role for m in history_messages(session.turns)] == ["user", "assistant"] * 2


def test_chains_are_kept_per_spec_and_keys(small: Engine, tmp_path: Path) -> None:
    session = ChatSession(small, "s1", UsageTracker(tmp_path / "usage.sqlite3"))
    a = session.chain("openai:gpt-4o-mini", [], False)
    assert session.chain("openai:gpt-4o-mini", [], False) is a  # breakers keep their state
    session.keys = {"openai": "sk-session-key-0123456789"}
    assert session.chain("openai:gpt-4o-mini", [], False) is not a
    assert [p.name for p in session.chain("openai:gpt-4o-mini", [], True).providers] == [
        "extractive"
    ]


def test_each_workspace_answers_with_its_own_chain(
    small: Engine, tmp_path: Path, fake_embedder: Any
) -> None:
    """The walk: one question in an empty workspace, and the default one answered with the
    empty one's extractive answerer (its vocabulary) for the rest of the session."""
    other = small_engine(tmp_path / "other", fake_embedder)
    usage, shared = UsageTracker(tmp_path / "usage.sqlite3"), {}  # one session's state
    here = ChatSession(small, "s1", usage, chains=shared)
    there = ChatSession(other, "s1", usage, chains=shared)
    a, b = here.chain("extractive"), there.chain("extractive")
    assert a is not b
    assert a.providers[-1] is small.extractive and b.providers[-1] is other.extractive
    assert here.chain("extractive") is a  # still one chain per engine: breakers keep state


def test_compare_and_consensus_keep_what_was_asked_beside_who_answered(
    small: Engine, tmp_path: Path
) -> None:
    from providers.errors import ProviderTimeout

    down = ScriptedProvider(*[ProviderTimeout("slow")] * 20)  # never answers (retries too)
    with registered("scripted", down):
        session = ChatSession(small, "s1", UsageTracker(tmp_path / "usage.sqlite3"))
        choice = Choice("extractive", compare=["extractive", "scripted:script"])
        turn = session.new_turn("How much is the Pro plan?")
        for _spec, stream in session.compare(turn, choice):
            list(stream)
        # The second column answered by extractive still says what the user picked.
        assert [a.provider for a in turn.answers] == ["extractive", "extractive"]
        assert [a.requested for a in turn.answers] == ["extractive", "scripted:script"]
        assert turn.answers[1].to_json()["requested"] == "scripted:script"
        cturn = session.new_turn("How much is the Pro plan?")
        answer, _ = session.consensus(cturn, Choice("extractive", compare=choice.compare))
    assert answer.consensus_method == "single"  # extractive with itself is no consensus
    assert answer.consensus_of is not None
    assert [p["counted"] for p in answer.consensus_of] == [True, False]
    assert [p["requested"] for p in answer.consensus_of] == choice.compare


def test_a_new_conversation_numbers_its_questions_on_from_the_last_one(
    small: Engine, tmp_path: Path
) -> None:
    from rag.spending import cost_rows

    p = ScriptedProvider(PRICE, PRICE, "How much is the Pro plan per year?", PRICE)
    with registered("scripted", p):
        session = ChatSession(small, "s1", UsageTracker(tmp_path / "usage.sqlite3"))
        choice = Choice("scripted")
        ask(session, "How much is the Pro plan?", choice)
        session.turns.clear()  # "New conversation": the turns go, the session's costs stay
        ask(session, "How much is the Pro plan?", choice)
        ask(session, "And per year?", choice)  # a rewrite line and an answer line
    assert [t.id for t in session.turns] == [1, 2]
    # the cost table's "Question": 1, then 2 and 3, not 1 again
    assert [r["question"] for r in cost_rows(session.costs)] == [1, 2, 3, 3]


def test_an_answer_the_page_left_unfinished_is_a_cost_row_of_the_next_answer(
    small: Engine, tmp_path: Path
) -> None:
    """A question typed while an answer streams reruns the page, which closes that stream:
    what the model wrote was billed, so the session's total counts it, and the table shows
    the row that makes it add up."""
    long = PRICE + " The Pro plan includes priority support for every seat [1]." * 4
    p = ScriptedProvider(long, PRICE)
    with registered("scripted", p):
        usage = UsageTracker(tmp_path / "usage.sqlite3")
        session = ChatSession(small, "s1", usage)
        choice = Choice("scripted")
        stopped = session.new_turn("How much is the Pro plan?")
        stream = session.ask_stream(stopped, choice)
        while not isinstance(next(stream), str):
            pass
        stream.close()
        ask(session, "How much is the Pro plan?", choice)  # asked again, answered
    labels = [r["provider"] for r in session.costs]
    assert labels == ["scripted:script (left unfinished)", "scripted:script"]
    assert session.costs[0]["tokens"] > 0
    totals = usage.session_totals()
    assert (
        sum(r["tokens"] for r in session.costs) == totals["input_tokens"] + totals["output_tokens"]
    )

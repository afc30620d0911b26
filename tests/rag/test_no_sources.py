"""Nothing retrieved (an empty workspace): no provider is asked, on any answer path, and the
answer says plainly that there are no documents (the CLI's ``ask --json`` keeps its fields)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from providers.base import Message
from providers.chain import FallbackChain
from providers.usage import UsageTracker
from rag.consensus import consensus
from rag.engine import Engine
from rag.no_sources import NO_DOCUMENTS
from rag.session import ChatSession, Choice
from rag.settings import load_settings
from tests.fakes.scripted import ScriptedProvider, registered

QUESTION = "What is the hotel limit?"
JSON_FIELDS = {
    "question",
    "answer",
    "refused",
    "provider",
    "model",
    "sources",
    "cited",
    "usage",
    "cost_usd",
    "cached",
    "interrupted",
    "attempts",
    "latency_ms",
}


@pytest.fixture
def empty(tmp_path: Path, fake_embedder: Any) -> Engine:
    settings = load_settings(index_dir=tmp_path / "index", auto_ingest_demo=False)
    return Engine(settings, embedder=fake_embedder)


def chain(engine: Engine, p: ScriptedProvider) -> FallbackChain:
    return FallbackChain([p, engine.extractive])


def assert_no_documents(a: Any) -> None:
    assert a.no_sources == "no_documents" and a.answer == NO_DOCUMENTS
    assert a.refused and a.provider == "none" and a.sources == [] and a.cost_usd == 0.0
    assert a.usage.total_tokens == 0 and a.attempts == []


def test_an_empty_index_asks_no_provider(empty: Engine) -> None:
    p = ScriptedProvider("Made up [1].")
    a = empty.ask(QUESTION, provider=chain(empty, p))
    assert p.calls == []
    assert_no_documents(a)
    out = a.to_json()
    assert set(out) >= JSON_FIELDS and out["no_sources"] == "no_documents"
    streamed = list(empty.ask_stream(QUESTION, provider=chain(empty, p)))
    assert len(streamed) == 1 and p.calls == []  # no text, just the one Answer
    assert_no_documents(streamed[0])


def test_a_follow_up_in_an_empty_index_is_not_rewritten(empty: Engine) -> None:
    asked: list[str] = []

    def rewrite(q: str, _history: Any) -> str:
        asked.append(q)  # a rewrite is a model call in the app
        return q

    history = [Message("user", "Hi"), Message("assistant", "Hello")]
    a = empty.ask("And in Paris?", history=history, rewrite=rewrite)
    assert asked == [] and a.no_sources == "no_documents"


def test_compare_consensus_and_tools_ask_no_provider(empty: Engine, tmp_path: Path) -> None:
    one = ScriptedProvider("Made up [1].", model="one")
    two = ScriptedProvider("Made up too [1].", model="two")
    with registered("one", one), registered("two", two):
        session = ChatSession(empty, "s1", UsageTracker(tmp_path / "usage.sqlite3"))
        turn = session.new_turn(QUESTION)
        for _spec, stream in session.compare(turn, Choice("extractive", compare=["one", "two"])):
            list(stream)
    assert [a.no_sources for a in turn.answers] == ["no_documents", "no_documents"]
    cons = consensus(empty, QUESTION, [chain(empty, one), chain(empty, two)])
    assert_no_documents(cons.answer)
    tools = empty.ask_with_tools(QUESTION, chain(empty, one))
    assert_no_documents(tools)
    assert tools.tool_calls == []
    assert one.calls == [] and two.calls == []


def test_documents_in_the_index_are_answered_as_before(empty: Engine, tmp_path: Path) -> None:
    f = tmp_path / "policy.md"
    f.write_text("Hotels in London may cost up to 320 dollars a night.\n")
    empty.ingest([f])
    p = ScriptedProvider("Up to 320 dollars a night [1].")
    a = empty.ask(QUESTION, provider=chain(empty, p))
    assert len(p.calls) == 1 and a.provider == "scripted" and a.no_sources is None
    assert "no_sources" not in a.to_json()


@pytest.mark.parametrize(
    ("said", "reply"),
    [
        ("hi", "Hello! Ask me a question"),
        ("thanks!", "You're welcome"),
        ("help", "Hello!"),
        ("?!?...", "There is nothing to search for"),  # was searched, then refused
    ],
)
def test_small_talk_is_answered_without_a_provider(
    empty: Engine, tmp_path: Path, said: str, reply: str
) -> None:
    """ "hi" was refused with "I don't have enough information ..." (and a paid model would
    have billed for that)."""
    f = tmp_path / "policy.md"
    f.write_text("Hotels in London may cost up to 320 dollars a night.\n")
    empty.ingest([f])
    p = ScriptedProvider("Hello [1].")
    a = empty.ask(said, provider=chain(empty, p))
    assert p.calls == [] and a.answer.startswith(reply) and not a.refused
    assert a.no_sources == "small_talk" and a.provider == "none" and a.cost_usd == 0.0
    # a question after the greeting is a question
    a = empty.ask("hi, what may hotels in London cost?", provider=chain(empty, p))
    assert len(p.calls) == 1 and a.no_sources is None
    # "thanks!" after an answer is not rewritten as a follow-up (a paid call in the app)
    rewritten: list[str] = []

    def rewrite(q: str, _history: Any) -> str:
        rewritten.append(q)
        return q

    history = [Message("user", "What may hotels cost?"), Message("assistant", a.answer)]
    thanks = empty.ask(said, history=history, provider=chain(empty, p), rewrite=rewrite)
    assert rewritten == [] and thanks.answer.startswith(reply)


def test_cli_ask_in_an_empty_workspace_calls_no_model(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import rag.embeddings
    from rag import cli
    from tests.conftest import FakeEmbedder
    from tests.fakes.servers import FakeOpenAI

    monkeypatch.setattr(rag.embeddings, "get_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setenv("RAG_WORKSPACE", "default")  # the CLI's --workspace sets it
    assert cli.main(["workspaces", "create", "team-a"]) == 0
    capsys.readouterr()
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-FAKEKEY0123456789abcdefXYZ")
        args = ["ask", QUESTION, "--provider", "openai:gpt-4o-mini", "--workspace", "team-a"]
        assert cli.main([*args, "--json", "--no-sentiment"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert cli.main(args) == 0
        text = capsys.readouterr()
    assert fake.calls == []
    assert set(out) >= JSON_FIELDS and out["answer"] == NO_DOCUMENTS
    assert out["no_sources"] == "no_documents" and out["cost_usd"] == 0.0
    assert out["usage"] == {"input_tokens": 0, "output_tokens": 0}
    assert NO_DOCUMENTS in text.out
    assert "python -m rag ingest --workspace team-a PATH" in text.err

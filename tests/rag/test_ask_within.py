"""Ask within: a question limited to chosen documents retrieves only from them, on both
retrievers (Chroma's ``where`` and the BM25 mask), through every answer path, and from the
CLI (``ask --doc NAME``, ``"docs"`` in ``--batch`` rows). An unknown name is a clear error
that lists the documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.usage import UsageTracker
from rag.engine import Engine, UnknownDocument
from rag.session import ChatSession, Choice
from tests.conftest import ROOT

QUESTION = "What is the nightly hotel limit in London?"
BOTH = "What limit applies to employees in London?"  # words in the policy and the handbook
POLICY = "travel-and-expense-policy.pdf"
HANDBOOK = "employee-handbook.md"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Engine:  # type: ignore[no-untyped-def]
    from rag.settings import load_settings

    settings = load_settings(
        index_dir=tmp_path_factory.mktemp("within"), demo_dir=ROOT / "data" / "demo"
    )
    engine = Engine(settings, embedder=real_embedder)
    engine.ensure_demo()
    return engine


def _names(engine: Engine, question: str, mode: str = "hybrid", k: int = 8) -> set[str]:
    return {p.source for p in engine.retrieve(question, k, mode=mode).passages}


def test_unscoped_retrieval_finds_the_travel_policy_first(demo: Engine) -> None:
    top = demo.retrieve(QUESTION).passages[0]
    assert top.source == POLICY  # the control: the scope below is what removes it


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_each_retriever_keeps_to_the_chosen_document(demo: Engine, mode: str) -> None:
    scoped = demo.within(demo.resolve_docs([HANDBOOK]))
    names = _names(scoped, BOTH, mode)
    assert names == {HANDBOOK}, names
    assert POLICY in _names(demo, BOTH, mode)  # the engine itself is not narrowed


def test_two_documents_and_an_answer_cites_only_them(demo: Engine) -> None:
    ids = demo.resolve_docs([HANDBOOK, "release-notes.txt"])
    ans = demo.within(ids).ask(QUESTION, k=8)
    assert ans.sources and {s.source for s in ans.sources} <= {HANDBOOK, "release-notes.txt"}
    assert "320" not in ans.answer  # the London limit is only in the travel policy


def test_names_paths_and_ids_resolve_and_unknown_names_list_the_documents(demo: Engine) -> None:
    doc = next(d for d in demo.docs() if d.name == POLICY)
    assert demo.resolve_docs([POLICY]) == [doc.doc_id]
    assert demo.resolve_docs([doc.path, doc.doc_id]) == [doc.doc_id]
    with pytest.raises(UnknownDocument) as e:
        demo.resolve_docs(["travel.pdf"])
    assert "'travel.pdf'" in str(e.value) and POLICY in str(e.value) and HANDBOOK in str(e.value)
    assert demo.within([]) is demo and demo.within(None) is demo


def test_the_chat_session_carries_the_scope_to_one_answer_and_compare(
    demo: Engine, tmp_path: Path
) -> None:
    session = ChatSession(demo, "s1", UsageTracker(tmp_path / "u.sqlite3", session_id="s1"))
    choice = Choice("extractive", docs=demo.resolve_docs([HANDBOOK]))
    turn = session.new_turn(QUESTION)
    *_, answer = session.ask_stream(turn, choice)
    assert {s.source for s in answer.sources} == {HANDBOOK}  # type: ignore[union-attr]
    assert turn.within == choice.docs and turn.within_names == [HANDBOOK]  # saved with it
    choice.compare = ["extractive", "extractive"]
    turn2 = session.new_turn(QUESTION)
    for _, stream in session.compare(turn2, choice):
        *_, a = stream
        assert {s.source for s in a.sources} == {HANDBOOK}  # type: ignore[union-attr]
    assert turn2.within == choice.docs and turn2.within_names == [HANDBOOK]
    # without a scope the same session finds the policy again
    turn3 = session.new_turn(QUESTION)
    *_, free = session.ask_stream(turn3, Choice("extractive"))
    assert POLICY in {s.source for s in free.sources}  # type: ignore[union-attr]
    assert turn3.within == [] and turn3.within_names == []


def _cli(monkeypatch: pytest.MonkeyPatch, demo: Engine, *args: str) -> int:
    from rag import cli

    monkeypatch.setenv("RAG_INDEX_DIR", str(demo.settings.index_dir))
    monkeypatch.setenv("RAG_DEMO_DIR", str(ROOT / "data" / "demo"))
    for var in ("RAG_PROVIDER", "RAG_FALLBACK", "APP_ENV"):
        monkeypatch.delenv(var, raising=False)
    return cli.main(list(args))


def test_cli_ask_doc_limits_the_sources(
    demo: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(monkeypatch, demo, "ask", QUESTION, "--json", "--no-sentiment") == 0
    free = json.loads(capsys.readouterr().out)
    assert POLICY in {s["source"] for s in free["sources"]}
    code = _cli(monkeypatch, demo, "ask", QUESTION, "--doc", HANDBOOK, "--json", "--no-sentiment")
    assert code == 0
    scoped = json.loads(capsys.readouterr().out)
    assert scoped["sources"] and {s["source"] for s in scoped["sources"]} == {HANDBOOK}


def test_cli_batch_rows_carry_their_own_docs(
    demo: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    batch = tmp_path / "q.jsonl"
    rows = [
        {"question": QUESTION, "docs": [HANDBOOK]},
        {"question": QUESTION},  # falls back to the command's --doc
        {"question": QUESTION, "docs": []},  # an empty list: every document
    ]
    batch.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code = _cli(
        monkeypatch, demo, "ask", "--batch", str(batch), "--doc", "release-notes.txt",
        "--no-sentiment",
    )  # fmt: skip
    assert code == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [{s["source"] for s in o["sources"]} for o in out[:2]] == [
        {HANDBOOK},
        {"release-notes.txt"},
    ]
    assert POLICY in {s["source"] for s in out[2]["sources"]}


def test_cli_unknown_doc_is_a_clear_error_before_any_answer(
    demo: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _cli(monkeypatch, demo, "ask", QUESTION, "--doc", "nope.pdf")
    err = capsys.readouterr()
    assert code == 2 and not err.out
    assert "no indexed document is called 'nope.pdf'" in err.err
    assert POLICY in err.err and "Traceback" not in err.err

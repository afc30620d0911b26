"""rag.conversations: the SQLite store of saved conversations and their Markdown export."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

from providers.base import Attempt, Source, Usage
from rag.answer import Answer
from rag.conversations import (
    ConversationStore,
    SavedTurn,
    answer_from_dict,
    answer_to_dict,
    to_markdown,
)
from rag.scope import Scope


def _answer(text: str = "Up to 320 dollars a night [1].") -> Answer:
    return Answer(
        question="What is the hotel limit in London?",
        answer=text,
        refused=False,
        provider="openai",
        model="gpt-4o-mini",
        sources=[
            Source(1, "travel-and-expense-policy.pdf", 2, "London: 320 dollars.", 0.9, "d1", "c1"),
            Source(2, "employee-handbook.md", None, "Vacation: 25 days.", 0.4, "d2", "c2"),
        ],
        usage=Usage(1200, 40),
        cost_usd=0.000204,
        attempts=[Attempt("anthropic", "claude", "timeout", "timeout", 12.0)],
        cited=[1],
        grounding={"supported": 1, "total": 1, "unsupported": []},
    )


def test_answer_round_trips_through_json() -> None:
    a = _answer()
    b = answer_from_dict(answer_to_dict(a))
    assert b == a
    assert b.sources[0].page == 2 and b.usage.total_tokens == 1240
    assert b.attempts[0].error_kind == "timeout"


def test_store_survives_reopen_lists_renames_and_deletes(tmp_path: Path) -> None:
    db = tmp_path / "state" / "conversations.sqlite3"
    s = ConversationStore(db)
    c = s.create()
    s.save_turn(c.id, 1, "What is the hotel limit in London?", [_answer()])
    s.save_turn(c.id, 2, "And in Tokyo?", [_answer("Tokyo: 280 dollars [1].")])
    other = s.create()

    again = ConversationStore(db)  # a restart
    got = again.get(c.id)
    assert got is not None and got.turns == 2
    assert got.title == "What is the hotel limit in London?"  # named by its first question
    assert [t.question for t in again.turns(c.id)] == [
        "What is the hotel limit in London?",
        "And in Tokyo?",
    ]
    assert again.turns(c.id)[0].answers[0].cost_usd == 0.000204
    assert {x.id for x in again.all()} == {c.id, other.id}

    again.rename(c.id, "  London   trip ")
    assert again.get(c.id).title == "London trip"  # type: ignore[union-attr]
    again.save_turn(c.id, 3, "Another question", [_answer()])
    assert again.get(c.id).title == "London trip"  # type: ignore[union-attr]  # kept
    again.delete(c.id)
    assert again.get(c.id) is None and again.turns(c.id) == []
    assert [x.id for x in again.all()] == [other.id]


def test_markdown_export_keeps_answer_provider_cost_grounding_and_citations(
    tmp_path: Path,
) -> None:
    s = ConversationStore(tmp_path / "c.sqlite3")
    c = s.create()
    s.save_turn(c.id, 1, "What is the hotel limit in London?", [_answer()])
    md = to_markdown("London trip", s.turns(c.id))
    assert md.startswith("# London trip\n")
    assert "## Q1. What is the hotel limit in London?" in md
    assert "Up to 320 dollars a night [1]." in md
    assert "*Answered by OpenAI · gpt-4o-mini · 1,240 tokens · $0.000204" in md
    assert "supported: 1/1 sentences" in md
    assert "- [1] travel-and-expense-policy.pdf, page 2: “London: 320 dollars.”" in md
    assert "employee-handbook.md" not in md  # only the cited sources


def test_the_scope_of_each_turn_round_trips_and_shows_in_the_export(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    s = ConversationStore(db)
    c = s.create()
    s.save_turn(
        c.id,
        1,
        "What is the hotel limit in London?",
        [_answer()],
        within=["d1", "d3"],
        within_names=["travel-and-expense-policy.pdf", "notes – été.txt"],
    )
    s.save_turn(c.id, 2, "And in Tokyo?", [_answer("Tokyo: 280 dollars [1].")])  # all docs
    first, second = ConversationStore(db).turns(c.id)  # a restart
    assert first.within == ["d1", "d3"]
    assert first.within_names == ["travel-and-expense-policy.pdf", "notes – été.txt"]
    assert second.within == [] and second.within_names == []
    md = to_markdown("London trip", [first, second])
    assert "*Searched within: travel-and-expense-policy.pdf, notes – été.txt*" in md
    assert md.count("Searched within") == 1  # the turn over all documents says nothing


def test_a_database_from_before_scopes_is_migrated_and_reads_as_all_documents(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "conversations.sqlite3"
    with sqlite3.connect(db_path) as db:  # the schema as it was before the within_docs column
        db.executescript(
            "CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
            "created REAL NOT NULL, updated REAL NOT NULL, owner TEXT, "
            "workspace TEXT NOT NULL DEFAULT 'default');"
            "CREATE TABLE turns (conversation_id TEXT NOT NULL REFERENCES conversations(id) "
            "ON DELETE CASCADE, turn_id INTEGER NOT NULL, question TEXT NOT NULL, "
            "answers TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (conversation_id, turn_id));"
            "INSERT INTO conversations VALUES ('old1', 'Old chat', 1.0, 2.0, NULL, 'default');"
        )
        db.execute(
            "INSERT INTO turns VALUES ('old1', 1, 'An old question', ?, 1.5)",
            (json.dumps([answer_to_dict(_answer())]),),
        )
    db.close()
    s = ConversationStore(db_path)
    ConversationStore(db_path)  # a second start finds it migrated already
    (old,) = s.turns("old1")
    assert old.question == "An old question" and old.answers == [_answer()]
    assert old.within == [] and old.within_names == []  # all documents
    assert s.within("old1") is None  # no selection recorded: its last question's stands in
    s.save_turn("old1", 2, "A scoped follow-up", [_answer()], within=["d2"], within_names=["x.md"])
    assert [t.within for t in s.turns("old1")] == [[], ["d2"]]
    # an older app still writing rows without the column leaves them "all documents"
    with sqlite3.connect(db_path) as db:
        db.execute(
            "INSERT INTO turns (conversation_id, turn_id, question, answers, created) "
            "VALUES ('old1', 3, 'From an old replica', '[]', 3.0)"
        )
    db.close()
    assert s.turns("old1")[-1].within == []
    assert not any(t.own_only for t in s.turns("old1"))  # no note nobody recorded


def test_a_turn_over_ones_own_documents_is_reopened_as_such(tmp_path: Path) -> None:
    """A refusal over one's own documents says the demo's were not searched; reopened, it
    had lost the note (the turn's ``own_only`` was not saved)."""
    s = ConversationStore(tmp_path / "c.sqlite3")
    c = s.create()
    s.save_turn(c.id, 1, "How many vacation days?", [_answer()], own_only=True)
    s.save_turn(c.id, 2, "And the hotel limit?", [_answer()], within=["d1"], within_names=["a"])
    assert [t.own_only for t in ConversationStore(tmp_path / "c.sqlite3").turns(c.id)] == [
        True,
        False,
    ]


def test_the_selection_a_conversation_is_left_at_outlives_its_last_question(
    tmp_path: Path,
) -> None:
    """Ask within a.pdf, then clear "Ask within" without asking: reopening goes on with all
    documents (the tester's reload brought back the cleared filter)."""
    db = tmp_path / "c.sqlite3"
    s = ConversationStore(db)
    c = s.create()
    assert s.within(c.id) is None  # nothing recorded yet: the last question's scope stands in
    s.save_turn(c.id, 1, "Q", [_answer()], within=["d1"], within_names=["a.pdf"])
    assert s.within(c.id) == Scope(["d1"], ["a.pdf"])  # a question records its scope
    s.save_within(c.id, [], [])  # cleared, nothing asked
    assert ConversationStore(db).within(c.id) == Scope([], [])  # a restart: all documents
    s.save_within(c.id, ["d2", "d3"], ["b.txt", "c.md"])
    assert s.within(c.id) == Scope(["d2", "d3"], ["b.txt", "c.md"])
    assert [t.within for t in s.turns(c.id)] == [["d1"]]  # the answer keeps what it searched
    s.save_turn(c.id, 2, "Q2", [_answer()])  # asked over all documents
    assert s.within(c.id) == Scope([], [])
    got = s.get(c.id)
    assert got is not None and got.title == "Q"  # a selection renames nothing


def test_only_the_owner_changes_or_reads_a_conversations_selection(tmp_path: Path) -> None:
    s = ConversationStore(tmp_path / "c.sqlite3")
    c = s.create(owner="alice")
    s.save_within(c.id, ["d1"], ["a.pdf"], owner="alice")
    s.save_within(c.id, [], [], owner="mallory")  # not hers: nothing happens
    assert s.within(c.id, owner="alice") == Scope(["d1"], ["a.pdf"])
    assert s.within(c.id, owner="mallory") is None and s.within(c.id) is None


def test_a_refusal_is_exported_without_quoting_what_was_searched_as_its_sources() -> None:
    # A refusal cites nothing: its passages are not "Sources:" (it read as if sourced, and
    # 26 answers with 5 whole passages each made a 54 KB file).
    refused = replace(
        _answer("I don't have enough information in the documents to answer that."),
        refused=True,
        cited=[],
        sources=[
            Source(1, "policy.pdf", 2, "London: 320 dollars.", 0.3, "d1", "c1"),
            Source(2, "policy.pdf", 1, "Booking travel.", 0.2, "d1", "c0"),
            Source(3, "handbook.md", None, "Vacation: 25 days.", 0.1, "d2", "c2"),
        ],
    )
    md = to_markdown("CEO", [SavedTurn(1, "What is the CEO's salary?", [refused])])
    assert "Sources:" not in md and "London: 320 dollars." not in md
    assert "*Searched: policy.pdf (pages 1, 2), handbook.md.*" in md


def test_the_export_quotes_the_sentences_used_and_a_title_as_text() -> None:
    """It quoted each cited source's whole chunk (about 900 characters, headings run into
    it), and wrote a typed title's markup raw ("# Meals & <b>vacation</b> *notes*")."""
    chunk = (
        "Northwind Robotics Employee Handbook\n\nWorking hours\n\nCore hours are 10:00 to "
        "15:00. Fridays are meeting-free days.\n\nParental leave\n\nEvery new parent "
        "receives 20 weeks of fully paid parental leave."
    )
    a = _answer("Every new parent receives 20 weeks of fully paid parental leave. [1]")
    a.sources = [Source(1, "employee-handbook.md", None, chunk, 0.9, "d2", "c2")]
    md = to_markdown("Meals & <b>vacation</b> *notes*", [SavedTurn(1, "Leave?", [a])])
    assert md.startswith("# Meals \\& \\<b\\>vacation\\</b\\> \\*notes\\*\n")
    assert (
        "- [1] employee-handbook.md: “Every new parent receives 20 weeks of fully paid "
        "parental leave.”" in md
    )

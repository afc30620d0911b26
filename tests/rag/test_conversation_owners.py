"""rag.conversations with owners (sign-in): each user sees, opens and changes only their own.

Without sign-in the owner is None and everything behaves as before owners existed; a
database written before the owner column is migrated in place and its rows stay visible
without sign-in.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rag.conversations import ConversationStore
from tests.rag.test_conversations import _answer

ALICE = "http://idp.test|alice-sub"
BOB = "http://idp.test|bob-sub"


def test_each_owner_lists_and_opens_only_their_own(tmp_path: Path) -> None:
    s = ConversationStore(tmp_path / "c.sqlite3")
    a = s.create(owner=ALICE)
    s.save_turn(a.id, 1, "Alice asks about London", [_answer()], owner=ALICE)
    b = s.create(owner=BOB)
    s.save_turn(b.id, 1, "Bob asks about Tokyo", [_answer("Tokyo [1].")], owner=BOB)
    anon = s.create()  # no sign-in

    assert [c.id for c in s.all(owner=ALICE)] == [a.id]
    assert [c.id for c in s.all(owner=BOB)] == [b.id]
    assert [c.id for c in s.all()] == [anon.id]
    got = s.get(a.id, owner=ALICE)
    assert got is not None and got.owner == ALICE and got.turns == 1
    # knowing the id is not enough: another user, or no user, gets nothing of it
    assert s.get(a.id, owner=BOB) is None and s.get(a.id) is None
    assert s.turns(a.id, owner=BOB) == [] and s.turns(a.id) == []
    assert [t.question for t in s.turns(a.id, owner=ALICE)] == ["Alice asks about London"]


def test_another_user_cannot_rename_delete_or_append(tmp_path: Path) -> None:
    s = ConversationStore(tmp_path / "c.sqlite3")
    a = s.create(owner=ALICE)
    s.save_turn(a.id, 1, "Alice asks about London", [_answer()], owner=ALICE)

    s.rename(a.id, "Bob was here", owner=BOB)
    s.delete(a.id, owner=BOB)
    s.delete(a.id)  # nor an unsigned session
    with pytest.raises(LookupError):
        s.save_turn(a.id, 2, "Bob's question", [_answer()], owner=BOB)
    with pytest.raises(LookupError):
        s.save_turn(a.id, 2, "anonymous question", [_answer()])

    kept = s.get(a.id, owner=ALICE)
    assert kept is not None and kept.title == "Alice asks about London" and kept.turns == 1
    assert [t.question for t in s.turns(a.id, owner=ALICE)] == ["Alice asks about London"]

    s.rename(a.id, "London trip", owner=ALICE)
    assert s.get(a.id, owner=ALICE).title == "London trip"  # type: ignore[union-attr]
    s.delete(a.id, owner=ALICE)
    assert s.get(a.id, owner=ALICE) is None and s.all(owner=ALICE) == []
    with sqlite3.connect(s.path) as db:  # the turns went with it, nothing orphaned
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone() == (0,)


def test_a_database_from_before_owners_is_migrated_and_its_rows_stay_unowned(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "state" / "conversations.sqlite3"
    db_path.parent.mkdir()
    with sqlite3.connect(db_path) as db:  # the schema as it was before the owner column
        db.executescript(
            "CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
            "created REAL NOT NULL, updated REAL NOT NULL);"
            "CREATE TABLE turns (conversation_id TEXT NOT NULL REFERENCES conversations(id) "
            "ON DELETE CASCADE, turn_id INTEGER NOT NULL, question TEXT NOT NULL, "
            "answers TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (conversation_id, turn_id));"
            "INSERT INTO conversations VALUES ('old1', 'Old chat', 1.0, 2.0);"
            "INSERT INTO turns VALUES ('old1', 1, 'An old question', '[]', 1.5);"
        )
    s = ConversationStore(db_path)
    ConversationStore(db_path)  # a second start finds it migrated already
    old = s.get("old1")
    assert old is not None and old.owner is None and old.turns == 1
    assert [t.question for t in s.turns("old1")] == ["An old question"]
    assert s.get("old1", owner=ALICE) is None  # signed-in users do not see unowned rows
    s.save_turn("old1", 2, "A new question", [_answer()])  # still usable without sign-in
    assert s.get("old1").turns == 2  # type: ignore[union-attr]

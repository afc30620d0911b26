"""The saved conversations' SQLite schema and its migrations (:mod:`rag.conversations`).

Every column added after the first release is added by ``ALTER TABLE`` when it is missing, so
a database from any earlier version opens as it is: its rows get the column's default, the
best guess for what nobody recorded.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    owner TEXT,
    workspace TEXT NOT NULL DEFAULT 'default'
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    turn_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    answers TEXT NOT NULL,
    created REAL NOT NULL,
    within_docs TEXT,
    PRIMARY KEY (conversation_id, turn_id)
);
"""


def migrate(db: sqlite3.Connection) -> None:
    """Create the tables, then add what an older database lacks."""
    db.executescript(SCHEMA)
    _add_owner_column(db)
    _add_workspace_column(db)
    _add_within_column(db)
    _add_selection_column(db)
    _add_own_only_column(db)
    _add_pick_column(db)


def _add_column(db: sqlite3.Connection, table: str, column: str, definition: str) -> None:
    """``ALTER TABLE table ADD COLUMN column definition`` unless it is there already."""
    if column in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}:
        return
    try:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    except sqlite3.OperationalError as e:  # another process migrated it first
        if "duplicate column" not in str(e):
            raise


def _add_owner_column(db: sqlite3.Connection) -> None:
    """Migrate a database from before owners: its rows keep a NULL owner (no sign-in)."""
    _add_column(db, "conversations", "owner", "TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS conversations_owner ON conversations (owner, updated)")


def _add_workspace_column(db: sqlite3.Connection) -> None:
    """Migrate a database from before workspaces: all its conversations were "default"."""
    _add_column(db, "conversations", "workspace", "TEXT NOT NULL DEFAULT 'default'")


def _add_within_column(db: sqlite3.Connection) -> None:
    """Migrate a database from before turns kept their "Ask within" scope: its turns read
    as all documents (NULL), the best guess for a scope nobody recorded."""
    _add_column(db, "turns", "within_docs", "TEXT")


def _add_selection_column(db: sqlite3.Connection) -> None:
    """Migrate a database from before conversations kept their "Ask within" selection: NULL,
    so a reopened one goes on with its last question's scope, as it did then."""
    _add_column(db, "conversations", "within_docs", "TEXT")


def _add_own_only_column(db: sqlite3.Connection) -> None:
    """Migrate a database from before turns kept that they searched one's own documents by
    default: its turns read as 0 (their refusals had no such note when they were asked)."""
    _add_column(db, "turns", "own_only", "INTEGER NOT NULL DEFAULT 0")


def _add_pick_column(db: sqlite3.Connection) -> None:
    """Migrate a database from before conversations kept the provider picked after their last
    question: NULL, so a reopened one goes on with its last question's provider, as it did."""
    _add_column(db, "conversations", "provider_pick", "TEXT")

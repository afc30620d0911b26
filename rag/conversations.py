"""Saved conversations: SQLite under the index dir, one row per conversation and per turn.

A turn keeps everything needed to draw it again after a reload or a restart: the question
and each answer with its sources, provider, model, usage, cost, attempts and grounding
(the typed fields of ``Answer``). Answers are stored as JSON built by :func:`answer_to_dict`, so the
schema of an answer can grow without a migration. Each call opens its own connection:
Streamlit runs every session in its own thread.

Owners: with sign-in on (``ui.auth``) every conversation carries its owner, the signed-in
user's stable id, and every read and write is filtered by it, so one user can neither list,
open, rename, delete nor append to another's conversation, even by knowing its id. Without
sign-in the owner is ``None``: the rows written before owners existed (and all rows of an app
without sign-in) have a NULL owner and stay visible exactly as before. The owner is a plain
principal string, so sharing (a workspace's members) can later widen the filter to a set.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from providers.base import Attempt, Source, Usage
from rag.answer import Answer, ToolCallRecord
from rag.catalog import spec_label
from rag.conversation_schema import migrate
from rag.places import place, places
from rag.scope import Scope, dump, load, searched_within
from text.phrases import tokens_phrase
from text.quotes import quoted_part

DB_NAME = "conversations.sqlite3"
ALL_DOCUMENTS = "[]"  # a conversation's selection of all documents (NULL: none recorded)
TITLE_CHARS = 60


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    created: float
    updated: float
    turns: int = 0
    owner: str | None = None
    workspace: str = "default"  # a conversation belongs to one workspace (rag/workspaces.py)


@dataclass
class SavedTurn:
    id: int
    question: str
    answers: list[Answer] = field(default_factory=list)
    within: list[str] = field(default_factory=list)  # doc ids it searched (empty: all)
    within_names: list[str] = field(default_factory=list)  # their names when it was asked
    own_only: bool = False  # it searched one's own documents by default (rag.session.Turn)


def answer_to_dict(a: Answer) -> dict[str, Any]:
    d = asdict(a)
    d["sources"] = [asdict(s) for s in a.sources]
    return d


def answer_from_dict(d: dict[str, Any]) -> Answer:
    d = dict(d)
    d["sources"] = [Source(**s) for s in d.get("sources", [])]
    d["usage"] = Usage(**(d.get("usage") or {}))
    d["attempts"] = [Attempt(**x) for x in d.get("attempts", [])]
    if d.get("tool_calls") is not None:
        d["tool_calls"] = [ToolCallRecord(**x) for x in d["tool_calls"]]
    known = Answer.__dataclass_fields__
    return Answer(**{k: v for k, v in d.items() if k in known})


def title_from(question: str) -> str:
    flat = " ".join(question.split())
    return flat if len(flat) <= TITLE_CHARS else flat[: TITLE_CHARS - 1].rstrip() + "…"


class ConversationStore:
    """The conversations of one workspace: :meth:`all` lists only those, :meth:`create`
    files new ones there (one file for every workspace)."""

    def __init__(self, path: Path, workspace: str = "default") -> None:
        self.path = Path(path)
        self.workspace = workspace
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            migrate(db)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            with db:  # commit or roll back
                yield db
        finally:
            db.close()

    def create(self, title: str = "New conversation", owner: str | None = None) -> Conversation:
        now = time.time()
        conv = Conversation(
            uuid.uuid4().hex[:12], title, now, now, owner=owner, workspace=self.workspace
        )
        with self._db() as db:
            db.execute(
                "INSERT INTO conversations (id, title, created, updated, owner, workspace) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (conv.id, conv.title, conv.created, conv.updated, owner, conv.workspace),
            )
        return conv

    def get(self, conversation_id: str, owner: str | None = None) -> Conversation | None:
        """The conversation if it exists and is ``owner``'s (None: an unowned one)."""
        rows = self._select("AND c.id = ?", (owner, conversation_id))
        return rows[0] if rows else None

    def all(self, owner: str | None = None) -> list[Conversation]:
        """``owner``'s conversations in this workspace (owner None: the unowned ones), most
        recently updated first."""
        return self._select("AND c.workspace = ?", (owner, self.workspace))

    def _select(self, where: str, args: Sequence[Any]) -> list[Conversation]:
        # `IS ?` rather than `= ?`: NULL (no sign-in) must match NULL
        with self._db() as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.created, c.updated, COUNT(t.turn_id), c.owner, "
                "c.workspace "
                "FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id "
                f"WHERE c.owner IS ? {where} GROUP BY c.id ORDER BY c.updated DESC",
                tuple(args),
            ).fetchall()
        return [Conversation(*r) for r in rows]

    def rename(self, conversation_id: str, title: str, owner: str | None = None) -> None:
        title = " ".join(title.split())[:200] or "Untitled"
        with self._db() as db:
            db.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND owner IS ?",
                (title, conversation_id, owner),
            )

    def delete(self, conversation_id: str, owner: str | None = None) -> None:
        with self._db() as db:
            gone = db.execute(
                "DELETE FROM conversations WHERE id = ? AND owner IS ?", (conversation_id, owner)
            ).rowcount
            if gone:  # only the owner's conversation takes its turns with it
                db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))

    def delete_all(self) -> int:
        """Delete every conversation of this workspace, every owner's, with their turns
        (the workspace is being deleted); how many there were."""
        with self._db() as db:
            ids = "SELECT id FROM conversations WHERE workspace = ?"
            db.execute(f"DELETE FROM turns WHERE conversation_id IN ({ids})", (self.workspace,))
            return db.execute(
                "DELETE FROM conversations WHERE workspace = ?", (self.workspace,)
            ).rowcount

    def save_turn(
        self,
        conversation_id: str,
        turn_id: int,
        question: str,
        answers: Sequence[Answer],
        owner: str | None = None,
        within: Sequence[str] = (),
        within_names: Sequence[str] = (),
        own_only: bool = False,
    ) -> None:
        """Insert or replace one turn; the first turn names an untitled conversation.
        ``within``: the doc ids it searched (empty: all), ``within_names`` their names;
        ``own_only``: it searched one's own documents, not the demo's, by default.

        Raises LookupError when the conversation does not exist or is not ``owner``'s.
        """
        now = time.time()
        payload = json.dumps([answer_to_dict(a) for a in answers], ensure_ascii=False)
        scope = dump(within, within_names)
        with self._db() as db:
            mine = db.execute(
                "SELECT 1 FROM conversations WHERE id = ? AND owner IS ?", (conversation_id, owner)
            ).fetchone()
            if mine is None:
                raise LookupError(f"no conversation {conversation_id!r} for this user")
            db.execute(
                "INSERT OR REPLACE INTO turns (conversation_id, turn_id, question, answers, "
                "created, within_docs, own_only) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, turn_id, question, payload, now, scope, int(own_only)),
            )
            db.execute(
                "UPDATE conversations SET updated = ?, title = CASE WHEN title = "
                "'New conversation' THEN ? ELSE title END, within_docs = ?, "
                "provider_pick = NULL WHERE id = ?",
                (now, title_from(question), scope or ALL_DOCUMENTS, conversation_id),
            )

    def save_within(
        self,
        conversation_id: str,
        within: Sequence[str],
        within_names: Sequence[str],
        owner: str | None = None,
    ) -> None:
        """Record the "Ask within" selection the conversation is left at (empty: all
        documents), changed without asking: reopening it goes on with this, not with the
        scope of its last question. Not the owner's: nothing happens."""
        with self._db() as db:
            db.execute(
                "UPDATE conversations SET within_docs = ? WHERE id = ? AND owner IS ?",
                (dump(within, within_names) or ALL_DOCUMENTS, conversation_id, owner),
            )

    def save_pick(
        self, conversation_id: str, provider: str, model: str, owner: str | None = None
    ) -> None:
        """Record "Answer with" as the conversation is left at, changed without asking:
        reopening it goes on with this, not with its last question's provider (the next
        question's turn clears it). Not the owner's: nothing happens."""
        with self._db() as db:
            db.execute(
                "UPDATE conversations SET provider_pick = ? WHERE id = ? AND owner IS ?",
                (json.dumps([provider, model]), conversation_id, owner),
            )

    def pick(self, conversation_id: str, owner: str | None = None) -> tuple[str, str] | None:
        """The (provider, model) recorded by :meth:`save_pick` since the last question."""
        pick = self._left_at(conversation_id, "provider_pick", owner)
        if pick is None:
            return None
        provider, model = json.loads(pick)
        return str(provider), str(model)

    def within(self, conversation_id: str, owner: str | None = None) -> Scope | None:
        """The "Ask within" selection the conversation was left at; None when none was
        recorded (a conversation saved before selections were: its last question's scope
        stands in) or the conversation is not ``owner``'s."""
        within = self._left_at(conversation_id, "within_docs", owner)
        return None if within is None else Scope(*load(within))

    def _left_at(
        self,
        conversation_id: str,
        column: Literal["within_docs", "provider_pick"],
        owner: str | None,
    ) -> str | None:
        """What the conversation was left at in ``column``; None when nothing was recorded or
        the conversation is not ``owner``'s."""
        with self._db() as db:
            row = db.execute(
                f"SELECT {column} FROM conversations WHERE id = ? AND owner IS ?",
                (conversation_id, owner),
            ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def turns(self, conversation_id: str, owner: str | None = None) -> list[SavedTurn]:
        """The turns in order; none when the conversation is not ``owner``'s."""
        with self._db() as db:
            rows = db.execute(
                "SELECT t.turn_id, t.question, t.answers, t.within_docs, t.own_only FROM turns t "
                "JOIN conversations c "
                "ON c.id = t.conversation_id WHERE t.conversation_id = ? AND c.owner IS ? "
                "ORDER BY t.turn_id",
                (conversation_id, owner),
            ).fetchall()
        return [
            SavedTurn(
                r[0], r[1], [answer_from_dict(a) for a in json.loads(r[2])], *load(r[3]), bool(r[4])
            )
            for r in rows
        ]


def chosen_provider(turns: Sequence[SavedTurn]) -> tuple[str, str] | None:
    """(provider, model) the last one-answer turn asked first (its first attempt: a
    fallback's answerer is not what the user picked), so a reopened conversation goes on
    with it; None when every turn compared several providers."""
    for t in reversed(turns):
        if len(t.answers) != 1:
            continue
        a = t.answers[0]
        first = a.attempts[0] if a.attempts else None
        return (first.provider, first.model) if first else (a.provider, a.model)
    return None


def cost_rows_of(turns: Sequence[SavedTurn]) -> list[dict[str, Any]]:
    """The cost rows of the saved answers (:meth:`rag.answer.Answer.spend`), in the shape
    :class:`rag.session.ChatSession` keeps (answer, turn, provider, tokens, cost_usd,
    latency_ms): the session cost of a reopened conversation."""
    rows: list[dict[str, Any]] = []
    for t in turns:
        for a in t.answers:
            # The answer's every call (a consensus's providers, one cut off mid-answer), as
            # the session counted them: a reopened consensus had come back as $0.
            rows += a.cost_lines(t.id, len(rows) + 1)
    return rows


def _money(cost: float | None) -> str:
    if cost is None:
        return "unpriced"
    return "$0" if cost == 0 else "$" + f"{cost:.6f}".rstrip("0").rstrip(".")


# What a Markdown viewer would read as markup or HTML in a typed title ("Meals & <b>vacation</b>")
_MARKUP = re.compile(r"([\\`*_{}\[\]<>#|~&])")


def to_markdown(
    title: str,
    turns: Sequence[SavedTurn],
    notes: Callable[[Answer], Sequence[str]] | None = None,
) -> str:
    """The conversation as Markdown: each question, answer, who answered, and its sources.
    ``notes``: the words the page shows under an answer (a fallback, who a consensus heard),
    written under its "Answered by" line."""
    shown = _MARKUP.sub(r"\\\1", " ".join(title.split()))  # a typed title is text, not markup
    out = [f"# {shown}", ""]
    for t in turns:
        out += [f"## Q{t.id}. {t.question}", ""]
        scope = searched_within(t)
        if scope:
            out += [f"*{scope}*", ""]
        for a in t.answers:
            out += [a.answer.strip(), ""]
            if a.read_as:  # misspelt words were answered as the documents spell them
                out += [f"*Read as: {a.read_as}*", ""]
            cost = _money(a.cost_usd)
            # The name the page shows ("OpenAI · gpt-4o-mini"), not the internal id.
            who = spec_label(f"{a.provider}:{a.model}")
            line = f"*Answered by {who} · {tokens_phrase(a.usage.total_tokens)} · {cost}"
            g = a.grounding
            if g and g.get("total"):
                line += f" · supported: {g['supported']}/{g['total']} sentences"
            out += [line + "*", ""]
            for note in notes(a) if notes else ():
                out += [f"*↪ {note}*", ""]
            if a.refused:  # nothing answered it: what was searched, never quoted as sources
                out += [_searched(a), ""]
                continue
            cited = [s for s in a.sources if s.n in a.cited] or list(a.sources)
            if cited:
                out.append("Sources:")
                for s in cited:
                    where = place(s.source, s.page)
                    page = f", {where}" if where else ""
                    # the sentences the answer used, not the whole chunk (~900 characters)
                    quote = quoted_part(s.text, a.answer, s.n)
                    out.append(f"- [{s.n}] {s.source}{page}: “{quote}”")
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def _searched(a: Answer) -> str:
    """ "Searched: policy.pdf (pages 1, 2), handbook.md." for an answer that found nothing."""
    pages: dict[str, list[int]] = {}
    for s in a.sources:
        listed = pages.setdefault(s.source, [])
        if s.page and s.page not in listed:
            listed.append(s.page)
    if not pages:
        return "*Nothing was searched.*"
    named = [
        f"{name} ({where})" if (where := places(name, p)) else name for name, p in pages.items()
    ]
    return f"*Searched: {', '.join(named)}.*"

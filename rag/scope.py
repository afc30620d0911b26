"""The scope of a question ("Ask within"): which documents a turn searched, said in words,
and how a reopened conversation gets its selection back.

A turn records the doc ids it was limited to (empty: every document) and their names when
it was asked, so a saved answer can still say what it searched after one of those
documents is deleted. Nothing here imports Streamlit: ``ui`` draws what this returns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class Scoped(Protocol):
    """A turn, live (:class:`rag.session.Turn`) or saved (:class:`rag.conversations.SavedTurn`),
    or a conversation's selection (:class:`Scope`)."""

    within: list[str]
    within_names: list[str]


@dataclass
class Scope:
    """A selection on its own: what a conversation's "Ask within" was left at, which a
    later change without asking makes differ from its last question's scope."""

    within: list[str] = field(default_factory=list)  # doc ids (empty: all documents)
    within_names: list[str] = field(default_factory=list)  # their names when picked


@dataclass(frozen=True)
class Restored:
    """The "Ask within" selection a reopened conversation goes on with."""

    selection: list[str] = field(default_factory=list)  # doc ids still indexed (empty: all)
    dropped: list[str] = field(default_factory=list)  # names of those deleted since

    def note(self) -> str | None:
        """A short sentence when documents were dropped (None when nothing was)."""
        if not self.dropped:
            return None
        listed = ", ".join(self.dropped)
        if self.selection:
            return f"Left out of Ask within, deleted since this conversation's last question: {listed}."
        # every document it searched is gone: an empty selection means *all*, say so
        return (
            f"This conversation searched {listed}, deleted since: questions now search all "
            "documents."
        )


def names_of(doc_ids: Sequence[str], indexed: Mapping[str, str]) -> list[str]:
    """The names of ``doc_ids`` (an id nothing is indexed under stands for itself)."""
    return [indexed.get(i, i) for i in doc_ids]


def _names(t: Scoped) -> list[str]:
    # names recorded one per id; a turn built by hand without them shows its ids
    return t.within_names if len(t.within_names) == len(t.within) else t.within


def searched_within(t: Scoped) -> str | None:
    """ "Searched within: a.pdf, b.txt" for a turn limited to some documents; None for all."""
    return "Searched within: " + ", ".join(_names(t)) if t.within else None


def restore_within(turns: Sequence[Scoped], indexed: Mapping[str, str]) -> Restored:
    """The selection of the last of ``turns`` (or of a conversation's saved :class:`Scope`,
    passed alone), minus the documents no longer in ``indexed``
    (doc id -> name), a document read again under a new id kept by its name. No turns, or a
    last turn over all documents: all documents."""
    if not turns or not turns[-1].within:
        return Restored()
    last = turns[-1]
    # A document read again (a newer reader, `rag reindex`) or replaced by a new version has
    # a new id under the same name: the one indexed document of that name takes its place.
    by_name: dict[str, list[str]] = {}
    for doc_id, name in indexed.items():
        by_name.setdefault(name, []).append(doc_id)
    kept: list[str] = []
    dropped: list[str] = []
    for doc_id, name in zip(last.within, _names(last), strict=True):
        same = by_name.get(name, [])
        now = doc_id if doc_id in indexed else (same[0] if len(same) == 1 else None)
        if now is None:
            dropped.append(name)
        elif now not in kept:
            kept.append(now)
    return Restored(kept, dropped)


def dump(doc_ids: Sequence[str], names: Sequence[str]) -> str | None:
    """A scope as stored in a turn row: JSON ``[{"id", "name"}]``; NULL for all documents."""
    if not doc_ids:
        return None
    named = names_of(doc_ids, dict(zip(doc_ids, names, strict=False)))
    return json.dumps(
        [{"id": i, "name": n} for i, n in zip(doc_ids, named, strict=True)], ensure_ascii=False
    )


def load(raw: str | None) -> tuple[list[str], list[str]]:
    """(doc ids, names) from a stored scope; NULL (rows from before scopes): all documents."""
    if not raw:
        return [], []
    items = json.loads(raw)
    return [str(x["id"]) for x in items], [str(x.get("name") or x["id"]) for x in items]

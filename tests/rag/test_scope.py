"""rag.scope: a reopened conversation's "Ask within" selection (minus deleted documents)
and the words that say what a turn searched."""

from __future__ import annotations

from rag.scope import Restored, restore_within, searched_within
from rag.session import Turn

INDEXED = {"d1": "a.pdf", "d2": "b.txt", "d3": "c.md"}


def _turn(within: list[str], names: list[str]) -> Turn:
    return Turn(1, "q", within=within, within_names=names)


def test_the_last_turn_gives_the_selection_and_all_documents_give_none() -> None:
    turns = [_turn(["d1"], ["a.pdf"]), _turn(["d2", "d3"], ["b.txt", "c.md"])]
    assert restore_within(turns, INDEXED) == Restored(["d2", "d3"], [])
    assert restore_within(turns, INDEXED).note() is None
    assert restore_within([*turns, _turn([], [])], INDEXED) == Restored([], [])
    assert restore_within([], INDEXED) == Restored([], [])  # a new conversation: all


def test_deleted_documents_are_dropped_and_named() -> None:
    turns = [_turn(["d1", "gone"], ["a.pdf", "old.pdf"])]
    r = restore_within(turns, INDEXED)
    assert r == Restored(["d1"], ["old.pdf"])
    assert (
        r.note()
        == "Left out of Ask within, deleted since this conversation's last question: old.pdf."
    )
    # every document it searched is gone: an empty selection widens to all, said so
    everything_gone = restore_within(turns, {"d2": "b.txt"})
    assert everything_gone.selection == []
    assert "questions now search all documents" in (everything_gone.note() or "")
    assert "a.pdf, old.pdf" in (everything_gone.note() or "")


def test_a_document_read_again_under_a_new_id_keeps_its_place_by_name() -> None:
    # `rag reindex` (a newer reader) gave a.pdf a new id; a name two documents share is not
    # guessed
    turns = [_turn(["old-a", "old-x"], ["a.pdf", "x.txt"])]
    indexed = {"new-a": "a.pdf", "x1": "x.txt", "x2": "x.txt"}
    assert restore_within(turns, indexed) == Restored(["new-a"], ["x.txt"])


def test_searched_within_says_names_and_nothing_for_all_documents() -> None:
    assert searched_within(_turn(["d1", "d2"], ["a.pdf", "b.txt"])) == (
        "Searched within: a.pdf, b.txt"
    )
    assert searched_within(_turn([], [])) is None
    assert searched_within(_turn(["d1"], [])) == "Searched within: d1"  # no names: its ids

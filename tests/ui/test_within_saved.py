"""AppTest: a conversation keeps its "Ask within" scope. Each answer asked within some
documents says so ("Searched within: ..."); reopening the conversation (a reload with
?c=..., or the sidebar list) brings the selection back without the documents deleted since,
and says which were dropped; a new conversation searches all documents again."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import ask, page_text, reopen

pytestmark = pytest.mark.integration

HANDBOOK = "employee-handbook.md"
NOTES = "release-notes.txt"


def _doc_id(index: Path, name: str) -> str:
    with sqlite3.connect(index / "state" / "documents" / "manifest.sqlite3") as db:
        (doc_id,) = db.execute("SELECT doc_id FROM documents WHERE name = ?", (name,)).fetchone()
    return str(doc_id)


def _captions(at: AppTest) -> list[str]:
    return [str(c.value).replace("\\", "") for c in at.caption]


def test_a_reopened_conversation_searches_within_what_it_searched(
    new_app: Callable[[], AppTest], app_index: Path
) -> None:
    at = new_app()  # indexes the demo documents
    handbook = _doc_id(app_index, HANDBOOK)
    at.multiselect(key="ask_within").set_value([handbook]).run()
    ask(at, "How many vacation days do employees get?")
    shown = ":material/filter_alt: Searched within: employee-handbook.md"
    assert shown in _captions(at)
    conv_id = at.session_state.conversation_id

    again = reopen(conv_id)
    assert again.multiselect(key="ask_within").value == [handbook]
    assert shown in _captions(again)  # the restored answer says what it searched
    assert "Left out of Ask within" not in page_text(again)  # nothing was dropped

    again.button(key="conv_new").click().run()  # a new conversation: all documents
    assert not again.exception
    assert again.multiselect(key="ask_within").value == []
    again.button(key=f"conv_open_{conv_id}").click().run()  # back from the sidebar list
    assert not again.exception
    assert again.multiselect(key="ask_within").value == [handbook]
    assert shown in _captions(again)


def test_documents_deleted_since_leave_the_selection_and_are_named(
    new_app: Callable[[], AppTest], app_index: Path
) -> None:
    at = new_app()
    handbook, notes = _doc_id(app_index, HANDBOOK), _doc_id(app_index, NOTES)
    at.multiselect(key="ask_within").set_value([handbook, notes]).run()
    ask(at, "How many vacation days do employees get?")
    conv_id = at.session_state.conversation_id
    from ui.state import get_engine, get_settings

    get_engine(get_settings()).remove(notes)

    again = reopen(conv_id)
    assert again.multiselect(key="ask_within").value == [handbook]
    captions = _captions(again)
    # the answer still names both: that is what it searched when it was asked
    assert ":material/filter_alt: Searched within: employee-handbook.md, release-notes.txt" in (
        captions
    )
    note = (
        ":material/info: Left out of Ask within, deleted since this conversation's last question: "
    )
    assert note + "release-notes.txt." in captions
    ask(again, "And sick days?")  # said once: the next question has its own scope
    assert not any(c.startswith(note) for c in _captions(again))
    assert (
        _captions(again).count(":material/filter_alt: Searched within: employee-handbook.md") == 1
    )


def test_a_selection_changed_without_asking_is_what_a_reload_brings_back(
    new_app: Callable[[], AppTest], app_index: Path
) -> None:
    """The tester's steps: ask within one document, clear "Ask within" back to all
    documents, reload, ask: the answer searched everything, not the cleared filter."""
    at = new_app()
    handbook, notes = _doc_id(app_index, HANDBOOK), _doc_id(app_index, NOTES)
    at.multiselect(key="ask_within").set_value([handbook]).run()
    ask(at, "How many vacation days do employees get?")
    conv_id = at.session_state.conversation_id
    at.multiselect(key="ask_within").set_value([]).run()  # cleared, nothing asked
    assert not at.exception

    again = reopen(conv_id)
    assert again.multiselect(key="ask_within").value == []
    ask(again, "How many vacation days do employees get?")
    assert again.session_state.turns[-1].within == []
    scoped = ":material/filter_alt: Searched within: employee-handbook.md"
    assert _captions(again).count(scoped) == 1  # only the first answer, which was scoped

    again.multiselect(key="ask_within").set_value([notes]).run()  # another pick, not asked
    assert reopen(conv_id).multiselect(key="ask_within").value == [notes]

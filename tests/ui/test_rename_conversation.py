"""Renaming a conversation in its sidebar popover (ui/conversations.py).

The walk: typing a name and pressing Enter saved it, but the popover stayed open as if
nothing had happened, and the field's "31/200" counter (with "Press Enter to apply") was
drawn over the end of the name being typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from ui.layout import CSS


def _manage_the_conversation(db: str) -> None:
    from pathlib import Path

    from rag.conversations import ConversationStore
    from ui import conversations

    s = ConversationStore(Path(db), "default")
    conv = (s.all() or [s.create("What is the nightly hotel limit in London?")])[0]
    conversations._manage(s, conv.id, conv.title, None)


def _popover_key(conversation_id: str) -> str:
    return f"conv_rename_{conversation_id}"  # ui.conversations.rename_key


def _blocks(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _blocks(child)


def _rename_popover(at: AppTest) -> Any:
    (popover,) = [
        b.proto.popover
        for b in _blocks(at._tree)
        if getattr(b, "type", None) == "popover" and b.proto.popover.label == "Rename"
    ]
    return popover


def test_enter_saves_the_name_closes_the_popover_and_says_so(tmp_path: Path) -> None:
    from rag.conversations import ConversationStore

    db = tmp_path / "conversations.db"
    at = AppTest.from_function(_manage_the_conversation, args=(str(db),), default_timeout=30)
    at.run()
    (conv,) = ConversationStore(db).all()
    at.session_state[_popover_key(conv.id)] = True  # the user opened "Rename"
    at.run()
    assert not at.exception
    assert _rename_popover(at).open
    field = at.text_input(key=f"conv_title_{conv.id}")
    assert not field.max_chars  # its "31/200" counter covered the name typed
    assert "Press Enter to save the new name." in [c.value for c in at.caption]

    field.set_value("Hotel limits  abroad").run()  # Enter
    assert not at.exception
    assert ConversationStore(db).all()[0].title == "Hotel limits abroad"
    assert not _rename_popover(at).open
    assert [t.value for t in at.toast] == ["Renamed to **Hotel limits abroad**"]


def test_a_blank_name_leaves_the_popover_open_on_its_note(tmp_path: Path) -> None:
    from rag.conversations import ConversationStore

    db = tmp_path / "conversations.db"
    at = AppTest.from_function(_manage_the_conversation, args=(str(db),), default_timeout=30)
    at.run()
    (conv,) = ConversationStore(db).all()
    at.session_state[_popover_key(conv.id)] = True
    at.run()
    at.text_input(key=f"conv_title_{conv.id}").set_value("  ").run()
    assert not at.exception
    assert _rename_popover(at).open and not at.toast
    assert any("A conversation needs a name" in c.value for c in at.caption)


def test_streamlits_enter_hint_is_not_drawn_over_the_name() -> None:
    # "Press Enter to apply" sits inside the field's right end: the caption says it instead
    rule = '[class*="st-key-conv_title_"] [data-testid="InputInstructions"] { display: none; }'
    assert rule in CSS

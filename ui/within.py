""" "Ask within": the documents a question searches, kept with the conversation.

Left empty it means every document - except beside the demo's, where one's own documents
are searched (:func:`rag.demo.searched_by_default`) and the demo's only when picked.
"""

from __future__ import annotations

import streamlit as st

from rag.demo import demo_names, searched_by_default
from rag.engine import Engine
from rag.scope import restore_within
from rag.settings import Settings
from ui import conversations
from ui.text import escape_md

WITHIN_KEY = conversations.WITHIN_KEY
# what a reopened conversation's selection lost, until the next question
WITHIN_NOTE = "within_note"


def _within_changed(settings: Settings, names: dict[str, str]) -> None:
    # saved at once, not with the next question: a reload must not bring back a cleared filter
    conversations.save_within(settings, st.session_state.get(WITHIN_KEY, []), names)


def render_within(engine: Engine) -> tuple[list[str], bool]:
    """ "Ask within": the documents a question searches (none picked: all of them, or one's
    own beside the demo's). Returns (doc ids, whether they are that default)."""
    docs = engine.docs()
    names = {d.doc_id: d.name for d in docs}
    ss = st.session_state
    ss[conversations.WITHIN_OFFERED] = names  # named when a "Select all" is kept (on_turn)
    if conversations.WITHIN_RESTORE in ss:  # a conversation was opened (or a new one begun)
        restored = restore_within(ss.pop(conversations.WITHIN_RESTORE), names)
        ss[WITHIN_KEY] = restored.selection
        ss[WITHIN_NOTE] = restored.note()
    if WITHIN_KEY in ss:  # a deleted document leaves the selection
        ss[WITHIN_KEY] = [i for i in ss[WITHIN_KEY] if i in names]
    if ss.get(WITHIN_NOTE):
        st.caption(f":material/info: {escape_md(ss[WITHIN_NOTE])}")
    if len(docs) < 2:
        return [], False
    demo = demo_names(engine.settings.demo_dir)
    own = searched_by_default(names, demo)
    shown = {i: f"{n} (demo)" if own and n in demo else n for i, n in names.items()}
    chosen = st.multiselect(
        "Ask within",
        list(names),
        key=WITHIN_KEY,
        on_change=_within_changed,
        args=(engine.settings, names),
        format_func=lambda i: shown.get(i, str(i)),
        placeholder="Your documents (not the demo's)" if own else "All documents",
        help="Search only the documents picked here; leave empty to search "
        + ("your own, not the demo's." if own else "all of them."),
    )
    picked = [str(i) for i in chosen]
    if set(picked) == set(names):  # "Select all": every document, said as such (each answer
        return [], False  # listed all seven names under "Searched within")
    return (picked, False) if picked else (own, bool(own))

"""Grounded Q&A - Streamlit entry point. A thin shell: page layout and wiring only.

Everything else lives in ``ui/``: state and caching (ui.state), the sidebar (ui.sidebar),
chat and compare mode (ui.chat), sources (ui.sources), documents (ui.documents) and the
cost/health panel (ui.costs).
"""

from __future__ import annotations

import logging

import streamlit as st

from ui import auth  # light: streamlit only, so the gate costs no import time

st.set_page_config(page_title="Grounded Q&A", page_icon="📄", layout="wide")
log = logging.getLogger("app")
auth.gate()  # with [auth] in secrets.toml: nothing of the app before sign-in (ui.auth)

st.title("Grounded Q&A")
st.caption("Answers from your documents, with the file, page and sentence behind every claim.")
with st.bottom:  # the "Ask within" filter sits just above the chat box
    within_slot = st.empty()
    typed = st.chat_input("Ask a question about your documents")

# Imported after the chat box is drawn: on a cold server the first run spends seconds
# importing pandas, Chroma and the rest, and the page should not stay blank meanwhile.
from ui import (  # noqa: E402
    analysis,
    chat,
    conversations,
    costs,
    documents,
    layout,
    scroll,
    sidebar,
    sources,
    state,
    welcome,
    within,
    workspaces,
)

layout.style()  # before the sidebar: its collapsed controls are hidden from the first draw


def startup_failed(e: Exception) -> None:
    # bad settings or an unreadable index: say so, never a traceback
    log.error("startup failed", exc_info=e)
    st.error(
        f"Grounded Q&A could not start: {type(e).__name__}. Check the settings and the server log."
    )
    st.stop()


try:
    settings = state.get_settings()
    # The engine (model, Chroma, BM25, demo indexing) warms in a background thread: the
    # page and the chat box draw at once; a question waits for it (ui.chat.wait_for_engine).
    engine = state.ready_engine(settings)
except Exception as e:
    startup_failed(e)

state.init_session(settings)
conversations.sync(settings)  # the conversation the URL names (?c=...)
question = chat.take_question(typed)

with st.sidebar:
    auth.render_sidebar()  # who is signed in, "Sign out" (nothing without sign-in)
    workspaces.render_picker(settings)
    choice = sidebar.render(settings, state.session_keys())
    st.divider()
    documents.render(engine)
    st.divider()
    conversations.render_sidebar(settings)
    costs.render_cap_input(settings)

main, side = layout.columns()  # side by side when both fit, else stacked
with main:  # first: the answer starts streaming before the cost chart is drawn (bench/ttft.py)
    if engine is None and question:
        try:
            engine = chat.wait_for_engine(settings, question)
        except Exception as e:
            startup_failed(e)
    if engine is not None:
        with within_slot.container():  # the selection and, if any, a note on it
            choice.docs, choice.docs_by_default = within.render_within(engine)
    if engine is None:
        chat.render_loading(settings)
    elif not st.session_state.turns and not question:
        key_note = sidebar.key_note(settings, state.session_keys(), choice.provider)
        welcome.render_welcome(engine, key_note, choice.docs, choice.docs_by_default)
    chat.render_history(st.session_state.turns)
    scroll.reveal_new_answer(len(st.session_state.turns))  # phone: answer, not costs
    if engine is not None and question:
        # a provider picked without its API key is skipped, not waited for
        keyless = sidebar.key_missing(settings, state.session_keys(), choice.provider)
        chat.ask(engine, choice, question, keyless)
    elif engine is not None:  # under a short conversation: the examples it has not tried
        welcome.render_more_examples(engine, st.session_state.turns)
    sources.install_citation_links()  # [n] opens source n
with side:  # after the answer, so it already includes this answer's cost
    costs.render(settings)
    if engine is not None:
        analysis.render_documents(engine)  # tone per document, topics (background, cached)
        # SDK imports for the sidebar's full provider view (seconds, holding the GIL): once
        # the session has its first answer or has picked a model that needs an SDK, never
        # beside the engine warm-up or a first extractive answer, which they slowed by seconds
        if st.session_state.turns or choice.provider != "extractive" or choice.compare:
            sidebar.prefetch_registry(settings)

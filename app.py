"""Grounded Q&A - Streamlit entry point. A thin shell: page layout and wiring only.

Everything else lives in ``ui/``: state and caching (ui.state), the sidebar (ui.sidebar),
chat and compare mode (ui.chat), sources (ui.sources), documents (ui.documents) and the
cost/health panel (ui.costs).
"""

from __future__ import annotations

import logging

import streamlit as st

from ui import (
    analysis,
    auth,
    chat,
    conversations,
    costs,
    documents,
    sidebar,
    sources,
    state,
    workspaces,
)

st.set_page_config(page_title="Grounded Q&A", page_icon="📄", layout="wide")
log = logging.getLogger("app")
auth.gate()  # with [auth] in secrets.toml: nothing of the app before sign-in (ui.auth)

st.title("Grounded Q&A")
st.caption("Answers from your documents, with the file, page and sentence behind every claim.")
# The chat box is drawn before the (cold) engine load, so a first question can be typed
# while the model loads; it is answered as soon as the engine is ready.
typed = st.chat_input("Ask a question about your documents")

try:
    settings = state.get_settings()
    sidebar.prefetch_registry(settings)  # SDK imports overlap the model load
    engine = state.get_engine(settings)
except Exception as e:  # bad settings or an unreadable index: say so, never a traceback
    log.exception("startup failed")
    st.error(
        f"Grounded Q&A could not start: {type(e).__name__}. Check the settings and the server log."
    )
    st.stop()

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

main, side = st.columns([5, 3], gap="large")
with main:  # first: the answer starts streaming before the cost chart is drawn (bench/ttft.py)
    if not st.session_state.turns and not question:
        chat.render_welcome(engine)
    chat.render_history(st.session_state.turns)
    if question:
        chat.ask(engine, choice, question)
    sources.install_citation_links()  # [n] opens source n
with side:  # after the answer, so it already includes this answer's cost
    costs.render(settings)
    analysis.render_documents(engine)  # tone per document, topics (background, cached)

"""Grounded Q&A - Streamlit entry point. A thin shell: layout and wiring only."""

from __future__ import annotations

import streamlit as st

from rag.engine import Engine
from rag.settings import load_settings

st.set_page_config(page_title="Grounded Q&A", page_icon="📄", layout="wide")


@st.cache_resource(show_spinner="Loading the index and the embedding model…")
def get_engine() -> Engine:
    engine = Engine(load_settings())
    engine.ensure_demo()
    return engine


engine = get_engine()
st.title("Grounded Q&A")
st.caption("Answers from your documents, with the file and page of every source.")

question = st.text_input("Question", placeholder="How many vacation days do employees get?")
if question.strip():
    answer = engine.ask(question)
    if answer.refused:
        st.info(answer.answer)
    else:
        st.markdown(answer.answer)
    for s in answer.sources:
        page = f", page {s.page}" if s.page else ""
        with st.expander(f"[{s.n}] {s.source}{page}"):
            st.text(s.text)

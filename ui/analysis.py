"""Per-answer tone panel, wired to rag.analysis when it is importable."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

import streamlit as st

from text import citations
from ui.text import escape_md

log = logging.getLogger(__name__)


@cache
def _interpreter() -> Callable[[str], str] | None:
    try:
        from rag.analysis.interpret import template_interpretation
        from rag.analysis.sentiment import score_text
    except Exception:  # analysis package absent or broken: the panel says so
        log.info("rag.analysis not importable; sentiment panel disabled", exc_info=True)
        return None

    def interpret(text: str) -> str:
        return str(template_interpretation(score_text(text)))

    return interpret


def available() -> bool:
    return _interpreter() is not None


def render(text: str, store: dict[int, str], idx: int, key: str) -> None:
    with st.expander("Tone of this answer (sentiment)", expanded=idx in store):
        interpret = _interpreter()
        if interpret is None:
            st.caption("Sentiment analysis is not available in this installation.")
            return
        if idx not in store and st.button("Analyse tone", key=key):
            try:
                store[idx] = interpret(citations.strip(text))
            except Exception:
                log.exception("sentiment analysis failed")
                store[idx] = "The tone could not be analysed for this answer."
        if idx in store:
            st.markdown(escape_md(store[idx]))

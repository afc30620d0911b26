"""Per-answer source list: file, page, score and the passage with the used sentences marked."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from providers.base import Source
from ui.text import answer_sentences_for, escape_label, escape_md, highlighted_passage


def source_label(s: Source) -> str:
    page = f" · page {s.page}" if s.page else ""
    # Relevance (question-passage cosine) means the same across questions; the fused score
    # is 1.000 for every question's best hit, so it is shown only when relevance is unknown.
    rel = f"relevance {s.relevance:.2f}" if s.relevance is not None else f"score {s.score:.3f}"
    return f"\\[{s.n}\\] {escape_label(s.source)}{page} · {rel}"


def render(sources: Sequence[Source], answer_text: str, cited: Sequence[int], anchor: str) -> None:
    if not sources:
        return
    st.subheader("Sources", anchor=anchor, divider=False)
    for s in sources:
        used = s.n in cited
        label = source_label(s) + (" · cited" if used else "")
        with st.expander(label, expanded=False):
            body, n_used = highlighted_passage(
                s.text, answer_sentences_for(answer_text, s.n) if used else []
            )
            st.markdown(body)
            if n_used:
                st.caption(
                    f"Highlighted: {n_used} sentence{'s' if n_used > 1 else ''} the answer used."
                )
            st.caption(f"{escape_md(s.source)}" + (f", page {s.page}" if s.page else ""))

"""On a phone the new answer is scrolled into view.

Below 640 px Streamlit stacks the page's two columns, so the cost and health panel comes
after the chat; the chat box keeps the page scrolled to its bottom, which left a phone
user looking at "Session cost" with the answer just asked out of sight above it. ui.layout
also stacks them on mid widths (a tablet, a small laptop with the sidebar open): the script
checks whether the columns are stacked. Side by side, Streamlit's own scrolling stays.
"""

from __future__ import annotations

import streamlit as st

from ui.layout import ROW_SELECTOR

# Streamlit's own breakpoint for stacking st.columns (its "mobile" width).
STACKED_BELOW_PX = 640

# No "less than" sign anywhere in this script: Streamlit's HTML sanitiser drops it.
_JS = """
<script>
(() => {
  const w = window.parent && window.parent.document ? window.parent : window;
  const turn = __TURN__;
  // Stacked: the side panel (second column) starts below the answer column (ui.layout
  // wraps them on mid widths too); without the columns, Streamlit's own breakpoint.
  const cols = w.document.querySelectorAll(__COLUMNS__);
  const stacked = cols.length === 2
    ? cols[1].getBoundingClientRect().top >= cols[0].getBoundingClientRect().bottom - 1
    : __STACKED__ > w.innerWidth;
  if (w.__gqaShownTurn === turn || !stacked) return;
  w.__gqaShownTurn = turn;
  const show = () => {
    const msgs = w.document.querySelectorAll('[data-testid="stChatMessage"]');
    // the question just asked: its answer follows it
    const q = msgs.length >= 2 ? msgs[msgs.length - 2] : msgs[msgs.length - 1];
    if (!q) return;
    q.style.scrollMarginTop = "4.5rem";  // below Streamlit's header, which covers the top
    q.scrollIntoView({block: "start"});
  };
  // after the side panel below it has been redrawn and the page has stopped growing
  setTimeout(show, 300);
  setTimeout(show, 1200);
})();
</script>
"""


def reveal_script(turn: int) -> str:
    """The script for answer ``turn``: distinct per answer, so each new one runs it once."""
    return (
        _JS.replace("__TURN__", str(int(turn)))
        .replace("__STACKED__", str(STACKED_BELOW_PX))
        .replace("__COLUMNS__", repr(f"{ROW_SELECTOR} > [data-testid='stColumn']"))
    )


SEEN_KEY = "scroll_turns_drawn"  # answers already drawn (and scrolled to) this session


def reveal_new_answer(turns: int) -> None:
    """After the chat history is drawn: on the first run that draws a new answer (the
    rerun :func:`ui.chat.ask` ends with), scroll to it; a rerun with no new answer (a
    click in the sidebar, a panel opened) leaves the reader where they are."""
    seen = st.session_state.get(SEEN_KEY, 0)
    st.session_state[SEEN_KEY] = turns
    if turns > seen:
        st.html(reveal_script(turns), unsafe_allow_javascript=True, width="content")

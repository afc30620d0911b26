"""A new question is scrolled to the top of the view, its answer under it.

The page scrolls inside Streamlit's main section (``[data-testid="stMain"]`` in 1.67), and
Streamlit leaves it where it is when a run adds to the bottom: from the second question on,
the new question and answer were drawn below the fold, with the columns side by side as
well as stacked (a phone, below 640 px, or ui.layout's wrap on mid widths, where the cost
panel under the chat was all one saw). ``scrollIntoView`` moves whichever element scrolls.

It runs as soon as the question is asked (:func:`reveal_question`, before the answer
streams in), as the page grows, and again on the rerun that draws the finished turn
(:func:`reveal_new_answer`): on a busy machine the answer is drawn seconds after the
question, when the page was too short to bring it up. A reader who scrolled, clicked or
typed meanwhile (to follow a long answer) is left there. A rerun with no new answer (a
source opened, a sidebar widget) draws no script: the view stays put.
"""

from __future__ import annotations

import streamlit as st

from ui.layout import ROW_SELECTOR

# Streamlit's own breakpoint for stacking st.columns (its "mobile" width).
STACKED_BELOW_PX = 640
# Side by side, a question already in the top part of the view (the first answer, under
# the title) stays where it is; stacked, on a small screen, it goes to the top.
IN_VIEW_SHARE = 0.4
# How long the page's growth keeps bringing the question up: a slow answer, not a reader's
# later scrolling (any wheel, touch, key or click stops it at once).
GROWTH_WATCH_MS = 30_000
STILL_MS = 2_000  # the page has not grown for this long: the turn is drawn, stop watching
# The user's chat messages (Streamlit 1.67 marks each message's avatar).
USER_MESSAGE = "[data-testid='stChatMessage']:has([data-testid='stChatMessageAvatarUser'])"

# No "less than" sign anywhere in this script: Streamlit's HTML sanitiser drops it.
_JS = """
<script>
(() => {
  const w = window.parent && window.parent.document ? window.parent : window;
  const d = w.document;
  const turn = __TURN__;
  const lastQuestion = () => {
    const qs = d.querySelectorAll(__QUESTIONS__);
    return qs.length ? qs[qs.length - 1] : null;
  };
  // Asked, then drawn again finished: Streamlit keeps the question's element. The second
  // run looks again (on a busy machine the answer comes seconds after the question, when
  // the page was too short to bring the question up) unless the reader took over.
  const q0 = lastQuestion();
  if (!q0 || (q0.__gqaShownTurn === turn && q0.__gqaMoved)) return;
  const again = q0.__gqaShownTurn === turn;
  q0.__gqaShownTurn = turn;
  // Stacked: the side panel (second column) starts below the answer column; without the
  // columns, Streamlit's own breakpoint.
  const cols = d.querySelectorAll(__COLUMNS__);
  const stacked = cols.length === 2
    ? cols[1].getBoundingClientRect().top >= cols[0].getBoundingClientRect().bottom - 1
    : __STACKED__ > w.innerWidth;
  // the reader scrolled or clicked: leave them where they are, on this run and the next
  const stop = () => { q0.__gqaMoved = true; };
  for (const e of again ? [] : ["wheel", "touchmove", "keydown", "mousedown"]) {
    w.addEventListener(e, stop, {once: true, passive: true});
  }
  const show = () => {
    const q = lastQuestion();
    if (q0.__gqaMoved || !q) return;
    q.style.scrollMarginTop = "4.5rem";  // below Streamlit's header, which covers the top
    const top = q.getBoundingClientRect().top;
    if (!stacked && top >= 0 && __SHARE__ * w.innerHeight >= top) return;  // in view
    q.scrollIntoView({block: "start"});
  };
  // again as the answer and the panels under it grow: the page may be too short at first,
  // and on a busy machine the answer is drawn well after any fixed delay (a scroll at 3 s
  // left the second answer half below the fold), so every growth of the page calls it too
  for (const ms of [300, 1200, 3000]) setTimeout(show, ms);
  // (until it has been still for a while: the turn is drawn)
  const content = d.querySelector('[data-testid="stMain"]');
  if (content && w.ResizeObserver) {
    let still = null;
    const grown = new w.ResizeObserver(() => {
      show();
      clearTimeout(still);
      still = setTimeout(() => grown.disconnect(), __STILL_MS__);
    });
    for (const child of content.children) grown.observe(child);
    setTimeout(() => grown.disconnect(), __WATCH_MS__);
  }
})();
</script>
"""


def reveal_script(turn: int) -> str:
    """The script for answer ``turn``: distinct per answer, so each new one runs it once."""
    return (
        _JS.replace("__TURN__", str(int(turn)))
        .replace("__STACKED__", str(STACKED_BELOW_PX))
        .replace("__SHARE__", str(IN_VIEW_SHARE))
        .replace("__WATCH_MS__", str(GROWTH_WATCH_MS))
        .replace("__STILL_MS__", str(STILL_MS))
        .replace("__COLUMNS__", repr(f"{ROW_SELECTOR} > [data-testid='stColumn']"))
        .replace("__QUESTIONS__", repr(USER_MESSAGE))
    )


SEEN_KEY = "scroll_turns_drawn"  # answers already drawn (and scrolled to) this session


def _inject(turn: int) -> None:
    st.html(reveal_script(turn), unsafe_allow_javascript=True, width="content")


def reveal_question(turn: int) -> None:
    """Right after question ``turn`` is drawn (ui.chat.ask): bring it to the top while its
    answer streams in under it."""
    _inject(turn)


def reveal_new_answer(turns: int) -> None:
    """After the chat history is drawn: on the first run that draws a new answer (the
    rerun :func:`ui.chat.ask` ends with), scroll to it unless :func:`reveal_question` did;
    a rerun with no new answer (a click in the sidebar, a panel opened) leaves the reader
    where they are."""
    seen = st.session_state.get(SEEN_KEY, 0)
    st.session_state[SEEN_KEY] = turns
    if turns > seen:
        _inject(turns)

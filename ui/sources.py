"""Per-answer source list: file, page, score and the passage with the used sentences marked."""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

import streamlit as st

from providers.base import Source
from rag.answer import Answer
from rag.places import place
from rag.preview import close_up, document_page_text, is_pdf, page_preview, passage_context
from text.quotes import answer_sentences_for, used_sentences
from ui.layout import EVIDENCE_CLASS, PHONE_MAX_PX
from ui.text import (
    escape_label,
    escape_md,
    highlighted_passage,
    split_sentences,
)

log = logging.getLogger(__name__)


def source_label(s: Source) -> str:
    where = place(s.source, s.page)
    page = f" · {where}" if where else ""
    # Relevance (question-passage cosine) means the same across questions; the fused score
    # is 1.000 for every question's best hit, so it is shown only when relevance is unknown.
    # (a cosine can dip below 0 for an unrelated passage: "none" reads better than -0.11)
    # A document's opening, there because the question asked about the whole document,
    # would read "relevance 0.00" (the cosine of "What is it about?" and any passage is low).
    if s.opens_document:
        rel = "opening of the document"
    elif s.relevance is not None:
        rel = f"relevance {max(s.relevance, 0.0):.2f}"
    else:
        rel = f"score {s.score:.3f}"
    return f"\\[{s.n}\\] {escape_label(s.source)}{page} · {rel}"


# The passages the answer cites come first (a newcomer read [1] as the best source while
# the answer cited [2]); each keeps its number, and the rest follow in the search's order
# (meaning and keywords fused, then re-ranked), so a lower relevance can sit above a higher
# one: say what each is.
SOURCES_HELP = (
    "The passages the answer cites come first, then the others in the search's order: "
    "meaning and keywords combined, then re-ranked. "
    "Relevance is how close a passage's meaning is to the question (0 to 1, comparable "
    "across questions), so a passage with the exact words can rank above a closer paraphrase. "
    "'cited' marks the passages the answer's [n] citations point to; the others were "
    "found but not used. A question about a whole document is answered from its opening, "
    "marked 'opening of the document'."
)


# A refused answer's hits did not answer it: "Sources" said they had (the export already
# writes them as "Searched: ...", never as sources).
SEARCHED_HEADING = "Passages searched"
SEARCHED_HELP = (
    "None of these passages answers the question: they are the closest the search found, "
    "listed so you can check. Relevance is how close a passage's meaning is to the question "
    "(0 to 1, comparable across questions)."
)


def listed_order(sources: Sequence[Source], cited: Sequence[int]) -> list[Source]:
    """The cited passages first, then the others, each group in the search's order."""
    return sorted(sources, key=lambda s: s.n not in cited)  # sorted() is stable


def render(
    sources: Sequence[Source],
    answer_text: str,
    cited: Sequence[int],
    anchor: str,
    refused: bool = False,
    paths: Mapping[str, str] | None = None,
) -> None:
    """``paths``: doc id -> file, looked up once for a whole conversation by the caller
    (per source it was a third of every rerun's time in a 20-question conversation)."""
    if not sources:
        return
    if paths is None:
        paths = doc_paths()
    heading, help_text = (SEARCHED_HEADING, SEARCHED_HELP) if refused else ("Sources", SOURCES_HELP)
    st.subheader(heading, anchor=anchor, divider=False, help=help_text)
    for s in listed_order(sources, cited):
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
            where = place(s.source, s.page)
            st.caption(f"{escape_md(s.source)}" + (f", {where}" if where else ""))
            render_preview(s, answer_text if used else None, f"{anchor}_{s.n}", paths)


def render_grounding(a: Answer) -> None:
    """The grounding check of a generated answer: a badge, and each unsupported sentence."""
    g = a.grounding
    if not g or not g["total"]:
        return  # extractive answers quote their sources: nothing to check
    ok = g["supported"] == g["total"] and not g.get("bad_citations")
    st.badge(
        f"supported: {g['supported']}/{g['total']} sentences",
        icon=":material/verified:" if ok else ":material/warning:",
        color="green" if ok else "orange",
    )
    for s in g.get("unsupported", []):
        st.caption(f":orange[Not supported by its cited sources:] {escape_md(s['text'])}")
    if g.get("bad_citations"):
        cites = ", ".join(f"[{n}]" for n in g["bad_citations"])
        st.caption(f":orange[Citations that point at no source:] {escape_md(cites)}")


# --- evidence: open the cited source, page preview (issue 16) --------------------------------
_CITATION_JS = """
<script>
(() => {
  const w = window.parent && window.parent.document ? window.parent : window;
  if (w.__gqaCitations) return;
  w.__gqaCitations = true;
  // [n] in an answer links to "#sources-TURN": open source n's expander and scroll to it.
  // (No "less than" sign anywhere in this script: Streamlit's HTML sanitiser drops it.)
  w.document.addEventListener("click", (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href*="#sources-"]');
    if (!a) return;
    const id = (a.getAttribute("href") || "").split("#")[1];
    const n = ((a.textContent || "").match(/\\d+/) || [])[0];
    const head = id && w.document.getElementById(id);
    if (!head || !n) return;
    ev.preventDefault();
    ev.stopPropagation();
    let el = head.closest('[data-testid="stElementContainer"]') || head;
    while ((el = el.nextElementSibling)) {
      const ex = el.matches('[data-testid="stExpander"]')
        ? el : el.querySelector('[data-testid="stExpander"]');
      if (!ex) { if (el.querySelector("h1, h2, h3")) break; continue; }
      const summary = ex.querySelector("summary");
      const label = summary ? (summary.textContent.match(/\\[(\\d+)\\]/) || [])[1] : null;
      if (label !== n) continue;
      const details = ex.querySelector("details");
      if (details && !details.open) summary.click();
      setTimeout(() => ex.scrollIntoView({behavior: "smooth", block: "start"}), 60);
      summary.focus({preventScroll: true});
      break;
    }
  }, true);
})();
</script>
"""


def install_citation_links() -> None:
    """Once per page: clicking ``[n]`` opens source n's expander and scrolls to it."""
    st.html(_CITATION_JS, unsafe_allow_javascript=True, width="content")


@st.cache_data(ttl=10, show_spinner=False)
def _paths(_settings_key: str) -> dict[str, str]:
    from ui.state import get_engine, get_settings

    return {d.doc_id: d.path for d in get_engine(get_settings()).docs()}


def doc_paths() -> dict[str, str]:
    """Doc id -> file, once the engine is ready (a reopened conversation draws before it is:
    its previews appear on the next run)."""
    from ui.state import get_settings, ready_engine, settings_key

    settings = get_settings()
    return {} if ready_engine(settings) is None else _paths(settings_key(settings))


def _used_in(s: Source, answer_text: str | None) -> list[str]:
    """The passage sentences to mark: those the answer used; all of them when none."""
    sentences = split_sentences(s.text)
    if answer_text:
        flags = used_sentences(s.text, answer_sentences_for(answer_text, s.n))
        used = [x for x, f in zip(sentences, flags, strict=True) if f]
        if used:
            return used
    return sentences


def render_preview(s: Source, answer_text: str | None, key: str, paths: Mapping[str, str]) -> None:
    """A toggle that shows the evidence in place: the PDF page with the sentences
    highlighted, or for other files the passage within its document's text."""
    path = paths.get(s.doc_id)
    if not path or not Path(path).is_file():
        return
    pdf = is_pdf(path) and s.page is not None
    label = f"Show page {s.page}" if pdf else "Show in the document"
    if not st.toggle(label, key=f"preview_{key}", help="See the cited sentence in its page"):
        return
    try:
        if pdf:  # an uncited source: its whole passage is boxed, to find it on the page
            _pdf_preview(path, int(s.page or 1), _used_in(s, answer_text), s.source, key)
        else:  # the passage stands out from its grey context; used sentences are marked
            _text_preview(path, s, _used_in(s, answer_text) if answer_text else [])
    except Exception:  # a preview must never break the answer
        log.exception("preview failed for %s", s.source)
        st.caption("This page could not be shown.")


# On a phone the page fits the column's width (the cited text is already readable above it;
# the page shows where it sits), and "Zoom in" draws it at a readable size (never below
# READABLE_SHARE of its pixels: 10 pt text stays ~10 px high) that scrolls sideways. Always
# readable-and-scrolled cut the highlighted line off mid-word at the right edge, with no sign
# there was more. The zoom is a plain checkbox, so it needs no rerun and works from the
# keyboard. On a desktop the answer column widens for an open page (ui.layout), which is
# drawn at its own size at most (never blown up, blurred) and shows no zoom.
READABLE_SHARE = 0.7
ZOOM_LABEL = "Zoom in (scroll sideways)"

_READABLE_CSS = f"""<style>
.gqa-evidence .gqa-page {{ overflow-x: auto; }}
.gqa-evidence img {{ width: 100%; max-width: var(--natural-px); display: block; }}
.gqa-evidence .gqa-zoom, .gqa-evidence .gqa-zoom-label {{ display: none; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  .gqa-evidence .gqa-zoom {{ display: inline-block; margin: 0 0.4rem 0.5rem 0; }}
  .gqa-evidence .gqa-zoom-label {{ display: inline; font-size: 0.9rem; }}
  .gqa-evidence .gqa-zoom:checked ~ .gqa-page img {{ width: max(100%, var(--readable-px)); }}
}}
</style>"""


def _readable_image(png: bytes, width: int, alt: str, key: str) -> None:
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    zoom = f"gqa-zoom-{escape(key)}"
    st.html(
        f'{_READABLE_CSS}<div class="{EVIDENCE_CLASS}" style="--readable-px:'
        f'{round(width * READABLE_SHARE)}px; --natural-px:{width}px">'
        f'<input type="checkbox" class="gqa-zoom" id="{zoom}">'
        f'<label class="gqa-zoom-label" for="{zoom}">{ZOOM_LABEL}</label>'
        f'<div class="gqa-page"><img src="{src}" alt="{escape(alt)}"></div></div>'
    )


def _pdf_preview(path: str, page: int, sentences: list[str], name: str, key: str) -> None:
    from ui.state import get_settings

    pv = page_preview(path, page, sentences, ocr_cache_dir=get_settings().ocr_cache_dir)
    strip = close_up(pv)  # on a long page: the highlighted lines first, the page on demand
    if strip is None:
        _readable_image(pv.png, pv.width, f"Page {page} of {name}", key)
    else:
        _readable_image(strip, pv.width, f"The highlighted lines on page {page} of {name}", key)
        if st.toggle(f"Whole page {page}", key=f"whole_{key}"):  # the overview
            # named like the page above (st.image drew it with an empty alt: a screen reader
            # skipped it), and on a phone fitting the screen with its own zoom
            _readable_image(pv.png, pv.width, f"Page {page} of {name}", f"{key}_whole")
    if pv.found < pv.wanted:
        where = (
            "what OCR read on this scanned page (a page read before word positions were kept: "
            "remove the file and add it again)"
            if pv.scanned
            else "the page's text layer (an unusual font or layout)"
        )
        missing = f"{pv.wanted - pv.found} of {pv.wanted} sentences"
        st.caption(f"{missing} could not be found in {where}, so they are not highlighted.")


def _text_preview(path: str, s: Source, sentences: list[str]) -> None:
    ctx = passage_context(document_page_text(path, s.page), s.text)
    with st.container(border=True):
        if ctx is None:
            body, _ = highlighted_passage(s.text, sentences)
            st.markdown(body)
            return
        # The passage as it was cut (its line breaks kept), not as found in the flattened
        # page: a slide table's rows are sentences only while they are lines.
        body, _ = highlighted_passage(s.text, sentences)
        st.markdown(f"{_grey(ctx.before)} {body} {_grey(ctx.after)}".strip())


def _grey(context: str) -> str:
    """The text around a passage, grey, each of its lines its own line (Markdown hard breaks):
    a heading above the passage stays a heading line instead of running into the text."""
    return "  \n".join(
        f":gray[{escape_md(line)}]" if line.strip() else "" for line in context.split("\n")
    )

"""Chat: history, streamed answers with citations, follow-ups in context, compare mode."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence

import streamlit as st

from rag.answer import Answer
from rag.catalog import spec_label
from rag.engine import Engine
from rag.scope import searched_within
from rag.session import ChatSession, Choice, Turn
from rag.settings import Settings
from text.phrases import listed
from ui import analysis, conversations, documents, scroll, sources
from ui.listing import answer_markdown
from ui.notes import fallback_note, meta_line, name_of, read_as_note
from ui.provenance import answer_notes, answered_by, part_attempts, part_label
from ui.state import chat_session, get_engine, ready_engine
from ui.text import escape_md, link_citations
from ui.within import WITHIN_NOTE

log = logging.getLogger(__name__)

# Picking a file in Ask within searches that file alone: "pick demo files to include them"
# read as "add them to mine", and a walk's next question searched one demo file only.
OWN_ONLY_NOTE = (
    "Only your own documents were searched, not the demo's. To search both, pick the files "
    "you want in Ask within, yours and the demo's (Ask within searches just what is picked)."
)


def wait_for_engine(settings: Settings, question: str) -> Engine:
    """A question asked while the engine warms up: shown, waiting under a spinner (then
    answered by :func:`ask`, which draws it again in its place)."""
    slot = st.empty()
    with slot.container():
        with st.chat_message("user"):
            st.markdown(escape_md(question))
        with st.spinner("Loading the documents…"):
            engine = get_engine(settings)
    slot.empty()
    return engine


@st.fragment(run_every=1)
def _poll_engine(settings: Settings) -> None:
    try:
        ready = ready_engine(settings) is not None
    except Exception:  # a failed start: the full run shows the error
        ready = True
    if ready:
        st.rerun(scope="app")


def render_loading(settings: Settings) -> None:
    st.info(
        "Loading the documents and the search model… You can type your question now: it is "
        "answered as soon as they are ready.",
        icon=":material/hourglass_top:",
    )
    _poll_engine(settings)


def take_question(typed: str | None) -> str | None:
    """The typed question, or a suggested one; blank questions are ignored. A question whose
    answer a rerun stopped half-way comes first (the new one waits for it): Streamlit reruns
    the page the moment the next question is typed (or anything is clicked), which stopped
    the answer and lost its question."""
    ss = st.session_state
    q = ss.pop("pending_question", None) or typed
    q = q.strip() if q and q.strip() else None
    stopped = ss.get(conversations.ANSWERING)
    if stopped and q and q != stopped:
        ss.pending_question = q  # asked by the rerun that follows the stopped one's answer
    q = stopped or q
    if q:
        ss[conversations.ANSWERING] = q
    return q


# --- rendering -----------------------------------------------------------------------------
def render_nothing_to_answer(a: Answer, indexing: int = 0) -> None:
    """No passage to answer from, or "hi": no provider was asked. Said plainly, how to go on."""
    if a.no_sources == "small_talk":
        st.markdown(escape_md(a.answer))
    else:
        st.info(escape_md(a.answer), icon=":material/folder_off:")
    how = ""
    if a.no_sources == "no_documents" and not indexing:  # an upload on its way says enough
        how = "Add documents in the sidebar, under Documents. "
    st.caption(f"{how}No model was asked, so this cost nothing.")


def indexing_note(n: int) -> str:
    one = n == 1
    docs = "1 document was" if one else f"{n} documents were"
    return (
        f"{docs} still being indexed when this was asked, so the answer could not use "
        f"{'it' if one else 'them'}: ask again when {'it is' if one else 'they are'} done."
    )


def render_answer_body(
    a: Answer, anchor: str | None, indexing: int = 0, fallback_shown: bool = False
) -> None:
    """``fallback_shown``: the fallback note is already under a compare column's heading."""
    if a.no_sources:
        render_nothing_to_answer(a, indexing)
        return
    if a.refused:
        # "Not enough information" is an answer, not an error.
        st.info(escape_md(a.answer), icon=":material/search_off:")
    else:
        st.markdown(link_citations(answer_markdown(a.answer), anchor))  # a list as one
    if a.read_as:  # misspelt words were answered as the documents spell them: say so
        st.caption(read_as_note(a.question, a.read_as))
    consensus = bool(a.consensus_of) and a.consensus_method != "single"
    # a consensus: every provider's call, as its cost row counts it ("0 tokens · $0" hid them)
    tokens, cost = a.spent() if consensus else (a.usage.total_tokens, a.cost_usd)
    cached = a.cached or (consensus and all(p["cached"] for p in a.consensus_of or ()))
    tried = () if consensus else a.attempts  # the failed providers' wait is named
    st.caption(meta_line(a.provider, a.model, a.latency_ms, tokens, cost, cached, consensus, tried))
    sources.render_grounding(a)  # its check against the sources it cites
    render_consensus_parts(a)
    for note in answer_notes(a, with_fallback=not fallback_shown):
        st.caption(f"↪ {note}")


def render_heading(a: Answer) -> None:
    """A compare column: headed by the provider asked, and right under it, plainly, whether
    another answered in its place."""
    st.markdown(f"**{escape_md(spec_label(a.asked))}**")
    _replaced_note(a)


def _replaced_note(a: Answer) -> None:
    """Under a compare column's heading: the provider asked failed and another answered."""
    note = fallback_note(a.attempts, a.provider)
    if note:
        st.caption(f":orange[:material/swap_horiz:] {note}")


def render_consensus_parts(a: Answer) -> None:
    parts = a.consensus_of
    if not parts or a.consensus_method == "single":  # one answer: it is the answer shown
        return
    heard = answered_by(parts)
    with st.expander(
        f"Consensus of {len(heard)} providers ({listed(heard)}): each one's own answer"
    ):
        for p in parts:
            st.markdown(f"**{escape_md(part_label(p))}**")
            note = fallback_note(part_attempts(p), p["provider"])
            if note:
                st.caption(f"↪ {note}")
            if not p.get("counted", True):
                st.caption(f"Its answer is {name_of(p['provider'])}'s: counted once.")
                continue
            st.markdown(escape_md(p["answer"]))
            st.caption(
                meta_line(
                    p["provider"],
                    p["model"],
                    p["latency_ms"],
                    p["tokens"],
                    p["cost_usd"],
                    p["cached"],
                )
            )


def render_turn(t: Turn, paths: Mapping[str, str]) -> None:
    with st.chat_message("user"):
        st.markdown(escape_md(t.question))
    with st.chat_message("assistant"):
        scope = searched_within(t)
        if scope:  # the user judges the answer knowing it did not search everything
            st.caption(f":material/filter_alt: {escape_md(scope)}")
        if t.indexing:  # an upload was on its way: the answer may be missing what it holds
            st.caption(f":material/hourglass_top: {indexing_note(t.indexing)}")
        if len(t.answers) == 1:
            a = t.answers[0]
            anchor = f"sources-{t.id}"
            render_answer_body(a, anchor, t.indexing)
            if a.refused and t.own_only:
                st.caption(f":material/info: {OWN_ONLY_NOTE}")
            sources.render(a.sources, a.answer, a.cited, anchor, refused=a.refused, paths=paths)
            # the tone of "there are no documents" or of the canned refusal says nothing
            if not (a.no_sources or a.refused):
                analysis.render(
                    a.answer, t.sentiment, 0, f"tone_{t.id}_0", f"{a.provider}:{a.model}", t
                )
        elif t.answers:
            cols = st.columns(len(t.answers))
            for i, (col, a) in enumerate(zip(cols, t.answers, strict=True)):
                with col:
                    render_heading(a)
                    render_answer_body(a, f"sources-{t.id}", t.indexing, fallback_shown=True)
                    if not (a.no_sources or a.refused):
                        spec = f"{a.provider}:{a.model}"
                        analysis.render(a.answer, t.sentiment, i, f"tone_{t.id}_{i}", spec, t)
            cited = sorted({n for a in t.answers for n in a.cited})
            sources.render(
                t.answers[0].sources,
                " ".join(a.answer for a in t.answers),
                cited,
                f"sources-{t.id}",
                refused=all(a.refused for a in t.answers),
                paths=paths,
            )


def render_history(turns: Sequence[Turn]) -> None:
    paths = sources.doc_paths() if turns else {}
    for t in turns:
        render_turn(t, paths)


# --- asking --------------------------------------------------------------------------------
def _stream_into(placeholder: st.delta_generator.DeltaGenerator, items: Iterable[object]) -> object:
    """Show text deltas as they arrive (escaped); return the final non-text item."""
    shown = ""
    final: object = None
    last = 0.0
    for item in items:
        if isinstance(item, str):
            shown += item
            now = time.perf_counter()
            if now - last > 0.03:  # a few repaints a second is smooth; every token is noise
                placeholder.markdown(escape_md(shown) + " ▌")
                last = now
        else:
            final = item
    placeholder.markdown(escape_md(shown))  # no cursor; the rerun redraws it in full
    return final


def ask(engine: Engine, choice: Choice, question: str, keyless: bool = False) -> None:
    """``keyless``: the provider picked needs an API key that is not set (it is skipped)."""
    session = chat_session(engine)
    turn = session.new_turn(question)
    # uploads it cannot use yet: said with it
    turn.indexing = documents.still_indexing(engine.settings.workspace)
    with st.chat_message("user"):
        st.markdown(escape_md(question))
    scroll.reveal_question(len(st.session_state.turns) + 1)  # now, not once it is answered
    with st.chat_message("assistant"):
        try:
            if choice.compare and choice.consensus:
                _ask_consensus(session, choice, turn)
            elif choice.compare:
                _ask_compare(session, choice, turn)
            else:
                _ask_one(session, choice, turn, keyless)
        except Exception:
            st.session_state.pop(conversations.ANSWERING, None)  # failed, not stopped
            log.exception("answering failed")
            st.warning("Sorry, something went wrong while answering. Please try again.")
            return
    session.finish(turn)
    st.session_state.pop(conversations.ANSWERING, None)  # answered: nothing to resume
    st.session_state.pop(WITHIN_NOTE, None)  # said once; the new question has its own scope
    conversations.on_turn(engine.settings, turn)  # saved conversations (ui.conversations)
    st.rerun()  # draw the finished turn (sources, panels) through the one history renderer


def waiting_text(choice: Choice, keyless: bool = False) -> str:
    """What the spinner says until the first words: a stalled provider kept the page on
    "Searching the documents…" for a minute after the search had taken under a second. A
    provider without its API key is skipped, not waited for (a walk saw "waiting for OpenAI"
    before every extractive answer)."""
    from rag.routing import is_local

    name = choice.provider.partition(":")[0]
    if name == "extractive" or keyless or (choice.sensitive and not is_local(choice.provider)):
        return "Searching the documents…"
    return f"Searching the documents, then waiting for {spec_label(choice.provider)}…"


def _ask_one(session: ChatSession, choice: Choice, turn: Turn, keyless: bool = False) -> None:
    placeholder = st.empty()
    with st.spinner(waiting_text(choice, keyless)):
        events = session.ask_stream(turn, choice)
        first = next(events)  # retrieval happens before the first delta
    _stream_into(placeholder, _chain_first(first, events))


def _ask_consensus(session: ChatSession, choice: Choice, turn: Turn) -> None:
    """N providers answer one retrieval; one synthesises the claims the sources support."""
    with st.spinner(f"Asking {len(choice.compare)} providers and building a consensus…"):
        _, note = session.consensus(turn, choice)
    if note:
        st.info(note)


def _chain_first(first: object, rest: Iterable[object]) -> Iterable[object]:
    yield first
    yield from rest


def _ask_compare(session: ChatSession, choice: Choice, turn: Turn) -> None:
    """One retrieval, then each provider answers the same request, side by side."""
    cols = st.columns(len(choice.compare))
    for (spec, stream), col in zip(session.compare(turn, choice), cols, strict=True):
        with col:
            st.markdown(f"**{escape_md(spec_label(spec))}**")
            placeholder = st.empty()
        answer = _stream_into(placeholder, stream)
        assert isinstance(answer, Answer)
        with col:
            # said as soon as it is known; the redraw puts it under the heading
            _replaced_note(answer)
            render_answer_body(answer, None, fallback_shown=True)

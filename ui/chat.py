"""Chat: history, streamed answers with citations, follow-ups in context, compare mode."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence

import streamlit as st

from providers.base import Message, Provider, Request, Response
from providers.usage import UsageTracker
from rag.answer import Answer, build_request, contextualize, finish
from rag.engine import Engine
from rag.prompts import rewrite_messages
from ui import analysis, sources
from ui.notes import fallback_note, meta_line, name_of
from ui.sidebar import Choice
from ui.state import Tuned, Turn, first_remote, get_chain, session_keys
from ui.text import escape_md, link_citations

log = logging.getLogger(__name__)

EXAMPLES = (
    "What is the nightly hotel limit in London?",
    "How many vacation days do employees get?",
)
HISTORY_TURNS = 3  # previous exchanges sent with a follow-up


def _suggest(q: str) -> None:
    st.session_state.pending_question = q


def render_welcome(engine: Engine) -> None:
    docs = engine.docs()
    st.info(
        f"{len(docs)} documents are indexed (a demo company's handbook, FAQ, release notes and "
        "travel policy). Ask anything about them, or try an example. No API key needed."
    )
    cols = st.columns(len(EXAMPLES))
    for i, (col, q) in enumerate(zip(cols, EXAMPLES, strict=True)):
        col.button(q, key=f"example_{i}", on_click=_suggest, args=(q,), icon=":material/lightbulb:")


def take_question(typed: str | None) -> str | None:
    """The typed question, or a suggested one; blank questions are ignored."""
    q = st.session_state.pop("pending_question", None) or typed
    return q.strip() if q and q.strip() else None


# --- rendering -----------------------------------------------------------------------------
def render_answer_body(a: Answer, anchor: str | None) -> None:
    if a.refused:
        # "Not enough information" is an answer, not an error.
        st.info(escape_md(a.answer), icon=":material/search_off:")
    else:
        st.markdown(link_citations(escape_md(a.answer), anchor))
    st.caption(
        meta_line(a.provider, a.model, a.latency_ms, a.usage.total_tokens, a.cost_usd, a.cached)
    )
    render_grounding(a)
    render_consensus_parts(a)
    note = fallback_note(a.attempts, a.provider)
    if note:
        st.caption(f"↪ {note}")


def render_consensus_parts(a: Answer) -> None:
    parts = a.extra.get("consensus_of")
    if not parts:
        return
    with st.expander(f"Consensus of {len(parts)} answers: each provider's own answer"):
        for p in parts:
            st.markdown(f"**{escape_md(name_of(p['provider']))}**")
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


def render_grounding(a: Answer) -> None:
    """The grounding check of a generated answer: a badge, and each unsupported sentence."""
    g = a.extra.get("grounding")
    if not g or not g.get("total"):
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


def render_turn(t: Turn) -> None:
    with st.chat_message("user"):
        st.markdown(escape_md(t.question))
    with st.chat_message("assistant"):
        if len(t.answers) == 1:
            a = t.answers[0]
            anchor = f"sources-{t.id}"
            render_answer_body(a, anchor)
            sources.render(a.sources, a.answer, a.cited, anchor)
            analysis.render(a.answer, t.sentiment, 0, key=f"tone_{t.id}_0")
        elif t.answers:
            cols = st.columns(len(t.answers))
            for i, (col, a) in enumerate(zip(cols, t.answers, strict=True)):
                with col:
                    st.markdown(f"**{escape_md(name_of(a.provider))}**")
                    render_answer_body(a, f"sources-{t.id}")
                    analysis.render(a.answer, t.sentiment, i, key=f"tone_{t.id}_{i}")
            cited = sorted({n for a in t.answers for n in a.cited})
            sources.render(
                t.answers[0].sources,
                " ".join(a.answer for a in t.answers),
                cited,
                f"sources-{t.id}",
            )


def render_history(turns: Sequence[Turn]) -> None:
    for t in turns:
        render_turn(t)


# --- asking --------------------------------------------------------------------------------
def history_messages(turns: Sequence[Turn]) -> list[Message]:
    out: list[Message] = []
    for t in turns[-HISTORY_TURNS:]:
        if t.answers:
            out += [Message("user", t.question), Message("assistant", t.answers[0].answer)]
    return out


def make_rewriter(
    p: Provider, usage: UsageTracker, spent: list[Response]
) -> Callable[[str, Sequence[Message]], str]:
    """Follow-up -> standalone question with the chosen model; history heuristic if it fails."""

    def rewrite(question: str, history: Sequence[Message]) -> str:
        try:
            system, messages = rewrite_messages(question, history)
            resp = p.generate(
                Request(
                    messages=messages, system=system, temperature=0.0, max_tokens=96, timeout_s=10
                )
            )
            usage.record(p.name, resp.model or p.model, resp.usage, resp.cost_usd)
            spent.append(resp)
            text = (resp.text or "").strip().splitlines()
            return text[0].strip() if text and text[0].strip() else contextualize(question, history)
        except Exception as e:  # never let the rewrite cost the answer
            log.info("question rewrite failed (%s); using the history heuristic", type(e).__name__)
            return contextualize(question, history)

    return rewrite


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


def _record_cost(turn: Turn, a: Answer, extra: Sequence[Response] = ()) -> None:
    tokens = a.usage.total_tokens + sum(r.usage.total_tokens for r in extra)
    cost = a.cost_usd
    for r in extra:
        cost = None if cost is None or r.cost_usd is None else cost + r.cost_usd
    st.session_state.costs.append(
        {
            "answer": len(st.session_state.costs) + 1,
            "turn": turn.id,
            "provider": f"{a.provider}:{a.model}" if a.model else a.provider,
            "tokens": tokens,
            "cost_usd": cost,
            "latency_ms": round(a.latency_ms),
        }
    )


def ask(engine: Engine, choice: Choice, question: str) -> None:
    turns: list[Turn] = st.session_state.turns
    turn = Turn(id=(turns[-1].id + 1) if turns else 1, question=question)
    history = history_messages(turns)
    with st.chat_message("user"):
        st.markdown(escape_md(question))
    with st.chat_message("assistant"):
        try:
            if choice.compare and choice.consensus:
                _ask_consensus(engine, choice, turn)
            elif choice.compare:
                _ask_compare(engine, choice, turn, history)
            else:
                _ask_one(engine, choice, turn, history)
        except Exception:
            log.exception("answering failed")
            st.warning("Sorry, something went wrong while answering. Please try again.")
            return
    turns.append(turn)
    st.rerun()  # draw the finished turn (sources, panels) through the one history renderer


def _ask_one(engine: Engine, choice: Choice, turn: Turn, history: list[Message]) -> None:
    keys = session_keys()
    chain = get_chain(engine, choice.provider, choice.fallback, keys, choice.sensitive)
    remote = first_remote(chain)
    spent: list[Response] = []
    rewrite = make_rewriter(remote, st.session_state.usage, spent) if remote and history else None
    placeholder = st.empty()
    with st.spinner("Searching the documents…"):
        events = engine.ask_stream(
            turn.question,
            k=choice.top_k,
            provider=Tuned(chain, choice.temperature),
            history=history,
            rewrite=rewrite,
        )
        first = next(events)  # retrieval happens before the first delta
    answer = _stream_into(placeholder, _chain_first(first, events))
    assert isinstance(answer, Answer)
    turn.answers.append(answer)
    _record_cost(turn, answer, spent)


def _ask_consensus(engine: Engine, choice: Choice, turn: Turn) -> None:
    """N providers answer one retrieval; one synthesises the claims the sources support."""
    from rag.consensus import consensus_from_settings
    from rag.routing import is_local

    specs = [s for s in choice.compare if is_local(s)] if choice.sensitive else choice.compare
    if len(specs) < 2:
        st.info("Consensus needs two providers (sensitive mode keeps only local ones).")
        specs = specs or ["extractive"]
    with st.spinner(f"Asking {len(specs)} providers and building a consensus…"):
        result = consensus_from_settings(
            engine,
            turn.question,
            specs,
            keys=session_keys(),
            session_id=st.session_state.session_id,
            k=choice.top_k,
        )
    answer = result.answer
    answer.extra["consensus_of"] = [
        {
            "provider": a.provider,
            "model": a.model,
            "answer": a.answer,
            "latency_ms": a.latency_ms,
            "tokens": a.usage.total_tokens,
            "cost_usd": a.cost_usd,
            "cached": a.cached,
        }
        for a in result.answers
    ]
    answer.extra["consensus_method"] = result.method
    turn.answers.append(answer)
    _record_cost(turn, answer, result.answers)  # type: ignore[arg-type]  # same usage/cost fields


def _chain_first(first: object, rest: Iterable[object]) -> Iterable[object]:
    yield first
    yield from rest


def _ask_compare(engine: Engine, choice: Choice, turn: Turn, history: list[Message]) -> None:
    """One retrieval, then each provider answers the same request, side by side."""
    settings = engine.settings
    search_query = contextualize(turn.question, history) if history else turn.question
    retrieval = engine.retrieve(search_query, choice.top_k)
    request = build_request(
        turn.question,
        retrieval,
        history,
        temperature=choice.temperature,
        max_tokens=settings.max_tokens,
        timeout_s=settings.request_timeout_s,
        search_query=search_query,
    )
    keys = session_keys()
    cols = st.columns(len(choice.compare))
    for spec, col in zip(choice.compare, cols, strict=True):
        chain = get_chain(engine, spec, [], keys, choice.sensitive)
        with col:
            st.markdown(f"**{escape_md(spec)}**")
            placeholder = st.empty()
        started = time.perf_counter()
        resp = _stream_into(placeholder, chain.stream(request))
        assert isinstance(resp, Response)
        answer = finish(turn.question, request, resp, started, retrieval, search_query)
        turn.answers.append(answer)
        _record_cost(turn, answer)
        with col:
            render_answer_body(answer, None)

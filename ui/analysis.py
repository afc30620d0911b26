"""Per-answer tone panel and the Documents view (tone per document, topic clusters).

The tone panel asks the model that wrote the answer for the interpretation (labelled, with
its cost) and uses the offline template when that is the extractive answerer or fails. The
Documents view is computed in a background thread once per index generation (after an
ingest) and cached on disk by rag.analysis.documents.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import streamlit as st

from rag.engine import Engine
from text import citations
from text.phrases import tokens_phrase
from ui.notes import KIND_PHRASES, money, name_of
from ui.text import escape_md

log = logging.getLogger(__name__)

_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="doc-analysis")
_jobs: dict[tuple[str, int], Future[Any]] = {}
_jobs_lock = threading.Lock()


def available() -> bool:
    try:
        import rag.analysis.tone  # noqa: F401
    except Exception:  # analysis package absent or broken: the panel says so
        log.info("rag.analysis not importable; sentiment panel disabled", exc_info=True)
        return False
    return True


def _chain_for(spec: str | None) -> Any:
    """The session's chain for the answering model, or None (template) for extractive."""
    if not spec or spec.split(":", 1)[0] in ("extractive", "none"):
        return None
    from ui.state import chat_session, get_engine, get_settings

    sensitive = bool(st.session_state.get("sensitive", False))
    return chat_session(get_engine(get_settings())).chain(spec, [], sensitive)


def _analyse(text: str, spec: str | None) -> Any:
    from rag.analysis.tone import tone_of
    from ui.state import get_engine, get_settings

    return tone_of(text, _chain_for(spec), get_engine(get_settings()).embedder)


def _source_line(tone: Any) -> str:
    if tone.source == "llm":
        name, _, model = tone.provider.partition(":")
        who = name_of(name) + (f" · {model}" if model else "")
        return f"Interpretation written by {who} · {tokens_phrase(tone.tokens)} · {money(tone.cost_usd)}"
    if tone.failed:  # the model asked did not answer: say so, not a silent template
        name, _, model = tone.failed.partition(":")
        who = name_of(name) + (f" · {model}" if model else "")
        why = KIND_PHRASES.get(tone.failed_kind, "failed")
        return f"{who} {why}, so this is the offline interpretation (a template over the sentiment scores)."
    return "Offline interpretation (a template over the sentiment scores; no model used)."


def _keep(tone: Any, turn: Any, idx: int) -> None:
    """The interpretation is kept on its answer and saved with the conversation, so a
    reopened one shows it. A model's is also a paid call of the session: its own cost-table
    row (the total counted it, the table did not, so the rows did not add up to the total),
    counted on the answer too, so a reopened conversation counts it."""
    from dataclasses import asdict

    from rag.answer import cost_rows_of_lines, tone_line
    from ui.conversations import on_turn
    from ui.state import get_settings

    if tone.source == "llm":
        costs: list[dict[str, Any]] = st.session_state.costs
        line = tone_line(tone.provider, tone.tokens, tone.cost_usd)
        costs += cost_rows_of_lines([line], len(costs) + 1, turn.id, turn.question_no)
    if idx < len(turn.answers):
        answer = turn.answers[idx]
        if tone.source == "llm":
            answer.add_tone_spend(tone.provider, tone.tokens, tone.cost_usd)
        answer.tone = asdict(tone)
        on_turn(get_settings(), turn)


def _saved(turn: Any, idx: int) -> Any:
    """The interpretation saved with answer ``idx`` of ``turn`` (a reopened conversation),
    or None."""
    from rag.analysis.tone import Tone

    answers = getattr(turn, "answers", None) or []
    saved = answers[idx].tone if idx < len(answers) else None
    try:
        return Tone(**saved) if saved else None
    except TypeError:  # saved by a version whose Tone had other fields: ask again
        return None


def render(
    text: str,
    store: dict[int, str],
    idx: int,
    key: str,
    spec: str | None = None,
    turn: Any = None,
) -> None:
    meta: dict[str, Any] = st.session_state.setdefault("tone_meta", {})
    if idx not in store and available() and (saved := _saved(turn, idx)) is not None:
        store[idx], meta[key] = saved.text, saved  # a reopened conversation: as it was shown
    with st.expander("Tone of this answer (sentiment)", expanded=idx in store):
        if not available():
            st.caption("Sentiment analysis is not available in this installation.")
            return
        slot = st.empty()  # the button goes once the tone is shown (it has done its job)
        if idx not in store and slot.button(
            "Analyse tone", key=key, help="Sentiment and emotion of this answer, explained"
        ):
            slot.empty()
            try:
                with st.spinner("Reading the tone…"):
                    tone = _analyse(citations.strip(text), spec)
                store[idx], meta[key] = tone.text, tone
                if turn is not None:
                    _keep(tone, turn, idx)
            except Exception:
                log.exception("sentiment analysis failed")
                store[idx] = "The tone could not be analysed for this answer."
        if idx in store:
            st.markdown(escape_md(store[idx]))
            if key in meta:
                st.caption(escape_md(_source_line(meta[key])))


# --- Documents view ---------------------------------------------------------------------
def _import_shared_dependencies() -> None:
    """Import narwhals here, in the page's thread, before the analysis thread starts.

    The job imports scikit-learn (narwhals.stable.v2 first) while the page's charts import
    altair (narwhals.stable.v1 first); each half imports the other, and two threads doing so
    at once made Python raise "deadlock detected by _ModuleLock('narwhals.stable.v2')" on
    the page (CI, about 1 app test in 10). Once imported, there is nothing left to race.
    """
    try:
        import narwhals.stable.v1
        import narwhals.stable.v2  # noqa: F401
    except ImportError:  # neither sklearn nor altair needs it in this installation
        pass


def _job(engine: Engine) -> Future[Any]:
    """The background analysis of the index's current generation (started once)."""
    from rag.analysis import documents

    key = (str(engine.store.state_dir), int(engine.store.generation))
    with _jobs_lock:
        if key not in _jobs:
            _import_shared_dependencies()
            _jobs[key] = _pool.submit(documents.get, engine)
        return _jobs[key]


def render_documents(engine: Engine) -> None:
    with st.expander("Documents: tone and topics", icon=":material/insights:"):
        if not available():
            st.caption("Document analysis is not available in this installation.")
            return
        job = _job(engine)
        if not job.done():
            _pending(job)
            return
        if job.exception() is not None:
            log.error("document analysis failed", exc_info=job.exception())
            st.caption("The documents could not be analysed; see the server log.")
            return
        _documents(job.result())


@st.fragment(run_every=2)
def _pending(job: Future[Any]) -> None:
    if job.done():
        st.rerun(scope="app")
    st.caption("Analysing the documents in the background… (this updates by itself)")


def tone_label(label: str, confidence: float) -> str:
    """'negative (82%)', or under MOSTLY 'closest to negative (39%)': a plurality of three
    read as a verdict ('FIPS199.pdf: negative (39%)' for a federal standard), as the
    answer's tone panel already words it."""
    from rag.analysis.interpret import MOSTLY

    percent = round(100 * confidence)
    return f"{label} ({percent}%)" if confidence >= MOSTLY else f"closest to {label} ({percent}%)"


def _documents(res: Any) -> None:
    from rag.analysis.interpret import EMOTION_FLOOR

    if not res.documents:
        st.caption("No documents are indexed.")
        return
    st.markdown("**Tone per document**")
    for d in res.documents:
        emotion = (
            f"strongest emotion: {d.emotion} ({round(100 * d.emotion_score)}%)"
            if d.emotion_score >= EMOTION_FLOOR
            else "no emotion stands out"
        )
        st.markdown(
            f"**{escape_md(d.name)}**: {tone_label(d.label, d.confidence)} · {emotion}  \n"
            f":gray[{d.sentences} sentences scored by the offline model]"
        )
    st.markdown("**Topics**")
    if not res.topics:
        st.caption(escape_md(res.topics_error or "No topics found."))
    for t in res.topics:
        docs = ", ".join(f"{escape_md(n)} ({c})" for n, c in t["documents"].items())
        how = "label by a model" if t["label_source"] == "llm" else "keyword label"
        st.markdown(
            f"**{escape_md(t['label'])}** · {round(100 * t['share'])}% of passages ({how})  \n"
            f":gray[Keywords: {escape_md(', '.join(t['keywords'][:6]))} · in {docs}]"
        )

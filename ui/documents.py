"""Documents: upload (any format the loaders read) with per-file progress and report; list; delete.

Uploads are saved under ``RAG_INDEX_DIR/uploads/`` by ``Engine.ingest_upload`` (sanitised
names, escapes and planted links refused, atomic write) and indexed by a background thread, so a 55-page PDF never blocks the page: a fragment polls the job and
redraws its progress bars while the user keeps chatting. Each file is its own ingest call
so each gets its own bar and its own report (pages read as text, OCR'd, failed and why;
tables; characters): green when it worked, red when it failed. OCR pages are slow (seconds
each), so the bar moves page by page while they are read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from rag.engine import SUPPORTED_SUFFIXES, Engine, FileResult, IngestError, safe_upload_name
from rag.ingest_progress import Estimate, file_done
from rag.places import extent
from rag.store import DocInfo
from rag.workspaces import DEFAULT, collection_for
from ui import embedder, running_uploads
from ui.text import escape_label, escape_md
from ui.upload_progress import SHOWN_FINISHED, STATUS_ICONS, failed, render_job
from ui.upload_report import HIDE_WIDGET_LIMIT, outcome_words, plural, uploader_label

log = logging.getLogger(__name__)

# From the loaders' registry, so the widget and the loaders can never disagree.
UPLOAD_TYPES = [s.lstrip(".") for s in SUPPORTED_SUFFIXES]
_ALIASES = {"markdown", "htm"}  # same formats as md / html: not worth a word in the label


@dataclass
class FileJob:
    name: str
    raw_name: str
    data: bytes | None  # dropped once indexed
    size: int
    stage: str = "waiting"  # waiting | reading | ocr | embedding | done
    pages: tuple[int, int] = (0, 0)  # (pages read, pages total) while reading
    ocr_pages: int = 0  # of those, read by OCR (seconds each)
    chunks: tuple[int, int] = (0, 0)  # (embedded, total) once chunked
    fraction: float = 0.0  # share of the file's work done (rag.ingest_progress)
    result: FileResult | None = None
    error: str | None = None  # refused before ingest (too big, bad name, could not save)
    indexed_as: str | None = None  # "unchanged": the indexed document with the same bytes
    copies: int = 1  # the same file picked more than once in this upload: indexed once


@dataclass
class UploadJob:
    files: list[FileJob]
    workspace: str = DEFAULT  # where the files went: its report is shown there only
    started: float = field(default_factory=time.perf_counter)
    moved: float = field(default_factory=time.perf_counter)  # when a file's share last grew
    finished: float | None = None
    estimate: Estimate | None = None  # the time left last shown: the next one eases from it
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None

    @property
    def done(self) -> bool:
        return self.finished is not None

    def run(self, engine: Engine) -> None:
        try:
            for f in self.files:
                if f.error or f.data is None:
                    continue
                self._one(engine, f)
        finally:
            self.finished = time.perf_counter()

    def _one(self, engine: Engine, f: FileJob) -> None:
        def moved() -> None:  # under the lock
            ocr_read = f.ocr_pages - (f.stage == "ocr")  # not the page being OCR'd now
            f.fraction = file_done(f.pages, ocr_read, f.chunks)
            self.moved = time.perf_counter()

        def on_embed(done: int, total: int) -> None:
            with self.lock:
                # The callback is the shared embedder's: another thread's embedding (the
                # documents' tone, after this file is stored) may report after this file is done.
                if f.stage == "done":
                    return
                f.stage = "embedding"
                f.chunks = (done, total)
                moved()

        def on_page(_name: str, stage: str, done: int, total: int) -> None:
            with self.lock:
                f.stage = "ocr" if stage == "ocr" else "reading"
                f.ocr_pages += stage == "ocr"  # reported as each OCR'd page begins
                f.pages = (done, total)
                moved()

        f.stage = "reading"
        embedder.set_progress(on_embed)
        try:
            assert f.data is not None
            f.result = engine.ingest_upload(f.raw_name, f.data, page_progress=on_page)
            if f.result.status == "unchanged":  # the same bytes may be indexed under another name
                f.indexed_as = _indexed_name(engine, f.result.doc_id)
        except Exception as e:  # one bad file must not end the job or reach the page
            log.exception("ingest failed for %s", f.name)
            f.result = FileResult(f.name, "failed", error=f"{type(e).__name__}")
        finally:
            embedder.set_progress(None)
            f.data = None
            with self.lock:
                f.stage, f.fraction = "done", 1.0
                self.moved = time.perf_counter()


def _indexed_name(engine: Engine, doc_id: str | None) -> str | None:
    try:
        return next((d.name for d in engine.docs() if d.doc_id == doc_id), None)
    except Exception:  # only a nicer report line: never the file's outcome
        log.exception("listing the documents failed")
        return None


def still_indexing(workspace: str) -> int:
    """Files of this session's uploads into ``workspace`` not indexed yet: an answer misses them."""
    n = 0
    for job in st.session_state.get("upload_jobs", []):
        if job.done or job.workspace != workspace:
            continue
        with job.lock:
            n += sum(1 for f in job.files if f.stage != "done" and not f.error)
    return n


def start_upload(engine: Engine, uploaded: list[Any]) -> UploadJob:
    """Refuse what is over the size limit at once; save and index the rest in the background."""
    limit = int(engine.settings.max_file_mb * 1_000_000)
    files: list[FileJob] = []
    for up in uploaded:
        raw = str(up.name)
        size = int(getattr(up, "size", 0) or 0)
        try:
            name = safe_upload_name(raw)
        except IngestError as e:
            files.append(FileJob(raw[:80], raw, None, size, "done", fraction=1.0, error=e.reason))
            continue
        if size > limit:
            files.append(
                FileJob(
                    name,
                    raw,
                    None,
                    size,
                    "done",
                    fraction=1.0,
                    error=f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:g} MB upload limit",
                )
            )
            continue
        data = up.getvalue()
        # The same file picked twice (two folders, a second drag) showed two identical rows
        # and was indexed twice, the second time only to report "already indexed".
        twin = next((f for f in files if f.name == name and f.data == data), None)
        if twin is not None:
            twin.copies += 1
            continue
        files.append(FileJob(name, raw, data, size))
    job = UploadJob(files, engine.settings.workspace)
    job.thread = threading.Thread(target=job.run, args=(engine,), name="upload", daemon=True)
    job.thread.start()
    return job


STARTED_TOAST = "upload_started_toast"  # shown on the run after the upload starts


def started_words(job: UploadJob) -> str:
    """The toast of an upload just started: what is being added, and where to follow it."""
    taken = [f for f in job.files if f.error is None]
    if not taken:
        return "Nothing to add: the report is under Documents in the sidebar"
    what = escape_md(taken[0].name) if len(taken) == 1 else plural(len(taken), "file")
    return f"Adding {what}: its progress is under Documents in the sidebar"


def _where(engine: Engine) -> str:
    """The index and workspace an upload goes to: who opens them sees its progress."""
    return f"{engine.settings.index_dir}|{collection_for(engine.settings)}"


def _render_jobs(workspace: str) -> None:
    """The last uploads into ``workspace``, newest first (another's would not be in its list)."""
    jobs = [j for j in st.session_state.upload_jobs if j.workspace == workspace]
    for job in reversed(jobs[-3:]):
        render_job(job)


@st.fragment(run_every=0.5)
def _watch_jobs(workspace: str) -> None:
    """Redraws running uploads twice a second without rerunning (blocking) the whole page."""
    jobs: list[UploadJob] = st.session_state.upload_jobs
    running = [j for j in jobs if not j.done]
    _render_jobs(workspace)
    if not running and st.session_state.get("jobs_refresh_pending"):
        st.session_state.jobs_refresh_pending = False
        _announce(jobs[-1], workspace)
        st.rerun(scope="app")  # new documents: refresh the list and the chat's corpus note


def _announce(job: UploadJob, workspace: str) -> None:
    """A toast for a finished upload, seen wherever the user is (the sidebar's report may be
    scrolled away); an upload into a workspace left since says which."""
    where = "" if job.workspace == workspace else f" (workspace {escape_md(job.workspace)})"
    indexed = sum(1 for f in job.files if f.result is not None and not failed(f))
    one_toast = indexed > SHOWN_FINISHED  # a toast each for 19 files covered the page
    if one_toast:
        st.toast(
            f"{plural(indexed, 'file')} indexed{where}: the report is under Documents",
            icon=STATUS_ICONS["added"],
        )
    for f in job.files:
        r = f.result
        if one_toast and r is not None and not failed(f):
            continue
        if failed(f):
            reason = f.error or (r.error if r is not None else None) or "failed"
            st.toast(
                f"{escape_md(f.name)} could not be added{where}: {escape_md(reason)}",
                icon=":material/error:",
            )
        elif r is not None:
            words = outcome_words(r.status, f.name, f.indexed_as)
            st.toast(f"{escape_md(f.name)}: {words}{where}", icon=STATUS_ICONS.get(r.status))


def render(engine: Engine | None) -> None:
    st.header("Documents")
    if engine is None:
        st.caption("Loading the documents…")
        return
    if started := st.session_state.pop(STARTED_TOAST, None):
        st.toast(started, icon=":material/hourglass_top:")
    limit_mb = engine.settings.max_file_mb
    gen = st.session_state.uploader_gen
    st.html(HIDE_WIDGET_LIMIT)
    uploaded = st.file_uploader(
        uploader_label([t.upper() for t in UPLOAD_TYPES if t not in _ALIASES], limit_mb),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"uploader_{gen}",
    )
    if uploaded:
        job = start_upload(engine, list(uploaded))
        st.session_state.upload_jobs.append(job)
        running_uploads.remember(_where(engine), job)
        st.session_state.jobs_refresh_pending = True
        st.session_state.uploader_gen = gen + 1  # a fresh (empty) uploader next run
        # said where the user looks: the bars are at the sidebar's foot, below the fold on
        # a laptop, and a 55-page PDF showed nothing in view for 13 s
        st.session_state[STARTED_TOAST] = started_words(job)
        # ... which is now: the fragment redrawing the bars does not redraw the uploader, so
        # it listed the files, (x) buttons and all, until the whole batch was indexed.
        st.rerun()
    taken_up = running_uploads.not_yet_shown(_where(engine), st.session_state.upload_jobs)
    if taken_up:  # started before a reload (or in another tab): its bars and report here too
        st.session_state.upload_jobs.extend(taken_up)
        st.session_state.jobs_refresh_pending = True
    if st.session_state.upload_jobs:
        if any(not j.done for j in st.session_state.upload_jobs):
            _watch_jobs(engine.settings.workspace)
        else:
            if st.session_state.get("jobs_refresh_pending"):
                st.session_state.jobs_refresh_pending = False
                _announce(st.session_state.upload_jobs[-1], engine.settings.workspace)
            _render_jobs(engine.settings.workspace)
    render_list(engine)


DELETE_POPOVER = "delete_popover"


def _delete(engine: Engine, doc_id: str, name: str) -> None:
    st.session_state.delete_doc = None  # the pick would name a document that is gone
    st.session_state[DELETE_POPOVER] = False  # closed: the list shows it gone
    try:
        results = engine.remove(doc_id)
        ok = any(r.status == "removed" for r in results)
        st.session_state.doc_notice = f"Deleted {name}." if ok else f"Could not delete {name}."
    except Exception:
        log.exception("delete failed")
        st.session_state.doc_notice = f"Could not delete {name}."
    # also a toast: the popover closing reruns the page, which took the caption away
    st.toast(escape_md(st.session_state.doc_notice), icon=":material/delete:")


def render_list(engine: Engine) -> None:
    docs = sorted(engine.docs(), key=lambda d: d.name.lower())
    notice = st.session_state.pop("doc_notice", None)
    if notice:
        st.caption(escape_md(notice))
    st.caption(f"{len(docs)} document{'s' if len(docs) != 1 else ''} indexed")
    _reread_control(engine, docs)
    for d in docs:
        size = " · ".join(x for x in (extent(d.name, d.pages), plural(d.chunks, "chunk")) if x)
        st.markdown(f"**{escape_md(d.name)}**  \n{size}")
    if docs:
        _delete_control(engine, {d.doc_id: d.name for d in docs})


def _reread(engine: Engine) -> None:
    try:
        results = engine.reread()
    except Exception:
        log.exception("re-read failed")
        st.session_state.doc_notice = "Could not re-read the documents."
        return
    failed = [r for r in results if r.status == "failed"]
    done = len(results) - len(failed)
    note = f"Re-read {plural(done, 'document')} with the current reader."
    if failed:
        note += " Not re-read: " + "; ".join(f"{Path(r.path).name} ({r.error})" for r in failed)
    st.session_state.doc_notice = note


def _reread_control(engine: Engine, docs: Sequence[DocInfo]) -> None:
    """Documents indexed before an upgrade keep the chunks the older reader cut (its
    sentences, the furniture it left in) until they are read again."""
    stale = engine.stale_docs(docs)
    if not stale:
        return
    st.info(
        f"{plural(len(stale), 'document')} {'was' if len(stale) == 1 else 'were'} read by an"
        " older version of the reader. Reading again gives answers from the cleaner text.",
        icon=":material/update:",
    )
    st.button("Read them again", key="reread_docs", on_click=_reread, args=(engine,))


def _delete_control(engine: Engine, names: dict[str, str]) -> None:
    """One named "Delete a document" button (not an icon per row, which the narrow sidebar
    clipped and screen readers could not name), then a pick and a second click to confirm:
    deleting drops the document's chunks from the index."""
    # its open state tracked (a rerun on opening), so a delete can close it: left open, it
    # covered the list the deleted document had just left
    with st.popover(
        "Delete a document",
        icon=":material/delete:",
        width="stretch",
        key=DELETE_POPOVER,
        on_change="rerun",
    ):
        doc_id = st.selectbox(
            "Document to delete",
            list(names),
            index=None,
            format_func=lambda i: names.get(i, str(i)),
            key="delete_doc",
            placeholder="Choose a document",
        )
        if doc_id is None:
            return
        name = names.get(doc_id, str(doc_id))
        st.markdown(f"Delete **{escape_md(name)}** from the index? Answers can no longer cite it.")
        st.button(
            f"Yes, delete {escape_label(name)}",
            key=f"del_{doc_id}",
            type="primary",
            on_click=_delete,
            args=(engine, doc_id, name),
        )

"""Drawing an upload's progress and report in the sidebar (the jobs are ui.documents')."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import streamlit as st

from rag.ingest_progress import job_done, left_words, steady_left
from ui.text import escape_label, escape_md
from ui.upload_report import (
    copies_words,
    failed_pages_text,
    outcome_words,
    plural,
    report_text,
    stage_words,
)

if TYPE_CHECKING:
    from ui.documents import FileJob, UploadJob

# Material icons, not emoji: they render without an emoji font (headless Chromium has none).
STATUS_ICONS = {
    "added": ":material/check_circle:",
    "replaced": ":material/sync:",
    "unchanged": ":material/check:",
    "failed": ":material/error:",
    "removed": ":material/delete:",
}


def _result_line(f: FileJob) -> str:
    if f.error:
        return f":material/error: {escape_md(f.name)}: {escape_md(f.error)}"
    r = f.result
    if r is None:
        return f":material/hourglass_empty: {escape_md(f.name)}"
    detail = f"({escape_md(r.error or 'failed')})" if r.status == "failed" else report_text(r)
    words = outcome_words(r.status, f.name, f.indexed_as)
    twice = f" · {copies_words(f.copies)}" if f.copies > 1 else ""
    return f"{STATUS_ICONS.get(r.status, '')} {escape_md(f.name)}: {words} {detail}{twice}"


def render_result(f: FileJob) -> None:
    """Green when the file was indexed, red when it failed; pages that failed in amber."""
    line = _result_line(f)
    r = f.result
    if f.error or (r is not None and r.status == "failed"):
        st.error(line)
    elif r is None:
        st.markdown(line)
    else:
        st.success(line)
    if r is not None and r.failed_pages:
        st.warning(
            f"{plural(len(r.failed_pages), 'page')} of {escape_md(f.name)} could not be read "
            f"and {'are' if len(r.failed_pages) != 1 else 'is'} not indexed:  \n"
            + failed_pages_text(r)
        )


# More finished files than this collapse into the report: twenty green rows (and twenty bars
# before them) pushed the documents list far down the sidebar.
SHOWN_FINISHED = 3


def failed(f: FileJob) -> bool:
    """Refused before indexing, or indexing failed."""
    return bool(f.error) or (f.result is not None and f.result.status == "failed")


def overall_words(done: int, total: int, eta: str) -> str:
    """The one line over a batch: "Indexing 3 of 20 files · about 2 min left"."""
    return f"Indexing {min(done + 1, total)} of {total} files{eta}"


def render_job(job: UploadJob) -> None:
    """One line for the whole upload, a bar for each file being indexed now (not for those
    waiting), failures in red, and the finished files in a collapsed report."""
    eta = time_left(job, time.perf_counter())
    with job.lock:
        files = list(job.files)
        snapshot = [(f.stage, f.fraction, f.pages) for f in files]
        share = job.estimate.done if job.estimate is not None else 0.0
    to_index = [f for f in files if not f.error]
    batch = len(to_index) > 1
    if batch and job.finished is None:
        done = sum(1 for f in to_index if f.stage == "done")
        st.progress(min(max(share, 0.02), 1.0), text=overall_words(done, len(to_index), eta))
    finished: list[FileJob] = []
    for f, (stage, fraction, pages) in zip(files, snapshot, strict=True):
        if failed(f):
            render_result(f)
        elif stage == "done":
            finished.append(f)
        elif not (batch and stage == "waiting"):  # a batch's waiting files: in its one line
            label = stage_words(stage, *pages)
            st.progress(
                min(max(fraction, 0.02), 1.0),  # a sliver from the start: it has begun
                text=f"{escape_label(f.name)}: {label}…{'' if batch or stage == 'waiting' else eta}",
            )
    if len(finished) > SHOWN_FINISHED:
        with st.expander(f"Report: {plural(len(finished), 'file')} indexed"):
            for f in finished:
                render_result(f)
    else:
        for f in finished:
            render_result(f)
    if job.finished is not None:
        st.caption(f"Finished in {job.finished - job.started:.1f} s.")


def time_left(job: UploadJob, now: float) -> str:
    """' · about 12 s left' for the whole job (rag.ingest_progress), or nothing yet."""
    with job.lock:
        # Files refused before indexing (too big, bad name) are no work: not counted.
        work = [(f.fraction, f.size, f.pages[1]) for f in job.files if not f.error]
        job.estimate = steady_left(job.estimate, job.started, job.moved, now, job_done(work))
        return left_words(job.estimate.left)

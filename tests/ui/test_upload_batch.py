"""Twenty files uploaded at once drew twenty bars ("FIPS199.pdf: embedding…" then nineteen
"…: waiting…") that pushed the documents list far down the sidebar, with no line for the
whole batch. Now: one line for the batch, a bar only for the file being indexed, failures in
red, and the finished files collapsed into the report."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from ingest.results import FileResult
from ui.documents import start_upload
from ui.upload_progress import overall_words


def _batch_page() -> None:
    from ingest.results import FileResult
    from ui.documents import FileJob, UploadJob
    from ui.upload_progress import render_job

    files = []
    for i in range(20):
        f = FileJob(f"file-{i:02}.txt", f"file-{i:02}.txt", b"x", 2_000)
        if i < 7:  # six indexed, one failed
            status = "failed" if i == 3 else "added"
            f.stage, f.fraction = "done", 1.0
            f.result = FileResult(f.name, status, pages=1, chunks=2, error="EmptyText")
        elif i == 7:
            f.stage, f.fraction, f.chunks = "embedding", 0.5, (1, 2)
        files.append(f)
    render_job(UploadJob(files))


def test_a_batch_draws_one_line_and_only_the_file_in_progress() -> None:
    at = AppTest.from_function(_batch_page, default_timeout=30)
    at.run()
    assert not at.exception
    bars = [e.proto.text for e in at.get("progress")]
    assert len(bars) == 2, bars
    assert bars[0].startswith("Indexing 8 of 20 files"), bars
    assert bars[1].startswith("file-07.txt: embedding"), bars
    assert [str(e.value).replace("\\", "") for e in at.error] == ["file-03.txt: failed (EmptyText)"]
    (report,) = at.expander
    assert report.label == "Report: 6 files indexed"
    assert len(report.success) == 6


def test_the_batch_line() -> None:
    assert overall_words(2, 20, " · about 2 min left") == (
        "Indexing 3 of 20 files · about 2 min left"
    )
    assert overall_words(20, 20, "") == "Indexing 20 of 20 files"


class _Upload:
    def __init__(self, name: str) -> None:
        self.name, self.size = name, 5

    def getvalue(self) -> bytes:
        return self.name.encode()


class _Engine:
    settings = SimpleNamespace(max_file_mb=10.0, workspace="default")

    def ingest_upload(self, name: str, data: bytes, **_: Any) -> FileResult:
        if name == "broken.pdf":
            return FileResult(name, "failed", error="PdfReadError")
        return FileResult(name, "added", doc_id=name, pages=1, chunks=2)


@pytest.mark.integration
def test_a_finished_batch_is_one_toast_and_its_failures(new_app: Callable[[], AppTest]) -> None:
    """Nineteen "note-NN.txt: added" toasts covered the main column."""
    names = [f"note-{i:02}.txt" for i in range(18)] + ["broken.pdf"]
    job = start_upload(_Engine(), [_Upload(n) for n in names])  # type: ignore[arg-type]
    assert job.thread is not None
    job.thread.join(5)
    at = new_app()
    at.session_state["upload_jobs"] = [job]
    at.session_state["jobs_refresh_pending"] = True
    at.run()
    assert not at.exception
    toasts = [str(t.value).replace("\\", "") for t in at.toast]
    assert toasts == [
        "18 files indexed: the report is under Documents",
        "broken.pdf could not be added: PdfReadError",
    ]

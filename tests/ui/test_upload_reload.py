"""An upload still being indexed is shown after a reload: its thread outlived the session
that started it, but its bars lived in that session only, so the reloaded page showed none
(a 300-page PDF went on indexing for minutes with "23 documents indexed" and no word of it)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from streamlit.testing.v1 import AppTest

from rag.settings import cached_settings
from tests.ui.conftest import ask, page_text
from ui import running_uploads
from ui.documents import FileJob, UploadJob, _where


def _bars(at: AppTest) -> list[str]:
    return [str(p.proto.text) for p in at.get("progress")]


def test_a_reloaded_page_shows_the_upload_still_being_indexed(
    new_app: Callable[[], AppTest],
) -> None:
    job = UploadJob([FileJob("big.pdf", "big.pdf", b"%PDF", 4, "reading", (3, 300))])
    # Started by a tab that was then reloaded: the new session never had it.
    running_uploads.remember(_where(SimpleNamespace(settings=cached_settings())), job)  # type: ignore[arg-type]
    at = new_app()
    assert any(b.startswith("big.pdf: reading page 3 of 300") for b in _bars(at)), _bars(at)
    ask(at, "What is the nightly hotel limit in London?")
    assert "1 document was still being indexed" in page_text(at)
    job.files[0].stage, job.finished = "done", 1.0
    at.run()
    assert not _bars(at) and not at.exception

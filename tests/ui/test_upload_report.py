"""An upload whose bytes are indexed already says so, naming the document: a renamed copy of
FIPS199.pdf (fips-copy.txt) reported "unchanged" and the list gained nothing, unexplained."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from ingest.results import FileResult
from ui.documents import start_upload


class _Upload:
    def __init__(self, name: str) -> None:
        self.name, self.size = name, 5

    def getvalue(self) -> bytes:
        return b"%PDF-"


class _Engine:
    """The same bytes as the indexed FIPS199.pdf, whatever the upload is called."""

    settings = SimpleNamespace(max_file_mb=10.0, workspace="default")

    def ingest_upload(self, name: str, data: bytes, **_: Any) -> FileResult:
        return FileResult(name, "unchanged", doc_id="d199", pages=13, chunks=37)

    def docs(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(doc_id="d199", name="FIPS199.pdf")]


def _shown(at: AppTest) -> list[str]:
    return [str(s.value).replace("\\", "") for s in at.success]  # markdown escapes


@pytest.mark.integration
def test_an_upload_already_indexed_names_the_document(new_app: Callable[[], AppTest]) -> None:
    job = start_upload(_Engine(), [_Upload("fips-copy.txt"), _Upload("FIPS199.pdf")])  # type: ignore[arg-type]
    assert job.thread is not None
    job.thread.join(5)
    at = new_app()
    at.session_state["upload_jobs"] = [job]
    at.run()
    assert not at.exception
    shown = _shown(at)
    assert any("fips-copy.txt: already indexed as FIPS199.pdf (13 pages" in s for s in shown)
    assert any("FIPS199.pdf: already indexed (13 pages" in s for s in shown), shown
    assert not any("unchanged" in s for s in shown)


def test_a_scans_report_does_not_count_zero_text_pages() -> None:
    from ui.upload_report import report_text

    scan = FileResult("senate.pdf", "added", pages=1, chunks=9, ocr_pages=[1], chars=4514)
    assert report_text(scan) == "(1 page, 9 chunks) · 1 page OCR'd (p. 1), 4,514 characters"
    garbled = FileResult("senate.pdf", "added", pages=1, chunks=9, ocr_pages=[1], garbled_pages=[1])
    assert report_text(garbled) == (  # a walk read "1 page OCR'd" of a text PDF as a mistake
        "(1 page, 9 chunks) · 1 page OCR'd (p. 1; the text layer was unreadable)"
    )
    some = FileResult("s.pdf", "added", pages=3, chunks=9, ocr_pages=[1, 3], garbled_pages=[3])
    assert "OCR'd (p. 1, 3; p. 3 had an unreadable text layer)" in report_text(some)
    mixed = FileResult("m.pdf", "added", pages=3, chunks=5, text_pages=[1, 2], ocr_pages=[3])
    assert report_text(mixed) == "(3 pages, 5 chunks) · 2 read as text, 1 OCR'd (p. 3)"
    # a text file has no pages: "(1 page, 1 chunk)" read as one page long (a walk-through)
    notes = FileResult("/tmp/up/notes.txt", "added", pages=1, chunks=1, chars=120)
    assert report_text(notes) == "(1 chunk) · 120 characters"


def _bar_page(pages: tuple[int, int], stage: str) -> None:
    from ui.documents import FileJob, UploadJob
    from ui.upload_progress import render_job

    f = FileJob("NIST.pdf", "NIST.pdf", b"x", 5, stage, pages=pages, fraction=0.3)
    render_job(UploadJob([f]))


def _reading_bar(pages: tuple[int, int], stage: str = "reading") -> list[str]:
    at = AppTest.from_function(_bar_page, args=(pages, stage), default_timeout=30)
    at.run()
    assert not at.exception
    return [e.proto.text for e in at.get("progress")]


def test_the_bar_says_what_happens_after_the_last_page_is_read() -> None:
    """Cleaning and cutting a 55-page PDF into passages took ~5 s under "reading page 55 of
    55…", which looked stuck; an OCR'd 1-page scan showed "reading…" again after its OCR."""
    assert _reading_bar((12, 55)) == ["NIST.pdf: reading page 12 of 55…"]
    assert _reading_bar((55, 55)) == ["NIST.pdf: splitting into passages…"]
    assert _reading_bar((1, 1)) == ["NIST.pdf: splitting into passages…"]
    assert _reading_bar((0, 0)) == ["NIST.pdf: reading…"]
    assert _reading_bar((0, 1), "ocr") == ["NIST.pdf: OCR, page 1 of 1 (slow: seconds a page)…"]


@pytest.mark.integration
def test_the_uploader_empties_as_soon_as_it_hands_the_files_over(
    new_app: Callable[[], AppTest],
) -> None:
    """While a batch indexed, the uploader still listed its files with their (x) buttons (the
    progress fragment does not redraw it), as if they were still to be sent."""
    at = new_app()
    at.file_uploader[0].set_value(("otters.txt", b"Otters hold hands.", "text/plain")).run()
    assert not at.exception
    (box,) = at.file_uploader
    assert box.key == "uploader_1" and not box.value

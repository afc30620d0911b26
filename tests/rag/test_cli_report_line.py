"""`rag ingest`'s line per file says why a PDF with a text layer was OCR'd."""

from __future__ import annotations

from ingest.results import FileResult
from rag.cli.documents import report_line


def test_the_ingest_line_names_pages_whose_text_layer_was_unreadable() -> None:
    senate = FileResult("senate.pdf", "added", pages=1, chunks=9, ocr_pages=[1], garbled_pages=[1])
    assert report_line(senate) == "1 page, 9 chunks · 1 OCR'd (p. 1; unreadable text layer: p. 1)"
    scan = FileResult("scan.pdf", "added", pages=2, chunks=2, ocr_pages=[1, 2])
    assert report_line(scan) == "2 pages, 2 chunks · 2 OCR'd (p. 1, 2)"

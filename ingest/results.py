"""One file's outcome of an ingest: what happened to it and its reading report (the
``ingest --json`` row, a contract for other tools)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ingest.loaders import LoadReport

Status = Literal["added", "unchanged", "replaced", "failed", "removed"]


@dataclass
class FileResult:
    path: str
    status: Status
    doc_id: str | None = None
    pages: int = 0
    chunks: int = 0
    error: str | None = None
    # The document report (filled when the file is read; empty for unchanged/removed):
    text_pages: list[int] = field(default_factory=list)  # read from the text layer / source
    ocr_pages: list[int] = field(default_factory=list)  # read by Tesseract
    failed_pages: list[dict[str, Any]] = field(default_factory=list)  # {"page", "error"}
    tables: int = 0
    chars: int = 0
    garbled_pages: list[int] = field(default_factory=list)  # of ocr_pages: unreadable text layer

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def add_report(self, report: LoadReport) -> None:
        self.text_pages = sorted(report.text_pages)
        self.ocr_pages = sorted(report.ocr_pages)
        self.failed_pages = sorted(report.failed_pages, key=lambda f: int(f["page"]))
        self.tables = report.tables
        self.chars = report.chars
        self.garbled_pages = sorted(report.garbled_pages)

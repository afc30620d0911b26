"""Turn a file into pages of plain text, or fail with an :class:`IngestError` saying why.

Every loader returns physical, 1-based page numbers (a PDF's pypdf index + 1, a slide's
number, a sheet's position; other formats are one page). A loader never lets a parser's own
exception escape: the pipeline relies on "one file fails alone, with a one-line reason".
A *page* may fail alone too (an OCR page without Tesseract): the file still loads and its
:class:`LoadReport` says which pages failed and why.

The loaders live beside this registry: ``ingest.pdf`` (text layer, OCR via ``ingest.ocr``,
tables via ``ingest.tables``), ``ingest.office`` (DOCX, PPTX, XLSX, CSV) and ``ingest.markup``
(Markdown, HTML).
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Bytes that never occur in real text files; a few of them mean "binary wearing a .txt".
_BINARY_BYTES = set(range(0, 9)) | {
    11,
    14,
    15,
    16,
    17,
    18,
    19,
    20,
    21,
    22,
    23,
    24,
    25,
    26,
    27,
    28,
    29,
    30,
    31,
}


class IngestError(Exception):
    """A file could not be ingested; ``reason`` is one line meant for the user."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{Path(path).name}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class Page:
    number: int  # physical, 1-based
    text: str
    label: str | None = None  # what a person calls the page when it is not a number: a sheet


# (stage, page done, pages total): stage is "text" or "ocr" (the slow one).
PageProgress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    """How a file was read, page by page (the per-file document report)."""

    text_pages: list[int] = field(default_factory=list)  # read from the text layer / source
    ocr_pages: list[int] = field(default_factory=list)  # read by Tesseract
    failed_pages: list[dict[str, Any]] = field(default_factory=list)  # {"page", "error"}
    tables: int = 0
    chars: int = 0
    # of ocr_pages, those with a text layer that was not text (not a scan): a walk read
    # "1 page OCR'd" of a PDF with text in it as a mistake
    garbled_pages: list[int] = field(default_factory=list)

    def fail(self, page: int, error: str) -> None:
        self.failed_pages.append({"page": page, "error": error})


@dataclass
class LoadContext:
    """What a loader may use besides the file: the OCR cache, a page-progress hook, and the
    report it fills in."""

    ocr_cache_dir: Path | None = None
    on_page: PageProgress | None = None
    report: LoadReport = field(default_factory=LoadReport)

    def progress(self, stage: str, done: int, total: int) -> None:
        if self.on_page is not None:
            self.on_page(stage, done, total)


@dataclass
class Loaded:
    pages: list[Page]
    report: LoadReport


def load(path: Path, max_bytes: int | None = None) -> list[Page]:
    """Pages of ``path``, decided by its extension; raises :class:`IngestError`."""
    return load_document(path, max_bytes).pages


def load_document(
    path: Path, max_bytes: int | None = None, ctx: LoadContext | None = None
) -> Loaded:
    """Pages of ``path`` and the report of how they were read; raises :class:`IngestError`."""
    ctx = ctx or LoadContext()
    suffix = path.suffix.lower()
    loader = _loader(suffix)
    if loader is None:
        raise IngestError(
            path,
            f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    try:
        size = path.stat().st_size
    except OSError as e:
        raise IngestError(path, f"cannot read file: {e.strerror or e}") from e
    if size == 0:
        raise IngestError(path, "file is empty")
    if max_bytes is not None and size > max_bytes:
        raise IngestError(
            path,
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (RAG_MAX_FILE_MB)",
        )
    try:
        pages = loader(path, ctx)
    except IngestError:
        raise
    except Exception as e:  # parsers raise anything; the user gets one line, the log the rest
        log.debug("loader failed for %s", path, exc_info=True)
        raise IngestError(
            path, f"could not parse {suffix[1:].upper()}: {type(e).__name__}: {e}"[:300]
        ) from e
    pages = [Page(p.number, _clean(p.text), p.label) for p in pages]
    report = ctx.report
    if not any(p.text.strip() for p in pages):
        if report.failed_pages:
            first = report.failed_pages[0]
            raise IngestError(
                path,
                f"no readable text in {len(pages)} page(s); {len(report.failed_pages)} failed, "
                f"e.g. page {first['page']}: {first['error']}"[:400],
            )
        if suffix == ".pdf":
            raise IngestError(
                path,
                f"no extractable text in {len(pages)} page(s): blank, or image-only with nothing OCR could read",
            )
        raise IngestError(path, "no text content")
    if not report.text_pages and not report.ocr_pages:
        report.text_pages = [p.number for p in pages if p.text.strip()]
    report.chars = sum(len(p.text) for p in pages)
    return Loaded(pages, report)


def _clean(text: str) -> str:
    # NULs and stray control characters break tokenisers and SQLite text; normalise spaces.
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x01-\x08\x0b\x0c\x0e-\x1f]", " ", text)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# Formats that some ASCII-clean producers write with few control bytes, so the binary
# heuristic alone would index their syntax as "text" under a wrong extension.
_MAGIC = {b"%PDF-": "a PDF", b"PK\x03\x04": "a ZIP/DOCX container", b"{\\rtf": "an RTF document"}


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    sample = data[:8192]
    for magic, kind in _MAGIC.items():
        if sample.lstrip()[:16].startswith(magic):
            raise IngestError(
                path, f"wrong extension: the content is {kind}, not {path.suffix} text"
            )
    if b"\x00" in sample or sum(b in _BINARY_BYTES for b in sample) > max(8, len(sample) // 100):
        raise IngestError(path, "looks like a binary file, not text (contains control bytes)")
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Not UTF-8: cp1252/latin-1 text is common from Windows; accept it only when it decodes
    # to mostly printable characters, otherwise say so instead of ingesting mojibake.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise IngestError(path, "text is not valid UTF-8 (nor Windows-1252)") from e
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    if printable < 0.98 * len(text):
        raise IngestError(
            path, "text is not valid UTF-8 and does not decode cleanly as Windows-1252"
        )
    log.info("%s is not UTF-8; decoded as Windows-1252", path.name)
    return text


# A "line" this long is a blob (minified data, base64, a dump), not prose: refusing it says
# so at once instead of spending minutes tokenising and embedding thousands of chunks of it.
MAX_LINE_CHARS = 1_000_000


def _check_lines(path: Path, text: str) -> str:
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise IngestError(
            path,
            f"a single line of {longest / 1e6:.1f} M characters (limit {MAX_LINE_CHARS / 1e6:.0f} M): "
            "not prose; add line breaks or convert it first",
        )
    return text


def _load_text(path: Path, ctx: LoadContext | None = None) -> list[Page]:
    return [Page(1, _check_lines(path, _read_text(path)))]


# suffix -> "module:function" (or a function here), imported when a file of that kind is
# loaded: the PDF and office modules import this one, and their parsers are heavy.
_LOADERS: dict[str, str | Callable[[Path, LoadContext], list[Page]]] = {
    ".pdf": "ingest.pdf:load_pdf",
    ".docx": "ingest.office:load_docx",
    ".pptx": "ingest.office:load_pptx",
    ".xlsx": "ingest.office:load_xlsx",
    ".csv": "ingest.office:load_csv",
    ".txt": _load_text,
    ".md": "ingest.markup:load_markdown",
    ".markdown": "ingest.markup:load_markdown",
    ".html": "ingest.markup:load_html",
    ".htm": "ingest.markup:load_html",
}
# The one list of what can be ingested: the CLI's folder walk and the upload widget read it.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_LOADERS)

# What a page number means to a person, by format (README "Supported formats"). The other
# formats are read as one page: their "page 1" says nothing, so it is not shown.
_PAGE_UNITS = {".pdf": "page", ".pptx": "slide", ".xlsx": "sheet"}


def page_unit(name: str) -> str | None:
    """ "page", "slide" or "sheet" for a file named ``name``; None for a one-page format."""
    return _PAGE_UNITS.get(Path(name).suffix.lower())


def _loader(suffix: str) -> Callable[[Path, LoadContext], list[Page]] | None:
    target = _LOADERS.get(suffix)
    if target is None or callable(target):
        return target
    module, name = target.split(":")
    fn: Callable[[Path, LoadContext], list[Page]] = getattr(importlib.import_module(module), name)
    return fn

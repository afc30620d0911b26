"""Turn a file into pages of plain text, or fail with an :class:`IngestError` saying why.

Every loader returns physical, 1-based page numbers (a PDF's pypdf index + 1; other formats
are one page). A loader never lets a parser's own exception escape: the pipeline relies on
"one file fails alone, with a one-line reason".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown", ".html", ".htm", ".docx")
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


def load(path: Path, max_bytes: int | None = None) -> list[Page]:
    """Pages of ``path``, decided by its extension; raises :class:`IngestError`."""
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
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
        pages = loader(path)
    except IngestError:
        raise
    except Exception as e:  # parsers raise anything; the user gets one line, the log the rest
        log.debug("loader failed for %s", path, exc_info=True)
        raise IngestError(
            path, f"could not parse {suffix[1:].upper()}: {type(e).__name__}: {e}"[:300]
        ) from e
    pages = [Page(p.number, _clean(p.text)) for p in pages]
    if not any(p.text.strip() for p in pages):
        if suffix == ".pdf":
            raise IngestError(
                path,
                f"no extractable text in {len(pages)} page(s): scanned or image-only PDF (needs OCR)",
            )
        raise IngestError(path, "no text content")
    return pages


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


def _load_text(path: Path) -> list[Page]:
    return [Page(1, _check_lines(path, _read_text(path)))]


def _load_markdown(path: Path) -> list[Page]:
    text = _check_lines(path, _read_text(path))
    # Keep the words, drop markup that only adds noise to embeddings and BM25.
    text = re.sub(r"```.*?\n", "", text)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images -> alt text
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links -> link text
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|`)", "", text)
    return [Page(1, text)]


def _load_html(path: Path) -> list[Page]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_text(path), "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head", "svg", "iframe"]):
        tag.decompose()
    text = soup.get_text("\n")
    text = "\n".join(line.strip() for line in text.splitlines())
    return [Page(1, text)]


def _load_docx(path: Path) -> list[Page]:
    import zipfile

    import docx

    if not zipfile.is_zipfile(path):
        raise IngestError(path, "not a valid .docx (not a ZIP container)")
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return [Page(1, "\n".join(parts))]


def _load_pdf(path: Path) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise IngestError(path, "not a PDF (missing %PDF- header): corrupt or wrong extension")
    try:
        reader = PdfReader(str(path), strict=False)
    except PdfReadError as e:
        raise IngestError(path, f"corrupt PDF: {e}"[:300]) from e
    if reader.is_encrypted:
        try:
            # Many PDFs are "encrypted" with an empty user password (copy protection only).
            ok = reader.decrypt("")
        except Exception as e:
            raise IngestError(path, "encrypted PDF: cannot decrypt (password required)") from e
        if not ok:
            raise IngestError(path, "encrypted PDF: a password is required to open it")
    pages: list[Page] = []
    try:
        n = len(reader.pages)
    except Exception as e:
        raise IngestError(path, f"corrupt PDF: cannot read page tree ({type(e).__name__})") from e
    for i in range(n):
        try:
            text = reader.pages[i].extract_text() or ""
        except Exception as e:  # one bad page should not lose the rest of the document
            log.warning("%s page %d: text extraction failed: %s", path.name, i + 1, e)
            text = ""
        pages.append(Page(i + 1, text))
    return pages


_LOADERS: dict[str, Callable[[Path], list[Page]]] = {
    ".pdf": _load_pdf,
    ".txt": _load_text,
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".html": _load_html,
    ".htm": _load_html,
    ".docx": _load_docx,
}

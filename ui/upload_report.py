"""The words of an upload's report: what happened to each file and what was read from it."""

from __future__ import annotations

from collections.abc import Sequence

from rag.engine import FileResult
from rag.places import extent
from ui.text import escape_md

# Streamlit prints its own per-file limit under the drop zone ("200MB per file", the
# server's maxUploadSize, set above the app's limit so an oversized file reaches the app and
# gets its red "over the 50 MB upload limit"): beside the label's "up to 50 MB each" it
# contradicted it. The label says the formats and the limit that count.
HIDE_WIDGET_LIMIT = (
    '<style>[class*="st-key-uploader_"] [data-testid="stFileUploaderDropzoneInstructions"]'
    " { display: none; }</style>"
)


def uploader_label(formats: Sequence[str], limit_mb: float) -> str:
    """The upload widget's label: "Add documents (PDF, DOCX, ...; up to 50 MB each)"."""
    return f"Add documents ({', '.join(formats)}; up to {limit_mb:.0f} MB each)"


def outcome_words(status: str, name: str, indexed_as: str | None) -> str:
    """``added`` / ``replaced`` / ``failed`` as they are; ``unchanged`` (the engine's word:
    these bytes are indexed already) as "already indexed", naming the document when it has
    another name: uploading a renamed copy otherwise seemed to do nothing, unexplained."""
    if status != "unchanged":
        return status
    if indexed_as and indexed_as != name:
        return f"already indexed as {escape_md(indexed_as)}"
    return "already indexed"


def stage_words(stage: str, read: int, total: int) -> str:
    """What a file's progress bar says it is doing. Once every page is read the file is
    cleaned and cut into passages (seconds for a long PDF): "reading page 55 of 55" then
    looked stuck, and a scan showed "reading" again after its OCR."""
    if stage == "reading" and total and read >= total:
        return "splitting into passages"
    return {
        "waiting": "waiting",
        "reading": f"reading page {read} of {total}" if total > 1 else "reading",
        "ocr": f"OCR, page {read + 1} of {total} (slow: seconds a page)",
        "embedding": "embedding",
    }[stage]


def copies_words(copies: int) -> str:
    """A file picked more than once in one upload: "listed twice, indexed once"."""
    times = {2: "twice", 3: "three times"}.get(copies, f"{copies} times")
    return f"listed {times}, indexed once"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def _pages_list(pages: list[int]) -> str:
    shown = ", ".join(map(str, pages[:12]))
    return shown + (f" and {len(pages) - 12} more" if len(pages) > 12 else "")


def report_text(r: FileResult) -> str:
    """The document report of one file as one line: ``(3 pages, 12 chunks) · 2 read as text,
    1 OCR'd (p. 3), 1 table, 4,567 characters``; a scan's ``(1 page, 9 chunks) · 1 page OCR'd
    (p. 1), 4,514 characters``."""
    extra = []
    if r.ocr_pages:
        ocr = f"OCR'd (p. {_pages_list(r.ocr_pages)})"
        if r.garbled_pages:  # why a PDF with a text layer was OCR'd
            why = (
                "the text layer was unreadable"
                if r.garbled_pages == r.ocr_pages
                else f"p. {_pages_list(r.garbled_pages)} had an unreadable text layer"
            )
            ocr = f"OCR'd (p. {_pages_list(r.ocr_pages)}; {why})"
        # A scan has no text pages: "0 read as text" only made the line longer.
        extra.append(
            f"{len(r.text_pages)} read as text, {len(r.ocr_pages)} {ocr}"
            if r.text_pages
            else f"{plural(len(r.ocr_pages), 'page')} {ocr}"
        )
    if r.tables:
        extra.append(plural(r.tables, "table"))
    if r.chars:
        extra.append(plural(r.chars, "character"))
    # a text or Word file has no pages to count: "(1 page, 1 chunk)" read as one page long
    size = (extent(r.path, r.pages), plural(r.chunks, "chunk"))
    head = "(" + ", ".join(x for x in size if x) + ")"
    return head + (" · " + ", ".join(extra) if extra else "")


def failed_pages_text(r: FileResult) -> str:
    lines = [f"page {p['page']}: {escape_md(str(p['error']))}" for p in r.failed_pages[:10]]
    more = len(r.failed_pages) - len(lines)
    return "  \n".join(lines + ([f"and {more} more"] if more > 0 else []))

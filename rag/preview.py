"""Evidence previews: a PDF page with the cited sentences highlighted, or a text passage in
its surrounding document text. No Streamlit here; the UI draws what this returns.

PDF: the page is rendered with pypdfium2 and each cited sentence is located in the page's
own text layer, character by character, so the boxes drawn are the glyph boxes of exactly
those characters. Matching compares letters and digits only (case-folded, NFKC), because
ingestion cleans the text (joins hyphenated words, collapses whitespace, normalises
ligatures); a sentence the text layer does not contain (OCR text, a garbled font) is
reported as not found rather than guessed. pdfium's layer can hold the text even where
ingestion OCR'd the page: ``senate-expenditures.pdf`` reads as garbage in pypdf but as the
right words in pdfium, so the OCR'd sentences are found and boxed from pdfium's glyphs.

Glyph boxes are in the PDF's unrotated user space; the image is drawn as the page is shown
(its /Rotate applied, cropped to its box). Each box goes through pdfium's own page-to-device
transform, so a landscape page stored as a rotated portrait (the senate page: /Rotate 90)
is boxed where its text is drawn, not in columns of single letters across the image.
"""

from __future__ import annotations

import ctypes
import io
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from text.sentences import reflow

HIGHLIGHT_RGBA = (255, 214, 0, 110)  # translucent yellow over the text
OUTLINE_RGBA = (230, 160, 0, 255)
DEFAULT_SCALE = 1.5  # 108 dpi: readable without a huge image
_PAD = 1.5  # points around each line box
_ENDS = 40  # normalised characters matched at each end when the whole sentence is not found
# pdfium is not thread-safe and Streamlit runs each session in its own thread.
_pdfium_lock = threading.Lock()


@dataclass(frozen=True)
class PagePreview:
    png: bytes
    width: int
    height: int
    boxes: tuple[tuple[int, int, int, int], ...]  # (left, top, right, bottom) in pixels
    found: int  # sentences located on the page
    wanted: int
    scanned: bool = False  # no text layer: what is boxed comes from OCR at ingest


def _norm_chars(chars: Sequence[str]) -> tuple[str, list[int]]:
    """Letters and digits only, case-folded and NFKC, with each one's index in ``chars``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(chars):
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if c.isalnum():
                out.append(c)
                where.append(i)
    return "".join(out), where


def _norm(text: str) -> str:
    return _norm_chars(list(text))[0]


def locate(page_text: Sequence[str], sentence: str) -> list[int]:
    """Indices into ``page_text`` (one string per character) of ``sentence``; [] if absent.

    The whole sentence first; else its first and last ``_ENDS`` characters, in order and
    not far apart (a sentence broken by a running header or a figure); else nothing.
    """
    hay, where = _norm_chars(page_text)
    needle = _norm(sentence)
    if len(needle) < 4:
        return []
    at = hay.find(needle)
    if at >= 0:
        return list(range(where[at], where[at + len(needle) - 1] + 1))
    if len(needle) <= 2 * _ENDS:
        return []
    head, tail = needle[:_ENDS], needle[-_ENDS:]
    a = hay.find(head)
    b = hay.find(tail, a + 1) if a >= 0 else -1
    if a < 0 or b < 0 or b - a > 2 * len(needle):
        return []
    return list(range(where[a], where[b + len(tail) - 1] + 1))


def line_boxes(
    boxes: Sequence[tuple[float, float, float, float]],
) -> list[tuple[float, float, float, float]]:
    """Merge character boxes (left, top, right, bottom; points from the shown page's top
    left, y down) into one box per line. A line runs the way its second character goes:
    rightwards, or leftwards, down or up (sideways text on a rotated page)."""
    lines: list[list[float]] = []
    runs: list[str] = []  # each line's direction; "" until its second character
    for box in boxes:
        left, top, right, bottom = box
        if right - left <= 0 or bottom - top <= 0:
            continue  # spaces and generated characters have no box
        way = _continues(lines[-1], runs[-1], box) if lines else ""
        if way:
            cur = lines[-1]
            cur[0], cur[1] = min(cur[0], left), min(cur[1], top)
            cur[2], cur[3] = max(cur[2], right), max(cur[3], bottom)
            runs[-1] = way
        else:
            lines.append([left, top, right, bottom])
            runs.append("")
    return [(a, b, c, d) for a, b, c, d in lines]


def _continues(line: list[float], run: str, box: tuple[float, float, float, float]) -> str:
    """The direction in which ``box`` continues ``line`` ("" if it starts a new line). It
    must overlap the line across (a comma sits lower than the letters but still overlaps
    them); along the line, a gap is a word space, except that a line going down or up the
    page ends at a gap wider than itself (the next line of text down the page)."""
    x0, y0, x1, y1 = line
    left, top, right, bottom = box
    across_rows, across_cols = top < y1 and bottom > y0, left < x1 and right > x0
    ways = {
        "right": across_rows and left >= x1 - 2,
        "left": across_rows and right <= x0 + 2,
        "down": across_cols and y1 - 2 <= top <= y1 + (x1 - x0),
        "up": across_cols and y0 - (x1 - x0) <= bottom <= y0 + 2,
    }
    for way, ok in ways.items():
        if ok and run in ("", way):
            return way
    return ""


_SHOWN_UNIT = 100  # pdfium's page-to-device gives integers: ask in 1/100 pt, keep precision


def shown_boxes(
    page: Any, boxes: Sequence[tuple[float, float, float, float]]
) -> list[tuple[float, float, float, float]]:
    """Glyph boxes (left, bottom, right, top in PDF user space) as (left, top, right,
    bottom) in points from the top left of the page as rendered: rotation and crop applied
    by pdfium itself (``FPDF_PageToDevice``), the transform ``render`` uses."""
    import pypdfium2.raw as pdfium_c

    width = round(page.get_width() * _SHOWN_UNIT)  # rotated size: what is rendered
    height = round(page.get_height() * _SHOWN_UNIT)
    x, y = ctypes.c_int(), ctypes.c_int()
    out: list[tuple[float, float, float, float]] = []
    for left, bottom, right, top in boxes:
        corners = []
        for px, py in ((left, top), (right, bottom)):
            pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, px, py, x, y)
            corners.append((x.value / _SHOWN_UNIT, y.value / _SHOWN_UNIT))
        (x0, y0), (x1, y1) = corners  # rotated, these are no longer top left / bottom right
        out.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return out


def _page_chars(textpage: object, n: int) -> list[str]:
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw  # type: ignore[attr-defined]
    return [chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 32) for i in range(n)]


@lru_cache(maxsize=32)
def _render(path: str, mtime: float, page: int, scale: float) -> tuple[bytes, tuple, tuple]:
    """(PNG of the page, its characters, their boxes on the shown page); cached per file
    version."""
    import pypdfium2 as pdfium

    with _pdfium_lock:
        pdf = pdfium.PdfDocument(path)
        try:
            if not 1 <= page <= len(pdf):
                raise ValueError(f"page {page} is not in this document ({len(pdf)} pages)")
            p = pdf[page - 1]
            image = p.render(scale=scale).to_pil().convert("RGB")
            tp = p.get_textpage()
            n = tp.count_chars()
            chars = _page_chars(tp, n)
            boxes = shown_boxes(p, [tp.get_charbox(i) for i in range(n)])
        finally:
            pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue(), tuple(chars), tuple(boxes)


@lru_cache(maxsize=16)
def _ocr_render(path: str, mtime: float, page: int, cache_dir: str) -> tuple[tuple, tuple]:
    """What Tesseract read on the page at ingest (characters, boxes in points); cached per
    file version like :func:`_render`."""
    import pypdfium2 as pdfium

    from rag.preview_ocr import ocr_layer

    with _pdfium_lock:
        pdf = pdfium.PdfDocument(path)
        try:
            chars, boxes = ocr_layer(pdf, page - 1, Path(cache_dir))
        finally:
            pdf.close()
    return tuple(chars), tuple(boxes)


def _locate_boxes(
    path: str, mtime: float, page: int, sentence: str, ocr_cache: str | None, scale: float
) -> list[tuple[float, float, float, float]]:
    """The line boxes of ``sentence``: from the page's text layer, else (a scanned page) from
    the words Tesseract read there at ingest."""
    for chars, boxes in _layers(path, mtime, page, ocr_cache, scale):
        idx = locate(chars, sentence) or locate(chars, table_row_values(sentence))
        if idx:
            return line_boxes([boxes[i] for i in idx])
    return []


def _layers(
    path: str, mtime: float, page: int, ocr_cache: str | None, scale: float
) -> Iterator[tuple[tuple, tuple]]:
    """The page's characters and their boxes: its text layer, then (read only when that
    one lacks a sentence) what OCR read there at ingest."""
    yield _render(path, mtime, page, scale)[1:]
    if ocr_cache is not None:
        yield _ocr_render(path, mtime, page, ocr_cache)


def table_row_values(sentence: str) -> str:
    """A table row as indexed ("Texas | Permit: 21,550 | Handgun: 56,941") as the page
    prints it: the cells' values in order, without the column names ingest put before them
    ("Texas 21,550 56,941"). Not a table row: ""."""
    if " | " not in sentence:
        return ""
    return " ".join(cell.rpartition(": ")[2] for cell in sentence.split(" | "))


@lru_cache(maxsize=64)
def _highlighted(
    path: str,
    mtime: float,
    page: int,
    sentences: tuple[str, ...],
    scale: float,
    ocr_cache: str | None = None,
) -> PagePreview:
    from PIL import Image, ImageDraw

    png, chars, _boxes = _render(path, mtime, page, scale)
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    found = 0
    drawn: list[tuple[int, int, int, int]] = []
    for sentence in sentences:
        lines = _locate_boxes(path, mtime, page, sentence, ocr_cache, scale)
        found += bool(lines)
        for left, top, right, bottom in lines:
            box = (
                round((left - _PAD) * scale),
                round((top - _PAD) * scale),
                round((right + _PAD) * scale),
                round((bottom + _PAD) * scale),
            )
            draw.rectangle(box, fill=HIGHLIGHT_RGBA, outline=OUTLINE_RGBA, width=1)
            drawn.append(box)
    out, (dx, dy) = _trim(Image.alpha_composite(image, overlay).convert("RGB"), round(16 * scale))
    drawn = [(a - dx, b - dy, c - dx, d - dy) for a, b, c, d in drawn]
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=True)
    scanned = not any(c.strip() for c in chars)
    return PagePreview(
        buf.getvalue(), out.width, out.height, tuple(drawn), found, len(sentences), scanned
    )


def _trim(image: Any, margin: int) -> tuple[Any, tuple[int, int]]:
    """Cut the page's blank margins (a short page is mostly white), keeping ``margin``."""
    from PIL import Image, ImageChops

    bg = Image.new("RGB", image.size, (255, 255, 255))
    box = ImageChops.difference(image, bg).getbbox()
    if box is None:
        return image, (0, 0)
    left, top = max(0, box[0] - margin), max(0, box[1] - margin)
    right, bottom = min(image.width, box[2] + margin), min(image.height, box[3] + margin)
    return image.crop((left, top, right, bottom)), (left, top)


def page_preview(
    path: str | Path,
    page: int,
    sentences: Sequence[str],
    *,
    scale: float = DEFAULT_SCALE,
    ocr_cache_dir: Path | None = None,
) -> PagePreview:
    """Page ``page`` (physical, 1-based) of the PDF with ``sentences`` highlighted; with
    ``ocr_cache_dir`` (ingest's OCR cache) a scanned page's sentences are boxed too."""
    p = Path(path)
    cache = None if ocr_cache_dir is None else str(ocr_cache_dir)
    return _highlighted(str(p), p.stat().st_mtime, page, tuple(sentences), scale, cache)


CLOSE_UP_MARGIN = 48  # pixels above and below the highlighted lines: a line or two of context


def close_up(pv: PagePreview, margin: int = CLOSE_UP_MARGIN) -> bytes | None:
    """The highlighted lines of ``pv`` and a little around them, the page's full text width:
    on a phone the whole page is drawn ~285 px wide (5 px text); this strip can be drawn at
    a readable size. Its edges fall between lines of text, not through one. None when
    nothing is highlighted or the strip would be most of the page (a short page is shown
    whole)."""
    from PIL import Image

    if not pv.boxes:
        return None
    first, last = min(b[1] for b in pv.boxes), max(b[3] for b in pv.boxes)
    gray = Image.open(io.BytesIO(pv.png)).convert("L")
    blank = _between_lines(gray, max(0, first - margin), min(pv.height, last + margin))
    top = max(0, first - margin)
    while top < first and not blank[top]:  # not through a line: down to the gap under it
        top += 1
    bottom = min(pv.height, last + margin)
    while bottom > last and not blank[bottom - 1]:
        bottom -= 1
    if bottom - top > 0.5 * pv.height:
        return None
    buf = io.BytesIO()
    Image.open(io.BytesIO(pv.png)).crop((0, top, pv.width, bottom)).save(buf, format="PNG")
    return buf.getvalue()


_INK = 160  # darker than this is print; lighter is paper, cell shading or anti-aliasing


def _between_lines(gray: Any, start: int, end: int) -> list[bool]:
    """Per pixel row of ``gray``: does it run between lines of print? A row with no ink, or
    (in a table) no ink but the table's vertical rules - columns inked in most rows of
    ``start:end``. A NICS row's close-up was the row alone, 12 px, without the rows around
    it: every row of a ruled, shaded table had held a dark or shaded pixel."""
    import numpy as np

    pixels = np.asarray(gray)
    ink = pixels < _INK
    rules = ink[start:end].mean(axis=0) > 0.8 if end > start else np.zeros(ink.shape[1], bool)
    clear = ~ink[:, ~rules].any(axis=1) | (pixels.min(axis=1) >= 245)
    return [bool(c) for c in clear.tolist()]


def is_pdf(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ".pdf"


@dataclass(frozen=True)
class PassageContext:
    before: str
    passage: str
    after: str


def passage_context(page_text: str, passage: str, chars: int = 400) -> PassageContext | None:
    """The passage with up to ``chars`` characters of its document around it, cut at words.

    The passage is found in the page with its whitespace flattened (chunking re-flowed it);
    the text around it keeps the line breaks a reader sees (``text.sentences.reflow``):
    "Working hours" is a heading on its own line, not the start of "Core hours are ..."."""
    shown = reflow(page_text)
    flat = shown.replace("\n", " ")  # reflow keeps every word and one separator between
    needle = " ".join(passage.split())
    at = flat.find(needle)
    if at < 0 or not needle:
        return None
    end = at + len(needle)
    before = shown[max(0, at - chars) : at]
    after = shown[end : end + chars]
    if at - chars > 0:
        before = "…" + re.split(r"[ \n]", before, maxsplit=1)[-1]
    if end + chars < len(flat):
        after = re.split(r"[ \n](?=[^ \n]*$)", after, maxsplit=1)[0] + "…"
    return PassageContext(before, needle, after)


def document_page_text(path: str | Path, page: int | None) -> str:
    """The cleaned text ingestion saw for that page (every page when ``page`` is None)."""
    from ingest.pipeline import load_pages

    pages = load_pages(Path(path))
    if page is None:
        return "\n\n".join(p.text for p in pages)
    return "\n\n".join(p.text for p in pages if getattr(p, "number", None) == page)

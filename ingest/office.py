"""Office files: DOCX (headings, lists, tables), PPTX (a page per slide), XLSX and CSV
(a page per sheet, rows with their headers).

Tables and sheets use the one row format of :func:`ingest.tables.row_text`:
``key | Header: value | ...``, one row per paragraph, so a chunk never separates a number
from its column name. Images inside DOCX/PPTX are not OCR'd (yet).
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ingest.loaders import IngestError, LoadContext, Page, _check_lines, _read_text
from ingest.tables import rows_with_headers

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _zip_or_fail(path: Path, kind: str) -> None:
    if not zipfile.is_zipfile(path):
        raise IngestError(path, f"not a valid {kind} (not a ZIP container)")


def _table_block(grid: list[list[str]], ctx: LoadContext | None) -> str:
    rows = rows_with_headers(_dedupe_spans(grid))
    if rows and ctx is not None:
        ctx.report.tables += 1
    return "\n\n".join(rows)


def _dedupe_spans(grid: list[list[str]]) -> list[list[str]]:
    """python-docx repeats a merged cell once per grid column: keep it once per row."""
    out = []
    for row in grid:
        kept: list[str] = []
        for j, cell in enumerate(row):
            kept.append("" if j and cell and cell == row[j - 1] else cell)
        out.append(kept)
    return out


# --- DOCX ---------------------------------------------------------------------------------
def load_docx(path: Path, ctx: LoadContext) -> list[Page]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _zip_or_fail(path, ".docx")
    document = docx.Document(str(path))
    blocks: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            blocks.append(_paragraph(Paragraph(child, document)))
        elif child.tag == f"{_W}tbl":
            table = Table(child, document)
            grid = [[cell.text for cell in row.cells] for row in table.rows]
            blocks.append(_table_block(grid, ctx))
    return [Page(1, _join(blocks))]


def _paragraph(p: Any) -> str:
    text = p.text.strip()
    if not text:
        return ""
    style = (p.style.name if p.style is not None else "") or ""
    numbered = p._p.pPr is not None and p._p.pPr.numPr is not None
    if style.startswith("List") or numbered:
        return f"- {text}"
    return text  # a heading is its own block: its own sentence for the chunker


def _join(blocks: Iterable[str]) -> str:
    """Blocks (paragraphs, headings, tables) apart by a blank line; list items together."""
    out = ""
    last = ""
    for b in (b.strip() for b in blocks):
        if not b:
            continue
        if out:
            out += "\n" if b.startswith("- ") and last.startswith("- ") else "\n\n"
        out += b
        last = b
    return out


# --- PPTX ---------------------------------------------------------------------------------
def load_pptx(path: Path, ctx: LoadContext) -> list[Page]:
    from pptx import Presentation

    _zip_or_fail(path, ".pptx")
    deck = Presentation(str(path))
    pages = []
    for number, slide in enumerate(deck.slides, start=1):
        blocks = [b for shape in slide.shapes for b in _shape_blocks(shape, ctx)]
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and notes.text.strip():
                blocks.append(f"Notes: {notes.text.strip()}")
        pages.append(Page(number, "\n\n".join(b for b in blocks if b.strip())))
    return pages


def _shape_blocks(shape: Any, ctx: LoadContext) -> Iterator[str]:
    if getattr(shape, "shapes", None) is not None:  # a group
        for inner in shape.shapes:
            yield from _shape_blocks(inner, ctx)
    if getattr(shape, "has_table", False) and shape.has_table:
        grid = [[cell.text for cell in row.cells] for row in shape.table.rows]
        yield _table_block(grid, ctx)
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        # A slide's bullets have no end punctuation ("EMEA grew 14 percent"): joined by bare
        # line breaks they read as one run-on sentence, so each is a list item ("- ") as in
        # DOCX, and other paragraphs stay apart.
        bullets = _is_body(shape)
        blocks = []
        for para in shape.text_frame.paragraphs:
            text = "".join(run.text for run in para.runs).strip()
            if text:
                bullet = para.level > 0 or bullets or _has_bullet(para)
                blocks.append(f"- {text}" if bullet else text)
        yield _join(blocks)


def _is_body(shape: Any) -> bool:
    from pptx.enum.shapes import PP_PLACEHOLDER

    if not getattr(shape, "is_placeholder", False):
        return False
    return shape.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)


def _has_bullet(para: Any) -> bool:
    ppr = para._p.pPr
    return ppr is not None and any(
        child.tag.endswith(("}buChar", "}buAutoNum")) for child in ppr.iterchildren()
    )


# --- XLSX and CSV -------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def sheet_text(name: str, rows: Iterable[Iterable[Any]]) -> tuple[str, bool]:
    """``Sheet: name`` and its rows with headers (the first non-empty row); (text, had rows)."""
    grid = [cells for row in rows if any(cells := [_cell(v) for v in row])]
    if not grid:
        return "", False
    width = max(max((j + 1 for j, v in enumerate(r) if v), default=0) for r in grid)
    grid = [r[:width] for r in grid]
    body = rows_with_headers(grid) if len(grid) > 1 else [" | ".join(v for v in grid[0] if v)]
    return "\n\n".join([f"Sheet: {name}", *body]), True


def load_xlsx(path: Path, ctx: LoadContext) -> list[Page]:
    import openpyxl

    _zip_or_fail(path, ".xlsx")
    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        pages = []
        for number, ws in enumerate(book.worksheets, start=1):
            text, has_rows = sheet_text(ws.title, ws.iter_rows(values_only=True))
            ctx.report.tables += has_rows
            pages.append(Page(number, text, label=ws.title))
            ctx.progress("text", number, len(book.worksheets))
    finally:
        book.close()
    return pages


def load_csv(path: Path, ctx: LoadContext) -> list[Page]:
    text = _check_lines(path, _read_text(path))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    body, has_rows = sheet_text(path.stem, csv.reader(text.splitlines(), dialect))
    ctx.report.tables += has_rows
    return [Page(1, body, label=path.stem)]

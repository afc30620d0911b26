"""Highlight boxes for a scanned page: the words Tesseract read there, from the OCR cache.

A scan has no text layer, so ``rag.preview`` finds no glyph for a cited sentence. Ingest
kept the box of every word Tesseract read (``ingest.ocr``); here they become the per-character
boxes ``rag.preview`` matches sentences against: each word's box cut into equal slices, one
per letter, so the line merging there runs along the words as it runs along glyphs. Only
the cache is read: a preview never waits 15-30 s for Tesseract, and a page OCR'd before
the boxes were kept is simply not highlighted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest import ocr

Box = tuple[float, float, float, float]  # left, top, right, bottom in points, y down


def ocr_layer(pdf: Any, index: int, cache_dir: Path) -> tuple[list[str], list[Box]]:
    """Characters of page ``index`` as Tesseract read them and their boxes on the shown page
    (the rendering Tesseract read, in points); empty when the page was never OCR'd."""
    result = ocr.cached_pdf_page(pdf, index, cache_dir)
    if result is None:
        return [], []
    to_points = 72 / ocr.DPI
    chars: list[str] = []
    boxes: list[Box] = []
    for word, left, top, right, bottom in result.boxes:
        if chars:  # a space between words: no box, so it never widens a highlight
            chars.append(" ")
            boxes.append((0.0, 0.0, 0.0, 0.0))
        step = (right - left) / len(word)
        for i, ch in enumerate(word):
            chars.append(ch)
            boxes.append(
                (
                    (left + i * step) * to_points,
                    top * to_points,
                    (left + (i + 1) * step) * to_points,
                    bottom * to_points,
                )
            )
    return chars, boxes

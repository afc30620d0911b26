"""A scanned page's preview: the cited sentence boxed from the words Tesseract read at ingest."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from ingest.loaders import LoadContext, load_document
from rag.preview import page_preview
from tests.ingest.scans import mixed_pdf

LINES = [
    "Harbor Authority of Westmarch",
    "Notice of annual dredging works",
    "The dredging of the north channel starts on 4 May 2026.",
    "The contract was awarded to Pelican Marine Services.",
]
LINE_STEP_PT = 0.3 * 72  # scans.page_image draws a line every 0.3 inch


@pytest.fixture
def scan(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract is not installed: run `make setup-test` (apt tesseract-ocr)")
    pdf = mixed_pdf(tmp_path / "notice.pdf", "A typed cover page.", LINES)
    cache = tmp_path / "ocr-cache"
    loaded = load_document(pdf, ctx=LoadContext(cache))
    assert loaded.report.ocr_pages == [2] and "Pelican Marine" in loaded.pages[1].text
    return pdf, cache


def test_a_scanned_pages_sentences_are_boxed_where_they_are_drawn(
    scan: tuple[Path, Path],
) -> None:
    pdf, cache = scan
    starts, awarded = LINES[2], LINES[3]
    pv = page_preview(pdf, 2, [starts, awarded], ocr_cache_dir=cache)
    assert (pv.found, pv.wanted, pv.scanned) == (2, 2, True)
    (first, second) = pv.boxes  # one line each, in the order asked
    step = second[1] - first[1]
    assert abs(step - LINE_STEP_PT * 1.5) < 4, pv.boxes  # the next drawn line, at scale 1.5
    for left, top, right, bottom in pv.boxes:
        assert right - left > 10 * (bottom - top)  # a line of words, not a letter
    image = Image.open(io.BytesIO(pv.png)).convert("RGB")
    left, top, right, bottom = first
    inside = image.crop((left + 2, top + 2, right - 2, bottom - 2)).getcolors(1 << 16) or []
    dark = sum(n for n, (r, g, _b) in inside if r < 160 and g < 140)  # ink under yellow
    tinted = sum(n for n, (r, g, b) in inside if r > 200 and b < 180)  # yellow over paper
    assert dark > 50 and tinted > 50  # the box sits on the drawn words, highlighted
    elsewhere = page_preview(pdf, 2, ["Not on this page at all, anywhere."], ocr_cache_dir=cache)
    assert elsewhere.found == 0 and elsewhere.boxes == ()


def test_without_the_ocr_cache_or_its_word_boxes_nothing_is_guessed(
    scan: tuple[Path, Path],
) -> None:
    pdf, cache = scan
    assert page_preview(pdf, 2, [LINES[3]]).found == 0  # no text layer, no cache given
    for entry in cache.rglob("*.json"):  # a result cached before the boxes were kept
        data = json.loads(entry.read_text(encoding="utf-8"))
        del data["boxes"]
        entry.write_text(json.dumps(data), encoding="utf-8")
    pdf.touch()  # a new file version: the preview's own caches start again
    old = page_preview(pdf, 2, [LINES[3]], ocr_cache_dir=cache)
    assert old.found == 0 and old.boxes == ()

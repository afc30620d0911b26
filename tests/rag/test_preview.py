"""rag.preview: the cited sentence located in a PDF page's text layer and highlighted."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from rag.demo import write_text_pdf
from rag.preview import (
    HIGHLIGHT_RGBA,
    line_boxes,
    locate,
    page_preview,
    passage_context,
    table_row_values,
)

SENTENCE = "The launch budget is 80,000 dollars."


def _pdf(tmp_path: Path) -> Path:
    pdf = tmp_path / "brief.pdf"
    write_text_pdf(
        pdf,
        [
            "Page one says nothing about money.",
            "Project Zephyr overview. The Zephyr launch date is 14 March 2027.\n"
            + SENTENCE
            + "\nQuestions go to the programme office.",
        ],
        "Zephyr",
    )
    return pdf


def test_locate_ignores_case_spacing_hyphenation_and_ligatures() -> None:
    page = list("Hotels and meals. The nightly ho-\ntel  limit is ﬁne.")
    idx = locate(page, "the nightly hotel limit is fine.")
    assert "".join(page[i] for i in idx) == "The nightly ho-\ntel  limit is ﬁne"
    assert locate(page, "Something else entirely.") == []


def test_line_boxes_merge_a_line_and_keep_lower_commas() -> None:
    # (left, top, right, bottom), y down: a line, a lower comma, the line goes on; next line
    chars = [(10, 100, 15, 110), (15, 107, 17, 112), (18, 100, 25, 110), (10, 120, 20, 130)]
    assert line_boxes(chars) == [(10, 100, 25, 112), (10, 120, 20, 130)]


def test_line_boxes_follow_sideways_text_and_stop_at_its_next_line() -> None:
    down = [(100, 10, 110, 15), (100, 15, 110, 20), (100, 23, 110, 28)]  # a word space
    next_line = [(85, 10, 95, 15)]  # the next line of sideways text: to the left, at the top
    assert line_boxes(down + next_line) == [(100, 10, 110, 28), (85, 10, 95, 15)]
    up = [(100, 23, 110, 28), (100, 15, 110, 20), (100, 10, 110, 15)]
    assert line_boxes(up) == [(100, 10, 110, 28)]
    far_below = [(100, 10, 110, 15), (100, 40, 110, 45)]  # a gap wider than the line
    assert len(line_boxes(far_below)) == 2


def test_page_preview_highlights_the_sentence_on_its_page(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path)
    pv = page_preview(pdf, 2, [SENTENCE])
    assert pv.found == 1 and pv.wanted == 1 and len(pv.boxes) == 1
    left, top, right, bottom = pv.boxes[0]
    img = Image.open(io.BytesIO(pv.png)).convert("RGB")
    assert (img.width, img.height) == (pv.width, pv.height)
    # the box covers the sentence's text: its background is the highlight over white
    r, g, b = HIGHLIGHT_RGBA[:3]
    a = HIGHLIGHT_RGBA[3] / 255
    want = tuple(round(c * a + 255 * (1 - a)) for c in (r, g, b))
    box = img.crop((left, top, right, bottom))
    near = sum(
        n
        for n, c in box.getcolors(1 << 20) or []
        if all(abs(x - y) <= 4 for x, y in zip(c, want, strict=True))
    )
    assert near > 0.5 * box.width * box.height
    assert 150 < right - left < 500  # the sentence's line, not the page
    # page 1 does not contain it
    assert page_preview(pdf, 1, [SENTENCE]).found == 0


def _blend(rgb: tuple[int, int, int]) -> tuple[int, ...]:
    a = HIGHLIGHT_RGBA[3] / 255
    return tuple(round(h * a + c * (1 - a)) for h, c in zip(HIGHLIGHT_RGBA[:3], rgb, strict=True))


def _covers_text(png: bytes, box: tuple[int, int, int, int]) -> tuple[float, int]:
    """(share of the box that is highlighted paper, pixels of letters in it: clearly darker
    than the highlighted paper, small anti-aliased print included)."""
    left, top, right, bottom = box
    inside = (left + 2, top + 2, right - 2, bottom - 2)  # not the box's own outline
    crop = Image.open(io.BytesIO(png)).convert("RGB").crop(inside)
    paper = _blend((255, 255, 255))
    colors = crop.getcolors(1 << 20) or []
    on_paper = sum(
        n for n, c in colors if all(abs(x - y) <= 4 for x, y in zip(c, paper, strict=True))
    )
    on_ink = sum(n for n, c in colors if sum(c) < sum(paper) - 150)
    return on_paper / (crop.width * crop.height), on_ink


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_a_rotated_page_is_boxed_where_its_text_is_drawn(tmp_path: Path, rotate: int) -> None:
    """Glyph boxes are in the unrotated page's space; the image shows the page rotated."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(_pdf(tmp_path)))
    writer.pages[1].rotate(rotate)  # /Rotate, as a landscape page stored as portrait has
    rotated = tmp_path / f"rotated-{rotate}.pdf"
    writer.write(rotated)
    pv = page_preview(rotated, 2, [SENTENCE])
    assert pv.found == 1 and len(pv.boxes) == 1  # one line box, not a box per letter
    left, top, right, bottom = pv.boxes[0]
    long_side, short_side = sorted((right - left, bottom - top), reverse=True)
    assert 150 < long_side < 500 and short_side < 40  # the sentence's line, not the page
    assert (right - left > bottom - top) == (rotate == 180)  # sideways at 90 and 270
    paper, ink = _covers_text(pv.png, pv.boxes[0])
    assert paper > 0.5 and ink > 100  # the sentence's letters are under the box


def test_the_ocrd_senate_page_is_boxed_on_the_cited_row(shared_pdfs: Path) -> None:
    """senate-expenditures.pdf: pypdf reads garbage (ingest OCRs it) but pdfium reads the
    words; the landscape page is a portrait page with /Rotate 90. The tester saw columns of
    single-letter boxes over the payee column and the blank space above the table."""
    row = "AIRFARE FOR E JOHNSON KANSAS CITY TO WASHINGTON DC AND RETURN"
    pv = page_preview(shared_pdfs / "senate-expenditures.pdf", 1, [row])
    assert pv.found == 1 and len(pv.boxes) == 1
    left, top, right, bottom = pv.boxes[0]
    assert bottom - top < 20 and right - left > 200  # one printed row, read left to right
    paper, ink = _covers_text(pv.png, pv.boxes[0])
    assert paper > 0.15 and ink > 100  # small dense print: less paper between letters


def test_a_table_row_is_boxed_by_its_values_as_the_page_prints_them(shared_pdfs: Path) -> None:
    """Ingest indexes a NICS row with its column names ("Texas | Permit: 21,550 | ..."); the
    page prints the values alone, so the row matched nothing and a walk saw no highlight."""
    assert table_row_values("Texas | Permit: 21,550 | Long Gun: 51,670") == "Texas 21,550 51,670"
    assert table_row_values("A sentence: with a colon.") == ""
    row = "Texas | Permit: 21,550 | Handgun: 56,941 | Long Gun: 51,670 | *Other: 2,532"
    pv = page_preview(shared_pdfs / "nics-background-checks-2015-11.pdf", 1, [row])
    assert pv.found == 1 and len(pv.boxes) == 1 and not pv.scanned
    left, top, right, bottom = pv.boxes[0]
    assert bottom - top < 20 and right - left > 150  # one printed row, its first cells
    _paper, ink = _covers_text(pv.png, pv.boxes[0])
    assert ink > 100
    # its close-up shows the rows around it, not the row alone (12 px: the table's rules and
    # shading left no blank pixel row to cut at)
    from rag.preview import close_up

    strip = Image.open(io.BytesIO(close_up(pv) or b""))
    assert strip.height > 4 * (bottom - top)


def test_passage_context_cuts_at_words() -> None:
    text = "alpha " * 100 + "The passage itself. " + "omega " * 100
    ctx = passage_context(text, "The  passage\nitself.", chars=30)
    assert ctx is not None and ctx.passage == "The passage itself."
    assert ctx.before.startswith("…") and ctx.after.endswith("…")
    assert passage_context(text, "absent") is None


def test_citation_script_survives_streamlits_html_sanitiser() -> None:
    """A "<" inside the script makes st.html drop it silently (found in Chromium)."""
    from ui.sources import _CITATION_JS

    body = _CITATION_JS.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    assert "<" not in body and "#sources-" in body


def test_passage_context_keeps_a_heading_on_its_own_line() -> None:
    page = "Founded in 2014, it employs 240 people.\nWorking hours\n\nCore hours are 10 to 15.\nRemote work\n\nUp to three days."
    ctx = passage_context(page, "Core hours are 10 to 15.")
    assert ctx is not None
    assert ctx.before == "Founded in 2014, it employs 240 people.\nWorking hours\n"
    assert ctx.after == "\nRemote work\nUp to three days."


def test_close_up_keeps_the_highlighted_lines_cut_between_lines(tmp_path: Path) -> None:
    from rag.demo import write_text_pdf
    from rag.preview import close_up

    filler = "\n".join(f"Line {i} of the programme notes, nothing about money." for i in range(40))
    pdf = tmp_path / "long.pdf"
    write_text_pdf(pdf, ["Cover.", f"{filler}\n{SENTENCE}\n{filler}"], "Zephyr")
    pv = page_preview(pdf, 2, [SENTENCE])
    strip = Image.open(io.BytesIO(close_up(pv) or b"")).convert("L")
    assert strip.width == pv.width and strip.height < 0.25 * pv.height
    (box,) = pv.boxes
    assert strip.height >= box[3] - box[1]  # the highlighted line is all there
    for y in (0, strip.height - 1):  # its edges run through white, not through text
        assert strip.crop((0, y, strip.width, y + 1)).getextrema()[0] >= 245
    short = page_preview(_pdf(tmp_path), 2, [SENTENCE])
    assert close_up(short) is None  # a short page is shown whole

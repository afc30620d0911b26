"""rag.preview: the cited sentence located in a PDF page's text layer and highlighted."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from rag.demo import write_text_pdf
from rag.preview import (
    HIGHLIGHT_RGBA,
    line_boxes,
    locate,
    page_preview,
    passage_context,
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
    chars = [(10, 100, 15, 110), (15, 98, 17, 103), (18, 100, 25, 110), (10, 80, 20, 90)]
    assert line_boxes(chars) == [(10, 98, 25, 110), (10, 80, 20, 90)]


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

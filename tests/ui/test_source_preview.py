"""'Show in the document' marks the same sentences as the passage above it. It used to mark
a slide's whole table: the passage was matched in its document with its line breaks
flattened, so the table's rows became one long "sentence"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import ask

# A slide with a table as the pptx loader reads it: title and rows in their own paragraphs.
ROWS = (
    "Throughput by hall\n\n"
    "Hall A | Pallets per day: 1,240 | Staff: 31\n\n"
    "Hall B | Pallets per day: 1,870 | Staff: 44"
)


def _preview_page(path: str, rows: str) -> None:
    from providers.base import Source
    from ui.sources import _text_preview, _used_in

    s = Source(1, "warehouse.txt", 1, rows)
    _text_preview(path, s, _used_in(s, "Hall B | Pallets per day: 1,870 [1]"))


def test_the_document_view_marks_only_the_row_the_answer_used(tmp_path: Path) -> None:
    doc = tmp_path / "warehouse.txt"
    doc.write_text("Quarterly warehouse review.\n\n" + ROWS + "\n\nEnd of the deck.\n")
    at = AppTest.from_function(_preview_page, args=(str(doc), ROWS), default_timeout=30)
    at.run()
    assert not at.exception
    (body,) = [m.value for m in at.markdown]
    marked = body[body.index(":blue-background[") :].split("]", 1)[0]
    assert "Hall B" in marked and "Hall A" not in marked, body
    assert "Quarterly warehouse review" in body  # the document around the passage is shown


def test_source_labels_name_a_page_only_where_the_document_has_pages() -> None:
    from providers.base import Source
    from ui.sources import source_label

    pdf = source_label(Source(1, "policy.pdf", 2, "London: 320 dollars.", relevance=0.6))
    md = source_label(Source(2, "employee-handbook.md", 1, "Vacation: 25 days.", relevance=0.5))
    assert "policy.pdf · page 2 · relevance 0.60" in pdf
    assert "employee-handbook.md · relevance 0.50" in md and "page" not in md
    opening = Source(3, "policy.pdf", 1, "This policy ...", relevance=0.02, opens_document=True)
    assert source_label(opening) == "\\[3\\] policy.pdf · page 1 · opening of the document"


def test_a_passage_shows_its_headings_as_lines_and_highlights_the_used_sentence() -> None:
    # highlighted in bold as well as blue: colour must not be the only sign of it
    from ui.text import highlighted_passage

    passage = "Working hours\n\nCore hours are 10:00 to 15:00.\nOutside them, choose\nfreely."
    body, used = highlighted_passage(passage, ["Core hours are 10:00 to 15:00."])
    assert used == 1
    assert body == (
        "Working hours  \n:blue-background[**Core hours are 10\\:00 to 15\\:00\\.**] "
        "Outside them, choose freely\\."
    )


def _pdf_page(path: str, sentence: str) -> None:
    from ui.sources import _pdf_preview

    _pdf_preview(path, 2, [sentence], "brief.pdf", "t1_1")


def _long_pdf(tmp_path: Path, sentence: str) -> Path:
    from rag.demo import write_text_pdf

    pdf = tmp_path / "brief.pdf"
    filler = "\n".join(f"Line {i} of the programme notes, nothing about money." for i in range(40))
    write_text_pdf(pdf, ["Cover.", f"{filler}\n{sentence}\n{filler}"], "Zephyr")
    return pdf


def _open_page(tmp_path: Path) -> tuple[AppTest, str, int]:
    """The app drawn over page 2 of a long PDF: (app, the preview's HTML, the page's width)."""
    from rag.preview import page_preview

    sentence = "The launch budget is 80,000 dollars."
    pdf = _long_pdf(tmp_path, sentence)
    at = AppTest.from_function(_pdf_page, args=(str(pdf), sentence), default_timeout=30)
    at.run()
    assert not at.exception
    (strip,) = [h.proto.body for h in at.get("html")]
    return at, strip, page_preview(pdf, 2, [sentence]).width


def test_a_pdf_page_preview_stays_readable_on_a_phone(tmp_path: Path) -> None:
    # The page was drawn at the column's width: ~285 px on a phone, its text ~5 px high.
    # Now the highlighted lines come first, fitting the column, and "Zoom in" draws them at
    # READABLE_SHARE of their pixels, scrolling sideways; the whole page is a toggle away.
    from ui.sources import READABLE_SHARE

    at, strip, width = _open_page(tmp_path)  # the whole page waits for its toggle
    assert f"--readable-px:{round(width * READABLE_SHARE)}px" in strip
    assert "@media (max-width: 640px)" in strip  # a desktop column fits the image whole
    # on a phone it fits too (cut off mid-word otherwise); the readable size is a zoom away
    assert 'type="checkbox" class="gqa-zoom"' in strip and "Zoom in" in strip
    assert ".gqa-zoom:checked ~ .gqa-page img { width: max(100%, var(--readable-px)); }" in strip
    assert "overflow-x: auto" in strip and 'alt="The highlighted lines on page 2' in strip
    at.toggle(key="whole_t1_1").set_value(True).run()
    assert not at.exception
    # the whole page has a name a screen reader reads (st.image's alt was empty)
    assert any('alt="Page 2 of brief.pdf"' in h.proto.body for h in at.get("html"))


def test_an_open_pdf_page_gets_a_readable_width_on_a_desktop(tmp_path: Path) -> None:
    # The walk (1366x900, sidebar open): the page was drawn ~416 px wide, the answer
    # column's width, its text ~6 px high, beside a side column empty from its tables down.
    # While a page is open the answer column asks for PREVIEW_MIN_PX (the side panel goes
    # under the answers where both do not fit), and the page is drawn at up to its own size.
    from ui.layout import CSS, EVIDENCE_CLASS, PREVIEW_MIN_PX, ROW_SELECTOR

    _, strip, width = _open_page(tmp_path)
    assert f'<div class="{EVIDENCE_CLASS}"' in strip and f"--natural-px:{width}px" in strip
    # as wide as the column allows, never blown up past its own pixels (blurred)
    assert ".gqa-evidence img { width: 100%; max-width: var(--natural-px);" in strip
    widen = (
        f"{ROW_SELECTOR}:has(.{EVIDENCE_CLASS}) > [data-testid='stColumn']:first-child "
        f"{{ flex-basis: {PREVIEW_MIN_PX}px !important; }}"
    )
    assert widen in CSS
    # at 1366 px with the sidebar open (~900 px of page) that wraps: the page gets ~800 px
    assert PREVIEW_MIN_PX + 32 + 280 > 902 and PREVIEW_MIN_PX >= 600


def test_a_conversation_looks_its_documents_up_once_per_run(
    new_app: Callable[[], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Looked up per source (settings, secrets, a cache copy each), the files behind the
    sources were a third of every rerun in a 20-question conversation; the previews still
    find their files."""
    import ui.sources

    at = new_app()
    for q in ("What is the nightly hotel limit in London?", "What are the core hours?"):
        ask(at, q)
    calls: list[int] = []
    looked_up = ui.sources.doc_paths
    monkeypatch.setattr(ui.sources, "doc_paths", lambda: calls.append(1) or looked_up())
    ask(at, "How many vacation days do full-time employees get?")
    # two runs: the one that asks, and its rerun that draws the finished turn (were 25 calls)
    assert len(at.session_state.turns) == 3 and len(calls) == 2
    assert any(t.label.startswith("Show in the document") for t in at.toggle)

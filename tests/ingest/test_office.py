"""Office formats, built here with their own libraries: DOCX, PPTX, XLSX, CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import SUPPORTED_SUFFIXES, IngestError, load_document


def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Travel policy", level=1)
    d.add_paragraph("Employees book travel through the portal.")
    d.add_paragraph("Economy class for flights under six hours", style="List Bullet")
    d.add_paragraph("Receipts within 30 days", style="List Bullet")
    d.add_heading("Hotel limits", level=2)
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [["City", "Nightly limit", "Breakfast"], ["London", "320", "yes"], ["Paris", "280", "no"]]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("Exceptions need a director's approval.")
    d.save(str(path))
    return path


def test_docx_headings_lists_and_tables_in_order(tmp_path: Path) -> None:
    loaded = load_document(_docx(tmp_path / "policy.docx"))
    (page,) = loaded.pages
    text = page.text
    assert "London | Nightly limit: 320 | Breakfast: yes" in text
    assert "Paris | Nightly limit: 280 | Breakfast: no" in text
    assert "- Economy class for flights under six hours\n- Receipts within 30 days" in text
    order = [
        text.index(s) for s in ("Travel policy", "portal", "Hotel limits", "London |", "director")
    ]
    assert order == sorted(order)
    assert "\n\nHotel limits\n\n" in text  # a heading stands alone
    assert loaded.report.tables == 1 and loaded.report.chars == len(text)


def test_pptx_one_page_per_slide_with_tables_and_notes(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    s1 = deck.slides.add_slide(deck.slide_layouts[1])
    s1.shapes.title.text = "Quarterly review"
    s1.placeholders[1].text = "Revenue grew 12 percent"
    s1.notes_slide.notes_text_frame.text = "Mention the Lisbon office."
    s2 = deck.slides.add_slide(deck.slide_layouts[5])
    s2.shapes.title.text = "Headcount"
    shape = s2.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(6), Inches(2))
    for r, row in enumerate([["Team", "People"], ["Sales", "14"], ["Support", "9"]]):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = value
    path = tmp_path / "review.pptx"
    deck.save(str(path))
    loaded = load_document(path)
    assert [p.number for p in loaded.pages] == [1, 2]
    assert "Revenue grew 12 percent" in loaded.pages[0].text
    assert "Notes: Mention the Lisbon office." in loaded.pages[0].text
    assert (
        "Sales | People: 14" in loaded.pages[1].text
        and "Support | People: 9" in loaded.pages[1].text
    )
    assert loaded.report.tables == 1 and loaded.report.text_pages == [1, 2]


def test_xlsx_a_page_per_sheet_labelled_with_its_name(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Budget 2026"
    ws.append(["Department", "Q1", "Q2", "Approved"])
    ws.append(["Research", 120000, 135000.0, dt.datetime(2026, 1, 15)])
    ws.append(["Marketing", 80000, None, dt.datetime(2026, 2, 1)])
    staff = book.create_sheet("Staff")
    staff.append(["Name", "Role"])
    staff.append(["Ada Byron", "Analyst"])
    book.create_sheet("Empty")
    path = tmp_path / "plan.xlsx"
    book.save(str(path))
    loaded = load_document(path)
    assert [(p.number, p.label) for p in loaded.pages] == [
        (1, "Budget 2026"),
        (2, "Staff"),
        (3, "Empty"),
    ]
    budget = loaded.pages[0].text
    assert budget.startswith("Sheet: Budget 2026")
    assert "Research | Q1: 120000 | Q2: 135000 | Approved: 2026-01-15" in budget
    assert "Marketing | Q1: 80000 | Approved: 2026-02-01" in budget
    assert "Ada Byron | Role: Analyst" in loaded.pages[1].text
    assert loaded.pages[2].text == "" and loaded.report.tables == 2


def test_csv_rows_with_headers_and_its_delimiter_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text(
        "station;river;level_m\nKendal;Kent;1.42\nLancaster;Lune;2.05\n", encoding="utf-8"
    )
    (page,) = load_document(path).pages
    assert page.label == "stations"
    assert "Lancaster | river: Lune | level_m: 2.05" in page.text


@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".xlsx"])
def test_a_broken_office_file_fails_alone_with_a_reason(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(IngestError) as e:
        load_document(path)
    assert path.name in str(e.value) and ("ZIP" in e.value.reason or "parse" in e.value.reason)


def test_the_upload_widget_takes_its_types_from_the_loaders() -> None:
    from ui.documents import UPLOAD_TYPES

    assert [f".{t}" for t in UPLOAD_TYPES] == list(SUPPORTED_SUFFIXES)
    assert {"pdf", "docx", "pptx", "xlsx", "csv"} <= set(UPLOAD_TYPES)


def test_slide_bullets_are_items_not_one_run_on_sentence(tmp_path: Path) -> None:
    """Bullets without end punctuation joined by bare line breaks read as one sentence
    ("EMEA grew 14 percent APAC was flat Americas declined 3 percent") in the passage view
    and in extractive answers; each is a list item, a text box's paragraphs stay apart."""
    from pptx import Presentation
    from pptx.util import Inches

    from text.sentences import sentences

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Regional results"
    slide.placeholders[1].text = "EMEA grew 14 percent\nAPAC was flat\nAmericas declined 3 percent"
    box = slide.shapes.add_textbox(Inches(1), Inches(5), Inches(4), Inches(1))
    box.text_frame.text = "Source: finance team\nUnaudited figures"
    path = tmp_path / "deck.pptx"
    deck.save(str(path))
    text = load_document(path).pages[0].text
    assert "- EMEA grew 14 percent\n- APAC was flat\n- Americas declined 3 percent" in text
    assert "Source: finance team\n\nUnaudited figures" in text
    assert "APAC was flat" in [s.lstrip("- ") for s in sentences(text)]

"""Tables: each row indexed with its column headers, multi-row headers merged, page kept."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from ingest import tables
from ingest.loaders import load_document

NICS = "nics-background-checks-2015-11.pdf"


def test_nics_rows_carry_their_merged_headers(shared_pdfs: Path) -> None:
    loaded = load_document(shared_pdfs / NICS)
    assert len(loaded.pages) == 1 and loaded.report.tables == 1
    text = loaded.pages[0].text
    assert (
        "Texas | Permit: 21,550 | Handgun: 56,941 | Long Gun: 51,670 | *Other: 2,532"
        " | **Multiple: 3,048 | Admin: 0 | Pre-Pawn Handgun: 29" in text
    )
    assert "Return to Seller - Private Sale Long Gun: 5" in text  # a three-line group header
    assert "Texas | Private Sale Long Gun: 36" in text  # a wide row split keeps its key
    assert "Totals: 146,982" in text
    assert "HandgunLong Gun" not in text  # the text stream's mangled header is gone
    for state in ("Alabama", "Wyoming", "Guam", "District of Columbia"):
        assert f"\n{state} | Permit: " in text, state


def test_only_dense_numeric_pages_pay_for_table_extraction(shared_pdfs: Path) -> None:
    hits = [
        (f.name, i + 1)
        for f in sorted(shared_pdfs.glob("*.pdf"))
        for i, p in enumerate(PdfReader(str(f)).pages)
        if tables.looks_tabular(p.extract_text() or "")
    ]
    assert hits == [(NICS, 1)]


def test_nics_cell_question_retrieves_the_row_with_headers(
    shared_pdfs: Path,
    settings,
    real_embedder,  # type: ignore[no-untyped-def]
) -> None:
    from rag.engine import Engine

    engine = Engine(settings, embedder=real_embedder)
    (r,) = engine.ingest([shared_pdfs / NICS])
    assert r.status == "added" and r.tables == 1 and r.pages == 1
    for question, cell in [
        ("How many long gun background checks were there in Texas?", "Long Gun: 51,670"),
        ("How many handgun checks did Texas have?", "Handgun: 56,941"),
    ]:
        passages = engine.retrieve(question).passages[:3]
        texas = [p for p in passages if p.text.startswith("Texas | Permit: 21,550")]
        assert texas and cell in texas[0].text and texas[0].page == 1, question
        answer = engine.ask(question)
        assert not answer.refused and cell in answer.answer, question
        assert {s.page for s in answer.sources} == {1}


def test_rows_with_headers_merges_header_rows_and_skips_empty_cells() -> None:
    grid = [
        ["", "2024", "2024", "2025"],
        ["Region", "Q1", "Q2", "Q1"],
        ["North", "10", "", "12"],
        ["", "", "", ""],
        ["South", "7", "8", "9"],
    ]
    assert tables.rows_with_headers(grid, header_rows=2) == [
        "North | 2024 Q1: 10 | 2025 Q1: 12",
        "South | 2024 Q1: 7 | 2024 Q2: 8 | 2025 Q1: 9",
    ]


def test_a_key_without_a_letter_is_named_by_its_column() -> None:
    """A browser walk: a DOCX table's row "2 | Task: Complete the security training" lost
    its "Week", and "What should be completed in week 2?" was refused."""
    grid = [["Week", "Task"], ["2", "Complete the security training"], ["Later", "Review"]]
    assert tables.rows_with_headers(grid) == [
        "Week 2 | Task: Complete the security training",
        "Later | Task: Review",  # a key in words stands alone, as "Texas" does
    ]
    assert tables.row_text("2024-03-01", ["Amount"], ["12"], "Date") == (
        "Date 2024-03-01 | Amount: 12"
    )


def test_a_wide_row_is_split_with_its_key_repeated() -> None:
    headers = [f"Column number {i}" for i in range(40)]
    text = tables.row_text("Ohio", headers, [str(i * 1000) for i in range(40)])
    pieces = text.split("\n\n")
    assert len(pieces) > 1
    assert all(p.startswith("Ohio | ") and len(p) <= tables.MAX_ROW_CHARS for p in pieces)
    assert "Column number 39: 39000" in pieces[-1]


def test_a_quote_read_one_cell_per_line_gets_its_rows_and_totals() -> None:
    """A supplier's quote (tests/data/quote-copperline.pdf, written for these tests): pypdf
    reads its table one cell per line ("6", "£1,045.00", "£6,270.00") and its totals apart
    from their labels ("Total", "£14,268.72"), so nothing said which number was which."""
    from tests.conftest import TESTS_DATA

    loaded = load_document(TESTS_DATA / "quote-copperline.pdf")
    assert loaded.report.tables == 1
    text = loaded.pages[0].text
    assert (
        "Dell Latitude 5450 laptop, 16GB RAM, 512GB SSD | Qty: 6 | Unit price: £1,045.00 | "
        "Amount: £6,270.00" in text
    )
    for field in ("Subtotal: £11,890.60", "VAT (20%): £2,378.12", "Total: £14,268.72"):
        assert f"\n{field}\n" in text, field
    assert "\n£6,270.00\n" not in text  # the cell-per-line copy of the table is gone
    assert "Payment terms: 50% deposit on acceptance" in text


def test_lone_amounts_make_a_page_tabular_and_a_transcript_s_line_numbers_do_not() -> None:
    cells = "Item\nQty\nPrice\n" + "\n".join(f"Widget {i}\n{i}\n£{i},045.00" for i in range(1, 7))
    assert tables.looks_tabular(cells)
    transcript = "\n".join(f"{i}\nMR. SMITH: Your Honor, we ask" for i in range(1, 26))
    assert not tables.looks_tabular(transcript)
    assert tables.paired_amounts("Subtotal\n£11,890.60\nTotal £14,268.72\n2\n£650.00") == (
        "Subtotal: £11,890.60\nTotal: £14,268.72\n2\n£650.00"
    )

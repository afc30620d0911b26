"""OCR: scanned pages and garbage text layers are read by the real Tesseract; a page that
cannot be read fails alone, with a reason, and never enters the index as garbage."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest import ocr, pdf
from ingest.loaders import LoadContext, load_document
from tests.ingest.scans import mixed_pdf, scanned_pdf

LETTER = [
    "Harbor Authority of Westmarch",
    "Notice of annual dredging works",
    "The dredging of the north channel starts on 4 May 2026.",
    "The contract was awarded to Pelican Marine Services.",
    "The total contract value is 2,450,000 dollars.",
]
SECOND = [
    "Appendix on safety",
    "Vessels must keep a distance of 300 metres from the dredger.",
    "The harbour master can be reached on channel 14.",
]


def test_scanned_pdf_is_read_by_tesseract_page_by_page(
    tmp_path: Path, tesseract: str, ocr_cache: Path
) -> None:
    scan = scanned_pdf(tmp_path / "scan.pdf", [LETTER, SECOND])
    assert all(not (p.extract_text() or "").strip() for p in PdfReader(str(scan)).pages)
    seen: list[tuple[str, int, int]] = []
    ctx = LoadContext(ocr_cache, lambda stage, done, total: seen.append((stage, done, total)))
    loaded = load_document(scan, ctx=ctx)
    assert [p.number for p in loaded.pages] == [1, 2]
    assert "Pelican Marine Services" in loaded.pages[0].text
    assert "2,450,000" in loaded.pages[0].text
    assert "300 metres" in loaded.pages[1].text
    assert loaded.report.ocr_pages == [1, 2] and loaded.report.failed_pages == []
    assert ("ocr", 0, 2) in seen and ("ocr", 1, 2) in seen  # per-page progress before each page
    assert seen[-1] == ("text", 2, 2)


def test_ocr_is_cached_by_page_image_so_a_reingest_never_runs_tesseract(
    tmp_path: Path, tesseract: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    scan = scanned_pdf(tmp_path / "scan.pdf", [SECOND])
    first = load_document(scan, ctx=LoadContext(cache))
    assert list(cache.rglob("*.json")), "the OCR result was not cached"
    # The same page in another file, with Tesseract gone from PATH: served from the cache.
    copy = scanned_pdf(tmp_path / "copy.pdf", [SECOND])
    monkeypatch.setenv("PATH", str(tmp_path))
    assert ocr.tesseract_path() is None
    t0 = time.perf_counter()
    again = load_document(copy, ctx=LoadContext(cache))
    assert again.pages[0].text == first.pages[0].text and again.report.ocr_pages == [1]
    assert time.perf_counter() - t0 < 5


def test_without_tesseract_the_scanned_page_fails_alone_saying_how_to_install(
    tmp_path: Path, no_tesseract: None
) -> None:
    mixed = mixed_pdf(tmp_path / "mixed.pdf", "The typed cover page names the river Lune.", LETTER)
    loaded = load_document(mixed, ctx=LoadContext(tmp_path / "cache"))
    assert "river Lune" in loaded.pages[0].text
    assert loaded.pages[1].text == ""
    assert loaded.report.text_pages == [1] and loaded.report.ocr_pages == []
    (failed,) = loaded.report.failed_pages
    assert failed["page"] == 2
    assert "apt-get install tesseract-ocr tesseract-ocr-eng" in failed["error"]


def test_an_all_scanned_file_without_tesseract_fails_with_the_reason(
    tmp_path: Path,
    no_tesseract: None,
    engine,  # type: ignore[no-untyped-def]
) -> None:
    scan = scanned_pdf(tmp_path / "scan.pdf", [LETTER])
    (r,) = engine.ingest([scan])
    assert r.status == "failed" and "tesseract-ocr" in (r.error or "")
    assert r.failed_pages and r.failed_pages[0]["page"] == 1


def test_garbage_rule_on_every_real_page(shared_pdfs: Path) -> None:
    """The senate page's text layer is garbage; every other real page reads as text."""
    verdicts = {}
    for f in sorted(shared_pdfs.glob("*.pdf")):
        for i, page in enumerate(PdfReader(str(f)).pages):
            ok, why = pdf.readable(page.extract_text() or "")
            verdicts[(f.name, i + 1)] = (ok, why)
    bad = {k: v for k, v in verdicts.items() if not v[0]}
    assert list(bad) == [("senate-expenditures.pdf", 1)], bad
    assert "not text" in bad[("senate-expenditures.pdf", 1)][1]
    share, words = pdf.known_share(
        PdfReader(str(shared_pdfs / "senate-expenditures.pdf")).pages[0].extract_text()
    )
    assert share < 0.4 and words > 500


def test_senate_page_is_ocrd_and_its_amounts_are_text(
    shared_pdfs: Path, tesseract: str, ocr_cache: Path
) -> None:
    loaded = load_document(shared_pdfs / "senate-expenditures.pdf", ctx=LoadContext(ocr_cache))
    assert loaded.report.ocr_pages == [1] and loaded.report.failed_pages == []
    text = loaded.pages[0].text
    assert "xSTRxtT3" not in text  # the garbage layer is gone
    assert "AIRFARE FOR E JOHNSON KANSAS CITY TO WASHINGTON DC" in text
    assert "920.68" in text
    # the ledger's thousands commas, which Tesseract reads as full stops ("37.499.96")
    assert "37,499.96" in text and "37.499.96" not in text
    assert pdf.readable(text)[0]


def test_unreadable_ocr_output_fails_the_page() -> None:
    tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    tsv += "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t12.5\t~#%\n5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t20\tl1l\n"
    result = ocr.parse_tsv(tsv)
    assert result.words == 2 and result.confidence == pytest.approx(16.25)
    assert result.text == "~#% l1l"
    assert result.confidence < ocr.MIN_CONFIDENCE  # ocr_image raises OcrError for this


def test_a_manuals_function_index_and_code_pages_are_text_not_garbage() -> None:
    """nettle.pdf (dev set): its index ("aes_decrypt . . . 23") and struct listings were
    taken for a broken encoding, OCR'd for 36 s and failed as unreadable."""
    nettle = Path(__file__).parents[1] / "data" / "qa" / "docs" / "nettle.pdf"
    pages = PdfReader(str(nettle)).pages
    for number in (33, 56, 61, 105, 106, 107, 110):
        ok, why = pdf.readable(pages[number - 1].extract_text() or "")
        assert ok, (number, why)
    index = "aes_decrypt . . . 23\naes128_set_encrypt_key . . . 22\nccm_aes_ctx . . . 40\n" * 8
    assert pdf.known_share(index)[0] > 0.9
    # garbage stays garbage: no underscores join its runs
    assert pdf.known_share("o(hô..i.p3xSTRxtT3xR2t Tfxo qzkw vbnp " * 8)[0] < 0.5


def test_amounts_read_with_dots_get_their_commas_back() -> None:
    assert ocr.mended_amounts("SALARY 37.499.96, 1.260.00 and 920.68") == (
        "SALARY 37,499.96, 1,260.00 and 920.68"
    )
    # versions and dates are not amounts
    assert ocr.mended_amounts("dpkg 1.14.17, 2.10.05, v1.2.3") == "dpkg 1.14.17, 2.10.05, v1.2.3"

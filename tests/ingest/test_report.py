"""The per-file document report: ``ingest --json`` fields, the answer path over OCR'd pages,
and the browser's upload result (green when indexed, red when failed)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.ingest.scans import mixed_pdf, scanned_pdf
from tests.ingest.test_ocr import LETTER, SECOND
from tests.ui.conftest import (  # noqa: F401
    app_index,
    demo_index_template,
    new_app,
    page_text,
    wait_until,
)

CONTRACT = {"path", "status", "doc_id", "pages", "chunks", "error"}
REPORT = {"text_pages", "ocr_pages", "failed_pages", "tables", "chars"}


def test_ingest_json_reports_pages_ocr_failures_tables_and_chars(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    mixed_pdf(folder / "mixed.pdf", "The typed cover page names the river Lune.", LETTER)
    (folder / "levels.csv").write_text("station,level_m\nKendal,1.42\nLancaster,2.05\n")
    bin_dir = tmp_path / "bin"  # Tesseract off PATH: the scanned page must fail alone
    bin_dir.mkdir()
    env = {
        **os.environ,
        "RAG_INDEX_DIR": str(tmp_path / "index"),
        "PYTHONPATH": str(ROOT),
        "PATH": str(bin_dir),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "rag", "ingest", "--json", "--progress", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "pages" in proc.stderr and "OCR" in proc.stderr  # the per-page bar on stderr
    results = {Path(r["path"]).name: r for r in map(json.loads, proc.stdout.splitlines())}
    for r in results.values():
        assert set(r) >= CONTRACT | REPORT
    pdf = results["mixed.pdf"]
    assert pdf["status"] == "added" and pdf["pages"] == 2 and pdf["text_pages"] == [1]
    assert pdf["ocr_pages"] == []
    assert [f["page"] for f in pdf["failed_pages"]] == [2]
    assert "apt-get install tesseract-ocr" in pdf["failed_pages"][0]["error"]
    assert pdf["chars"] > 30
    csv = results["levels.csv"]
    assert csv["status"] == "added" and csv["tables"] == 1 and csv["failed_pages"] == []


@pytest.mark.integration
def test_a_scanned_pdf_is_answerable_extractive_with_its_page_cited(
    tmp_path: Path,
    settings,
    real_embedder,
    ocr_cache: Path,
    tesseract: str,  # type: ignore[no-untyped-def]
) -> None:
    from rag.engine import Engine

    engine = Engine(settings, embedder=real_embedder)
    engine.ingestor.ocr_cache_dir = ocr_cache
    (r,) = engine.ingest([scanned_pdf(tmp_path / "harbor-scan.pdf", [LETTER, SECOND])])
    assert r.status == "added" and r.ocr_pages == [1, 2] and r.failed_pages == []
    assert r.garbled_pages == []  # a scan: no text layer, nothing garbled
    answer = engine.ask("How far must vessels keep from the dredger?")
    assert answer.provider == "extractive" and not answer.refused
    assert "300 metres" in answer.answer
    cited = [answer.sources[i - 1] for i in answer.cited] or answer.sources[:1]
    assert cited[0].page == 2 and cited[0].source == "harbor-scan.pdf"
    answer = engine.ask("Who was the dredging contract awarded to?")
    assert "Pelican Marine" in answer.answer and answer.sources[0].page == 1


@pytest.mark.integration
def test_the_senate_page_is_answered_with_its_amount(
    shared_pdfs: Path,
    settings,
    real_embedder,
    ocr_cache: Path,
    tesseract: str,  # type: ignore[no-untyped-def]
) -> None:
    from rag.engine import Engine

    engine = Engine(settings, embedder=real_embedder)
    engine.ingestor.ocr_cache_dir = ocr_cache
    (r,) = engine.ingest([shared_pdfs / "senate-expenditures.pdf"])
    assert r.status == "added" and r.ocr_pages == [1] and r.garbled_pages == [1]
    answer = engine.ask("How much was the airfare for E Johnson from Kansas City to Washington DC?")
    assert answer.provider == "extractive" and not answer.refused
    assert "920.68" in answer.answer and answer.sources[0].page == 1


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Canal tolls", level=1)
    d.add_paragraph("Narrowboats pay the Lune aqueduct toll of 12 pounds a day.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_the_upload_shows_each_files_report_green_or_red(
    new_app: Callable[[], AppTest],  # noqa: F811
) -> None:
    at = new_app()
    at.file_uploader[0].set_value(
        [
            ("tolls.docx", _docx_bytes(), "application/vnd.openxmlformats"),
            ("broken.pptx", b"PK\x03\x04 not a deck", "application/vnd.openxmlformats"),
        ]
    ).run()
    wait_until(at, lambda a: len(a.success) + len(a.error) >= 2, timeout=120)
    (ok,) = [e.value.replace("\\", "") for e in at.success if "tolls" in e.value]
    assert ok.startswith("tolls.docx: added (1 chunk) · ") and "characters" in ok
    (bad,) = [e.value.replace("\\", "") for e in at.error if "broken" in e.value]
    assert bad.startswith("broken.pptx: failed") and "not a ZIP container" in bad

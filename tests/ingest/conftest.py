"""Ingest fixtures: the real PDFs in ../shared/data/pdfs (required in CI, optional on a
laptop) and one OCR cache per test session (Tesseract runs once per page image)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SHARED_PDFS, require_shared

# File -> physical page count (pypdf), fixed by the files themselves.
REAL_PDFS = {
    "FIPS199.pdf": 13,
    "FIPS200.pdf": 17,
    "NIST.CSWP.04162018.pdf": 55,
    "federal-register-2020-17221.pdf": 15,
    "nics-background-checks-2015-11.pdf": 1,
    "scotus-transcript-p1.pdf": 1,
    "senate-expenditures.pdf": 1,
}


def require_real_pdfs() -> Path:
    """The folder with every real PDF, through :func:`tests.conftest.require_shared` (skip
    on a laptop, a loud failure where the data is required)."""
    missing = [n for n in REAL_PDFS if not (SHARED_PDFS / n).is_file()]
    if missing:
        require_shared(SHARED_PDFS / missing[0], f"real PDFs ({', '.join(missing)})")
    return SHARED_PDFS


@pytest.fixture(scope="session")
def real_pdfs() -> Path:
    return require_real_pdfs()


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture
def tesseract() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        pytest.fail("tesseract is not installed: run `make setup-test` (apt tesseract-ocr)")
    return exe


@pytest.fixture
def no_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH on which Tesseract cannot be found (the real binary stays installed)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

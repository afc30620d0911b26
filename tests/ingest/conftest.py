"""Ingest fixtures: one OCR cache per test session (Tesseract runs once per page image)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


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

"""Cleaning and chunking over the real PDFs in ../shared/data/pdfs (issue 14, "Must show")."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ingest.chunking import chunk_pages
from ingest.loaders import Page
from ingest.pipeline import load_pages
from tests.ingest.conftest import REAL_PDFS

# Lines that pypdf returns at the top or bottom of (nearly) every page of these files.
RUNNING_LINES = {
    "FIPS199.pdf": [
        "FIPS Publication 199 Standards for Security Categorization of Federal Information "
        "and Information Systems"
    ],
    "FIPS200.pdf": [
        "FIPS Publication 200 Minimum Security Requirements for Federal Information and "
        "Information Systems"
    ],
    "NIST.CSWP.04162018.pdf": [
        "April 16, 2018 Cybersecurity Framework Version 1.1",
        "This publication is available free of charge from",
    ],
    "federal-register-2020-17221.pdf": [
        "Federal Register / Vol. 85, No. 152",
        "VerDate Sep<11>2014",
        "with PROPOSALS",
    ],
    "nics-background-checks-2015-11.pdf": ["Page 1 of 205"],
}
_RULE = re.compile(r"_{5,}")


@cache
def _pages(path: Path) -> list[Page]:
    return load_pages(path)  # parsed once per file for all the tests here


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", sorted(REAL_PDFS))
def test_page_counts_unchanged(real_pdfs: Path, name: str) -> None:
    pages = _pages(real_pdfs / name)
    assert len(pages) == REAL_PDFS[name]
    assert [p.number for p in pages] == list(range(1, REAL_PDFS[name] + 1))


@pytest.mark.parametrize("name", sorted(REAL_PDFS))
def test_chunks_hold_no_furniture_and_exact_offsets(real_pdfs: Path, name: str) -> None:
    pages = _pages(real_pdfs / name)
    chunks = chunk_pages(pages)
    assert chunks
    by_number = {p.number: p.text for p in pages}
    for c in chunks:
        assert by_number[c.page][c.start : c.end] == c.text
        assert not _RULE.search(c.text), c.text[:200]
        for line in RUNNING_LINES.get(name, []):
            assert line not in _flat(c.text), (c.page, c.text[:200])


def test_the_running_header_was_there_to_begin_with(real_pdfs: Path) -> None:
    """The test above can fail: the raw text does hold the header and the rule."""
    from ingest.loaders import load

    raw = load(real_pdfs / "FIPS199.pdf")
    assert sum(RUNNING_LINES["FIPS199.pdf"][0] in _flat(p.text) for p in raw) >= 12
    assert sum(bool(_RULE.search(p.text)) for p in raw) >= 12


def test_the_pipeline_stores_cleaned_chunks(real_pdfs: Path, engine) -> None:  # type: ignore[no-untyped-def]
    """Through Engine.ingest: stored chunk offsets index the cleaned page text."""
    results = engine.ingest([real_pdfs / n for n in ("FIPS199.pdf", "FIPS200.pdf")])
    assert [r.pages for r in results] == [13, 17]
    ids, _ = engine.store.all_chunks()
    records = engine.store.get_chunks(ids).values()
    pages = {
        n: {p.number: p.text for p in _pages(real_pdfs / n)} for n in ("FIPS199.pdf", "FIPS200.pdf")
    }
    for r in records:
        assert pages[r.name][r.page][r.start : r.end] == r.text
        assert "FIPS Publication 199 Standards" not in _flat(r.text)
        assert not _RULE.search(r.text)


def test_missing_data_fails_in_ci_and_skips_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tests.ingest.conftest as real

    monkeypatch.setattr(real, "SHARED_PDFS", tmp_path)
    monkeypatch.setenv("RAG_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="requires the shared data"):
        real.require_real_pdfs()
    monkeypatch.delenv("RAG_REQUIRE_SHARED")
    with pytest.raises(pytest.skip.Exception, match="real PDFs"):
        real.require_real_pdfs()

"""Reading cost of PDFs: text PDFs before/after the OCR and table checks; OCR pages/min.

Two measurements (issue 14):

* **text PDFs**: the loader as it was (pypdf ``extract_text`` and ``_clean`` per page) and
  ``ingest.loaders.load_document`` (the garbage-text rule, the image check, pdfplumber on
  dense numeric pages), alternating per run so machine noise hits both alike; median
  pages/s of each and the ratio. Embedding is not involved: this is the part of ingest the
  new checks can slow down (``bench/ingest_throughput.py`` measures the whole pipeline).
* **OCR**: pages that need Tesseract (the real garbage-layer senate page and a generated
  two-page scan), with an empty cache each run: pages/min, and a second pass from the cache.

    python bench/ocr_throughput.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "pdfs"
TEXT_PDFS = [
    "FIPS199.pdf",
    "FIPS200.pdf",
    "NIST.CSWP.04162018.pdf",
    "federal-register-2020-17221.pdf",
]


def _before(paths: list[Path]) -> int:
    """The PDF loader before issue 14: pypdf text per page, then the same clean-up."""
    from pypdf import PdfReader

    from ingest.loaders import _clean

    n = 0
    for p in paths:
        for page in PdfReader(str(p), strict=False).pages:
            _clean(page.extract_text() or "")
            n += 1
    return n


def _after(paths: list[Path], cache: Path | None = None) -> int:
    from ingest.loaders import LoadContext, load_document

    return sum(len(load_document(p, ctx=LoadContext(cache)).pages) for p in paths)


def _timed(fn, *args) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    n = fn(*args)
    return time.perf_counter() - t0, n


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pdfs", type=Path, default=DATA)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--no-ocr", action="store_true")
    args = p.parse_args(argv)
    texts = [args.pdfs / n for n in TEXT_PDFS]
    nics = [args.pdfs / "nics-background-checks-2015-11.pdf"]
    _after(texts[:1])  # imports and the vocabulary load are start-up, not per page
    _before(texts[:1])
    print(f"load {os.getloadavg()[0]:.2f}")
    ratios, before, after, table = [], [], [], []
    for run in range(args.runs):
        tb, n = _timed(_before, texts)
        ta, m = _timed(_after, texts)
        assert n == m, (n, m)
        before.append(n / tb)
        after.append(n / ta)
        ratios.append(tb / ta)
        table.append(_timed(_after, nics)[0] - _timed(_before, nics)[0])
        print(
            f"  run {run + 1}: before {n / tb:6.1f} pages/s  after {n / ta:6.1f} pages/s  "
            f"ratio {tb / ta:.3f}  (load {os.getloadavg()[0]:.2f})"
        )
    print(
        f"text PDFs ({n} pages): before {statistics.median(before):.1f} pages/s, after "
        f"{statistics.median(after):.1f} pages/s; after/before throughput, median of the "
        f"paired runs: {statistics.median(ratios):.3f}"
    )
    print(f"NICS table page: pdfplumber adds {statistics.median(table):.2f} s (median)")
    if args.no_ocr:
        return 0
    sys.path.insert(0, str(ROOT / "tests" / "ingest"))
    from tests.ingest.scans import scanned_pdf
    from tests.ingest.test_ocr import LETTER, SECOND

    with tempfile.TemporaryDirectory() as tmp:
        scan = scanned_pdf(Path(tmp) / "scan.pdf", [LETTER, SECOND])
        ocr_files = [args.pdfs / "senate-expenditures.pdf", scan]
        for run in range(args.runs):
            cache = Path(tmp) / f"cache{run}"
            t, n = _timed(_after, ocr_files, cache)
            t2, _ = _timed(_after, ocr_files, cache)
            print(
                f"  OCR run {run + 1}: {n} pages in {t:.1f} s = {60 * n / t:.1f} pages/min; "
                f"cached re-read {t2:.2f} s (load {os.getloadavg()[0]:.2f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

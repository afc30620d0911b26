"""Read a rendered PDF page with Tesseract; cache the result by the page image's hash.

Tesseract is the Debian binary (``tesseract-ocr`` + ``tesseract-ocr-eng``), called as a
subprocess with TSV output, which gives each word's confidence. OCR is slow (15-30 s for a
dense page on this machine), so results are cached under the index directory keyed by the
SHA-256 of the rendered pixels (plus resolution and language): a re-ingest, or the same page
in another file, never runs Tesseract twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DPI = 300
LANG = "eng"
# Page segmentation 6 ("a uniform block of text") reads line by line across the page, so a
# table row keeps its amount; the default (3) read the senate page column by column and
# dropped its amount column for 22 of 32 rows. Cost: the same (~11 s wall there). The price
# is that a scanned two-column page is read across both columns.
PSM = "6"
TIMEOUT_S = 180
MIN_CONFIDENCE = 45.0  # mean word confidence under this: Tesseract read noise, not text
_CACHE_VERSION = "2"
INSTALL_HINT = (
    "Tesseract is not installed; install it with "
    "`sudo apt-get install tesseract-ocr tesseract-ocr-eng` (or `make ocr`)"
)


class OcrError(Exception):
    """A page could not be OCR'd; the message is one line for the user."""


# A word Tesseract read and where: (word, left, top, right, bottom) in pixels of the page
# rendered at ``DPI``, the page as shown (its /Rotate applied).
WordBox = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float  # mean word confidence, 0-100
    words: int
    # In reading order (the order of ``text``), for highlighting a cited sentence on the
    # page image. Empty for results cached before the boxes were kept.
    boxes: tuple[WordBox, ...] = ()


# Tesseract reads the thousands commas of a scanned ledger as full stops: "37.499.96" for
# 37,499.96 (every amount over 999 on senate-expenditures.pdf). Two or more dot groups, the
# last of two digits (cents), the others of three: the first dots were commas.
_AMOUNT_READ_WITH_DOTS = re.compile(r"\b(\d{1,3})((?:\.\d{3})+)\.(\d{2})\b")


def mended_amounts(text: str) -> str:
    """OCR text with "37.499.96" written 37,499.96 (see above)."""
    return _AMOUNT_READ_WITH_DOTS.sub(
        lambda m: f"{m.group(1)}{m.group(2).replace('.', ',')}.{m.group(3)}", text
    )


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def ocr_pdf_page(pdf: Any, index: int, cache_dir: Path | None) -> OcrResult | None:
    """OCR page ``index`` of a pypdfium2 document; ``None`` for a blank page."""
    image = render(pdf, index)
    if _blank(image):
        return None
    key = _key(image)
    cached = _cache_get(cache_dir, key)
    if cached is not None:
        return cached
    result = ocr_image(image)
    _cache_put(cache_dir, key, result)
    return result


def cached_pdf_page(pdf: Any, index: int, cache_dir: Path) -> OcrResult | None:
    """What Tesseract read on page ``index`` when it was ingested, from the cache only (a
    preview must not wait 15-30 s for Tesseract); ``None`` if the page was never OCR'd."""
    return _cache_get(cache_dir, _key(render(pdf, index)))


def render(pdf: Any, index: int, dpi: int = DPI) -> Any:
    """The page as a greyscale PIL image."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        page.close()


def _blank(image: Any) -> bool:
    """No ink: fewer dark pixels than a few letters' worth (scanner noise is lighter)."""
    return sum(image.histogram()[:128]) < 200


def _key(image: Any) -> str:
    h = hashlib.sha256(f"{_CACHE_VERSION}|{DPI}|{LANG}|{PSM}|{image.size}".encode())
    h.update(image.tobytes())
    return h.hexdigest()


def ocr_image(image: Any) -> OcrResult:
    """Run Tesseract on a PIL image; raises :class:`OcrError` with a user-facing reason."""
    exe = tesseract_path()
    if exe is None:
        raise OcrError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="rag-ocr-") as tmp:
        src = Path(tmp) / "page.pgm"  # PNM: no compression to pay for
        image.save(src)
        try:
            proc = subprocess.run(
                [exe, str(src), "stdout", "-l", LANG, "--psm", PSM, "tsv"],
                capture_output=True,
                timeout=TIMEOUT_S,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                check=False,
            )
        except subprocess.TimeoutExpired as e:
            raise OcrError(f"Tesseract took over {TIMEOUT_S} s") from e
        except OSError as e:
            raise OcrError(f"could not run Tesseract: {e.strerror or e}") from e
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        hint = f" ({INSTALL_HINT})" if any("traineddata" in line for line in err) else ""
        raise OcrError(f"Tesseract failed: {(err[-1] if err else proc.returncode)}{hint}"[:300])
    result = parse_tsv(proc.stdout.decode("utf-8", "replace"))
    if result.words and result.confidence < MIN_CONFIDENCE:
        raise OcrError(
            f"unreadable: Tesseract's mean word confidence is {result.confidence:.0f}/100"
        )
    return result


def parse_tsv(tsv: str) -> OcrResult:
    """Text (lines joined by newlines, paragraphs by blank lines), mean word confidence and
    each word's box."""
    lines: dict[tuple[int, int, int], list[WordBox]] = {}
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        try:
            conf = float(row.get("conf") or -1)
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            left, top = int(row["left"]), int(row["top"])
            box = (word, left, top, left + int(row["width"]), top + int(row["height"]))
        except (KeyError, ValueError):
            continue
        confidences.append(conf)
        lines.setdefault(key, []).append(box)
    out: list[str] = []
    boxes: list[WordBox] = []
    last: tuple[int, int] | None = None
    for (block, par, _line), words in sorted(lines.items()):
        if last is not None and (block, par) != last:
            out.append("")
        out.append(" ".join(w[0] for w in words))
        boxes.extend(words)
        last = (block, par)
    valid = [c for c in confidences if c >= 0]
    mean = sum(valid) / len(valid) if valid else 0.0
    return OcrResult("\n".join(out), mean, len(confidences), tuple(boxes))


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.json"


def _cache_get(cache_dir: Path | None, key: str) -> OcrResult | None:
    if cache_dir is None:
        return None
    try:
        data = json.loads(_cache_path(cache_dir, key).read_text(encoding="utf-8"))
        boxes = tuple(
            (str(w), int(a), int(b), int(c), int(d)) for w, a, b, c, d in data.get("boxes", ())
        )
        return OcrResult(str(data["text"]), float(data["confidence"]), int(data["words"]), boxes)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cache_put(cache_dir: Path | None, key: str, result: OcrResult) -> None:
    if cache_dir is None:
        return
    path = _cache_path(cache_dir, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "text": result.text,
                    "confidence": result.confidence,
                    "words": result.words,
                    "boxes": result.boxes,
                }
            ),
            encoding="utf-8",
        )
        os.replace(tmp, path)
    except OSError as e:  # a read-only index dir only costs the cache
        log.warning("could not cache OCR result: %s", e)

"""How far an ingest has got, in work rather than steps, and the time it has left.

Reading a text page takes tens of milliseconds, but embedding its ~4 chunks takes several
times that, and a scanned page takes seconds of OCR. A bar that gave reading and embedding
half a file each ran to 50% in the first seconds of a 55-page PDF, and a time left projected
from it grew from "about 8 s" to "about 28 s" while the chunks were embedded. So each step
is weighed by what it costs (measured on the NIST CSF PDF and scanned pages, 2 cores), and
the time left is projected from the last moment the work moved, counting down in between:
embedding reports every batch, seconds apart, and a projection from "now" would rise
between two reports and fall at each.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Costs relative to reading one text page (~40 ms): an embedded chunk ~2x (1x on an idle
# machine, up to 5x on a busy one: the model's threads compete for the 2 cores), an OCR'd
# page (render + Tesseract, 1-3 s) ~40x. Before a file is chunked, its chunks are guessed
# from its pages.
TEXT_PAGE = 1.0
OCR_PAGE = 40.0
CHUNK = 2.0
CHUNKS_PER_PAGE = 4.0
WRITTEN = 0.97  # the rest: writing the chunks to the store and the keyword index
MIN_SECONDS = 3.0  # no estimate before a few seconds of pace are known
MIN_DONE = 0.05


def file_done(
    pages: tuple[int, int], ocr_pages: int = 0, chunks: tuple[int, int] = (0, 0)
) -> float:
    """Share (0..WRITTEN) of one file's work done: ``pages`` (read, total), ``ocr_pages``
    of those read by OCR, ``chunks`` (embedded, total; total 0 until it is chunked).
    Pages not read yet are assumed to cost what the read ones did (scanned or not)."""
    read, total = pages
    ocr = min(ocr_pages, read)
    read_cost = (read - ocr) * TEXT_PAGE + ocr * OCR_PAGE
    per_page = read_cost / read if read else TEXT_PAGE
    all_reading = read_cost + max(total - read, 0) * per_page
    embedded, n_chunks = chunks
    all_embedding = (n_chunks if n_chunks else total * CHUNKS_PER_PAGE) * CHUNK
    whole = all_reading + all_embedding
    if whole <= 0:  # not opened yet (or a format without pages, not chunked yet)
        return 0.0
    return WRITTEN * min((read_cost + embedded * CHUNK) / whole, 1.0)


def batch_done(files: Sequence[tuple[float, int]]) -> float:
    """Share of a batch done, from each file's (share done, size in bytes). A file weighs
    the square root of its size: a 55-page PDF outweighs a note, but not by its bytes alone
    (a 700 kB PDF of 15 dense pages took twice as long as an 80 kB one of 13)."""
    weights = [math.sqrt(max(size, 1000)) for _, size in files]
    total = sum(weights)
    return (
        sum(w * min(d, 1.0) for w, (d, _) in zip(weights, files, strict=True)) / total
        if total
        else 0.0
    )


def seconds_left(started: float, moved: float, now: float, done: float) -> float | None:
    """Time left, projected from the pace up to ``moved`` (when ``done`` was reached) and
    counted down since; None until there is enough to judge or once it is all done."""
    if done < MIN_DONE or done >= 1.0 or now - started < MIN_SECONDS:
        return None
    taken = max(moved - started, 1e-3)
    return max(taken * (1 - done) / done - (now - moved), 0.0)


def left_words(seconds: float | None) -> str:
    """``' · about 12 s left'``; nothing when there is no estimate."""
    if seconds is None:
        return ""
    if seconds < 5:
        return " · a few seconds left"
    if seconds < 120:
        return f" · about {seconds:.0f} s left"
    return f" · about {seconds / 60:.0f} min left"

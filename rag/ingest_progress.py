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
from dataclasses import dataclass

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
BYTES_PER_PAGE = 60_000.0  # a file not opened yet: its pages guessed from its bytes
SMOOTHING_S = 8.0  # a new projection moves the shown time left by ~1/e in this long


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


def job_done(files: Sequence[tuple[float, int, int]]) -> float:
    """Share of a whole upload done, from each file's (share done, size in bytes, pages;
    0 until it is opened). A file weighs its pages: a 300-page PDF is most of a batch of
    small notes (weighed by the square root of their bytes, it was not: "about 23 s left"
    at its page 73, with minutes to go). A file not opened yet weighs the pages its bytes
    suggest, at the bytes a page of the opened ones took (so does a long text file, whose
    "pages" are one)."""
    paged = [(size, pages) for _, size, pages in files if pages > 1]  # a .txt is "1 page"
    per_page = max(
        sum(size for size, _ in paged) / sum(pages for _, pages in paged)
        if paged
        else BYTES_PER_PAGE,
        1.0,
    )
    weights = [max(float(pages), size / per_page, 1.0) for _, size, pages in files]
    total = sum(weights)
    return (
        sum(w * min(d, 1.0) for w, (d, _, _) in zip(weights, files, strict=True)) / total
        if total
        else 0.0
    )


@dataclass(frozen=True)
class Estimate:
    """The time left last shown: ``left`` seconds at ``at``, when ``done`` of the job was."""

    at: float
    done: float
    left: float | None


def steady_left(
    shown: Estimate | None, started: float, moved: float, now: float, done: float
) -> Estimate:
    """The next time left to show, steady: the share done never goes back (a file's guess
    of its passages, corrected when it is cut, lowered it and the projection leapt from
    "about 96 s" to "about 4 min" in half a second), and a new projection
    (``seconds_left``) is eased in over ``SMOOTHING_S`` while the one shown counts down.
    Nothing until there is enough to judge (``seconds_left``'s thresholds)."""
    if shown is not None:
        done = max(done, shown.done)
    raw = seconds_left(started, moved, now, done)
    if raw is None or shown is None or shown.left is None:
        return Estimate(now, done, raw)
    counted = max(shown.left - (now - shown.at), 0.0)
    ease = 1.0 - math.exp(-max(now - shown.at, 0.0) / SMOOTHING_S)
    return Estimate(now, done, counted + ease * (raw - counted))


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

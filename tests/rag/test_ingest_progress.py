"""Upload progress in work, not steps (rag.ingest_progress); the replay of whole uploads on
a fake clock is tests/ui/test_upload_estimate.py."""

from __future__ import annotations

import pytest

from rag.ingest_progress import (
    WRITTEN,
    Estimate,
    file_done,
    job_done,
    left_words,
    seconds_left,
    steady_left,
)


def test_reading_text_pages_is_a_small_part_of_a_file() -> None:
    read = file_done((55, 55))  # read, not chunked yet
    assert 0.05 < read < 0.2  # was 0.5: the bar ran to half way in the first seconds
    assert file_done((55, 55), chunks=(32, 210)) > read
    assert file_done((55, 55), chunks=(210, 210)) == pytest.approx(WRITTEN)
    assert file_done((0, 0)) == 0.0  # not opened yet


def test_ocr_pages_make_reading_most_of_a_scan() -> None:
    half_scanned = file_done((5, 10), ocr_pages=5)
    assert 0.4 < half_scanned < 0.5
    assert file_done((5, 10), ocr_pages=99) == half_scanned  # never more than were read


def test_a_file_weighs_its_pages() -> None:
    assert job_done([(1.0, 139, 1), (0.0, 771_427, 55)]) < 0.1
    assert job_done([(0.5, 10_000, 2), (0.5, 10_000, 2)]) == pytest.approx(0.5)
    assert job_done([]) == 0.0


def test_a_long_pdf_is_most_of_a_batch_of_small_files() -> None:
    """Five small files indexed and a 300-page PDF at page 73 of its reading: "about 23 s
    left" came from a batch weighed by the square root of bytes, with minutes to go."""
    small = [(1.0, 80_000, 13)] * 5
    big = (file_done((73, 300)), 6_000_000, 300)
    assert job_done([*small, big]) < 0.3
    waiting = [(1.0, 80_000, 13), (0.0, 6_000_000, 0)]  # not opened: guessed from its bytes
    assert job_done(waiting) < 0.05


def test_the_time_left_does_not_leap_when_the_share_done_drops() -> None:
    """The 20-file upload said "about 96 s left", then "about 4 min left" 2 s later."""
    shown = steady_left(None, 0.0, 20.0, 20.0, 0.17)
    assert shown.left is not None and 90 < shown.left < 100
    for t in (20.5, 21.0, 21.5, 22.0):
        shown = steady_left(shown, 0.0, t, t, 0.08)  # a file's guess corrected downwards
        assert shown.left is not None and shown.left < 100


def test_the_time_left_eases_towards_a_new_projection() -> None:
    start = Estimate(10.0, 0.5, 10.0)
    nudged = steady_left(start, 0.0, 12.0, 12.0, 0.6)  # projects 8 s; 8 s counted down
    assert nudged.left == pytest.approx(8.0)
    slower = steady_left(start, 0.0, 11.0, 11.0, 0.25)  # projects 33 s
    assert slower.left is not None and 9.0 < slower.left < 13.0
    assert steady_left(None, 0.0, 2.0, 2.0, 0.5).left is None  # too early to judge


def test_the_time_left_waits_for_pace_then_counts_down() -> None:
    assert seconds_left(0.0, 1.0, 2.0, 0.5) is None  # under 3 s
    assert seconds_left(0.0, 4.0, 4.0, 0.01) is None  # too little done
    assert seconds_left(0.0, 4.0, 4.0, 1.0) is None  # all done
    assert seconds_left(0.0, 4.0, 4.0, 0.25) == pytest.approx(12.0)
    assert seconds_left(0.0, 4.0, 6.0, 0.25) == pytest.approx(10.0)  # no news: counts down
    assert seconds_left(0.0, 4.0, 30.0, 0.25) == 0.0


def test_the_words() -> None:
    assert left_words(None) == ""
    assert left_words(3.2) == " · a few seconds left"
    assert left_words(12.4) == " · about 12 s left"
    assert left_words(600) == " · about 10 min left"

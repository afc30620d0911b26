"""Upload progress in work, not steps (rag.ingest_progress); the replay of whole uploads on
a fake clock is tests/ui/test_upload_estimate.py."""

from __future__ import annotations

import pytest

from rag.ingest_progress import (
    WRITTEN,
    batch_done,
    file_done,
    left_words,
    seconds_left,
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


def test_a_small_file_does_not_count_as_much_as_a_big_one() -> None:
    assert batch_done([(1.0, 139), (0.0, 771_427)]) < 0.1
    assert batch_done([(0.5, 10_000), (0.5, 10_000)]) == pytest.approx(0.5)
    assert batch_done([]) == 0.0


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

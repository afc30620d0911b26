"""The Documents panel's tone per document, as a reader takes it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _panel() -> None:
    from types import SimpleNamespace

    from ui.analysis import _documents

    doc = SimpleNamespace(
        name="FIPS199.pdf",
        label="negative",
        confidence=0.39,
        emotion="fear",
        emotion_score=0.0,
        sentences=94,
    )
    sure = SimpleNamespace(
        name="complaints.txt",
        label="negative",
        confidence=0.82,
        emotion="anger",
        emotion_score=0.5,
        sentences=3,
    )
    _documents(SimpleNamespace(documents=[doc, sure], topics=[], topics_error=None))


def test_a_plurality_tone_is_not_shown_as_a_verdict() -> None:
    """'FIPS199.pdf: negative (39%)' read as a verdict on a federal standard: 39% is only
    the likeliest of three."""
    at = AppTest.from_function(_panel).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "FIPS199\\.pdf**: closest to negative (39%)" in text
    assert "complaints\\.txt**: negative (82%)" in text


def test_the_strongest_emotion_reads_as_a_phrase() -> None:
    # "strongest emotion anticipation (18%)" ran the name into the noun
    at = AppTest.from_function(_panel).run()
    text = " ".join(m.value for m in at.markdown)
    assert "strongest emotion: anger (50%)" in text and not at.exception

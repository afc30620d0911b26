"""Offline sentiment: labels on clear cases, evidence, emotions, interpretation content.

Uses the real MiniLM model (a few seconds to load) and the committed weights; one
``score_batch`` call per module keeps the suite fast.
"""

from __future__ import annotations

import pytest

from rag.analysis import (
    EMOTIONS,
    SentimentResult,
    interpretation_prompt,
    score_batch,
    score_text,
    template_interpretation,
)
from rag.analysis.interpret import EMOTION_FLOOR
from rag.analysis.sentiment import Evidence, contrast_tail, split_sentences

pytestmark = pytest.mark.analysis

POSITIVE = "I absolutely love this phone, the battery is amazing and the screen is gorgeous."
NEGATIVE = "This was the worst meal I have ever had, the food was cold and the waiter was rude."
NEUTRAL = "The meeting is scheduled for 3 pm on Tuesday in room 204."
ANGRY = "They lied to us again and I am furious about it."
REVIEW = (
    "The hotel is near the station. The staff were wonderful and the breakfast was "
    "excellent. The room has a desk and two chairs. Unfortunately the bathroom was filthy "
    "and the noise at night was unbearable. Check-out is at eleven."
)


@pytest.fixture(scope="module")
def results() -> dict[str, SentimentResult]:
    texts = {"pos": POSITIVE, "neg": NEGATIVE, "neu": NEUTRAL, "angry": ANGRY, "review": REVIEW}
    return dict(zip(texts, score_batch(list(texts.values())), strict=True))


def test_clear_cases_get_the_right_label(results: dict[str, SentimentResult]) -> None:
    assert results["pos"].label == "positive"
    assert results["neg"].label == "negative"
    assert results["neu"].label == "neutral"
    for r in results.values():
        assert set(r.scores) == {"positive", "negative", "neutral"}
        assert abs(sum(r.scores.values()) - 1) < 1e-3


def test_emotions_have_the_keys_and_range(results: dict[str, SentimentResult]) -> None:
    for r in results.values():
        assert set(EMOTIONS) <= set(r.emotions)
        assert {"joy", "trust", "fear", "anger", "sadness", "surprise"} <= set(r.emotions)
        assert all(0.0 <= v <= 1.0 for v in r.emotions.values())
    assert results["pos"].strongest_emotion[0] == "joy"
    assert results["angry"].strongest_emotion[0] == "anger"
    assert max(results["neu"].emotions.values()) < 0.2


def test_long_text_keeps_best_and_worst_sentences_as_evidence(
    results: dict[str, SentimentResult],
) -> None:
    r = results["review"]
    assert r.n_sentences == 5
    assert r.most_positive is not None and r.most_negative is not None
    assert "wonderful" in r.most_positive.text
    assert "filthy" in r.most_negative.text
    assert r.most_positive.score > 0 > r.most_negative.score


def test_one_sided_text_has_no_opposite_evidence(results: dict[str, SentimentResult]) -> None:
    assert results["pos"].most_negative is None
    assert results["neg"].most_positive is None


def test_score_text_matches_batch_and_handles_empty(results: dict[str, SentimentResult]) -> None:
    assert score_text(POSITIVE).scores == results["pos"].scores
    empty = score_text("   ")
    assert empty.label == "neutral" and empty.n_sentences == 0
    assert template_interpretation(empty)  # still readable, never raises


@pytest.mark.parametrize("key", ["pos", "neg", "neu", "review"])
def test_template_names_polarity_and_strongest_emotion(
    results: dict[str, SentimentResult], key: str
) -> None:
    r = results[key]
    text = template_interpretation(r)
    assert r.label in text
    emotion, strength = r.strongest_emotion
    if strength >= EMOTION_FLOOR:
        assert emotion in text
    else:  # a faint "strongest" emotion is noise, not named
        assert "No emotion stands out." in text and emotion not in text
    assert 2 <= text.count(". ") + 1 <= 4
    assert template_interpretation(r) == text  # deterministic


def test_no_emotion_above_the_floor_is_not_named() -> None:
    # The tone of a refusal: "No emotion stands out; the strongest, trust, is faint (0%)."
    faint = SentimentResult(
        label="neutral",
        scores={"positive": 0.15, "negative": 0.05, "neutral": 0.8},
        emotions={name: 0.0 for name in EMOTIONS} | {"trust": 0.004},
        most_positive=Evidence(text="I don't have enough information to answer that.", score=0.1),
        n_sentences=1,
    )
    text = template_interpretation(faint)
    assert "No emotion stands out." in text
    assert "trust" not in text and "faint" not in text and "(0%)" not in text
    _, user = interpretation_prompt(faint)
    assert "no emotion stands out" in user and "the emotion 'trust'" not in user
    strong = faint.model_copy(update={"emotions": faint.emotions | {"trust": 0.4}})
    assert "The strongest emotion is trust (40% intensity)." in template_interpretation(strong)
    assert "the emotion 'trust'" in interpretation_prompt(strong)[1]


def test_prompt_carries_the_numbers(results: dict[str, SentimentResult]) -> None:
    system, user = interpretation_prompt(results["review"])
    assert "2 or 3" in system
    assert results["review"].label in user and results["review"].strongest_emotion[0] in user
    assert "filthy" in user


def test_sentence_splitting_and_contrast() -> None:
    assert split_sentences("Good. Bad! Is it? Yes it is.") == ["Good. Bad! Is it?", "Yes it is."]
    assert contrast_tail("The cast is fine, but the plot is a total mess.") == (
        "the plot is a total mess."
    )
    assert contrast_tail("No contrast here.") == "No contrast here."


def test_another_embedder_does_not_poison_the_emotion_centroids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weakref

    from rag.analysis import sentiment
    from tests.conftest import FakeEmbedder

    # A fresh process in which a fake embedder happens to score a text first.
    monkeypatch.setattr(sentiment, "_weights", None)
    monkeypatch.setattr(sentiment, "_centroids", weakref.WeakKeyDictionary())
    fake = FakeEmbedder()
    sentiment.score_text(POSITIVE, embedder=fake)
    assert sentiment.score_text(POSITIVE).strongest_emotion[0] == "joy"


def test_a_weak_neutral_is_not_called_mostly_neutral() -> None:
    # "The tone is mostly neutral (only weakly indicated, 43%)" read as a contradiction
    weak = SentimentResult(
        label="neutral",
        scores={"positive": 0.2, "negative": 0.37, "neutral": 0.43},
        emotions={name: 0.0 for name in EMOTIONS},
        most_positive=Evidence(text="The Carrier R2 costs 38,000 US dollars per unit.", score=0.1),
        n_sentences=1,
    )
    text = template_interpretation(weak)
    assert "mostly" not in text, text
    assert text.startswith(
        "The tone is closest to neutral (only weakly indicated, 43%), with negative next at 37%."
    ), text
    sure = weak.model_copy(update={"scores": {"positive": 0.1, "negative": 0.2, "neutral": 0.7}})
    assert template_interpretation(sure).startswith("The tone is mostly neutral (moderately")


def test_a_weak_polarity_is_not_called_the_overall_tone() -> None:
    # "The overall tone is negative: somewhat more likely than not, at 55%" of "Every new
    # parent receives 20 weeks of fully paid parental leave" read as a finding
    weak = SentimentResult(
        label="negative",
        scores={"positive": 0.15, "negative": 0.55, "neutral": 0.30},
        emotions={name: 0.0 for name in EMOTIONS},
        most_negative=Evidence(text="Every new parent receives 20 weeks of leave.", score=-0.1),
        n_sentences=1,
    )
    text = template_interpretation(weak)
    assert text.startswith(
        "No clear tone: negative is likeliest at only 55%, neutral next at 30%."
    ), text
    sure = weak.model_copy(update={"scores": {"positive": 0.1, "negative": 0.8, "neutral": 0.1}})
    assert template_interpretation(sure).startswith("The overall tone is negative: likely, at 80%")

"""Offline sentiment (positive / negative / neutral) and emotion scores for any text.

How it works, all on CPU and without any download:

* Polarity: a logistic regression over the MiniLM sentence embedding we already load for
  retrieval, the embedding of the clause after the last contrast word ("..., but it is
  dull" is about "dull"), VADER's four scores and a zero-shot projection onto a
  positive-minus-negative prototype direction. A second logistic regression gives the
  probability that the sentence is neutral. Both were trained by
  ``rag/analysis/train_sentiment.py`` on VADER's human-rated sentences (MIT) plus UCI's
  labelled Amazon review sentences (CC BY 4.0) (see that file for the data, its licences
  and why everything from Rotten Tomatoes is left out); the weights are the small JSON file
  beside this module.
* Emotions: cosine similarity of each sentence to hand-written prototype sentences for
  Plutchik's eight basic emotions, relative to neutral prototypes, squashed to 0..1 and
  gated by the polarity (joy needs some positivity, anger some negativity).
* Long texts are split into sentences, scored in one embedding call, and aggregated with
  word-count weights; the most positive and most negative sentences are kept as evidence.
"""

from __future__ import annotations

import json
import re
import threading
import weakref
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from rag.embeddings import Embedder, get_embedder
from text.sentences import sentences

WEIGHTS_PATH = Path(__file__).with_name("sentiment_weights.json")
LABELS: tuple[str, str, str] = ("positive", "negative", "neutral")
EMOTIONS: tuple[str, ...] = (
    "joy",
    "trust",
    "fear",
    "anger",
    "sadness",
    "surprise",
    "disgust",
    "anticipation",
)
# Above this many sentences a document is sampled evenly: the aggregate barely moves and the
# embedding cost (about 5 ms a sentence on 2 cores) stays bounded.
MAX_SENTENCES = 400
MAX_EVIDENCE_CHARS = 300
ZS_SCALE = 5.0  # the zero-shot projection is ~0.1 in size; scaled to sit beside VADER's 0..1

# Prototype sentences: the zero-shot baseline and one input feature of the classifier.
POSITIVE_PROTOTYPES = (
    "This is great, I loved it.",
    "A wonderful, excellent experience.",
    "It is good and enjoyable.",
    "Highly recommended, a delight.",
)
NEGATIVE_PROTOTYPES = (
    "This is terrible, I hated it.",
    "An awful, boring waste of time.",
    "It is bad and disappointing.",
    "Not recommended, a mess.",
)

# Written for this project (no lexicon licence to inherit). Several phrasings per emotion so
# the centroid is about the emotion, not about one wording.
EMOTION_PROTOTYPES: dict[str, tuple[str, ...]] = {
    "joy": (
        "I am so happy and delighted.",
        "What a joyful, cheerful celebration.",
        "This makes me smile, it is wonderful fun.",
        "We were thrilled and overjoyed.",
    ),
    "trust": (
        "I trust them completely, they are reliable.",
        "A dependable, honest and credible source.",
        "You can count on this, it is safe and proven.",
        "They kept their promise with integrity.",
    ),
    "fear": (
        "I am scared and afraid of what might happen.",
        "A terrifying, frightening threat.",
        "People are anxious and worried about the danger.",
        "The risk of attack causes panic and dread.",
    ),
    "anger": (
        "I am furious and angry about this.",
        "An outrageous, infuriating insult.",
        "They were enraged and hostile.",
        "This injustice makes me mad.",
    ),
    "sadness": (
        "I feel sad and heartbroken.",
        "A tragic loss full of grief and sorrow.",
        "It was depressing and lonely.",
        "They mourned and wept with regret.",
    ),
    "surprise": (
        "I was surprised, I did not expect that.",
        "A sudden, astonishing and shocking twist.",
        "What an unexpected, amazing revelation.",
        "We were stunned by the unexpected news.",
    ),
    "disgust": (
        "That is disgusting and revolting.",
        "A gross, nauseating and repulsive mess.",
        "I find this vile and sickening.",
        "It was filthy and contemptible.",
    ),
    "anticipation": (
        "I look forward to what comes next.",
        "We are eagerly awaiting the upcoming launch.",
        "Plans for the future are being prepared.",
        "Expecting and hoping for the coming results.",
    ),
}
NEUTRAL_PROTOTYPES = (
    "The meeting is on Tuesday at three.",
    "The document describes the procedure.",
    "The table lists the values for each year.",
    "This section defines the terms used.",
)
# Which polarity an emotion needs: joy without any positivity is a prototype accident.
_EMOTION_POLARITY = {
    "joy": "positive",
    "trust": "positive",
    "fear": "negative",
    "anger": "negative",
    "sadness": "negative",
    "disgust": "negative",
    "surprise": "",
    "anticipation": "",
}
# Chosen by eye on hand-written examples (never on the benchmark). An emotion needs both to be
# emotional at all (closer to it than to the neutral prototypes) and to be specific (closer
# to it than to the other emotions on average); each condition is a soft step.
_EMOTION_OFFSET = 0.15
_EMOTION_TEMPERATURE = 0.05
_SPECIFIC_OFFSET = 0.05
_SPECIFIC_TEMPERATURE = 0.04

_CONTRAST = re.compile(
    r"\b(?:but|however|yet|although|though|nevertheless|nonetheless|still)\b", re.IGNORECASE
)


class Evidence(BaseModel):
    """A sentence quoted as evidence, with its polarity (p_positive - p_negative, -1..1)."""

    text: str
    score: float


class SentimentResult(BaseModel):
    """Offline sentiment of one text."""

    label: Literal["positive", "negative", "neutral"]
    scores: dict[str, float] = Field(description="positive, negative, neutral; sum to 1")
    emotions: dict[str, float] = Field(description="each 0..1, independent of each other")
    most_positive: Evidence | None = None
    most_negative: Evidence | None = None
    n_sentences: int = 0
    method: str = "minilm-lr+vader"

    @property
    def confidence(self) -> float:
        return self.scores[self.label]

    @property
    def strongest_emotion(self) -> tuple[str, float]:
        name = max(self.emotions, key=lambda k: self.emotions[k])
        return name, self.emotions[name]


# ---------------------------------------------------------------- text handling


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; fragments of fewer than 3 words join their neighbour."""
    out: list[str] = []
    for part in sentences(text):
        if out and len(part.split()) < 3:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    if len(out) > 1 and len(out[0].split()) < 3:
        out[1] = f"{out[0]} {out[1]}"
        out.pop(0)
    return out


def contrast_tail(text: str) -> str:
    """The clause after the last contrast word, which usually carries the verdict."""
    parts = _CONTRAST.split(text)
    if len(parts) > 1 and len(parts[-1].split()) >= 3:
        return parts[-1].strip(" ,;:-")
    return text


# ---------------------------------------------------------------- model pieces


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_features(texts: Sequence[str]) -> np.ndarray:
    """compound, pos, neg, neu for each text."""
    an = _vader()
    rows = [an.polarity_scores(t) for t in texts]
    return np.array([[r["compound"], r["pos"], r["neg"], r["neu"]] for r in rows], dtype=np.float32)


def embed_with_tails(texts: Sequence[str], embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of the texts and of their contrast tails, in one embedding call."""
    tails = [contrast_tail(t) for t in texts]
    extra = [i for i, (t, tail) in enumerate(zip(texts, tails, strict=True)) if tail != t]
    vecs = embedder.embed([*texts, *(tails[i] for i in extra)])
    full = vecs[: len(texts)]
    tail_vecs = full.copy()
    for j, i in enumerate(extra):
        tail_vecs[i] = vecs[len(texts) + j]
    return full, tail_vecs


def build_features(
    full: np.ndarray, tails: np.ndarray, vader: np.ndarray, zs_direction: np.ndarray
) -> np.ndarray:
    """The classifier's input; shared by training and inference so they cannot drift."""
    zs = (full @ zs_direction)[:, None] * ZS_SCALE
    return np.hstack([full, tails, vader, zs]).astype(np.float32)


class _Weights:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.meta: dict[str, Any] = raw.get("meta", {})
        self.pol_coef = np.asarray(raw["polarity"]["coef"], dtype=np.float32)
        self.pol_bias = float(raw["polarity"]["intercept"])
        self.neu_coef = np.asarray(raw["neutral"]["coef"], dtype=np.float32)
        self.neu_bias = float(raw["neutral"]["intercept"])
        self.zs_direction = np.asarray(raw["zs_direction"], dtype=np.float32)
        self.emotion_names = [*EMOTIONS, "neutral"]


_weights: _Weights | None = None
_weights_lock = threading.Lock()
# Emotion centroids are embedded once per embedder (36 short sentences, ~0.2 s). Keyed by
# the embedder itself: centroids from one model are meaningless under another (a test's
# fake embedder must not poison the real one's).
_centroids: weakref.WeakKeyDictionary[Any, np.ndarray] = weakref.WeakKeyDictionary()


def _load(embedder: Embedder) -> _Weights:
    global _weights
    with _weights_lock:
        if _weights is None:
            _weights = _Weights(json.loads(WEIGHTS_PATH.read_text(encoding="utf-8")))
        return _weights


def _emotion_centroids(embedder: Embedder) -> np.ndarray:
    with _weights_lock:
        cached = _centroids.get(embedder)
        if cached is not None:
            return cached
        groups = [EMOTION_PROTOTYPES[e] for e in EMOTIONS] + [NEUTRAL_PROTOTYPES]
        vecs = embedder.embed([s for g in groups for s in g])
        cents, k = [], 0
        for g in groups:
            c = vecs[k : k + len(g)].mean(axis=0)
            cents.append(c / np.linalg.norm(c))
            k += len(g)
        out = np.stack(cents).astype(np.float32)
        _centroids[embedder] = out
        return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _score_sentences(sentences: Sequence[str], embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """(n, 3) probabilities in LABELS order and (n, len(EMOTIONS)) emotion scores."""
    if not sentences:
        return np.zeros((0, 3), np.float32), np.zeros((0, len(EMOTIONS)), np.float32)
    w = _load(embedder)
    full, tails = embed_with_tails(sentences, embedder)
    x = build_features(full, tails, vader_features(sentences), w.zs_direction)
    p_pos_given_polar = _sigmoid(x @ w.pol_coef + w.pol_bias)
    p_neutral = _sigmoid(x @ w.neu_coef + w.neu_bias)
    probs = np.stack(
        [(1 - p_neutral) * p_pos_given_polar, (1 - p_neutral) * (1 - p_pos_given_polar), p_neutral],
        axis=1,
    )
    sims = full @ _emotion_centroids(embedder).T
    rel = sims[:, : len(EMOTIONS)] - sims[:, [len(EMOTIONS)]]
    n_emo = len(EMOTIONS)
    others = (rel.sum(axis=1, keepdims=True) - rel) / (n_emo - 1)
    emo = _sigmoid((rel - _EMOTION_OFFSET) / _EMOTION_TEMPERATURE) * _sigmoid(
        (rel - others - _SPECIFIC_OFFSET) / _SPECIFIC_TEMPERATURE
    )
    for j, name in enumerate(EMOTIONS):
        need = _EMOTION_POLARITY[name]
        if need:
            # Gate rather than zero: "a frightening, brilliant thriller" may carry fear.
            p = probs[:, LABELS.index(need)]
            emo[:, j] *= 0.3 + 0.7 * p
    return probs.astype(np.float32), emo.astype(np.float32)


def _sample(sentences: list[str]) -> list[str]:
    if len(sentences) <= MAX_SENTENCES:
        return sentences
    idx = np.linspace(0, len(sentences) - 1, MAX_SENTENCES).round().astype(int)
    return [sentences[i] for i in idx]


def _clip(text: str) -> str:
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"


def _aggregate(sentences: list[str], probs: np.ndarray, emo: np.ndarray) -> SentimentResult:
    if not sentences:
        # Nothing to judge: neutral with no emotion, rather than an error in a UI panel.
        return SentimentResult(
            label="neutral",
            scores={"positive": 0.0, "negative": 0.0, "neutral": 1.0},
            emotions=dict.fromkeys(EMOTIONS, 0.0),
            n_sentences=0,
        )
    # Word-count weights: a one-word exclamation should not outvote a paragraph.
    weights = np.array([min(len(s.split()), 60) for s in sentences], dtype=np.float64)
    weights /= weights.sum()
    mean_p = weights @ probs
    mean_p = mean_p / mean_p.sum()
    mean_e = weights @ emo
    label = LABELS[int(np.argmax(mean_p))]
    polarity = probs[:, 0] - probs[:, 1]
    hi, lo = int(np.argmax(polarity)), int(np.argmin(polarity))
    most_pos = Evidence(text=_clip(sentences[hi]), score=round(float(polarity[hi]), 4))
    most_neg = Evidence(text=_clip(sentences[lo]), score=round(float(polarity[lo]), 4))
    return SentimentResult(
        label=label,  # type: ignore[arg-type]
        scores={k: round(float(v), 4) for k, v in zip(LABELS, mean_p, strict=True)},
        emotions={k: round(float(v), 4) for k, v in zip(EMOTIONS, mean_e, strict=True)},
        # Evidence only when it leans the way it is named: a wholly negative review has no
        # "most positive sentence" worth quoting.
        most_positive=most_pos if most_pos.score > 0 else None,
        most_negative=most_neg if most_neg.score < 0 else None,
        n_sentences=len(sentences),
    )


def score_batch(texts: Sequence[str], embedder: Embedder | None = None) -> list[SentimentResult]:
    """Score many texts with one embedding call over all their sentences."""
    embedder = embedder or get_embedder()
    per_text = [_sample(split_sentences(t)) for t in texts]
    flat = [s for sents in per_text for s in sents]
    probs, emo = _score_sentences(flat, embedder)
    results, k = [], 0
    for sents in per_text:
        n = len(sents)
        results.append(_aggregate(sents, probs[k : k + n], emo[k : k + n]))
        k += n
    return results


def score_text(text: str, embedder: Embedder | None = None) -> SentimentResult:
    """Sentiment, emotions and evidence sentences for one text (any length)."""
    return score_batch([text], embedder)[0]


def polarity_probability(texts: Sequence[str], embedder: Embedder | None = None) -> np.ndarray:
    """P(positive | positive or negative) per text, scored whole: the binary benchmark view."""
    embedder = embedder or get_embedder()
    probs, _ = _score_sentences(list(texts), embedder)
    return probs[:, 0] / np.maximum(probs[:, 0] + probs[:, 1], 1e-9)

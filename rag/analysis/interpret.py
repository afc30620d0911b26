"""Turn sentiment scores into a short plain-language interpretation.

Two ways, from the same numbers: ``interpretation_prompt`` builds the messages an LLM gets
(sent through the provider layer at a low temperature), and ``template_interpretation``
writes a deterministic 2-3 sentence text for when no provider answers.
"""

from __future__ import annotations

import json
import re

from rag.analysis.sentiment import SentimentResult

QUOTE_CHARS = 120
# Emotion scores below this are noise from the prototype similarity, not a finding.
EMOTION_FLOOR = 0.15
# Under this the top label is only the likeliest of three, not what most of the text is.
MOSTLY = 0.6


def probability_words(p: float) -> str:
    """A verbal probability scale, so readers need not interpret raw decimals."""
    if p >= 0.9:
        return "very likely"
    if p >= 0.75:
        return "likely"
    if p >= 0.6:
        return "moderately likely"
    if p >= 0.45:
        return "somewhat more likely than not"
    return "only weakly indicated"


_CITATIONS = re.compile(r"\s*\[\d{1,3}\]")
_OUTER_QUOTES = "\"'“”‘’«»"


def _quote(text: str) -> str:
    """The evidence in curly quotes, ending the sentence: ``reads “... Tokyo.”`` never
    ``reads “... Tokyo.”.`` (the sentence's own full stop closes ours)."""
    text = " ".join(_CITATIONS.sub("", text).split()).strip(_OUTER_QUOTES + " ")
    if len(text) > QUOTE_CHARS:
        cut = text[:QUOTE_CHARS].rsplit(" ", 1)[0]
        text = cut.rstrip(",;:") + "…"
    if not text.endswith((".", "!", "?", "…")):
        text += "."
    return f"“{text}”"


def template_interpretation(result: SentimentResult) -> str:
    """Deterministic 2-3 sentences: polarity in words, strongest emotion, a quoted example."""
    label = result.label
    p = result.scores[label]
    percent = round(100 * p)
    sentence_word = "sentence" if result.n_sentences == 1 else "sentences"
    scope = f" across {result.n_sentences} {sentence_word}" if result.n_sentences > 1 else ""
    if label == "neutral":
        lean = "positive" if result.scores["positive"] >= result.scores["negative"] else "negative"
        first = (
            f"The tone is mostly neutral{scope} ({probability_words(p)}, {percent}%), "
            f"with a slight lean towards {lean}."
        )
        if p < MOSTLY:  # "mostly neutral (only weakly indicated, 43%)" contradicted itself
            next_percent = round(100 * result.scores[lean])
            first = (
                f"The tone is closest to neutral{scope} ({probability_words(p)}, {percent}%), "
                f"with {lean} next at {next_percent}%."
            )
    elif p < MOSTLY:  # "The overall tone is negative ... at 55%" of a plain statement of leave
        runner = max((k for k in result.scores if k != label), key=lambda k: result.scores[k])
        first = (
            f"No clear tone{scope}: {label} is likeliest at only {percent}%, "
            f"{runner} next at {round(100 * result.scores[runner])}%."
        )
    else:
        first = f"The overall tone is {label}{scope}: {probability_words(p)}, at {percent}%."

    emotion, strength = result.strongest_emotion
    if strength >= EMOTION_FLOOR:
        second = f"The strongest emotion is {emotion} ({round(100 * strength)}% intensity)."
    else:  # a "strongest" emotion at 0-14% is noise: naming it would read as a finding
        second = "No emotion stands out."

    evidence = result.most_negative if label == "negative" else result.most_positive
    if label == "neutral" or evidence is None:
        evidence = max(
            (e for e in (result.most_positive, result.most_negative) if e is not None),
            key=lambda e: abs(e.score),
            default=None,
        )
    third = ""
    if evidence is not None and result.n_sentences > 1:
        kind = "positive" if evidence.score > 0 else "negative"
        third = f" The most {kind} passage reads {_quote(evidence.text)}"
    elif evidence is not None:
        third = f" The text reads {_quote(evidence.text)}"
    return f"{first} {second}{third}"


SYSTEM_PROMPT = (
    "You interpret sentiment scores for a reader who is not a statistician. "
    "Write 2 or 3 plain sentences, objective and neutral in your own tone. "
    "Name the dominant polarity (positive, negative or neutral) and say how likely it is in "
    "words, name the strongest emotion, and quote at most one short evidence phrase "
    "verbatim. Use only the numbers and evidence given; do not speculate about the author, "
    "do not give advice, do not use bullet points or headings."
)


def interpretation_prompt(result: SentimentResult) -> tuple[str, str]:
    """(system, user) messages asking an LLM for the same interpretation as the template."""
    emotion, strength = result.strongest_emotion
    payload = {
        "label": result.label,
        "probabilities": result.scores,
        "emotions": result.emotions,
        "strongest_emotion": {"name": emotion, "score": strength},
        "sentences_scored": result.n_sentences,
        "most_positive_sentence": result.most_positive.model_dump()
        if result.most_positive
        else None,
        "most_negative_sentence": result.most_negative.model_dump()
        if result.most_negative
        else None,
    }
    must = (
        f"the emotion '{emotion}'"
        if strength >= EMOTION_FLOOR
        else f"that no emotion stands out (all below {EMOTION_FLOOR}; name none)"
    )
    user = (
        "Sentiment analysis of a text (probabilities 0..1; emotion scores 0..1, independent; "
        "evidence score = P(positive) - P(negative) for that sentence):\n"
        f"{json.dumps(payload, ensure_ascii=False, indent=2)}\n\n"
        f"Write the 2-3 sentence interpretation. It must mention the word "
        f"'{result.label}' and {must}."
    )
    return SYSTEM_PROMPT, user

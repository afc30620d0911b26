"""Offline text analysis: sentiment, emotions and their plain-language interpretation."""

from __future__ import annotations

from rag.analysis.interpret import interpretation_prompt, template_interpretation
from rag.analysis.sentiment import (
    EMOTIONS,
    Evidence,
    SentimentResult,
    score_batch,
    score_text,
)

__all__ = [
    "EMOTIONS",
    "Evidence",
    "SentimentResult",
    "interpretation_prompt",
    "score_batch",
    "score_text",
    "template_interpretation",
]

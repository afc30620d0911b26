"""Words for the extractive answerer: one import point for its stop words, content terms,
word pattern and sentence splitter, all from the shared ``text`` package (the one splitter,
the one stop-word list), so scoring, refusal features and answer composition agree."""

from __future__ import annotations

import re

from text.sentences import sentence_spans as split_sentences
from text.terms import STOP_WORDS as STOPWORDS
from text.terms import WORD, content_terms

__all__ = ["ANAPHOR", "STOPWORDS", "WORD", "content_terms", "split_sentences"]

# A sentence about what the one before it names: it starts with a pronoun ("It carries up to
# 600 kilograms") or a definite description that points back to what the text is about ("The
# company employs about 240 people"). It is scored with that sentence as its context and
# quoted with it. "It is ..." / "It was ..." are left out: mostly "it is possible to ...".
# A part of what it counted leans on it too: "... has 85 parking spaces. Twelve of them have
# electric vehicle chargers." (alone, that sentence lost to the one it leans on).
ANAPHOR = re.compile(
    r"^(?:It(?! is\b| was\b)|They|This|These|Those|Such|He|She|Its|Their|His|Her|"
    r"(?:[A-Z][a-z]*|\d[\d,.]*%?) of (?:them|these|those)|"
    r"The (?:company|organi[sz]ation|firm|project|program|programme|library|package|tool|"
    r"product|software|device|system|utility))\b"
)

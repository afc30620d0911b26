"""Words for the extractive answerer: stop words, content terms (stemmed), the word pattern.

Shared by the answerer's scoring, its refusal features and answer composition, and by
``rag`` (follow-up key terms, grounding).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# The one import point of the sentence splitter for the extractive answerer (text/sentences.py
# replaces ingest.chunking's when it lands: change this line only).
from ingest.chunking import split_sentences

__all__ = ["STOPWORDS", "WORD", "content_terms", "split_sentences"]

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "about",
        "as",
        "into",
        "over",
        "under",
        "and",
        "or",
        "but",
        "not",
        "no",
        "nor",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "having",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "it's",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "than",
        "then",
        "so",
        "such",
        "if",
        "also",
        "any",
        "all",
        "each",
        "both",
        "few",
        "more",
        "most",
        "other",
        "some",
        "same",
        "very",
        "just",
        "only",
        "own",
        "too",
        "s",
        "t",
        "much",
        "many",
        "one",
        "ones",
        "per",
        "via",
        "upon",
        "whether",
    ]
)
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def content_terms(text: str) -> list[str]:
    words = [w.lower().strip("'-") for w in WORD.findall(text)]
    words = [w for w in words if w and w not in STOPWORDS]
    return list(_stemmer().stemWords(words))

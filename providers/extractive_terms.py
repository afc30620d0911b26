"""Words for the extractive answerer: one import point for its stop words, content terms,
word pattern and sentence splitter, all from the shared ``text`` package (the one splitter,
the one stop-word list), so scoring, refusal features and answer composition agree."""

from __future__ import annotations

from text.sentences import sentence_spans as split_sentences
from text.terms import STOP_WORDS as STOPWORDS
from text.terms import WORD, content_terms

__all__ = ["STOPWORDS", "WORD", "content_terms", "split_sentences"]

"""A question's misspelt words spelt as the retrieved sources spell them (text/spelling.py).

A word is left as typed when it is an English word (MiniLM's vocabulary, or a plain
inflection of a word in it) or a form of a word the sources hold (same stem). Without the
vocabulary (no model wheel) nothing is respelt: every unfamiliar word would look misspelt.
"""

from __future__ import annotations

from collections.abc import Sequence

from providers.base import Source
from providers.extractive_refusal import common_words, english_word
from text.spelling import respelled, word_counts
from text.terms import stem
from text.wording import worded_as


def spelt_as_sources(question: str, sources: Sequence[Source]) -> str:
    if not sources:
        return question
    question = worded_as(question, [s.text for s in sources])  # "work from home": "remotely"
    if not common_words():
        return question
    vocabulary = word_counts([s.text for s in sources])
    stems = set(stem(list(vocabulary)))

    def is_word(word: str) -> bool:
        return english_word(word) or stem([word])[0] in stems

    return respelled(question, vocabulary, is_word)[0]

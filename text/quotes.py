"""Which sentences of a passage an answer used: what the source list highlights.

The extractive answerer quotes passage sentences word for word, so a quote is found as it
is (case, spacing, punctuation and citation markers aside). A model paraphrases: a passage
sentence it drew on shares most of its content words (:func:`text.terms.words`) with an
answer sentence. Shared words alone mislead, though: "Cats are not allowed in any office."
shares "allowed" and "office", two of its three content words, with the answer "Dogs are
allowed in the Berlin office on Fridays only." So a passage sentence counts only for words
of the answer sentence that no better-matching passage sentence already accounts for: the
quoted dogs sentence accounts for the whole answer, the cats sentence adds nothing to it
and is not highlighted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from text import citations
from text.sentences import sentences
from text.terms import words

# A shorter passage "sentence" ("Pet policy.") found inside an answer is a phrase the two
# share, not a quote: it can still count as a paraphrase (all its content words).
MIN_QUOTE_TOKENS = 3
# A paraphrased passage sentence: most of its content words, and at least two, are in the
# answer sentence (a one-word "sentence" such as "Summary." never counts this way).
PARAPHRASE_SHARE = 0.6
MIN_SHARED = 2
# The passage sentence that best covers a paraphrased answer sentence counts when it holds
# at least half of the answer sentence's content words (two or more).
BEST_COVER = 0.5

_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> str:
    """Lower-cased word tokens joined by single spaces, padded so that a search for
    `` a b `` matches whole words only."""
    return " " + " ".join(_TOKEN.findall(text.lower())) + " "


def _quoted(sentence: str, answer_tokens: str) -> bool:
    mine = _tokens(sentence)
    return mine.count(" ") - 1 >= MIN_QUOTE_TOKENS and mine in answer_tokens


def _paraphrased(content: set[str], shared: set[str]) -> bool:
    return len(shared) >= MIN_SHARED and len(shared) >= PARAPHRASE_SHARE * len(content)


def used_by(passage: Sequence[str], answer_sentence: str) -> set[int]:
    """The indexes of the passage sentences ``answer_sentence`` quotes or paraphrases."""
    target = set(words(answer_sentence))
    if not target:
        return set()
    said = _tokens(citations.strip(answer_sentence))
    content = [set(words(s)) for s in passage]
    quoted = {i for i, s in enumerate(passage) if _quoted(s, said)}
    # Quotes first, then the sentences sharing the most words with the answer sentence.
    order = sorted(range(len(passage)), key=lambda i: (i not in quoted, -len(content[i] & target)))
    used: set[int] = set()
    explained: set[str] = set()
    for rank, i in enumerate(order):
        shared = content[i] & target
        best_cover = (
            rank == 0 and len(shared) >= MIN_SHARED and len(shared) >= BEST_COVER * len(target)
        )
        adds = bool(shared - explained)  # a word no better match accounted for
        if i in quoted or best_cover or (adds and _paraphrased(content[i], shared)):
            used.add(i)
            explained |= shared
    return used


def used_sentences(passage: str, answer_sentences: Iterable[str]) -> list[bool]:
    """Per sentence of ``passage`` (:func:`text.sentences.sentences`): did any of
    ``answer_sentences`` quote or paraphrase it?"""
    split = sentences(passage)
    flags = [False] * len(split)
    for answer_sentence in answer_sentences:
        for i in used_by(split, answer_sentence):
            flags[i] = True
    return flags


def answer_sentences_for(answer: str, n: int) -> list[str]:
    """Sentences of the answer that cite ``[n]`` (all of them when nothing is cited)."""
    split = sentences(answer)
    cited = [s for s in split if n in citations.parse(s)]
    if cited:
        return cited
    return [] if citations.parse(answer) else split


def quoted_part(passage: str, answer: str, n: int) -> str:
    """The sentences of source ``n``'s passage that the answer used, joined by " … " (the
    whole passage, one line, when none can be told): what an export quotes of a source."""
    split = sentences(passage)
    used = [
        s
        for s, u in zip(
            split, used_sentences(passage, answer_sentences_for(answer, n)), strict=True
        )
        if u
    ]
    return " … ".join(" ".join(s.split()) for s in used) or " ".join(passage.split())

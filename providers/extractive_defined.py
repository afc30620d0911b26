"""A term glossed where it is used: "personal phones may be enrolled in Intune (our mobile
device management)", "Use GlobalProtect, the company VPN, when ...". The sentence says what
the term is in its brackets or apposition, so it answers "What is Intune?" - which the model
refused (P 0.22): the sentence is about phones, and SQuAD's definitions are "X is a Y"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.extractive_qtype import classify
from providers.extractive_refusal import Candidate, quotable

# What opens a gloss: a determiner or a possessive, so "(2019)" or "(see below)" is none.
_GLOSS_OPENS = r"(?:our|the|a|an|its|your|their|his|her)\s+[A-Za-z]"
GLOSS_RANKS = 3  # the gloss may be in a sentence about something else: not the best one


def glossed(text: str, term: str) -> bool:
    """Does ``text`` gloss ``term`` right after naming it ("Intune (our mobile device
    management)", "GlobalProtect, the company VPN,")?"""
    t = re.escape(term.strip())
    bracket = rf"\b{t}\s*\(\s*{_GLOSS_OPENS}[^()]{{2,80}}\)"
    apposition = rf"\b{t},\s+{_GLOSS_OPENS}[^,.;]{{2,80}},"
    return bool(re.search(bracket, text, re.I) or re.search(apposition, text, re.I))


# A glossary's or a licence's entry says what a term means in so many words: '1.7. "Larger
# Work" means a work that combines Covered Software with other material' (refused at P 0.37).
_SAYS_MEANING = r"(?:means|shall mean|is defined as|refers to|denotes|stands for)\b"


def _bare(term: str) -> str:
    """The term without the quotes a question put it in ('"Larger Work"')."""
    return term.strip().strip("\"'\u201c\u201d").strip()


def defines(text: str, term: str) -> bool:
    """Does ``text`` say what ``term`` means ('"Larger Work" means ...', "X refers to ...")?"""
    t = re.escape(_bare(term))
    return bool(t) and bool(
        re.search(rf"(?<![\w-]){t}[\"'\u201d]?\)?,?\s+{_SAYS_MEANING}", text, re.I)
    )


def gloss_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "What is X?" when one of the best quotable sentences glosses X or says what
    it means."""
    qt = classify(question)
    if qt.kind != "definition" or not qt.term:
        return False
    return any(
        glossed(c.text, qt.term) or defines(c.text, qt.term) for c in quotable(cands)[:GLOSS_RANKS]
    )


# An API reference's entry: the name over its signature, then what it does ("noop\n_.noop()\n\n
# Returns undefined irrespective of the arguments passed to it."). The description repeats
# neither, so it scored below a later sentence of the entry ("Useful as the default ...").
MAX_ENTRY_HEAD_CHARS = 80


def described_under(source_text: str, start: int, term: str) -> bool:
    """Does the sentence at ``start`` open the paragraph right under a short heading that
    names ``term``?"""
    before = source_text[:start]
    if not re.search(r"\n[ \t]*\n[ \t]*$", before):
        return False
    head = re.split(r"\n[ \t]*\n", before.rstrip())[-1].strip()
    t = _bare(term).removesuffix("()").lower()
    fits = 0 < len(head) <= MAX_ENTRY_HEAD_CHARS and head.count("\n") <= 2
    # a signature ("_.noop()") makes it an entry: under a heading "Wheels" the first sentence
    # ("Except as described below, packages must not build wheels.") defines nothing
    return bool(t) and fits and t in head.lower() and _SIGNATURE.search(head) is not None


_SIGNATURE = re.compile(r"[\w.]\s?\([^()]*\)")

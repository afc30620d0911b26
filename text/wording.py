"""Everyday words for what documents name formally: "Can I work from home?" asked of a
handbook that says "Employees may work remotely up to three days per week."

Dense retrieval finds that sentence, but the answerer checks that the question's words are in
what it quotes, and "home" is not: it refused (P 0.18). A question phrase the documents never
use is read in the documents' wording when they use it - and only then, so a document that
does say "work from home" is matched as it is. The list is short on purpose: each entry is a
plain paraphrase (the same thing in other words), never a guess at a related topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_STAFF = r"(?:employees|staff|staff members|workers|people)"

# (how people ask, how documents say it, a word the documents must use for the rewrite)
_PARAPHRASES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"\b(work|works|working|worked) from home\b", re.I), r"\1 remotely", "remote"),
    (re.compile(r"\bwfh\b", re.I), "remote work", "remote"),
    (re.compile(r"\b(?:maternity|paternity) leave\b", re.I), "parental leave", "parental leave"),
    (re.compile(r"\bsick days?\b", re.I), "sick leave", "sick leave"),
    # "How much can I spend on food per day?" of "The daily meal allowance is 75 dollars."
    (re.compile(r"\bfood\b", re.I), "meals", "meal"),
    (re.compile(r"\bper day\b|\ba day\b", re.I), "daily", "daily"),
    # "How many people work here?" of "... employs about 240 people."
    (
        re.compile(r"\bpeople (?:work|are working) (here|there|at|for)\b", re.I),
        r"people are employed \1",
        "employ",
    ),
    (
        re.compile(rf"\b(how many) {_STAFF} (?:are there|do (?:we|you|they) have)\b", re.I),
        r"\1 people are employed",
        "employ",
    ),
    (
        re.compile(rf"\b(how many) {_STAFF} (does|do) (.+?) have\b", re.I),
        r"\1 people \2 \3 employ",
        "employ",
    ),
    # a fifth newcomer walk: "When does the tenancy start?" of "The tenancy begins on ...";
    # "... if I lose my laptop?" of "Report a lost or stolen device ..."; "How big is the
    # deposit?" of "The Tenant pays a deposit of £1,470"; "the power rating" of "Rated power"
    (re.compile(r"\bstarts\b", re.I), "begins", "begin"),
    (re.compile(r"\bstart\b", re.I), "begin", "begin"),
    (re.compile(r"\b(?:lose|loses|losing)\b", re.I), "lost", "lost"),
    (
        re.compile(
            r"\b(how) (?:big|large|high) (is|are|was|were) (the |my |your |our )?"
            r"(?=(?:deposit|budget|fee|allowance|bonus|discount|salary|grant|fine|rent|"
            r"payment|price|cost)s?\b)",
            re.I,
        ),
        r"\1 much \2 \3",
        "",
    ),
    (re.compile(r"\bpower rating\b", re.I), "rated power", "rated power"),
)


def worded_as(question: str, texts: Sequence[str]) -> str:
    """The question with each everyday phrase that no text uses put in the texts' wording."""
    said = " ".join(" ".join(t.split()) for t in texts).lower()
    for asked, formal, needed in _PARAPHRASES:
        m = asked.search(question)
        if m and m.group(0).lower() not in said and re.search(rf"\b{needed}", said):
            question = asked.sub(formal, question)
    return question

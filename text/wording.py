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

from text.terms import STOP_WORDS

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
    """The question with each everyday phrase that no text uses put in the texts' wording,
    and each acronym that no text uses spelt out as a text does (:func:`spelt_out`)."""
    said = " ".join(" ".join(t.split()) for t in texts).lower()
    for asked, formal, needed in _PARAPHRASES:
        m = asked.search(question)
        if m and m.group(0).lower() not in said and re.search(rf"\b{needed}", said):
            question = asked.sub(formal, question)
    return spelt_out(question, said)


# "How many spaces have EV chargers?" of "Twelve of them have electric vehicle chargers."
# (refused: "EV" read as a name the passage lacks). Capitals that are also words are left.
_ACRONYM = re.compile(r"\b([A-Z]{2,5})(s?)\b")
_WORDS_IN_CAPITALS = frozenset(
    ["AM", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN", "IS", "IT", "ME", "MY",
     "NO", "OF", "OK", "ON", "OR", "PM", "SO", "TO", "UP", "US", "WE", "ID"]
)  # fmt: skip
_JOINING = ("of", "and", "for", "the", "&")  # "Department of Commerce"
_JOINER = rf"[\s-]+(?:(?:{'|'.join(_JOINING)})\s+)?"  # ... and "sign-on"


def spelt_out(question: str, said: str) -> str:
    """``question`` with each acronym (2-5 capitals) that the lower-cased ``said`` never uses
    replaced by the first phrase of ``said`` whose words start with its letters: "EV" ->
    "electric vehicle", "PTO" -> "paid time off", "SSO" -> "single sign-on"."""

    def spelt(m: re.Match[str]) -> str:
        acronym, plural = m.group(1), m.group(2)
        if acronym in _WORDS_IN_CAPITALS or re.search(rf"\b{acronym.lower()}\b", said):
            return m.group(0)
        words = _JOINER.join(rf"{ch}[a-z]+" for ch in acronym.lower())
        found = next((f.group(0) for f in re.finditer(rf"\b{words}\b", said) if _named(f)), "")
        if not found:
            return m.group(0)
        return found + ("s" if plural and not found.endswith("s") else "")

    # a question typed in capitals ("HOW MANY DAYS OFF?") has words, not acronyms
    return question if not any(ch.islower() for ch in question) else _ACRONYM.sub(spelt, question)


def _named(phrase: re.Match[str]) -> bool:
    """Is the phrase made of words that can name a thing? "can easily open" is no "CEO": a
    word of it is a function word or shorter than 3 letters, where a hyphen does not join it
    ("sign-on")."""
    parts = [w for w in phrase.group(0).split() if w not in _JOINING]
    return all("-" in w or (len(w) >= 3 and w not in STOP_WORDS) for w in parts)

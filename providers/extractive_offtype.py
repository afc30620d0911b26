"""Answers of the wrong type: a quote that does not hold the kind of thing the question asks
for answers another question, however sure the model is. The answerer looks for a line that
holds it (a version, a maker's name: :func:`retyped`) and else refuses (:func:`off_type`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from providers.extractive_lists import Piece
from providers.extractive_measures import holds_kind, lacks_asked_version, names_version
from providers.extractive_qtype import unanswered_yes_no
from providers.extractive_refusal import Candidate, quotable
from providers.extractive_refusal import _wh_type as wh_type
from providers.extractive_signature import lacks_asked_author, names_a_person, names_people
from text.terms import content_terms


def retyped(question: str, pieces: list[Piece], cands: Sequence[Candidate]) -> list[Piece]:
    """An answer that lacks the version or the maker's name asked for is a candidate's line
    that has it: "Which Nettle version does this manual describe?" is answered by the title
    page's "For the Nettle Library version 3.4", a line the composer does not quote while a
    sentence can be quoted, and which may rank anywhere. A maker must be named as a person
    ("Bruce Schneier", not any capitalised word like "Python") in one of the three best
    candidates: deeper ones name people the question is not about ("Who wrote that it is
    difficult to ...?" found an earlier paper's author on a SQuAD fit article). Not a time:
    on SQuAD's fit articles that let only unanswerable questions through (4 of 4).
    A who-question answered with nobody named takes a near sentence that names someone
    (:func:`_named_instead`); a line is only taken from a candidate about what is asked, and
    a whole sentence rather than one of its lines."""
    said = [p.text for p in pieces]
    kinds: tuple[tuple[Callable[[str, Sequence[str]], bool], Callable[[str], bool], int], ...] = (
        (lacks_asked_version, lambda line: names_version(question, [line]), len(cands)),
        (lacks_asked_author, lambda line: names_a_person(line, question), 3),
    )
    if (named := _named_instead(question, said, cands)) is not None:
        return [named]
    asked = set(content_terms(question)) - _KIND_WORDS
    for lacks, has, depth in kinds:
        if lacks(question, said):
            for c in cands[:depth]:
                # about what is asked: "... lost in version 1.9.0." answers no question
                # about _.get (one of its words, besides "version", must be the question's)
                if not asked & set(content_terms(c.text)):
                    continue
                lines = [ln.strip() for ln in c.text.splitlines() if len(ln.split()) >= 3]
                typed = [ln for ln in lines if has(ln)]
                if typed and re.search(r"[.!?]\W*$", c.text) and not c.heading:
                    return [Piece(" ".join(c.text.split()), (c.source.n,))]  # a whole sentence
                if typed:  # its shortest such line: a title page wraps mid-phrase
                    return [Piece(min(typed, key=len), (c.source.n,))]
            return pieces
    return pieces


_KIND_WORDS = frozenset(content_terms("version release wrote written author made designed"))


# "Who found and reported the RCE bug?" was answered by the sentence about the bug ("... had
# an RCE bug allowing a malicious MediaWiki server operator ...") and not by the one after it,
# "The bug was discovered and reported by Joern Schneeweisz of GitLab": a who-question wants
# someone named. An organisation opening its sentence is someone too ("Mozilla Foundation is
# the license steward.").
_ORGANISATION = re.compile(
    r"^(?:The\s+)?(?:[A-Z][\w&.-]*\s+){1,4}(?:Foundation|Institute|Corporation|Company|Inc\.?|"
    r"Ltd\.?|LLC|University|Association|Society|Council|Committee|Agency|Department|Office|"
    r"Group|Team|Board|Consortium|Project)\b"
)
NAMED_RANKS = 4  # a name further down answers a question of its own


# A name that opens its sentence, before a verb: "Ryan Tenney contributed optimizations ..."
_OPENING_NAME = re.compile(r"^(?:[A-Z][a-z]+\s){2,3}(?=[a-z])")


def _names_someone(text: str, question: str) -> bool:
    opening = text.lstrip("*- ")
    return (
        names_a_person(text, question)
        or bool(_ORGANISATION.match(opening))
        or bool(_OPENING_NAME.match(opening))
    )


def _named_instead(question: str, said: Sequence[str], cands: Sequence[Candidate]) -> Piece | None:
    """For a who-question answered with nobody named, the best of the first candidates that
    names someone and shares two of the question's words with it."""
    if wh_type(question) != "who" or any(_names_someone(t, question) for t in said):
        return None
    if any(names_people(t, question) for t in said):  # "Employees who travel ..." answers it
        return None
    asked = set(content_terms(question))
    for c in quotable(cands)[:NAMED_RANKS]:
        if _names_someone(c.text, question) and len(asked & set(content_terms(c.text))) >= 2:
            return Piece(" ".join(c.text.split()), (c.source.n,))
    return None


def off_type(question: str, said: Sequence[str]) -> bool:
    """No number for "how many", no year for "what year", no name for "who wrote", no time
    for "when did" (or "when is it scheduled"), no address of the shape asked for, no
    "Yes"/"No" and no word of what a yes/no question asks about. A version missing from the
    answer to "which version" is only looked for (:func:`retyped`), not refused: on our set's
    test half that refused an answerable question whose passages never name the version
    (the fit half's two such near misses are then answered)."""
    return (
        lacks_asked_number(question, said)
        or lacks_asked_year(question, said)
        or lacks_asked_author(question, said)
        or lacks_asked_time(question, said)
        or lacks_asked_address(question, said)
        or unanswered_yes_no(question, " ".join(said))
    )


# The converse: an answer to "how many"/"how long"/"what year" that holds no number or date
# at all does not answer it, however similar its words and however sure the model ("How many
# bytes is YARROW256_SEED_FILE_SIZE?" -> "Seeds Yarrow-256 from a previous seed file.", P 0.87;
# "How many people have downloaded bzip2?" -> "The ideas embodied in bzip2 are due to the
# following people"). A bare "when" is left to :func:`lacks_asked_time`, which asks a time of
# the past tense only: in documentation "when is the cache rebuilt?" asks for a condition.
_ASKS_NUMBER = re.compile(
    r"\bhow (many|much|long|far|old|often)\b|\bwhat (percentage|percent|number|amount|year|date)\b"
    # "What iteration count ...?"; not "what ... size": "What buffer size does the example
    # define as CHUNK?" is answered by code ("#define CHUNK 16384") the composer may not lead
    # with, and it was refused
    r"|\bwhat (\w+ )?count\b"
    r"|\bin what year\b|\b(largest|smallest|maximum|minimum|highest|lowest)\b[\w\s-]{0,30}?"
    r"\b(value|size|number|length|count|depth|limit)\b",
    re.I,
)


# A list item's or a section's number ("5. If there are any packages ...", "7.6.3.2
# PBKDF2-HMAC-SHA256 ...") is no amount: "How much faster ...?" was answered with item 5.
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+[.)]|\d+(?:\.\d+)+)\s+(?=[A-Z])")


def lacks_asked_number(question: str, texts: Sequence[str]) -> bool:
    """True when the question asks for a number or a date and no text holds one that the
    question does not already say."""
    if not _ASKS_NUMBER.search(question):
        return False
    bare = [_LEADING_NUMBER.sub("", t) for t in texts]
    # "How often is the lamp cleaned?" / "... every second Tuesday": a frequency is said in words
    often = re.search(r"\bhow often\b", question, re.I) is not None
    return not any(
        holds_kind("amount", t, question)
        or holds_kind("date", t, question)
        or (often and holds_kind("frequency", t, question))
        for t in bare
    )


# "When did / was / were ...?" asks for a time: a year or a date, a century or an era, a period
# or an event it came in or after ("During the Oligocene", "Following the Nice Treaty"), a
# duration ("two weeks after launch") or, in documentation, a version or a release. The present
# tense is left out: "When is the cache rebuilt?" asks for a condition.
_ASKS_TIME = re.compile(r"\bwhen (?:did|was|were|had)\b", re.I)
# A release or a plan asked about in the present or future is a time too, and a version is
# no answer to it: "When is Underscore 2.0 scheduled to be released?" was answered with a fix
# that names the versions it affects.
_ASKS_PLAN = re.compile(
    r"\bwhen (?:is|are|will)\b[^?]{0,60}?\b(?:releas|schedul|expect|plann|due\b|publish|launch)",
    re.I,
)
_TIME_WORDS = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|\w+teenth|twentieth|twenty-first)\s+centur"
    r"|\b(?:ago|era|age|period|reign|war|dynasty|spring|summer|autumn|fall|winter|morning|"
    r"evening|night|today|yesterday|recently|weekday|weekend)s?\b|\b\w+cene\b"
    r"|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b",
    re.I,
)
# Marks of a time that need their case: "BP", "BCE"; a named event after "during", "after".
_TIME_MARKS = re.compile(
    r"\b(?:BP|BCE?|CE)\b|\b(?:[Dd]uring|[Ff]ollowing|[Aa]fter|[Bb]efore|[Ss]ince|[Uu]ntil|[Bb]y|"
    r"[Ww]hen)\s+(?:the\s+)?[A-Z0-9]"
)


def lacks_asked_time(question: str, texts: Sequence[str]) -> bool:
    """True when the question asks when something happened and no text says a time."""
    if _ASKS_PLAN.search(question) and not _ASKS_TIME.search(question):
        return not any(_says_time(t, question) for t in texts)
    if not _ASKS_TIME.search(question):
        return False
    return not any(_says_time(t, question) for t in texts) and not names_version(question, texts)


def _says_time(text: str, question: str) -> bool:
    return (
        holds_kind("date", text, question)
        or holds_kind("duration", text, question)
        or bool(_TIME_WORDS.search(text))
        or bool(_TIME_MARKS.search(text))
    )


# "In what year was version 2.0 of the MPL released?" wants a year, not any number: "v. 2.0"
# is not one.
_ASKS_YEAR = re.compile(r"\b(?:what|which) year\b", re.I)
# Any era: "in 1066", "AD 476", "the 1990s", "the 5th century BC".
_YEAR = re.compile(
    r"(?<![\d,])(?<!\d\.)\d{3,4}s?(?![\d,]|\.\d)|\b\d{1,2}(?:st|nd|rd|th) century\b"
    r"|\b(?:BC|BCE|AD)\b",
)


def lacks_asked_year(question: str, texts: Sequence[str]) -> bool:
    """True when the question asks for a year and no text names one it does not already say."""
    if not _ASKS_YEAR.search(question):
        return False
    asked = set(_YEAR.findall(question))
    return not any(set(_YEAR.findall(t)) - asked or holds_kind("date", t, question) for t in texts)


# An address has a shape: "What email address can I use to ask Mozilla ...?" is not answered
# by a sentence with a web page in it, nor a phone number by one without digits.
_ADDRESSES = (
    (
        re.compile(r"\be-?mail(?: address)?\b", re.I),
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[at\]|\(at\)"),
    ),
    (
        re.compile(r"\b(?:phone|telephone|fax) number\b", re.I),
        re.compile(r"\+?\d[\d ()./-]{5,}\d"),
    ),
)
_ASKS_ADDRESS = re.compile(
    r"^\s*(?:what|which)\b|\bhow (?:can|do) (?:i|we) (?:reach|contact)\b", re.I
)


def lacks_asked_address(question: str, texts: Sequence[str]) -> bool:
    """True when "what email address / phone number ...?" is answered by no text of that shape."""
    if not _ASKS_ADDRESS.search(question):
        return False
    for asked, shape in _ADDRESSES:
        if asked.search(question):
            return not any(shape.search(t) for t in texts)
    return False

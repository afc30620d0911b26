"""Questions that ask for a measure - a speed, a weight, a distance, a version - and
sentences that hold one: "How fast does the Carrier R2 go?" is answered by "... drives at up to 2 metres per
second", not by the sentence with the most words in common ("A fully charged Carrier R2 runs
for about 10 hours."). A number alone does not tell them apart; its unit does. Also the
plainer kinds a sentence may hold - an amount, a date, a duration, a frequency - and
:func:`holds_kind`, which asks whether a sentence holds one the question does not say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.extractive_refusal import _YEAR_OR_DATE
from text.terms import content_terms

_NUM = r"\b\d[\d,.]*\s*"
_PER = r"\s*(?:per|an|a|/)\s*"
# (kind, the words that ask for it, a number with a unit of it)
MEASURES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "speed",
        re.compile(r"\bhow (?:fast|quickly)\b|\b(?:what|top|maximum|max)\s+speed\b", re.I),
        re.compile(
            _NUM
            + r"(?:km/h|kph|mph|m/s|knots?\b|(?:kilo)?met(?:er|re)s?"
            + _PER
            + r"(?:second|hour)|miles?"
            + _PER
            + r"hour)",
            re.I,
        ),
    ),
    (
        "weight",
        re.compile(
            r"\bhow (?:heavy|much weight)\b|\bwhat (?:weight|load|payload)\b"
            r"|\bhow much (?:\w+ ){1,3}(?:carry|lift|hold|weigh)\b",
            re.I,
        ),
        re.compile(_NUM + r"(?:kg|kilo(?:gram)?s?|grams?|lbs?|pounds?|tonnes?|tons?)\b", re.I),
    ),
    (
        "distance",
        re.compile(r"\bhow far\b(?!\s+(?:in advance|ahead))|\bwhat (?:distance|range)\b", re.I),
        re.compile(_NUM + r"(?:km|kilomet(?:er|re)s?|m|met(?:er|re)s?|miles?|ft|feet)\b", re.I),
    ),
    # "What is the password minimum length?": "... at least 14 characters long"
    (
        "length",
        re.compile(r"\blength\b|\bhow many characters\b", re.I),
        re.compile(
            _NUM + r"(?:characters?|chars|digits|letters|words|mm|cm|(?:milli|centi)met(?:er|re)s?"
            r"|inch(?:es)?|pages)\b",
            re.I,
        ),
    ),
    # "Packages depending on scrollkeeper at or above which version ...?" is answered by
    # "(>= 3.8)", not by the list item that repeats the question's words.
    (
        "version",
        re.compile(
            r"\b(?:which|what)\s+(?:(?!(?:is|are|was|were|does|do|did|the)\s)[\w.+-]+\s+){0,3}?"
            r"(?:version|release)\b",
            re.I,
        ),
        re.compile(r"\b\d+(?:\.\d+)+[a-z]?\b|\b(?:version|release)\s+\d+\b", re.I),
    ),
)
MEASURE_KINDS = frozenset(kind for kind, _, _ in MEASURES)


def asked_measure(question: str) -> tuple[str, str] | None:
    """The measure the question asks for and the question without the asking words."""
    for kind, asks, _ in MEASURES:
        m = asks.search(question)
        if m:
            return kind, question[: m.start()] + " " + question[m.end() :]
    return None


# A bound the question names is said in other words: "minimum length" by "at least 14
# characters", "maximum" by "up to 3 days" (the words "minimum", "maximum" rarely are).
_BOUNDS = (
    ("minimum min", re.compile(r"\bat least\b|\bno (?:fewer|less) than\b|\bor more\b", re.I)),
    (
        "maximum max",
        re.compile(r"\bat most\b|\bup to\b|\bno more than\b|\bor (?:fewer|less)\b", re.I),
    ),
)


def bounds_said(sentence: str) -> set[str]:
    """The terms ("minimum", "maximum") of the bounds the sentence says in other words."""
    return {t for words, said in _BOUNDS if said.search(sentence) for t in content_terms(words)}


def holds_measure(kind: str, sentence: str) -> bool:
    return any(k == kind and said.search(sentence) for k, _, said in MEASURES)


# A release named, not numbered: "... dropping the Python 2 stack for the Bullseye release".
_NAMED_RELEASE = re.compile(r"\b[A-Z][\w-]*\s+(?:release|version)\b")
_VERSION_SAID = re.compile(r"\b(?:version|release)\s+v?\d", re.I)


def lacks_asked_version(question: str, texts: Sequence[str]) -> bool:
    """True when the question asks which version or release and no text names one that the
    question does not already say: "Which dpkg release first added support for triggers?" is
    not answered by "... should Depend on the triggers-supporting version of dpkg."."""
    asked = asked_measure(question)
    # "What changed in version 1.1?" names its version: it asks what, not which
    if asked is None or asked[0] != "version" or _VERSION_SAID.search(question):
        return False
    return not names_version(question, texts) and not any(
        holds_kind("date", t, question) for t in texts
    )


def names_version(question: str, texts: Sequence[str]) -> bool:
    """Does a text name a version or a release ("1.5", "version 2", "the Bullseye release")
    that the question does not say?"""
    q_low = question.lower()
    said = [pat for kind, _, pat in MEASURES if kind == "version"] + [_NAMED_RELEASE]
    return any(_unsaid(m.group(0), q_low) for t in texts for pat in said for m in pat.finditer(t))


def measured(question: str, sentence: str) -> float:
    """1 when the question asks for a measure the sentence holds, else 0."""
    asked = asked_measure(question)
    return float(asked is not None and holds_measure(asked[0], sentence))


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_OR_TIME = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    r"|\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b\.?|\b\d{1,2}:\d{2}\b",
)


def amount_text(wh: str, text: str) -> str:
    """The text a "how many"/"how much" answer is looked for in: without its dates and times.
    "How much did Dorset Movers quote?" took "They need a decision by Wednesday 23 October"
    for its "23" over "Dorset Movers came back with £3,850 + VAT". A "where" answer's names
    are places, not days: "on the first Tuesday" was taken for the place of the assembly
    point over "in the east parking lot"."""
    if wh == "where":
        return _TIME_NAME.sub(" ", text)
    return _DATE_OR_TIME.sub(" ", text) if wh == "how_many" else text


_TIME_NAME = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December)\b"
)


_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|hundred|thousand|million|billion|dozen|half|twice"
)
# "thousands of years", "millions of dollars": a count said in words is still a count
_NUMBER_WORDS_PLURAL = r"(?:hundred|thousand|million|billion|dozen)s"
TIME_UNIT = r"(second|minute|hour|day|week|fortnight|month|quarter|year|decade)s?"
_OF_TIME = rf"[\s-]+(business |working |calendar )?{TIME_UNIT}\b"
_DURATION = re.compile(rf"\b(\d[\d,.]*|{_NUMBER_WORDS}|a|an){_OF_TIME}", re.I)
_COUNTED_TIME = re.compile(rf"\b\d[\d,.]*{_OF_TIME}", re.I)  # "20 days", not "once a year"
_FREQUENCY = re.compile(
    r"\b(daily|weekly|monthly|quarterly|annually|yearly|hourly|every|once|twice|per)\b", re.I
)
# A number may carry its unit ("2300k", "64KB", "2.5x", "15%"); a digit inside a name
# ("YARROW256", "curve448", "bzip2", "Yarrow-256", "SHA-256") is no amount.
_AMOUNT = re.compile(
    rf"(?<![A-Za-z]-)\b(\d[\d,.]*(?:[kmgt]i?b?|b|x)?%?|{_NUMBER_WORDS}|{_NUMBER_WORDS_PLURAL})(?!\w)",
    re.I,
)


# "since the 1950s" answers "How long has ... been ...?"
_DECADE = re.compile(r"\b(?:1\d|20)\d0s\b")


def holds_kind(kind: str, sentence: str, question: str) -> bool:
    """Does the sentence hold an expression of ``kind`` that the question does not?"""
    q_low = question.lower()

    def new(pat: re.Pattern[str]) -> bool:
        return any(_unsaid(m.group(0), q_low) for m in pat.finditer(sentence))

    if kind == "duration":
        return new(_DURATION)
    if kind == "frequency":
        return new(_FREQUENCY) or new(_DURATION)
    if kind == "date":
        return new(_YEAR_OR_DATE) or new(_DECADE)
    if kind == "length":  # of a text, a thing or a time: "a stay of up to 20 days"
        return holds_measure(kind, sentence) or new(_COUNTED_TIME)
    if kind in MEASURE_KINDS:
        return holds_measure(kind, sentence)
    return any(_unsaid(m.group(0), q_low) for m in _AMOUNT.finditer(sentence))


def _unsaid(expression: str, q_low: str) -> bool:
    """Whether the question does not say the expression: a word must be a word of its own
    ("two" is not said by "networks"), digits may sit in a name ("YARROW256" says 256)."""
    low = re.escape(expression.lower())
    edge = r"\d" if expression[:1].isdigit() else r"\w"
    return re.search(rf"(?<!{edge}){low}(?!{edge})", q_low) is None

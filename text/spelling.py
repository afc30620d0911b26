"""A question's misspelt words read as the documents spell them.

People type "hotle limit in londn" and "how long must pasword be"; as typed, those words
match no passage by BM25, count as question words the best sentence lacks, and the
extractive answerer refused questions whose clean form it answers. A word is corrected only
when it is not an English word at all (the caller's ``is_word``: a real word the documents
lack, like "Boston", must stay and be refused), is at least four letters long, and the
documents hold one word close to it: one edit (a transposition counts as one) for a word of
up to seven letters, two for a longer one, or the other side's spelling ("kilogrammes",
"centre"; it counts as one edit); never another form of the same stem ("charger" is no
slip for "charged"). The closest word wins, then the more common in the documents; two
words as close and as common are left alone ("flor": "floor" or "flour").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from text.terms import STOP_WORDS

MIN_LETTERS = 4
_TOKEN = re.compile(r"(?<![A-Za-z0-9'\-])[A-Za-z]+(?![A-Za-z0-9'\-])")
# British and American spellings of one word, as a piece of it read the other way.
_SPELLINGS = (
    ("our", "or"),
    ("ise", "ize"),
    ("isation", "ization"),
    ("yse", "yze"),
    ("tre", "ter"),
    ("mme", "m"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ence", "ense"),
    ("ogue", "og"),
    ("ae", "e"),
)


# Shorthand and slips of the question words themselves, which no document spells out.
SHORTHAND = {
    "waht": "what",
    "whta": "what",
    "wat": "what",
    "wht": "what",
    "hwo": "how",
    "wich": "which",
    "whcih": "which",
    "wehre": "where",
    "whne": "when",
    "hrs": "hours",
    "hr": "hour",
    "mins": "minutes",
    "yrs": "years",
    "yr": "year",
    "wks": "weeks",
    "amt": "amount",
    "ppl": "people",
}


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one edit); anything
    over ``limit`` is reported as ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def slip_of_a_little_word(word: str) -> bool:
    """A short word one slip from a stop word ("aer", "abut", "whwn", "tot", "caan"): a typo,
    not a topic the documents lack. Only words of three to six letters: a longer one is too
    far from every little word, and a two-letter one ("ws") is too close to too many."""
    low = word.lower()
    if not 3 <= len(low) <= 6 or low in STOP_WORDS or not low.isalpha():
        return False
    return any(len(s) >= 2 and s.isalpha() and edit_distance(low, s, 1) <= 1 for s in STOP_WORDS)


def other_spellings(word: str) -> set[str]:
    """``word`` with one British piece read as American or the other way round."""
    out = set()
    for uk, us in _SPELLINGS:
        for old, new in ((uk, us), (us, uk)):
            at = word.find(old)
            while at > 0:
                out.add(word[:at] + new + word[at + len(old) :])
                at = word.find(old, at + 1)
    return out - {word}


def best_spelling(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The documents' word that ``word`` (lower case, not in ``vocabulary``) misspells, or
    None when there is none or two are equally likely."""
    limit = 1 if len(word) < 8 else 2
    # The other side's spelling ("center" for "centre") is one slip, however many letters
    # it changes, and no less: "flor" read the British way is "flour", but "floor" is one
    # slip away too; the more common of the two wins, and as common, neither.
    closest = {v: 1 for v in other_spellings(word) if v in vocabulary}
    for w in vocabulary:
        if _other_form(word, w) or w in closest:
            continue
        if abs(len(w) - len(word)) <= limit and len(w) >= MIN_LETTERS:
            d = edit_distance(word, w, limit)
            if d <= limit:
                closest[w] = d
    if not closest:
        return None
    found = sorted((d, -vocabulary[w], w) for w, d in closest.items())
    if len(found) > 1 and found[0][:2] == found[1][:2]:
        return None  # "limt": "limit" or "lint", as often each: no guess
    return found[0][2]


# Endings that make another word of one stem ("charge", "charger", "charged", "charges").
_ENDINGS = frozenset({"", "s", "es", "d", "ed", "r", "er", "ers", "ing", "y", "ly", "ion", "or"})


def _other_form(typed: str, word: str) -> bool:
    """``typed`` and ``word`` are two forms of one word ("charger" and "charged", "warrant"
    and "warranty"): another word, not a slip."""
    n = 0
    while n < min(len(typed), len(word)) and typed[n] == word[n]:
        n += 1
    return n >= MIN_LETTERS and typed[n:] in _ENDINGS and word[n:] in _ENDINGS


def _as_typed(correction: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return correction.upper()
    if typed[0].isupper():
        return correction[0].upper() + correction[1:]
    return correction


def respelled(
    text: str, vocabulary: Mapping[str, int], is_word: Callable[[str], bool]
) -> tuple[str, dict[str, str]]:
    """``text`` with each misspelt word replaced by the documents' spelling, and what was
    replaced (typed -> corrected). ``vocabulary``: the documents' words, lower case, with
    how often each occurs; ``is_word``: is a lower-case word right as it is (an English
    word, or one the documents hold in another form)."""
    fixes: dict[str, str] = {}

    def fix(m: re.Match[str]) -> str:
        typed = m.group(0)
        low = typed.lower()
        # "HR", "IT", "PTO" in capitals are acronyms, not "hr" for hour
        acronym = typed.isupper() and len(typed) > 1 and not text.isupper()
        if low in SHORTHAND and low not in vocabulary and not acronym:
            fixes[typed] = SHORTHAND[low]
            return _as_typed(SHORTHAND[low], typed)
        if len(low) < MIN_LETTERS or low in vocabulary or is_word(low):
            return typed
        best = best_spelling(low, vocabulary)
        if best is None:
            return typed
        fixes[typed] = best
        return _as_typed(best, typed)

    return _TOKEN.sub(fix, text), fixes


def word_counts(texts: list[str]) -> dict[str, int]:
    """The lower-case words of ``texts`` (letters only) with how often each occurs."""
    counts: dict[str, int] = {}
    for t in texts:
        for w in _TOKEN.findall(t):
            if len(w) >= MIN_LETTERS:
                low = w.lower()
                counts[low] = counts.get(low, 0) + 1
    return counts

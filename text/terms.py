"""Content words: the one stop-word list, the one stemmer, ``content_terms``.

The extractive answerer scores sentences by them, its refusal model was fitted on features
built from them, grounding measures overlap with them and the UI decides which passage
sentence an answer used with them; one definition keeps those judgements consistent.
Changing :data:`STOP_WORDS` or :func:`content_terms` shifts the refusal model's features:
re-fit it (``rag/eval/refusal.py``) if you do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words, question words and quantifiers: they say nothing about what a sentence is
# about, so an answer sharing them with a question has not matched it.
STOP_WORDS = _set(
    """
    a an the of to in on at for from by with about as into over under and or but not no nor
    is are was were be been being am do does did done have has had having what which who
    whom whose when where why how that this these those there here it its it's they them
    their he she his her we our you your i me my can could would should will shall may might
    must than then so such if also any all each both few more most other some same very just
    only own too s t much many one ones per via upon whether
    i'm i've i'd i'll you're you've you'd you'll we're we've we'd we'll they're they've
    he's she's that's there's what's who's where's how's let's
    """
)
# (the contractions: "What should I do if I'm sick?" was refused as "the passages ... do not
# mention I'm"; a typographic apostrophe is read as a straight one, see ``words``. Not
# "m" or "d" alone: they are initials, "DANIEL M", "D HARTMAN" in the senate ledger.)

# Pronouns that stand for something named before them ("How many of them ...", "its
# battery"): a question holding one may point back at the conversation. Whether it names its
# own antecedent ("new employees ... their home office") is the caller's judgement.
POINTING_PRONOUNS = _set("it its they them their theirs he she him his her hers those")


def any_word(words: frozenset[str]) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of ``words`` as a whole word."""
    return re.compile(r"\b(" + "|".join(sorted(words, key=len, reverse=True)) + r")\b", re.I)


def pointing(extra: frozenset[str] = frozenset()) -> re.Pattern[str]:
    """A pointing pronoun (or one of ``extra``) as a whole word, any case, except "IT" and
    "ITS" in capitals: "How do I report an IT problem?" points at nothing."""
    words = "|".join(sorted(POINTING_PRONOUNS | extra, key=len, reverse=True))
    return re.compile(rf"\b(?-i:(?!IT\b|ITS\b))({words})\b", re.I)


# A word: letters/digits, with inner apostrophes and hyphens ("it's", "long-term"), in any
# alphabet: "Zürich" is one word, not "Z" and "rich".
WORD = re.compile(r"[^\W_](?:[^\W_]|['\-])*")

# Capital and small letters, Latin with accents included, for character classes where
# [A-Z] / [a-z] would cut a name ("What about Malmö?" asked about "Malm").
_LATIN = [chr(c) for c in range(0xC0, 0x250)]
UPPER = "A-Z" + "".join(ch for ch in _LATIN if ch.isupper())
LOWER = "a-z" + "".join(ch for ch in _LATIN if ch.islower())

# Latin letters that carry no combining mark to strip, spelt as an English keyboard types them.
_PLAIN_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"}
)  # fmt: skip


def fold(text: str) -> str:
    """``text`` without accents, as people type it: "São Paulo" -> "Sao Paulo", "Zürich" ->
    "Zurich", "Śródmieście" -> "Srodmiescie", "ﬁnance" -> "finance". Words are compared
    folded on both sides, so a question typed without accents matches a document that has
    them (and the other way round), and an accented word is one word, not "Z" + "rich".
    Lengths change: only for matching, never for offsets."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(words: list[str]) -> list[str]:
    """English Snowball stems (PyStemmer), in order."""
    return list(_stemmer().stemWords(words))


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` with the stop words removed (not stemmed)."""
    out = [w.lower().strip("'-") for w in WORD.findall(fold(text.replace("\u2019", "'")))]
    return [w for w in out if w and w not in STOP_WORDS]


def content_terms(text: str) -> list[str]:
    """Stemmed content words of ``text``, in order, repeats kept; a hyphenated word counts as
    its parts ("home-office" answers a question about a "home office")."""
    parts = [p for w in words(text) for p in w.split("-")]
    return stem([p for p in parts if p and p not in STOP_WORDS])


def name_words(filename: str) -> str:
    """A file's name as words: "FIPS199.pdf" -> "FIPS 199 pdf" (what the document is about)."""
    return re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|[_.\-]+", " ", filename)


def without_file_names(question: str, files: Sequence[tuple[str, str]]) -> str:
    """The question without a file's name that the file's own text never says: "What are the
    security objectives in FIPS 199?" of FIPS199.pdf, whose running header "FIPS Publication
    199" was cut as page furniture. The document vouches for its own name, so those words do
    not count as missing. Only codes of an acronym and a number ("FIPS 199", "SP 800-53");
    ``files`` is (file name, text) pairs."""
    for name, text in files:
        words = name_words(name.rsplit(".", 1)[0].split("#", 1)[0]).split()
        for i in range(len(words)):
            for j in range(len(words), i + 1, -1):
                run = words[i:j]
                # a document code: an acronym and a number ("FIPS 199", not "Super Bowl 50")
                if not (
                    any(w.isdigit() for w in run) and any(w.isupper() and w.isalpha() for w in run)
                ):
                    continue
                said = r"\b" + r"[\s_-]*".join(map(re.escape, run)) + r"\b"
                if re.search(said, question, re.I) and not re.search(said, text, re.I):
                    question = re.sub(
                        rf"(?:\b(?:in|of|from|by|under)\s+)?{said}", " ", question, flags=re.I
                    )
    return re.sub(r"\s+([?.!,])", r"\1", " ".join(question.split()))

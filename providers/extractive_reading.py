"""What the extractive answerer tells the user about how it read the question.

Two things a user cannot guess: that misspelt words were answered as the documents spell
them ("hotle limit in londn" was answered as "hotel limit in london"), and why a question
in another language was refused (the answerer matches English words against English
documents: "Wie viele Urlaubstage bekomme ich?" matches nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.base import REFUSAL_TEXT, Source
from providers.extractive_terms import WORD, content_terms
from text.asking import own_part
from text.language import ENGLISH, OTHER, foreign_language, language_of
from text.phrases import listed

NOT_ENGLISH = f"{REFUSAL_TEXT} The documents are in English, and this question seems to be"


def not_english_refusal(language: str) -> str:
    """The refusal of a question in ``language`` (a name, or ``OTHER``) asked of English
    documents. It starts with ``REFUSAL_TEXT``: whatever looks for a refusal finds it."""
    said = "in another language" if language == OTHER else f"in {language}"
    return f"{NOT_ENGLISH} {said}: try asking it in English."


def refusal_text(question: str, sources: Sequence[Source]) -> str:
    """``REFUSAL_TEXT`` and what the documents do and do not mention of the question, or
    when ``question`` is clearly in another language than the retrieved ``sources``
    (English), the refusal that says so."""
    if language_of(" ".join(s.text for s in sources)) != ENGLISH:
        return REFUSAL_TEXT  # what they mention is said in English words about theirs
    if (language := foreign_language(question)) is not None:
        return not_english_refusal(language)
    why = what_is_mentioned(own_part(question), sources)
    return f"{REFUSAL_TEXT} {why}" if why else REFUSAL_TEXT


# Words that ask or carry the question, never its topic ("what do I get for ...").
_CARRIERS = frozenset(
    [
        "get",
        "gets",
        "got",
        "need",
        "needs",
        "tell",
        "say",
        "says",
        "know",
        "find",
        "give",
        "want",
        "use",
        "used",
        "mean",
        "means",
        "make",
        "take",
        "go",
        "goes",
        "going",
        "went",
        # how a question asks for a time or a distance: "but not often", "but not far or
        # ahead" named the asking, not what the passages lack
        "often",
        "far",
        "ahead",
        "advance",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "may",
        "might",
        "must",
        "will",
    ]
)
MAX_NAMED = 3
_POSSESSIVE = re.compile(r"['’]s$", re.I)


def what_is_mentioned(question: str, sources: Sequence[Source]) -> str:
    """Why a refusal, in the question's own words: "The passages found mention policy and
    flights, but not refund or cancelled." (issue 15: "the documents mention X, but not
    ..."), so the user can judge whether to rephrase (or spot a typo: "... but not Bostn.");
    empty when the question has no topic word."""
    # A file's name is its own: "bzip2" is mentioned by bzip2-manual.pdf's passages about
    # BZ2_bzRead, which never spell it ("do not mention bzip2" read as false).
    named = {t for s in sources for t in content_terms(re.sub(r"[_.\-]+", " ", s.source))}
    said = named | {t for s in sources for t in content_terms(s.text)}
    mentioned: list[str] = []
    missing: list[str] = []
    # named without a possessive: "but not CEO's" read as a typo
    for word in dict.fromkeys(_POSSESSIVE.sub("", w) for w in WORD.findall(question)):
        terms = content_terms(word)
        code = any(c.isdigit() for c in word) and any(c.isalpha() for c in word)  # "R3"
        if not terms or (len(word) < 3 and not code) or word.lower() in _CARRIERS:
            continue
        (mentioned if terms[0] in said else missing).append(word)
    if not mentioned and not missing:
        return ""
    if not missing:
        return (
            f"The passages found mention {listed(mentioned[:MAX_NAMED])}, but none of them "
            "says what was asked."
        )
    absent = _either(missing[:MAX_NAMED])
    if not mentioned:
        return f"The passages found do not mention {absent}."
    return f"The passages found mention {listed(mentioned[:MAX_NAMED])}, but not {absent}."


def _either(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def read_as(typed: str, read: str, answer: str = "") -> dict[str, str]:
    """``{"read_as": read}`` (for ``Response.raw``) when the answerer respelt words of the
    ``typed`` question; nothing when it did not, or when ``answer`` refused the question as
    not English (its words "corrected" to English ones would only mislead).

    A follow-up is answered with the terms it carried from the conversation in a trailing
    bracket ("and in tokio? (hotle limit londn)", ``rag/followup.py``): only the user's own
    part is compared and shown ("and in tokyo?"), never the machine's carried terms."""
    own_typed, own_read = own_part(typed), own_part(read)
    if own_read == own_typed or answer.startswith(NOT_ENGLISH):
        return {}
    return {"read_as": own_read}

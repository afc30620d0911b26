"""What the extractive answerer tells the user about how it read the question.

Two things a user cannot guess: that misspelt words were answered as the documents spell
them ("hotle limit in londn" was answered as "hotel limit in london"), and why a question
in another language was refused (the answerer matches English words against English
documents: "Wie viele Urlaubstage bekomme ich?" matches nothing).
"""

from __future__ import annotations

from collections.abc import Sequence

from providers.base import REFUSAL_TEXT, Source
from text.asking import own_part
from text.language import ENGLISH, OTHER, foreign_language, language_of

NOT_ENGLISH = f"{REFUSAL_TEXT} The documents are in English, and this question seems to be"


def not_english_refusal(language: str) -> str:
    """The refusal of a question in ``language`` (a name, or ``OTHER``) asked of English
    documents. It starts with ``REFUSAL_TEXT``: whatever looks for a refusal finds it."""
    said = "in another language" if language == OTHER else f"in {language}"
    return f"{NOT_ENGLISH} {said}: try asking it in English."


def refusal_text(question: str, sources: Sequence[Source]) -> str:
    """``REFUSAL_TEXT``, or when ``question`` is clearly in another language than the
    retrieved ``sources`` (English), the refusal that says so."""
    language = foreign_language(question)
    if language is None or language_of(" ".join(s.text for s in sources)) != ENGLISH:
        return REFUSAL_TEXT
    return not_english_refusal(language)


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

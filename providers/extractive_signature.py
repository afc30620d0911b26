"""Signature lines: who signed, with what title ("-- CITA M. FURLANI, ACTING DIRECTOR").

A foreword or a letter ends with its signer on a line of its own, often in capitals and
without a full stop, so the answerer would take it for a heading and never quote it; yet it
is the answer to "Who was the Acting Director of ...?" or "Who signed ...?".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.extractive_terms import content_terms
from text.terms import LOWER, UPPER

# a capital letter, and the letters of a name ("José Muñoz", "O'Neill", "Smith-Jones")
_CAP, _LETTERS = f"[{UPPER}]", f"[{UPPER}{LOWER}'\\-]"
# A dash (or none), a name of 2-5 words with initials allowed, a comma, a title of 1-6 words.
_SIGNATURE = re.compile(
    rf"^\s*(?:--|—|–|-)?\s*(?P<name>{_CAP}{_LETTERS}*\.?(?:\s+{_CAP}{_LETTERS}*\.?){{1,4}}),"
    r"\s*(?P<title>[A-Za-z][A-Za-z\- ]{2,60}?)\s*$"
)
# Without a leading dash the title must name a role: "New York, San Francisco" is no signer.
_ROLE = re.compile(
    r"\b(?:director|secretary|president|chair(?:man|woman|person)?|officer|manager|head|dean|"
    r"chief|administrator|commissioner|governor|minister|editor|author|ceo|cto|cfo|founder)\b",
    re.I,
)
_SIGNED = re.compile(r"\bsign(?:s|ed|ing|atory|er)?\b", re.I)


def signature(text: str) -> tuple[str, str] | None:
    """(name, title) when ``text`` is a signature line, else None."""
    m = _SIGNATURE.match(text.strip())
    if not m or len(m.group("title").split()) > 6:
        return None
    dashed = text.strip()[:1] in "-—–"
    return (m.group("name"), m.group("title")) if dashed or _ROLE.search(m.group("title")) else None


def answers_who(question: str, text: str, passage: str | None = None) -> bool:
    """A signature line that answers a who-question: it asks who signed, or names the title
    ("Who was the Acting Director ...?"); or, asked whom to contact, an address or number
    (in a ``passage`` about what is asked, when given: :func:`contact_about`)."""
    signed = signature(text)
    if signed is None:
        return (
            gives_contact(text, question)
            if passage is None
            else contact_about(question, text, passage)
        )
    title = set(content_terms(signed[1]))
    return bool(_SIGNED.search(question)) or (bool(title) and title <= set(content_terms(question)))


# Two or three title-case words in a row, not after a sentence's start: a person's name
# ("Marta Okafor", "Julian Seward"); a code word in capitals ("PLUMTREE") is not one.
_PERSON = re.compile(
    rf"(?<![.!?]\s)(?<!^)\b{_CAP}[{LOWER}]+(?:\s{_CAP}\.)?(?:\s{_CAP}[{LOWER}]+){{1,2}}\b"
)


# Words of an organisation's or a place's name: "Information Technology Laboratory" and "100
# Bureau Drive" are title-case runs too, and nobody's name.
_NOT_A_PERSON = frozenset(
    [
        "institute",
        "laboratory",
        "department",
        "office",
        "university",
        "technology",
        "standards",
        "national",
        "information",
        "security",
        "division",
        "agency",
        "administration",
        "bureau",
        "center",
        "centre",
        "committee",
        "council",
        "project",
        "company",
        "corporation",
        "association",
        "service",
        "services",
        "systems",
        "act",
        "drive",
        "street",
        "avenue",
        "road",
        "building",
        "federal",
        "state",
        "states",
        "united",
        "government",
        "commission",
        "board",
    ]
)


def names_a_person(text: str, question: str) -> bool:
    """Does the sentence name someone the question does not ("Who leads Project Falcon?")?"""
    asked = question.lower()
    return any(
        m.group(0).lower() not in asked
        and not any(w.lower() in _NOT_A_PERSON for w in m.group(0).split())
        for m in _PERSON.finditer(text.strip())
    )


# Who may do something is often a group, not a name: "Who can get a corporate card?" /
# "Employees who travel more than four times a year can request a corporate credit card".
_PEOPLE = re.compile(
    r"\b(?:employees?|staff|managers?|users?|customers?|members?|parents?|contractors?|"
    r"students?|people|persons?|owners?|administrators?|developers?|maintainers?|"
    r"travell?ers?|visitors?|applicants?|everyone|anyone|nobody|no one)\b",
    re.I,
)


def names_people(text: str, question: str) -> bool:
    """Does the sentence name a group of people the question does not?"""
    asked = question.lower()
    return any(m.group(0).lower() not in asked for m in _PEOPLE.finditer(text))


# "who do i ask about expenses" is answered by where to ask: "Questions go to
# finance@northwind.example." (it was answered "Expenses are claimed in the Expensify app").
_ASKS_CONTACT = re.compile(
    r"\b(?:ask|contact|reach|call|email|e-mail|write\s+to|talk\s+to|speak\s+to|report\s+to|"
    r"tell|inform|notify|let\s+\w+\s+know)\b",
    re.I,
)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d\s().-]{7,}\d")


def gives_contact(text: str, question: str) -> bool:
    """For "who do I ask/contact ...", does the sentence give an address or a number?"""
    return bool(_ASKS_CONTACT.search(question)) and bool(_CONTACT.search(text))


_CONTACT_WORDS = frozenset(
    content_terms(
        "contact ask reach call email write talk speak report question questions tell inform "
        "notify let know"
    )
)


def contact_about(question: str, text: str, passage: str) -> bool:
    """:func:`gives_contact`, in a passage that says every other word of the question: "Who
    do I email about expenses?" is the travel and expense policy's "Questions go to
    finance@...", not the product FAQ's support line."""
    topic = set(content_terms(question)) - _CONTACT_WORDS
    return gives_contact(text, question) and topic <= set(content_terms(passage))


# Who made a thing is a name: "Who designed the Blowfish block cipher?" / "... designed by
# Bruce Schneier"; "Who wrote Ninja?" is not answered by a sentence that names nobody.
_ASKS_AUTHOR = re.compile(
    r"\bwho\s+(?:\w+\s+)?(?:wrote|designed|created|invented|founded|authored|developed|"
    r"discovered|composed|painted|directed|coined|proposed)\b"
    r"|\bname of the (?:person|author|developer|designer|inventor|founder)\b"
    r"|\bwho (?:is|was) the (?:author|inventor|founder|designer)\b",
    re.I,
)
# A capitalised word that does not open a sentence: "Newton", "Julian Seward", "LeGrande".
_NAME_WORD = re.compile(rf"(?<![.!?:]\s)(?<!^)(?<![.!?:])\b{_CAP}[{UPPER}{LOWER}'\-]+")


def lacks_asked_author(question: str, texts: Sequence[str]) -> bool:
    """True when the question asks who made something and no text holds a name (a
    capitalised word, not a sentence's first) that the question does not already say."""
    if not _ASKS_AUTHOR.search(question):
        return False
    asked = set(re.findall(r"[\w'\-]+", question.lower()))
    return not any(
        m.group(0).lower() not in asked for t in texts for m in _NAME_WORD.finditer(t.strip())
    )

"""Sentences cut at a chunk's edge, made whole for the extractive answer.

Chunks never cross pages, and a sentence longer than a chunk is cut inside: a sentence that
runs over a page break is in two chunks, "... The ratio between" | "worst-case and
average-case compression time is in the region of 10:1.". Either piece quoted alone is no
answer; the answerer completes it from the chunk after (``run_on``) or before
(``run_back``) - both fetched by the caller, who owns the store - and otherwise never
quotes it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from providers.base import Source
from providers.extractive_lists import FollowFn
from providers.extractive_terms import split_sentences

if TYPE_CHECKING:
    from providers.extractive_provider import Candidate

END = re.compile(r"[.!?;:)\"'”’]\s*$")
# A word that continues a sentence: a sentence never starts with it in lower case.
CONTINUATION = re.compile(
    r"(?:and|or|but|nor|in|of|to|for|with|from|by|at|on|as|which|that|the|an?|than|where|"
    r"while|whereas|is|are|was|were|so|then|otherwise|because|since|unless)\b"
)
# A list item: a bullet (or "o", as formatted manual pages have it) or a number, then the item.
ITEM = re.compile(r"\s*(?:[•◦▪●■‣*–-]|o|\(?\d{1,2}[.)]|\(?[a-z][.)])[ \t]+(?P<body>\S.*)", re.S)


def opens_document(src: Source) -> bool:
    """The document's first chunk (ids end in the chunk's index): nothing came before it to
    cut its first sentence, so a lower-case start ("café menu: the hotel limit is ...") is
    how the document begins, not a cut."""
    return src.chunk_id.rpartition(":")[2] == "0"


def run_on(c: Candidate, follow: FollowFn | None, seen: dict[int, str]) -> Candidate:
    """A sentence that the chunk's end cut ("These modules should be installed in
    /usr/share/module, or") ends in the next chunk of its document (the next page, or past a
    sentence longer than a chunk): the candidate with its whole text, else unchanged."""
    src = c.source.text
    text = c.text.rstrip()
    words = text.split()
    # ends in a lower-case word or a comma: a sentence cut, not a title line or a URL
    unfinished = len(words) >= 3 and (
        (words[-1].isalpha() and words[-1].islower()) or text[-1] in ",-–("
    )
    if follow is None or src[c.end :].strip() or not unfinished or ITEM.match(text):
        return c  # (a list item at the chunk's end is no sentence to run on)
    if c.source.n not in seen:
        seen[c.source.n] = follow(c.source)[:3000]
    nxt = seen[c.source.n]
    # The chunks overlap: the next one may hold the whole sentence; else it goes on there.
    at = nxt.find(text[:40])
    rest = nxt[at:] if at >= 0 else nxt
    spans = split_sentences(rest)
    if not spans:
        return c
    whole = rest[spans[0][0] : spans[0][1]]
    if at < 0:
        # the next chunk goes on with it ("... or" + "/usr/lib/module if ..."), unless it
        # starts a sentence of its own after a word that cannot end one
        continues = whole[:1].islower() or not whole[:1].isalnum()
        if not continues and not CONTINUATION.fullmatch(words[-1].lower()):
            return c
        whole = text + " " + whole
    # complete now, it is no longer the cut piece ``heading`` marked unquotable
    return replace(c, text=whole, heading=False) if END.search(whole.rstrip()) else c


def run_back(c: Candidate, precede: FollowFn | None, seen: dict[int, str]) -> Candidate:
    """A chunk that starts inside a sentence (after a page break: "worst-case and
    average-case compression time is in the region of 10:1.") has the sentence's start at
    the end of the chunk before: the candidate with its whole text, else unchanged."""
    text = c.text.strip()
    if precede is None or c.source.text[: c.start].strip() or not text[:1].islower():
        return c
    if c.source.n not in seen:
        seen[c.source.n] = precede(c.source)[-3000:]
    prev = seen[c.source.n]
    spans = split_sentences(prev)
    if not spans:
        return c
    # The chunks overlap: the one before may hold the whole sentence.
    at = prev.rfind(text[:40])
    if at >= 0:
        whole = next((prev[s:e] for s, e in spans if s <= at < e), "")
        if whole and whole.strip()[:1].isupper() and END.search(whole.rstrip()):
            return replace(c, text=whole, heading=False)
        return c
    start = prev[spans[-1][0] : spans[-1][1]]
    if END.search(start.rstrip()) or not start.strip()[:1].isupper():
        return c  # the chunk before ends a sentence, or it is a fragment itself
    return replace(c, text=start + " " + c.text, heading=False)


_BULLET = re.compile(r"\s*[•◦▪●■‣*–-][ \t]+(?P<body>\S.*)", re.S)


def unbulleted(text: str) -> str:
    """A list item quoted on its own, without its marker: "- The bus leaves at 07:30." is
    answered "The bus leaves at 07:30." (a dash before an answer reads as a typo)."""
    m = _BULLET.match(text)
    return m.group("body") if m else text


# "..., tasked NIST with responsibilities for standards and guidelines, including the
# development of:" quoted without the list it announces ends on nothing.
MIN_KEPT_WORDS = 6  # what is left must still say something
_ANNOUNCING_TAIL = re.compile(r",\s+(?:[\w-]+\s+){0,6}[\w-]+:\s*$")


def unannounced(text: str) -> str:
    """A sentence without a short trailing clause that announces a list it does not quote."""
    m = _ANNOUNCING_TAIL.search(text)
    kept = text[: m.start()].rstrip() if m else ""
    return kept + "." if len(kept.split()) >= MIN_KEPT_WORDS else text

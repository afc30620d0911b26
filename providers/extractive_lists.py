"""Lists in the extractive answer: the announcing sentence and the items after it ("...three
objectives:" + bullets, numbered items, capitalised item lines, the rows of a text table),
also in the next chunks of the document, or a sentence that holds the items ("A, B and C")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from providers.base import Source
from providers.extractive_qtype import QuestionType, announced_count
from providers.extractive_tables import table_cell
from providers.extractive_terms import WORD, content_terms

if TYPE_CHECKING:
    from providers.extractive_provider import Candidate

# The text that follows a source in its document (the next chunks), injected by the caller:
# a list announced at the end of a chunk continues in the next one.
FollowFn = Callable[[Source], str]

_BULLET = re.compile(r"^\s*(?:[•◦▪●■\-*–]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+(?P<item>\S.*)$")
_ITEM_LEAD = re.compile(r"^(?P<lead>[^–:—]{1,80}?)\s+[–—:-]\s+\S")
_ANNOUNCE = re.compile(
    r"(:|\b(below|following|as follows|the following|are listed|are defined below))\s*[.:]?$",
    re.I,
)
_ENUMERATION = re.compile(r"\w[^,;:()]*(?:[,;]\s*\w[^,;:()]*){1,}[,;]?\s+(?:and|or)\s+\w", re.I)

ENUMERATION_BONUS = 0.3
MAX_ITEMS = 12
MAX_ITEM_WORDS = 10  # longer "items" are paragraphs that happen to start with a bullet


@dataclass(frozen=True)
class Piece:
    """One quoted unit of the answer and the sources it cites."""

    text: str
    cites: tuple[int, ...]


def enumerates(text: str, count: int | None, noun: str = "") -> float:
    """1 for a sentence listing ``count`` items ("A, B, and C"; any size when unknown) that
    names what the list holds (``noun``), a little more when it is short (a glossary line
    beats a paragraph); else 0."""
    if noun and not set(content_terms(noun)) & set(content_terms(text)):
        return 0.0
    sizes = [len(re.findall(r"[,;]", m.group(0))) + 1 for m in _ENUMERATION.finditer(text)]
    if not sizes or (count and count not in sizes and count - 1 not in sizes):
        return 0.0
    return 1.0 + (0.5 if len(WORD.findall(text)) <= 25 else 0.0)


def enumerates_asked(question: str, text: str, count: int | None, noun: str = "") -> float:
    """:func:`enumerates`, for a sentence about the question at all: a list about something
    else ("courses, books and conferences" for "What are the security requirements?") is no
    answer however well it enumerates."""
    if not set(content_terms(question)) & set(content_terms(text)):
        return 0.0
    # "List the laptops new employees can choose from.": what is listed must be named
    # ("Each employee has a learning budget ... for courses, books and conferences" is not)
    if (m := _LISTED.match(question)) and not set(content_terms(m.group("what"))) <= set(
        content_terms(text)
    ):
        return 0.0
    return enumerates(text, count, noun)


_LISTED = re.compile(
    r"^\s*(?:list|name|enumerate|give)\s+(?:me\s+)?(?:the\s+|all\s+|any\s+)?(?:of\s+the\s+)?"
    r"(?P<what>[a-z][\w-]*s)\b(?!\s+(?:of|for)\b)",
    re.I,
)


# --- lists --------------------------------------------------------------------------------
def _item(line: str) -> str | None:
    m = _BULLET.match(line)
    if m:
        item = m.group("item").strip()
        lead = _ITEM_LEAD.match(item)
        return lead.group("lead").strip() if lead else item
    s = line.strip()
    words = s.split()
    if 0 < len(words) <= 4 and s.isupper() and WORD.search(s):
        return s.title()
    return None


# After a sentence of prose, items of another kind than the list's belong to something else:
# the bullets of "... the following equipment:", then "Equipment remains company property
# ...", then "4. Stipends", "5. Security" - the document's next sections. Items of the same
# kind go on ("CONFIDENTIALITY", its description, "INTEGRITY", ...).
_PROSE = re.compile(r"^\s*[A-Z]\S*(?:\s+\S+){4,}[.!]\s*$")


def _kind(line: str) -> str:
    """An item line's kind by the marker :func:`_item` reads: numbered, bulleted, or other
    (a capitalised line, a table cell, a lettered item)."""
    m = _BULLET.match(line)
    marker = line[: m.start("item")] if m else ""
    if any(ch.isdigit() for ch in marker):
        return "numbered"
    return "bullet" if marker.strip() and not any(ch.isalpha() for ch in marker) else "other"


def _items_after(text: str, count: int | None) -> tuple[list[str], bool]:
    """Item lines (bullets, numbered, capitalised, the rows of a text table) in ``text``, in
    order, up to ``count``, until, after prose, an item of another kind; and whether that
    ended the list (the next chunk does not continue it)."""
    items: list[str] = []
    lines = text.split("\n")
    rows = 0
    kind, prose = "", False
    for i, line in enumerate(lines):
        item = _item(line)
        if item is None and (cell := table_cell(lines, i, first=rows == 0)) is not None:
            rows += 1
            item = cell or None  # "" is the header row: not an item
        if item is None:
            prose = prose or bool(items and _PROSE.match(line))
            continue
        if prose and _kind(line) != kind:
            return items, True
        kind = kind or _kind(line)
        if item not in items:
            items.append(item)
            if len(items) >= (count or MAX_ITEMS):
                break
    return items, False


# "FIPS 199 defines three levels of potential impact ..." and then, a paragraph each, "The
# potential impact is LOW if-", "... is MODERATE if-", "... is HIGH if-": the items are the
# words in capitals that the same opening frames.
_FRAMED = re.compile(
    r"^\s*(?P<frame>[A-Z][a-z]*(?: [a-z][A-Za-z,'-]*){1,8}\s)(?P<item>[A-Z]{2,}(?:[ -][A-Z]{2,})*)\b"
)


def _framed_items(text: str) -> list[str]:
    """The capitalised words of the lines that share the most common opening frame."""
    frames: dict[str, list[str]] = {}
    for line in text.split("\n"):
        if (m := _FRAMED.match(line)) is not None:
            items = frames.setdefault(m.group("frame").lower(), [])
            if m.group("item") not in items:
                items.append(m.group("item"))
    return max(frames.values(), key=len, default=[])


def _framed_list(
    c: Candidate, text: str, count: int, sources: Sequence[Source], follow: FollowFn | None
) -> Piece | None:
    """A sentence that announces a number of things ("three levels") answered with that many
    framed items after it (in its chunk and the next few)."""
    idx = _chunk_index(c.source)
    nxt = sorted(
        (s for s in sources if s.doc_id == c.source.doc_id and idx < _chunk_index(s) <= idx + 3),
        key=_chunk_index,
    )
    more = follow(c.source) if follow else "\n".join(s.text for s in nxt)
    items = _framed_items(c.source.text[c.end :] + "\n" + more)
    if len(items) != count:
        return None
    cites = [c.source.n] + [s.n for s in nxt if set(_framed_items(s.text)) & set(items)]
    lead = re.sub(r"[\s.:]+$", "", text)
    return Piece(f"{lead}: {'; '.join(items)}.", tuple(dict.fromkeys(cites)))


def _chunk_index(s: Source) -> int:
    tail = s.chunk_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def list_answer(
    qt: QuestionType,
    ranked: list[tuple[float, Candidate, str]],
    sources: Sequence[Source],
    follow: FollowFn | None = None,
    clean: Callable[[str], str] = str.strip,
) -> Piece | None:
    """The announcing sentence and the items that follow it (also in the next chunks of the
    same document among the sources), or None when no such list is found. A list shorter
    than the question's count only when no sentence enumerates that many."""
    partial: Piece | None = None
    for _, c, text in ranked[:6]:
        # "...defines three objectives for information systems:" + item lines: the splitter
        # may have run the items into the sentence; the announcement ends at the colon.
        colon = re.search(r":[ \t]*\n", c.text)
        after = c.start + colon.end() if colon else c.end
        if colon:
            text = clean(c.text[: colon.start()])
        elif not _ANNOUNCE.search(text.rstrip(".")):
            # the sentence itself says how many ("defines three levels"), as the question may
            count = announced_count(text)
            if count and qt.count in (None, count):
                framed = _framed_list(c, text, count, sources, follow)
                if framed is not None:
                    return framed
            continue
        # "List them." after "How many functions...?" asks for as many as the sentence says
        count = qt.count or announced_count(text)
        items, ended = _items_after(c.source.text[after:], count)
        cites = [c.source.n]
        later = sorted(
            (s for s in sources if s.doc_id == c.source.doc_id and s.n != c.source.n),
            key=_chunk_index,
        )
        # Only the chunks right after it continue the list: a table 17 pages on ("IDENTIFY
        # (ID)") is not its next item.
        last = _chunk_index(c.source)
        for s in later:
            if ended or (count and len(items) >= count) or _chunk_index(s) > last + 1:
                break
            if _chunk_index(s) == last + 1:
                last += 1
                more, ended = _items_after(s.text, None)
                more = [i for i in more if i not in items]
                if more:
                    items += more
                    cites.append(s.n)
        if follow and count and len(items) < count and not ended:
            items += [i for i in _items_after(follow(c.source), None)[0] if i not in items]
        if len(items) >= 2 and all(len(i.split()) <= MAX_ITEM_WORDS for i in items):
            lead = re.sub(r"[\s.:]+$", "", text)
            piece = Piece(f"{lead}: {'; '.join(items[: count or MAX_ITEMS])}.", tuple(cites))
            if not count or len(items) >= count:
                return piece
            partial = partial or piece
    if partial and any(enumerates(t, qt.count, qt.noun) for _, _, t in ranked[:6]):
        return None  # a sentence that holds all the items answers better
    return partial

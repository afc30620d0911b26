"""Answer composition for the extractive answerer: the shortest complete text that answers.

Given the scored candidate sentences (best first), it chooses what to quote by the
question's kind (:mod:`providers.extractive_qtype`):
- a fact (who / when / how many / where / what): the sentence holding it, preferring one
  with something of the asked type (a date for "when", a number for "how many"), plus the
  next sentence only when it continues the same passage and scores nearly as well;
- a list ("Name the five Functions...", "What are the three security objectives..."): the
  announcing sentence and the items that follow it (bullets, numbered items, capitalised
  item lines), or a sentence that holds the items ("A, B and C");
- a definition: the sentence that defines the term ("X is...", "X means...", "X: ...");
- yes/no: "Yes." or "No." first, when the quoted sentence says it (negated or not).
Never a heading, page furniture (rules of underscores, running headers) or a sentence cut
at a chunk's edge; every quoted sentence ends with its citation ``[n]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from providers.base import Source
from providers.extractive_qtype import QuestionType, classify, polarity
from providers.extractive_tables import focus_record, is_record, table_cell
from providers.extractive_terms import ANAPHOR, WORD, content_terms, split_sentences

if TYPE_CHECKING:
    from providers.extractive_provider import Candidate

TypeMatch = Callable[[str, str, str], float]
# The text that follows a source in its document (the next chunks), injected by the caller:
# a list announced at the end of a chunk continues in the next one.
FollowFn = Callable[[Source], str]

_END = re.compile(r"[.!?;:)\"'”’]\s*$")
_ABBREV_END = re.compile(r"\b(Sec|Secs|No|Nos|Vol|Fig|pp|p|Art|Para|Ch|Jr|Sr|Inc|Ltd|[A-Z])\.$")
# A rule ("_____", "-----", "· · ·"), not a lone "." or "*" of markup spread over lines.
_FURNITURE = re.compile(r"^\s*(?:[_\-=.·•*~]\s*){3,}$|_{4,}|\.{5,}")
_BULLET = re.compile(r"^\s*(?:[•◦▪●■\-*–]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+(?P<item>\S.*)$")
_ITEM_LEAD = re.compile(r"^(?P<lead>[^–:—]{1,80}?)\s+[–—:-]\s+\S")
_SUBJECT = re.compile(r"^\s*(?:the\s+|an?\s+)?(?P<subj>[\w\- ]{2,60}?)\s+(?:is|are|means)\s", re.I)
_ANNOUNCE = re.compile(
    r"(:|\b(below|following|as follows|the following|are listed|are defined below))\s*[.:]?$",
    re.I,
)
_ENUMERATION = re.compile(r"\w[^,;:()]*(?:[,;]\s*\w[^,;:()]*){1,}[,;]?\s+(?:and|or)\s+\w", re.I)

TYPE_BONUS = 0.2
WHEN_TYPE_BONUS = 0.45
DEFINITION_BONUS = 0.45
ENUMERATION_BONUS = 0.3
ANNOUNCE_PENALTY = 0.3
SECOND_RATIO = 0.85
COMPLEMENT_RATIO = 0.9  # a sentence elsewhere must score nearly as well as the best
COMPLEMENT_SEARCH = 4
OWN_BONUS = 0.3
# Questions after one fact (how many, when, who, where) are answered by one sentence.
ONE_SENTENCE_WH = frozenset(["how_many", "when", "who", "where"])
MAX_ITEMS = 12
MAX_ITEM_WORDS = 10  # longer "items" are paragraphs that happen to start with a bullet


@dataclass(frozen=True)
class Piece:
    """One quoted unit of the answer and the sources it cites."""

    text: str
    cites: tuple[int, ...]


# --- clean, complete sentences ----------------------------------------------------------
def tidy(text: str) -> str:
    """A candidate without the furniture around it: leading lines that are rules, headers
    or headings ("FIPS PUB 199", "_____", "Security Objectives") and trailing heading lines
    ("... information. INTEGRITY"); whitespace collapsed."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    # Everything above a rule of underscores is the page's running header.
    rules = [i for i, ln in enumerate(lines[:-1]) if _FURNITURE.search(ln)]
    if rules:
        lines = lines[rules[-1] + 1 :]
    # A short unpunctuated line is a heading only where the sentence does not run on through
    # it: HTML and PDF text wraps mid-sentence ("The\nzlib\nconstant ..."), and stripping
    # such a line would leave a cut sentence.
    while len(lines) > 1 and (
        _FURNITURE.search(lines[0]) or (_is_heading_line(lines[0]) and _starts_sentence(lines[1]))
    ):
        lines.pop(0)
    # A sentence's full stop alone on the last line ("...directory,\n/usr/lib/python3\n."):
    # it ends the sentence; it is not furniture.
    if len(lines) > 1 and lines[-1].strip() in (".", "!", "?", ";"):
        lines[-2:] = [lines[-2].rstrip() + lines[-1].strip()]
    while len(lines) > 1 and (
        _FURNITURE.search(lines[-1])
        or (_is_heading_line(lines[-1]) and bool(_END.search(lines[-2].strip())))
    ):
        lines.pop()
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def _starts_sentence(line: str) -> bool:
    """The line begins a new unit (a capital or a bullet), not the rest of a wrapped one."""
    first = line.lstrip()[:1]
    return first.isupper() or first in "•*-–"


def _is_heading_line(line: str) -> bool:
    s = line.strip()
    return len(WORD.findall(s)) < 8 and not _END.search(s)


def _complete(c: Candidate) -> Candidate:
    """A sentence the splitter cut after an abbreviation ("[44 U.S.C., Sec. 3542]") runs on
    to the next sentence end in its passage."""
    text, end = c.text, c.end
    src = c.source.text
    while _ABBREV_END.search(text.rstrip()) and end < len(src):
        spans = split_sentences(src[end:])
        if not spans:
            break
        end += spans[0][1]
        text = src[c.start : end]
    return replace(c, text=text, end=end) if end != c.end else c


def is_cut(text: str, at_start: bool = True) -> bool:
    """Begins mid-sentence (lower case at the start of a chunk: the chunk started inside it)
    or ends without closing punctuation (the chunk ended inside it). Inside a chunk a lower
    case start is a real sentence ("zpipe -d is used ...", "deflateInit() will ...")."""
    t = text.strip()
    # lower case at a chunk's start, or a conjunction anywhere ("and /usr/bin/pydoc ...")
    lower_start = (at_start and t[:1].islower()) or bool(re.match(r"(and|or|but|nor)\b", t))
    # "/usr/bin/python3 (or /usr/bin/python3.": the splitter cut inside a bracket
    unclosed = t.rfind("(") > t.rfind(")")
    return not t or lower_start or unclosed or not _END.search(t) or bool(_ABBREV_END.search(t))


def quotable_texts(cands: Sequence[Candidate]) -> list[tuple[Candidate, str]]:
    """(candidate, tidy text) of every sentence an answer may quote, in score order."""
    out = []
    for c in cands:
        record = is_record(c.text)
        if c.heading and not record:
            continue
        c = _complete(c)
        text = re.sub(r"\s+", " ", c.text).strip() if record else tidy(c.text)
        words = [w for w in WORD.findall(text) if sum(ch.isalpha() for ch in w) >= 2]
        at_start = not c.source.text[: c.start].strip()
        # not "106(g), 40113. § 39.13 [Amended]"; a table row is whole without a full stop
        if len(words) >= 4 and (record or not is_cut(text, at_start)):
            out.append((c, text))
    return out


# --- ranking by question kind -----------------------------------------------------------
def _defines(text: str, term: str) -> bool:
    # the term quoted or in the plural ("a format called “wheels”") is the same term
    t = rf"[\"“‘']?{re.escape(term.strip().lower())}s?[\"”’']?"
    low = text.lower()
    pattern = (
        rf"(?:^|[.!?]\s+)(?:the\s+|a\s+|an\s+)?{t}\s*(?:\([^)]*\)\s*)?(?:is|are|means|refers|:|–|-)"
    )
    named = rf"(?:{t}\s+(?:is|are)\s+defined\s+as|\b(?:known\s+as|called|termed)\s+(?:an?\s+|the\s+)?{t})"
    if re.search(pattern, low) or re.search(named, low):
        return True
    # "Extensions are C code ..." defines "extension modules": the subject's words are the
    # term's (by stem), the term shortened or inflected
    m = _SUBJECT.match(text)
    subject = set(content_terms(m.group("subj"))) if m else set()
    return bool(subject) and subject <= set(content_terms(term))


def rank(
    qt: QuestionType,
    question: str,
    quoted: list[tuple[Candidate, str]],
    wh: str,
    type_match: TypeMatch,
) -> list[tuple[float, Candidate, str]]:
    """Quotable sentences re-ranked for this kind of question, best first. A follow-up
    completed with the last turn's terms in brackets ("How many of them can be carried
    over? (vacation days)") prefers the sentence with the user's own words."""
    own = _own_terms(question)
    out = []
    for c, text in quoted:
        bonus = OWN_BONUS * len(own & set(content_terms(text))) / len(own) if own else 0.0
        if qt.kind == "fact":
            # A date is an unambiguous "when" answer; names and numbers are weaker signals.
            weight = WHEN_TYPE_BONUS if wh == "when" else TYPE_BONUS
            bonus += weight * type_match(wh, text, question)
        elif qt.kind == "definition" and _defines(text, qt.term):
            bonus += DEFINITION_BONUS
        elif qt.kind == "list":
            bonus += ENUMERATION_BONUS * _enumerates(text, qt.count, qt.noun)
        if qt.kind != "list" and text.rstrip().endswith(":"):
            bonus -= ANNOUNCE_PENALTY  # it announces what follows; it says nothing itself
        out.append((c.score + bonus, c, focus_record(text, question)))
    out.sort(key=lambda x: -x[0])
    return out


def _enumerates(text: str, count: int | None, noun: str = "") -> float:
    """1 for a sentence listing ``count`` items ("A, B, and C"; any size when unknown) that
    names what the list holds (``noun``), a little more when it is short (a glossary line
    beats a paragraph); else 0."""
    if noun and not set(content_terms(noun)) & set(content_terms(text)):
        return 0.0
    sizes = [len(re.findall(r"[,;]", m.group(0))) + 1 for m in _ENUMERATION.finditer(text)]
    if not sizes or (count and count not in sizes and count - 1 not in sizes):
        return 0.0
    return 1.0 + (0.5 if len(WORD.findall(text)) <= 25 else 0.0)


def _own_terms(question: str) -> set[str]:
    m = re.match(r"^(?P<own>.*?)\s*\((?P<carried>[^()]*)\)\s*$", question)
    if not m:
        return set()
    return set(content_terms(m.group("own"))) - set(content_terms(m.group("carried")))


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


def _items_after(text: str, count: int | None) -> list[str]:
    """Item lines (bullets, numbered, capitalised, the rows of a text table) in ``text``, in
    order, up to ``count``."""
    items: list[str] = []
    lines = text.split("\n")
    rows = 0
    for i, line in enumerate(lines):
        item = _item(line)
        if item is None and (cell := table_cell(lines, i, first=rows == 0)) is not None:
            rows += 1
            item = cell or None  # "" is the header row: not an item
        if item and item not in items:
            items.append(item)
            if len(items) >= (count or MAX_ITEMS):
                break
    return items


def _chunk_index(s: Source) -> int:
    tail = s.chunk_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def list_answer(
    qt: QuestionType,
    ranked: list[tuple[float, Candidate, str]],
    sources: Sequence[Source],
    follow: FollowFn | None = None,
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
            text = tidy(c.text[: colon.start()])
        elif not _ANNOUNCE.search(text.rstrip(".")):
            continue
        items = _items_after(c.source.text[after:], qt.count)
        cites = [c.source.n]
        later = sorted(
            (s for s in sources if s.doc_id == c.source.doc_id and s.n != c.source.n),
            key=_chunk_index,
        )
        for s in later:
            if qt.count and len(items) >= qt.count:
                break
            if _chunk_index(s) > _chunk_index(c.source):
                more = [i for i in _items_after(s.text, None) if i not in items]
                if more:
                    items += more
                    cites.append(s.n)
        if follow and qt.count and len(items) < qt.count:
            items += [i for i in _items_after(follow(c.source), None) if i not in items]
        if len(items) >= 2 and all(len(i.split()) <= MAX_ITEM_WORDS for i in items):
            lead = re.sub(r"[\s.:]+$", "", text)
            piece = Piece(f"{lead}: {'; '.join(items[: qt.count or MAX_ITEMS])}.", tuple(cites))
            if not qt.count or len(items) >= qt.count:
                return piece
            partial = partial or piece
    if partial and any(_enumerates(t, qt.count, qt.noun) for _, _, t in ranked[:6]):
        return None  # a sentence that holds all the items answers better
    return partial


# --- the answer ---------------------------------------------------------------------------
def _second(
    best: tuple[float, Candidate, str], ranked: list[tuple[float, Candidate, str]]
) -> tuple[float, Candidate, str] | None:
    """The sentence right after the best one in its passage, when it scores nearly as well."""
    score, c, _ = best
    for other in ranked[1:]:
        o = other[1]
        gap = c.source.text[c.end : o.start]
        if o.source.n == c.source.n and o.start > c.end and len(gap.strip()) == 0:
            return other if other[0] >= score * SECOND_RATIO else None
    return None


def _complement(
    question: str, best: tuple[float, Candidate, str], ranked: list[tuple[float, Candidate, str]]
) -> tuple[float, Candidate, str] | None:
    """A near-best sentence that holds a word of the question the best one lacks: a question
    about two facts ("...and if not, when are they created?") is answered by two sentences."""
    missing = set(content_terms(question)) - set(content_terms(best[2]))
    for other in ranked[1:COMPLEMENT_SEARCH] if missing else []:
        if other[0] < best[0] * COMPLEMENT_RATIO:
            break
        if other[2] != best[2] and missing & set(content_terms(other[2])):
            return other
    return None


def _previous(
    best: tuple[float, Candidate, str], ranked: list[tuple[float, Candidate, str]]
) -> tuple[float, Candidate, str] | None:
    """The quotable sentence right before the best one in its passage, if any."""
    c = best[1]
    for other in ranked[1:]:
        o = other[1]
        same = o.source.n == c.source.n and o.end <= c.start
        if same and not c.source.text[o.end : c.start].strip():
            return other
    return None


def compose(
    question: str,
    cands: Sequence[Candidate],
    sources: Sequence[Source],
    wh: str,
    type_match: TypeMatch,
    max_sentences: int = 2,
    follow: FollowFn | None = None,
) -> list[Piece]:
    """The answer's pieces, in reading order; empty when nothing is quotable."""
    qt = classify(question)
    ranked = rank(qt, question, quotable_texts(cands), wh, type_match)
    if not ranked:
        return []
    if qt.kind == "list":
        listed = list_answer(qt, ranked, sources, follow)
        if listed:
            return [listed]
        # No announced list: the sentence that enumerates the items, if one is near the top.
        ranked = (
            sorted(ranked[:6], key=lambda r: -_enumerates(r[2], qt.count, qt.noun)) + ranked[6:]
        )
    best = ranked[0]
    chosen = [best]
    # "This feature is known as X." / "It carries up to 600 kilograms.": the sentence before
    # says what "this" or "it" is; quoted alone the answer would not say.
    before = _previous(best, ranked) if ANAPHOR.match(best[2]) else None
    two = max_sentences > 1 and qt.kind != "yesno" and wh not in ONE_SENTENCE_WH
    second = _second(best, ranked) if two and not before else None
    if two and not before and not second:
        second = _complement(question, best, ranked)
    if before:
        chosen.insert(0, before)
    if second:
        chosen.append(second)
    pieces = [Piece(text, (c.source.n,)) for _, c, text in chosen]
    if qt.kind == "yesno":
        said = polarity(question, pieces[0].text)
        if said:
            pieces[0] = Piece(f"{said}. {pieces[0].text}", pieces[0].cites)
    return pieces


def render(pieces: Sequence[Piece]) -> str:
    return " ".join(f"{p.text} {''.join(f'[{n}]' for n in p.cites)}" for p in pieces)

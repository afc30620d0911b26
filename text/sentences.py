"""The one sentence splitter. It returns character spans, so offsets into the text stay exact.

Chunking packs whole sentences, the extractive answerer quotes them, grounding checks them
and the UI highlights them: all four must agree on where a sentence ends, or an answer
quotes half a sentence ("U.S. DEPARTMENT OF COMMERCE Donald L. [1]") and the UI cannot
find it in the passage.

A sentence ends at ``. ! ? …`` (plus closing quotes/brackets, plus bracketed citations that
follow the full stop, "[1]" or "[44 U.S.C., Sec. 3542]") before whitespace and something
that can start a sentence (a capital, a digit, an opening quote or bracket, a bullet), unless
the word before the full stop is an abbreviation, an initial, or a list marker. Blank
lines, list items at the start of a line and heading lines (a short, title-cased line of its
own) are boundaries too. Everything here is pure string work: no model, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import pairwise

TERMINATORS = ".!?…"
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«([§"
BULLETS = "•▪◦●‣○■□➢✓-–—*·"


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Never the last word of a sentence: titles, Latin, and words that point at a number.
NEVER_FINAL = _set(
    """
    mr mrs ms dr prof rev hon gen col capt lt sgt gov sen rep st mt messrs e.g i.e cf viz vs
    v approx ca esp ibid fig figs sec secs art arts ch chap para paras pp vol vols eq eqs
    nos ex jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
# "No." ends "The answer is No." but reads "number" before a digit ("No. 152").
BEFORE_NUMBER = frozenset({"no", "p", "tab", "tbl", "approx", "para"})
# May end a sentence ("... of Acme Inc. The board ..."): a cut only before a word that
# usually starts one, so "U.S. DEPARTMENT OF COMMERCE" and "Acme Inc. Board" stay whole.
MAY_END = frozenset(
    ["etc", "inc", "corp", "ltd", "co", "llc", "plc", "jr", "sr", "al", "bros", "dept", "govt"]
)
_STARTERS = _set(
    """
    the this that these those it its in on at a an as we they he she there if for our such
    each all however but and to any no some when what who under since after before also both
    many most one you i by with from thus therefore then see
    """
)

_LETTER_DOTS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # "U.S", "U.S.C", "e.g", "a.m"
_MARKER = re.compile(r"\(?(?:\d{1,3}(?:\.\d{1,3})*|[A-Za-z]|[ivx]{1,4}|[IVX]{1,4})")
_BRACKET = re.compile(r"[ \t]*\[[^\[\]\n]{1,80}\]")
_LOOK_BACK = 200
_TERMINATOR_RUN = re.compile(f"[{re.escape(TERMINATORS)}]+")
_CLOSER_RUN = re.compile(f"[{re.escape(_CLOSERS)}]*")
_SPACE_RUN = re.compile(r"\s*")
_AFTER_MARK = frozenset(_CLOSERS + "[0123456789")
_FOOTNOTE = re.compile(r"\d{1,2}(?=\s)")
_BLANK = re.compile(r"\n[ \t\f\v]*\n")
# A list item opening a line: a bullet, "1.", "1)", "(a)", "a)" followed by a space.
# Dashes and asterisks are bullets only with the item on their line: alone on a line they are
# markup spread over lines ("a\n*\n.dist-info" is "a *.dist-info").
_SOFT_BULLETS = "-–—*"
_HARD_BULLETS = "".join(b for b in BULLETS if b not in _SOFT_BULLETS)
_ITEM_START = (
    r"(?:[" + re.escape(_HARD_BULLETS) + r"]\s|[" + re.escape(_SOFT_BULLETS) + r"][ \t]"
    r"|(?:\(?\d{1,3}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\))\s"
    # "o" is the bullet of formatted man pages and plain-text manuals ("o man - an interface")
    r"|o[ \t]+(?=\S))"
)
_TABLE_LINE = re.compile(r"^[ \t]*(?:\|.*\||\+[-=+]{3,})[ \t]*$", re.M)
_ITEM = re.compile(r"\n[ \t]*(?=" + _ITEM_START + ")")
_ITEM_LINE = re.compile(r"[ \t]*" + _ITEM_START)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+)?"
# A line that is only a date, as a cover or a title page prints it: "March 2006", "April 16,
# 2018", "Thursday, August 6, 2020", "6 August 2020", "2020-08-06".
DATE_LINE = re.compile(
    rf"^[ \t]*(?P<date>{_WEEKDAY}{_MONTH}[ \t]+(?:\d{{1,2}},?[ \t]+)?\d{{4}}"
    rf"|{_WEEKDAY}\d{{1,2}}[ \t]+{_MONTH}[ \t]+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})[ \t]*$",
    re.M,
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, trimmed of surrounding whitespace.

    Spans are in order and never overlap, and together they cover every non-space
    character of ``text``: ``text[start:end]`` is the sentence, exactly as written.
    """
    cuts = sorted({0, len(text), *_hard_breaks(text), *_sentence_ends(text)})
    spans: list[tuple[int, int]] = []
    for s, e in pairwise(cuts):
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead:
            spans.append((s + lead, e - trail))
    return spans


def sentences(text: str, flatten: bool = True) -> list[str]:
    """The sentences themselves; ``flatten`` turns line breaks and runs of spaces into one
    space (what people read), without it they are the exact slices."""
    out = [text[s:e] for s, e in sentence_spans(text)]
    return [" ".join(s.split()) for s in out] if flatten else out


def line_breaks(text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[bool]:
    """For each sentence (of :func:`sentence_spans`), does a reader see it start a new line?

    Yes after a blank line, before a bullet, and around a line that stands alone without end
    punctuation (a heading, a list item, a label: "Working hours", "CONFIDENTIALITY"). No
    where the text merely wrapped: a PDF's physical line ends fall anywhere in a paragraph."""
    spans = sentence_spans(text) if spans is None else spans
    out = []
    for i, (start, end) in enumerate(spans):
        if i == 0:
            out.append(False)
            continue
        gap = text[spans[i - 1][1] : start]
        prev, cur = text[spans[i - 1][0] : spans[i - 1][1]], text[start:end]
        out.append(
            "\n" in gap
            and (
                _BLANK_LINE.search(gap) is not None
                or cur[0] in BULLETS
                or _ITEM_LINE.match(cur) is not None  # "2. Reports load ..." under "1. ..."
                or not _ends_sentence(prev)
                or not _ends_sentence(cur)
            )
        )
    return out


def reflow(text: str) -> str:
    """The text as a reader sees it: sentences flattened, one ``\n`` where a line starts."""
    spans = sentence_spans(text)
    parts: list[str] = []
    for (start, end), new_line in zip(spans, line_breaks(text, spans), strict=True):
        if parts:
            parts.append("\n" if new_line else " ")
        parts.append(" ".join(text[start:end].split()))
    return "".join(parts)


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def _ends_sentence(sentence: str) -> bool:
    return sentence.rstrip(_CLOSERS)[-1:] in tuple(TERMINATORS) or sentence[-1:] in _CLOSERS


def _hard_breaks(text: str) -> Iterator[int]:
    """Blank lines, list items and heading lines: boundaries whatever the punctuation."""
    for m in _BLANK.finditer(text):
        yield m.start()
    for m in _ITEM.finditer(text):
        before = _last_char(text, m.start())
        prev_line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        # A wrapped line can start with "2)" mid-sentence; a numbered item follows a full
        # stop, a colon, another item, a heading ("Fixes\n1. The login page ...") or
        # nothing; a bullet starts an item anywhere.
        if (
            text[m.end()] in BULLETS
            or not before
            or before in ".!?:;" + _CLOSERS
            or _ITEM_LINE.match(prev_line)
            or (is_heading_line(prev_line) and not _TAKES_NUMBER.search(prev_line))
        ):
            yield m.start()
    # Each row and rule of a plain-text table ("|  2  | system calls |", "+----+") is a unit.
    for m in _TABLE_LINE.finditer(text):
        yield m.start()
        yield m.end()
    yield from _heading_breaks(text)


# "... the Head Office in Building\n3. It is ...": a line ending in a word that a number
# follows is a sentence wrapped before its number, not a heading over a numbered list.
_TAKES_NUMBER = re.compile(
    r"\b(?:section|building|room|floor|chapter|page|figure|table|step|version|level|no|"
    r"number|grade|phase|article|part|line|appendix|item|rule|paragraph|clause|gate|"
    r"terminal|platform|route|unit|suite|box|area|zone|release|year|week|day)\s*$",
    re.I,
)


def _last_char(text: str, end: int) -> str:
    """The last non-space character before ``end`` ("" if none), without copying the text
    (a prefix copy per list item would make a long list quadratic)."""
    i = end - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return text[i] if i >= 0 else ""


def _heading_breaks(text: str) -> Iterator[int]:
    """Both ends of each line that is a heading of its own ("Security Objectives").

    A heading follows a finished line (or a blank, or another heading) and comes before a
    line that starts a sentence; the start matters after a colon ("... this AD:\nESTIMATED
    COSTS"), which is not a sentence end.
    """
    lines = text.split("\n")
    pos = 0
    prev_open = True  # the previous line ended a sentence (or there was none / it was blank)
    for i, line in enumerate(lines):
        end = pos + len(line)
        stripped = line.strip()
        nxt = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
        heading = prev_open and bool(nxt) and is_heading_line(stripped, nxt)
        # a transcript's "APPEARANCES:" on a line of its own is not part of the sentences
        # around it; a dateline ("Washington, D.C.\nTuesday, January 13, 2009\nThe matter
        # came on ...") starts the sentence it dates
        label = prev_open and bool(nxt) and bool(_LABEL_LINE.fullmatch(stripped))
        if heading or label or DATE_LINE.fullmatch(stripped):
            yield pos
        if heading or label:
            yield end
        prev_open = not stripped or stripped[-1] in TERMINATORS + ":" + _CLOSERS or heading
        pos = end + 1


_WORDY_BRACKET = re.compile(r"\([^()]*\w\w[^()]*\)$")  # "(September 2026)", not "($)"
_LABEL_LINE = re.compile(r"[A-Z][A-Z '’&/-]{2,40}:")  # "APPEARANCES:", "PRESENT:"


_NUMBERED_HEADING = re.compile(r"\d{1,2}\.?\s+[A-Z]")
_CLAUSE = re.compile(r"\d{1,2}\.\d{1,2}\.?\s+[A-Z]")


def is_heading_line(line: str, next_line: str = "") -> bool:
    """A short title-cased line without end punctuation: "Security Objectives", "1 PURPOSE".

    ``next_line`` (when known) must start like a sentence; a digit counts only after an
    all-caps heading, since "On October 29, 2018, a Boeing Model\n737-8 airplane" is prose.
    """
    line = line.strip()
    # "Version 4.2 (September 2026)", "Appendix A (informative)": a bracket closing the line
    # ends no sentence; a quote or a bracket after a full stop does ("... (see above).)")
    # (a table's "AMOUNT ($)" is a column name: its bracket holds no word)
    bracketed = bool(_WORDY_BRACKET.search(line)) and line.rstrip(")")[-1:] not in TERMINATORS
    if (
        not line
        or len(line) > 80
        or (line[-1] in TERMINATORS + ",;:-–" + _CLOSERS and not bracketed)
    ):
        return False
    if _tabular(line):
        return False
    words = _WORD.findall(line)
    if not 1 <= len(words) <= 12 or (not words[0][0].isupper() and not line[0].isdigit()):
        return False
    shouting = line.upper() == line
    if "," in line and not shouting:
        return False  # "On October 29, 2018, a Boeing Model" is a wrapped sentence
    # "-dev" or "-k" on the next line continues a name ("python X.Y -dev"); "- item" is a bullet
    dash_word = next_line[:1] in "-–" and not next_line[1:2].isspace()
    # "3. Deposit" over "3.1 The Tenant pays ...": a numbered heading over its first clause
    clause = bool(_NUMBERED_HEADING.match(line) and _CLAUSE.match(next_line))
    if next_line and not (
        _starts_sentence(next_line[0])
        and (shouting or clause or not next_line[0].isdigit())
        and not dash_word
    ):
        return False
    long = [w for w in words if len(w) >= 4]
    return not long or sum(w[0].isupper() for w in long) >= 0.6 * len(long)


def is_title(sentence: str) -> bool:
    """A title set as a sentence: "FIPS Publication 200, Minimum Security Requirements for
    Federal Information and Information Systems." Nearly every long word is capitalised and
    commas are few ("Identify, Protect, Detect, Respond, Recover." is a list, not a title)."""
    words = _WORD.findall(sentence)
    long = [w for w in words if len(w) >= 4]
    if len(long) < 4 or len(words) > 16 or sentence.count(",") > 1 or _tabular(sentence):
        return False
    return sum(w[0].isupper() for w in long) >= 0.9 * len(long)


def _tabular(line: str) -> bool:
    """A table row ("Guam | Permit: 0 | Handgun: 12"), not a heading: cells or many numbers."""
    return "|" in line or "\t" in line or len(_NUMBER.findall(line)) > 2


def _starts_sentence(ch: str) -> bool:
    return ch.isupper() or ch.isdigit() or ch in _OPENERS or ch in BULLETS


def _sentence_ends(text: str) -> Iterator[int]:
    """Cut positions after terminators that end a sentence."""
    n = len(text)
    done = 0  # end of what the previous terminator took (closers, citations)
    for mark in _TERMINATOR_RUN.finditer(text):
        start, i = mark.start(), mark.end()
        if start < done:
            continue  # inside a citation taken by the previous full stop
        if i < n and not text[i].isspace() and text[i] not in _AFTER_MARK:
            continue  # "U.S", "3.5", "e.g": most full stops inside a sentence
        i = _CLOSER_RUN.match(text, i).end()  # type: ignore[union-attr]
        # A footnote mark after the full stop ("... the FISMA legislation.2 FIPS 200 ...",
        # "... or NOT APPLICABLE.4 EXAMPLE 1: ..."); never after one letter ("Table A.1").
        if (m := _FOOTNOTE.match(text, i)) and text[start - 2 : start].isalpha():
            i = m.end()
        # Citations after the full stop belong to the sentence they close.
        while m := _BRACKET.match(text, i):
            i = m.end()
        done = i
        if i >= n or not text[i].isspace():
            continue
        k = _SPACE_RUN.match(text, i).end()  # type: ignore[union-attr]
        if k >= n or not _ends_here(text, start, mark.end(), k):
            continue
        if _starts_sentence(text[k]) or _lower_start(text, start, mark.end(), k):
            yield i


# Words that end in a full stop inside a sentence before a lower-case word ("etc. and").
_LOWER_ABBREV = _set(
    """
    etc approx incl resp esp misc cont min max avg est ver rev ref refs abbr aka ibid sq ft
    lb lbs oz pt pts al cf vs ca fn
    """
)
# A lower-case word after a full stop that continues the sentence rather than starting one.
_CONTINUES = _set("and or but nor which that who whose where with to of in for than as")
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")


def _lower_start(text: str, mark_start: int, mark_end: int, next_start: int) -> bool:
    """A sentence that starts with a lower-case name ("... undamaged ones. bzip2recover is a
    simple program"): after a full stop that closes a plain word of three letters or more,
    not an abbreviation, and before a word that does not continue a sentence."""
    if not text[next_start].islower() or text[mark_start:mark_end] != ".":
        return False
    lo = max(0, mark_start - _LOOK_BACK)
    start = max(text.rfind(c, lo, mark_start) for c in " \t\n") + 1
    word = text[max(start, lo) : mark_start].lstrip(_OPENERS).rstrip(_CLOSERS)
    nxt = text[next_start : next_start + 40].split(maxsplit=1)
    next_word = nxt[0].strip(_CLOSERS + ",;:").lower() if nxt else ""
    if not _PLAIN_WORD.fullmatch(word) or next_word in _CONTINUES:
        return False
    return word.lower() not in _LOWER_ABBREV | NEVER_FINAL | MAY_END


def _ends_here(text: str, mark_start: int, mark_end: int, next_start: int) -> bool:
    """Is the terminator at ``mark_start`` a sentence end, judged by the word before it?"""
    if text[mark_start:mark_end] != ".":
        return True  # "!", "?", "..." and "?!" are never abbreviations
    # Look back a bounded distance: an unbounded rfind per full stop is quadratic on a long
    # line. A word or line start further back than that is "not at the start of a line".
    lo = max(0, mark_start - _LOOK_BACK)
    # Markup text puts each inline element on a line of its own ("python\nX\n.\nY"): the
    # word before a spaced full stop is the last one before the space.
    stop = mark_start
    while stop > lo and text[stop - 1].isspace():
        stop -= 1
    spaced = stop < mark_start
    newline = text.rfind("\n", lo, stop)
    line_start = newline + 1 if newline >= 0 or lo == 0 else lo - 1
    word_start = max(text.rfind(" ", lo, stop), text.rfind("\t", lo, stop)) + 1
    word_start = max(word_start, line_start, lo)
    word = text[word_start:stop].lstrip(_OPENERS)
    low = word.lower()
    nxt = text[next_start : next_start + 40].split(maxsplit=1)
    next_word = nxt[0].strip(_OPENERS + _CLOSERS + ",;:") if nxt else ""
    if spaced and len(word) == 1 and len(next_word) == 1:
        return False  # "X . Y": a dotted name ("pythonX.Y") spread over lines by markup
    if len(nxt) > 1 and len(nxt[0]) == 1 and nxt[1][:1] in "/._-":
        return False  # "/usr/lib/python2.\nY\n/dist-packages": a path with a placeholder
    if low in NEVER_FINAL or (len(word) == 1 and word.isupper() and not spaced):
        return False  # "Dr. Smith", "e.g. Foo", "Donald L. Evans"
    if low in BEFORE_NUMBER and next_word[:1].isdigit():
        return False  # "No. 152"
    if low in MAY_END or _LETTER_DOTS.fullmatch(word):
        return next_word.lower() in _STARTERS  # "U.S. DEPARTMENT" vs "the U.S. The"
    # "1. Purpose", "a. Scope", "3.2. Terms" open a line: list markers, not sentence ends.
    marker = _MARKER.fullmatch(word) and not spaced
    return not (marker and not text[line_start:word_start].strip())

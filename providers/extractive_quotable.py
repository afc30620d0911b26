"""What an extractive answer may quote: whole sentences, tidied of the furniture around
them (rules, running headers, headings), completed where a chunk's edge or an abbreviation
cut them, never a heading or a caption."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from providers.extractive_cuts import CONTINUATION as _CONTINUATION
from providers.extractive_cuts import END as _END
from providers.extractive_cuts import ITEM as _ITEM
from providers.extractive_cuts import opens_document, run_back, run_on
from providers.extractive_layout import CAPTION
from providers.extractive_lists import FollowFn
from providers.extractive_signature import signature
from providers.extractive_tables import is_record, render_row
from providers.extractive_terms import WORD, split_sentences
from text.sentences import DATE_LINE

if TYPE_CHECKING:
    from providers.extractive_provider import Candidate

_ABBREV_END = re.compile(r"\b(Sec|Secs|No|Nos|Vol|Fig|pp|p|Art|Para|Ch|Jr|Sr|Inc|Ltd|[A-Z])\.$")
# A rule ("_____", "-----", "· · ·"), not a lone "." or "*" of markup spread over lines.
_FURNITURE = re.compile(r"^\s*(?:[_\-=.·•*~]\s*){3,}$|_{4,}|\.{5,}")
# A defined term on a line of its own: an option ("-k --keep") or an identifier with a
# hyphen, underscore, dot or digit ("old-versions", "bzip2recover"), not a title-cased heading.
TERM_LINE = re.compile(r"-{1,2}\w[\w-]*(?:[ ,]+-{1,2}\w[\w-]*){0,3}|[a-z][\w.+]*[-_.\d][\w.+-]*")
_INNER_BULLET = re.compile(r"^\s*[•◦▪●■‣−]\s+")
_FOOTNOTE_MARK = re.compile(r"([A-Za-z]{2}[.!?][\"”’)]?)\d{1,2}$")


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
    # A dateline ("Tuesday, January 13, 2009" over "The matter came on ...") dates the
    # sentence: it says when, it is no heading.
    while len(lines) > 1 and (
        _FURNITURE.search(lines[0])
        or (
            _is_heading_line(lines[0])
            and _starts_sentence(lines[1])
            and not DATE_LINE.fullmatch(lines[0].strip())
        )
    ):
        # A term over its description (an HTML <dl>, an option list: "old-versions\nThe set
        # of ...", "-k --keep\nKeep input files"): without the term the answer says nothing.
        if TERM_LINE.fullmatch(lines[0].strip()) and lines[1].lstrip()[:1].isupper():
            lines[:2] = [f"{lines[0].strip()}: {lines[1].strip()}"]
            break
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
    # A bullet that opens a wrapped line inside the sentence ("... is LOW if—\n− The loss of
    # ...") is layout: the quote reads "if— The loss of ...", not "if— − The loss".
    lines = [lines[0], *(_INNER_BULLET.sub("", ln, count=1) for ln in lines[1:])] if lines else []
    text = re.sub(r"\s+", " ", " ".join(lines)).strip()
    # A footnote mark after the full stop ("... or individuals.2") is the page's, not the
    # sentence's: without it the sentence ends as a sentence (and is not taken for cut).
    return _FOOTNOTE_MARK.sub(r"\1", text)


def _starts_sentence(line: str) -> bool:
    """The line begins a new unit (a capital or a bullet), not the rest of a wrapped one."""
    first = line.lstrip()[:1]
    return first.isupper() or first in "•*-–"


def _is_heading_line(line: str) -> bool:
    s = line.strip()
    words = WORD.findall(s)
    # "As noted in" (+ a link on the next line) runs on; a heading never ends in such a word
    runs_on = bool(words) and bool(_CONTINUATION.fullmatch(words[-1]))
    return len(words) < 8 and not _END.search(s) and not runs_on


def _shouting(text: str) -> bool:
    """Two words or more, all in capitals: a heading ("WHAT IS NOT COVERED")."""
    return len(WORD.findall(text)) >= 2 and text.upper() == text and text.lower() != text


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
    # lower case at a chunk's start, or a lower-case function word anywhere ("and
    # /usr/bin/pydoc ...", "in the case of a stray cat." after a display line): a sentence
    # that starts in lower case starts with a name ("zpipe -d is used ..."), not with these
    lower_start = (at_start and t[:1].islower()) or bool(_CONTINUATION.match(t))
    # "/usr/bin/python3 (or /usr/bin/python3.": the splitter cut inside a bracket
    unclosed = t.rfind("(") > t.rfind(")")
    return not t or lower_start or unclosed or not _END.search(t) or bool(_ABBREV_END.search(t))


def quotable_texts(
    cands: Sequence[Candidate],
    follow: FollowFn | None = None,
    precede: FollowFn | None = None,
) -> list[tuple[Candidate, str]]:
    """(candidate, tidy text) of every sentence an answer may quote, in score order; a
    sentence the chunk's end (start) cut is completed from the next (previous) chunk."""
    out = []
    seen: dict[int, str] = {}
    before: dict[int, str] = {}
    for c in cands:
        c = run_back(run_on(c, follow, seen), precede, before)
        src = c.source.text
        record = is_record(c.text) or render_row(src, c.start, c.end) is not None
        # A list item ("o apropos - search the manual page names and descriptions") is whole
        # without a full stop, unless the chunk ends in it (it may run on in the next one).
        one_line = "\n" not in c.text.strip()  # an item line, not a bullet run into more
        item = _ITEM.match(c.text) if one_line and c.end < len(src.rstrip()) else None
        # "4. HOW TO MAKE A CLAIM" is a numbered section's heading, no item: it was quoted
        item = None if item and _shouting(item.group("body")) else item
        if c.heading and not (record or item):
            continue
        c = _complete(c)
        # a signer's line ("-- CITA M. FURLANI, ACTING DIRECTOR") is whole without one too
        signed = signature(c.text) is not None
        if item:
            text = tidy(item.group("body"))
        elif signed:
            text = tidy(c.text).lstrip("-—– ")
        else:
            text = re.sub(r"\s+", " ", c.text).strip() if record else tidy(c.text)
        words = [w for w in WORD.findall(text) if sum(ch.isalpha() for ch in w) >= 2]
        at_start = not src[: c.start].strip() and not opens_document(c.source)
        if CAPTION.match(text):
            continue
        # not "106(g), 40113. § 39.13 [Amended]"; a table row is whole without a full stop
        if len(words) >= 4 and (record or item or signed or not is_cut(text, at_start)):
            out.append((c, text))
    return out

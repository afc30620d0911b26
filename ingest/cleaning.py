"""Page furniture out of the text, before chunking: one document's pages in, cleaned pages out.

pypdf returns a page's running header, its rule of underscores and its page number as the
first and last lines of the page's text, so without this step every chunk of a FIPS
standard starts with "FIPS Publication 199 Standards for Security Categorization of
Federal Information and Information Systems ____" and extractive answers quote it.

What goes, per document:

* running headers and footers: lines among the first or last :data:`ZONE` non-blank lines
  of at least half the pages (at least :data:`MIN_PAGES` of them, or both of two), compared with digits
  and roman numerals masked so "47699 Federal Register / Vol. 85" matches on every page;
* page numbers ("12", "iv", "- 3 -", "Page 1 of 205") at the top or bottom of a page;
* a transcript's line-number column (a block of lines "2", "3", ... "25"), or, read by OCR,
  each line's leading number ("18 CHARLES M. SEVILLA, ESQ., San Diego, Cal.; on behalf");
* rules (``_____``, ``-----``, ``=====``) and table-of-contents dot leaders;
* hyphenation across line breaks ("catego-\\nrization" -> "categorization"; "104-\\n106" keeps
  its hyphen), ligatures and odd whitespace (NFKC, soft hyphens, zero-width spaces).

Paragraph breaks (blank lines) are kept. Page count and page numbers never change: a page
that was all furniture becomes an empty page. The cleaned text is *the* page text from here
on: chunk offsets (``start``/``end``) index into it, and :func:`ingest.pipeline.load_pages`
returns it, so ``page.text[start:end] == chunk.text`` holds for highlighting.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from ingest.loaders import Page

ZONE = 4  # lines at the top and at the bottom of a page where furniture lives
MIN_PAGES = 3  # a line on fewer pages than this (and not on all of them) is no furniture
MIN_SHARE = 0.5  # a running line is on at least this share of the pages

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\f\v]+")
# A rule, maybe with a transcript caption box's corner: "- - - - - - x".
_RULE = re.compile(r"^\s*x?\s*(?:[_\-=~*·•.─━—–]\s*){5,}x?\s*$")
_UNDERSCORES = re.compile(r"_{5,}")
_LEADER = re.compile(r"[ \t]*(?:\.[ \t]?){4,}[ \t]*")
_HYPHEN_SOFT = re.compile(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])")
_HYPHEN_KEEP = re.compile(r"(?<=\w)-[ \t]*\n[ \t]*(?=\w)")
_ROMAN = re.compile(r"(?=[mdclxvi])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_PAGE_NUMBER = re.compile(r"(?:page\s*)?#(?:\s*(?:of|/)\s*#)?|[-–—\s]*#[-–—\s]*")


def clean_pages(pages: Sequence[Page]) -> list[Page]:
    """The document's pages without furniture, normalised; same numbers, same count."""
    lines = [_normalise(p.text).split("\n") for p in pages]
    # Two pages show it too when the line is on both ("Northwind Robotics - Fire Safety
    # Procedure - CONFIDENTIAL" over both pages of a two-page procedure).
    running = _running_lines(lines) if len(pages) >= 2 else set()
    cleaned = [_finish("\n".join(_peel(ls, running))) for ls in lines]
    if running and not any(cleaned) and any(any(ls) for ls in lines):
        # Every line was "running": short pages that repeat a template with numbers changed
        # (a deck's "Quarterly review slide 3" / "Revenue in Q3 grew 7 percent") are all zone
        # and all alike once digits are masked, so the whole deck was peeled away and the
        # upload failed with "no text to index". Furniture is never all there is.
        cleaned = [_finish("\n".join(_peel(ls, set()))) for ls in lines]
    return [Page(p.number, text, p.label) for p, text in zip(pages, cleaned, strict=True)]


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def _key(line: str) -> str:
    """A line as compared across pages: lower case, numbers and roman numerals masked."""
    words = re.sub(r"\d+", "#", line.lower()).split()
    return " ".join("#" if _ROMAN.fullmatch(w) else w for w in words)


def _zone(lines: list[str]) -> list[str]:
    body = [line for line in lines if line]
    return body[:ZONE] + body[-ZONE:]


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines found near the top or bottom of at least half the pages."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(line) for line in _zone(lines)})
    need = max(min(MIN_PAGES, len(pages)), MIN_SHARE * len(pages))
    running = {k for k, n in counts.items() if n >= need and re.search(r"[a-z]", k)}
    return running | _chapter_lines(pages)


def _chapter_lines(pages: list[list[str]]) -> set[str]:
    """Keys of a page's first (or last) line that the same edge of at least :data:`MIN_PAGES`
    pages in a row repeats: a chapter's running header ("How to use bzip2" over chapter 2
    only) is on far fewer than half the pages, and pypdf runs it into the sentence that
    crosses the page ("How to use bzip2 worst-case and average-case compression time ...")."""
    out: set[str] = set()
    for edge in (0, -1):
        prev, run = "", 0
        for lines in pages:
            body = [line for line in lines if line]
            key = _key(body[edge]) if body else ""
            run = run + 1 if key and key == prev else 1
            prev = key
            if run >= MIN_PAGES and re.search(r"[a-z]", key):
                out.add(key)
    return out


def _is_running(key: str, running: set[str]) -> bool:
    """The line is running furniture, alone or run together with another running line (the
    Federal Register's "VerDate ..." footer sometimes shares a line with its side note)."""
    if key in running:
        return True
    rest = key
    for k in sorted(running, key=len, reverse=True):
        rest = rest.replace(k, " ")
    return rest != key and not re.search(r"[a-z]", rest)


def _peel(lines: list[str], running: set[str]) -> list[str]:
    """Drop running lines near the top and bottom, one page number per edge, rules anywhere.

    Running lines go wherever they sit in the zone (a figure label may follow the footer);
    a page number only at the very edge, once: a transcript's line numbers are text.
    """
    body = [i for i, line in enumerate(lines) if line]
    zone = set(body[:ZONE] + body[-ZONE:])
    out = [
        "" if _RULE.match(line) or (i in zone and _is_running(_key(line), running)) else line
        for i, line in enumerate(lines)
    ]
    for n in _line_number_column(out):
        out[n] = ""
    out = _without_line_number_prefixes(out)
    for from_top in (True, False):
        i = _edge(out, from_top)
        if i is not None and _PAGE_NUMBER.fullmatch(_key(out[i])):
            out[i] = ""
    return out


MIN_LINE_NUMBERS = 10  # a transcript numbers 25 lines a page, pleading paper 28


def _line_number_column(lines: list[str]) -> list[int]:
    """Indexes of a transcript's line-number column: pypdf gives it as a block of lines that
    are each only the next integer ("2", "3", ... "25"), which no prose or table writes. Left
    in, the block opened the page's first chunk and its sentences."""
    out: list[int] = []
    run: list[int] = []
    for i, line in enumerate(lines):
        if not line:
            continue
        n = int(line) if line.isdigit() and len(line) <= 3 else None
        if n is not None and run and n == int(lines[run[-1]]) + 1:
            run.append(i)
            continue
        if len(run) >= MIN_LINE_NUMBERS:
            out += run
        run = [i] if n is not None else []
    return out + (run if len(run) >= MIN_LINE_NUMBERS else [])


_NUMBERED = re.compile(r"^(\d{1,2})(?:\s+|$)")
MISREAD_NUMBERS = 2  # OCR reads a number as letters now and then ("1" as "aL", "11" as "it:")


def _without_line_number_prefixes(lines: list[str]) -> list[str]:
    """The lines without a transcript's line numbers where OCR put them in front of each line
    ("17 Angeles, Cal.; on behalf of the Petitioner."): a run of at least
    :data:`MIN_LINE_NUMBERS` lines numbered one more each time, allowing a few misread."""
    run: list[int] = []
    last, gap, runs = 0, 0, []
    for i, line in enumerate(lines):
        if not line:
            continue
        m = _NUMBERED.match(line)
        if m and run and int(m.group(1)) == last + 1 + gap:
            run.append(i)
            last, gap = int(m.group(1)), 0
        elif not m and run and gap < MISREAD_NUMBERS:
            gap += 1
        else:
            runs.append(run)
            run, gap = ([i], 0) if m else ([], 0)
            last = int(m.group(1)) if m else 0
    runs.append(run)
    out = list(lines)
    for r in runs:
        if len(r) >= MIN_LINE_NUMBERS:
            for i in r:
                out[i] = _NUMBERED.sub("", out[i], count=1)
    return out


def _edge(lines: list[str], from_top: bool) -> int | None:
    order = range(len(lines)) if from_top else range(len(lines) - 1, -1, -1)
    return next((i for i in order if lines[i]), None)


def _finish(text: str) -> str:
    text = _UNDERSCORES.sub(" ", text)
    text = _LEADER.sub(" ", text)
    text = _HYPHEN_SOFT.sub("", text)
    text = _HYPHEN_KEEP.sub("-", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()

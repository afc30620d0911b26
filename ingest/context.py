"""Contextual chunks: the document title and nearest section heading of each chunk.

A chunk cut from the middle of a document ("Up to 5 unused days can be carried over") often
does not name what it is about; the heading above it ("Paid time off") and the document's
title do. The *indexed* text (what is embedded and what BM25 sees) is ``context + text``;
the stored text shown to users stays the chunk alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from ingest.chunking import Chunk
from ingest.loaders import Page

MAX_HEADING_WORDS = 12
MAX_TITLE_WORDS = 25
_LETTER = re.compile(r"[A-Za-z]")


_TRAILING_FUNCTION_WORD = re.compile(
    r"\b(a|an|the|of|to|in|on|for|by|and|or|with|from|as|at|that|is|are)$", re.I
)


def is_heading_line(line: str) -> bool:
    """A short line that names a section: "Paid time off", "2. Scope", "How long does the
    battery last?" - not a sentence (no closing full stop or comma), not a table-of-contents
    row (leader dots), not a wrapped line cut after "of" or "the"."""
    s = line.strip().lstrip("#").strip()
    words = s.split()
    if not words or len(words) > MAX_HEADING_WORDS or not _LETTER.search(s):
        return False
    if s.endswith((".", ",", ";", ":")) or "..." in s or _TRAILING_FUNCTION_WORD.search(s):
        return False
    if re.search(r"[.!?]\s+\S", s):  # two sentences on one line: text, not a heading
        return False
    return s[0].isupper() or s[0].isdigit()


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """(offset, lines) of each run of non-blank lines (whitespace-only lines are blank)."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    pos = start = 0
    for line in text.split("\n"):
        if line.strip():
            if not current:
                start = pos
            current.append(line)
        elif current:
            out.append((start, current))
            current = []
        pos += len(line) + 1
    if current:
        out.append((start, current))
    return out


def document_title(name: str, pages: Sequence[Page]) -> str:
    """The document's first block of lines when it reads as a title (short, one phrase),
    else its name without extension or passage suffix ("Super_Bowl_50#3" -> "Super Bowl 50")."""
    first = next((b for p in pages for b in _blocks(p.text)), None)
    if first:
        line = " ".join(x.strip().lstrip("#").strip() for x in first[1])
        line = re.sub(r"\s+", " ", line)
        if (
            _LETTER.search(line)
            and len(line.split()) <= MAX_TITLE_WORDS
            and not re.search(r"[.!?:;,]\s", line)
        ):
            return line.rstrip(".")
        if is_heading_line(first[1][0]):
            return first[1][0].strip().lstrip("#").strip()
    base = name.split("#", 1)[0]
    stem = PurePath(base).stem if "." in base else base
    return re.sub(r"[_\s]+", " ", stem).strip()


def _headings(text: str) -> list[tuple[int, str]]:
    """Heading lines: Markdown "#" lines, and short lines that stand alone - after a blank
    line or a finished sentence, and before a blank line."""
    out = []
    lines = text.split("\n")
    pos = 0
    for i, line in enumerate(lines):
        prev = lines[i - 1].strip() if i else ""
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        alone = (not prev or prev.endswith((".", "!", "?", ":"))) and not nxt
        if (line.lstrip().startswith("#") or alone) and is_heading_line(line):
            out.append((pos, line.strip().lstrip("#").strip()))
        pos += len(line) + 1
    return out


def chunk_contexts(name: str, pages: Sequence[Page], chunks: Sequence[Chunk]) -> list[str]:
    """One context line per chunk: "Title - nearest heading above the chunk's start"
    (the heading may be on an earlier page; none repeats the title or the chunk's opening)."""
    title = document_title(name, pages)
    by_page = {p.number: _headings(p.text) for p in pages}
    # A "heading" on several pages is a running header or footer ("April 16, 2018"): furniture.
    seen: dict[str, int] = {}
    for found in by_page.values():
        for h in {h for _, h in found}:
            seen[h] = seen.get(h, 0) + 1
    by_page = {n: [(pos, h) for pos, h in f if seen[h] < 3] for n, f in by_page.items()}
    order = [p.number for p in pages]
    out = []
    for c in chunks:
        heading = ""
        # This page or the one before: a heading pages back is rarely still the section's.
        here = order.index(c.page) if c.page in order else -1
        for number in reversed(order[max(0, here - 1) : here + 1]):
            before = [h for pos, h in by_page[number] if number != c.page or pos < c.start]
            if before:
                heading = before[-1]
                break
        parts = [title] if title and not c.text.lstrip().startswith(title) else []
        if heading and heading != title and not c.text.lstrip().startswith(heading):
            parts.append(heading)
        out.append(" - ".join(parts))
    return out


def indexed_text(context: str, text: str) -> str:
    """What the embedder and BM25 see for a chunk."""
    return f"{context}\n{text}" if context else text

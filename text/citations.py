"""The one citation grammar: ``[n]`` markers that point at numbered sources.

Models write ``[1]``, ``[1, 3]``, ``[1; 3]``, ``[1][3]`` and ``[1-3]``; every reader of an
answer (the cited list, grounding, the UI's marks and links, evaluation) must see the same
numbers in all of them, so they all parse with this module. A marker holds one to three
digit numbers separated by commas, semicolons or a range dash; anything else in brackets
("[44 U.S.C., Sec. 3542]", "[sic]") is text, not a citation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

_NUM = r"\d{1,3}"
_SEP = r"\s*(?:[,;]|[-–])\s*"
MARKER = re.compile(rf"\[({_NUM}(?:{_SEP}{_NUM})*)\]")
_LEADING = re.compile(rf"^(?:\s*{MARKER.pattern})+\s*")
_PART = re.compile(rf"({_NUM})(?:\s*[-–]\s*({_NUM}))?")
MAX_RANGE = 50  # "[1-3]" is three sources; "[1-999]" is a typo, read as its two ends


def numbers_of(inner: str) -> list[int]:
    """The numbers in a marker's inside, "1, 3" or "2-4", in order, ranges expanded."""
    out: list[int] = []
    for m in _PART.finditer(inner):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if a < b <= a + MAX_RANGE:
            out.extend(range(a, b + 1))
        else:
            out.extend([a] if a == b else [a, b])
    return out


def marker_numbers(marker: str) -> list[int] | None:
    """Numbers of ``marker`` if the whole string is one citation marker, else None."""
    m = MARKER.fullmatch(marker.strip())
    return numbers_of(m.group(1)) if m else None


def parse(text: str) -> list[int]:
    """Every cited number in ``text``, in order of first appearance, each once."""
    seen: dict[int, None] = {}
    for m in MARKER.finditer(text):
        seen.update(dict.fromkeys(numbers_of(m.group(1))))
    return list(seen)


def cited_in(text: str, valid: set[int] | frozenset[int] | None = None) -> list[int]:
    """Sorted cited numbers, restricted to ``valid`` when given."""
    return sorted(n for n in parse(text) if valid is None or n in valid)


def strip(text: str) -> str:
    """``text`` without its markers (and the space before each), e.g. "Tokyo [1]." -> "Tokyo."."""
    return re.sub(rf"\s*{MARKER.pattern}", "", text).strip()


def leading_length(text: str) -> int:
    """How many characters of ``text`` are markers (and spaces) before any words."""
    m = _LEADING.match(text)
    return m.end() if m else 0


def sub(text: str, render: Callable[[list[int]], str]) -> str:
    """Replace each marker with ``render(numbers)``."""
    return MARKER.sub(lambda m: render(numbers_of(m.group(1))), text)


def renumber(text: str, mapping: Mapping[int, int]) -> str:
    """Rewrite cited numbers through ``mapping``; numbers it lacks are dropped, and a marker
    left empty goes (with the space before it)."""

    def render(m: re.Match[str]) -> str:
        new = list(dict.fromkeys(mapping[n] for n in numbers_of(m.group(1)) if n in mapping))
        if not new:
            return ""
        lead = m.group(0)[: m.group(0).index("[")]
        return f"{lead}[{', '.join(map(str, new))}]"

    return re.sub(rf"\s*{MARKER.pattern}", render, text)

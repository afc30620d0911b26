"""Tables in the extractive answerer's sources: a row as ingest writes it ("Texas | Permit:
21,550 | ...") is a complete answer without a full stop, cut to the cells the question names;
the rows of a plain-text table ("|andoc | nroff -mandoc |") are the items of a list."""

from __future__ import annotations

import re

from providers.extractive_terms import content_terms

_TABLE_ROW = re.compile(r"^\s*\|\s*(?P<cell>[^|]*?\S)\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*[+|][-=+]{3,}")


def table_cell(lines: list[str], i: int, first: bool) -> str | None:
    """The first cell of ``lines[i]`` if it is a text-table row ("" for the header row: the
    table's first, with a rule under it), else None."""
    row = _TABLE_ROW.match(lines[i])
    if not row:
        return None
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return "" if first and _TABLE_RULE.match(nxt) else row.group("cell")


_FIGURE = re.compile(r"\d[\d,./:-]*\d")
_CELL = re.compile(r" \| [^|:]{1,60}: ")


def is_record(text: str) -> bool:
    """A table row as ingest writes it ("Texas | Permit: 21,550 | Handgun: 56,941 | ...") or
    an OCR'd ledger line (mostly capitals, several figures): complete without a full stop."""
    if len(_FIGURE.findall(text)) < 2:
        return False
    if len(_CELL.findall(text)) >= 2:
        return True
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)


def focus_record(text: str, question: str) -> str:
    """A table row cut to its key and the cells the question names ("Texas | Long Gun:
    51,670" for "How many long gun checks in Texas?"): a whole NICS row is 25 cells, and the
    reader should not have to hunt for the one asked about. Rows the question names no
    column of stay whole."""
    cells = text.split(" | ")
    if len(cells) < 3 or len(_CELL.findall(text)) < 2:
        return text
    asked = set(content_terms(question))
    named = []
    for cell in cells[1:]:
        header = set(content_terms(cell.split(":", 1)[0])) if ":" in cell else set()
        if header and header <= asked:
            named.append(cell)
    if not named or len(named) == len(cells) - 1:
        return text
    return " | ".join([cells[0], *named[:4]])

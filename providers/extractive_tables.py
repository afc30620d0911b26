"""Tables in the extractive answerer's sources: a row as ingest writes it ("Texas | Permit:
21,550 | ...") is a complete answer without a full stop, cut to the cells the question names;
the rows of a plain-text table ("|andoc | nroff -mandoc |") are the items of a list."""

from __future__ import annotations

import re
from itertools import pairwise

from providers.extractive_terms import content_terms
from text.terms import name_words

_TABLE_ROW = re.compile(r"^\s*\|\s*(?P<cell>[^|]*?\S)\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*[+|][-=+]{3,}")
_TABLE_LINE = re.compile(r"^\s*(?:\|.*\||\+[-=+]{3,}.*)\s*$")


def table_cell(lines: list[str], i: int, first: bool) -> str | None:
    """The first cell of ``lines[i]`` if it is a text-table row ("" for the header row: the
    table's first, with a rule under it), else None."""
    row = _TABLE_ROW.match(lines[i])
    if not row:
        return None
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    # a chunk may end right after the header row, before the rule under it
    ruled_above = i > 0 and bool(_TABLE_RULE.match(lines[i - 1])) and not nxt.strip()
    return "" if first and (_TABLE_RULE.match(nxt) or ruled_above) else row.group("cell")


def render_row(text: str, start: int, end: int) -> str | None:
    """A row of a plain-text table (``text[start:end]`` is the whole line) with its column
    names, as a reader needs it: "|  6  | games |" under "|Section | Section contents|" is
    "Section: 6 | Section contents: games". None for anything else, the header row included
    (a table without a header row: the cells alone)."""
    line = text[start:end]
    if "\n" in line.strip() or not _TABLE_ROW.match(line):
        return None
    above = text[:start].split("\n")[:-1]
    table: list[str] = []
    for prev in reversed(above):
        if not _TABLE_LINE.match(prev):
            break
        table.insert(0, prev)
    after = text[end:].lstrip("\n").split("\n", 1)[0]
    first = next((k for k, ln in enumerate(table) if _TABLE_ROW.match(ln)), None)
    if first is None:  # the first row: the header when ruled off (the chunk may end after it)
        header = _TABLE_RULE.match(after) or (table and not after.strip())
        return None if header else " | ".join(c for c in _cells(line) if c)
    ruled = first + 1 < len(table) and _TABLE_RULE.match(table[first + 1])
    header = _cells(table[first]) if ruled else []
    cells = _cells(line)
    if len(header) != len(cells):
        return " | ".join(c for c in cells if c)
    return " | ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=True) if c)


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


_FIGURE = re.compile(r"\d[\d,./:-]*\d")
_CELL = re.compile(r" \| [^|:]{1,60}: ")


def is_record(text: str) -> bool:
    """A table row as ingest writes it ("Texas | Permit: 21,550 | Handgun: 56,941 | ...") or
    an OCR'd ledger line (mostly capitals, several figures): complete without a full stop."""
    # labelled cells make a row whatever its values ("Draft the plan | Owner: Rachel Mendes |
    # Due date: 7 November 2024" was dropped as a sentence without its full stop)
    if len(_CELL.findall(text)) >= 2:
        return True
    if len(_FIGURE.findall(text)) < 2:
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)


# A ledger's entry key ("DHAW20190001"): capitals then a long run of digits, once per row.
_ENTRY_KEY = re.compile(r"\b[A-Z]{2,}\d{5,}\b")


def ledger_entry(text: str, question: str) -> str:
    """The one entry of an OCR'd ledger that the question names: OCR gives the rows as one
    run of text ("DHAW20190001 ... AIRFARE FOR E JOHNSON ... DHAW20190002 ... AIRFARE FOR S
    COWING ..."), and the answer to "the airfare for E Johnson" is its row, not four rows."""
    starts = [m.start() for m in _ENTRY_KEY.finditer(text)]
    if len(starts) < 2 or not is_record(text):
        return text
    entries = [e for a, b in pairwise([0, *starts, len(text)]) if (e := text[a:b].strip())]
    asked = set(content_terms(question))
    scored = [(len(asked & set(content_terms(e))), -i, e) for i, e in enumerate(entries)]
    best, second = sorted(scored, reverse=True)[:2]
    # only when one entry is named better than every other; a tie keeps them all
    return best[2] if best[0] > second[0] else text


# "Totals: 146,982", "Grand total: 12": the cell that answers for the whole row
_TOTAL_CELL = re.compile(r"^(?:grand\s+)?totals?\s*:", re.I)
_ASKS_COUNT = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:number|amount|total)\b", re.I)


def _headers(cells: list[str]) -> set[str]:
    return {t for c in cells if ":" in c for t in content_terms(c.split(":", 1)[0])}


def asks_row_total(text: str, question: str) -> bool:
    """Does a "how many" question that names a row of a table and none of its columns ask
    this record's total ("How many background checks in Texas?" and "Texas | ... | Totals:
    146,982")? The row's key must be named, and no column header word: "How many handgun
    checks in Texas?" asks the Handgun cell, not the total."""
    cells = text.split(" | ")
    if len(_CELL.findall(text)) < 2 or not _ASKS_COUNT.search(question):
        return False
    if not any(_TOTAL_CELL.match(c) for c in cells[1:]):
        return False
    asked = set(content_terms(question))
    key = set(content_terms(cells[0]))
    return bool(key) and key <= asked and not (asked & (_headers(cells[1:]) - {"total"}))


def covered_by_table(question: str, text: str, file_name: str) -> bool:
    """Is every word of a row-total question either the row's key, the asking words, or a
    word of the table's own name ("background checks": nics-background-checks-2015-11.pdf)?
    Then the question asks nothing the table cannot say."""
    if not asks_row_total(text, question):
        return False
    rest = _ASKS_COUNT.sub(" ", question)
    known = set(content_terms(text.split(" | ", 1)[0])) | set(content_terms(name_words(file_name)))
    return set(content_terms(rest)) <= known


def focus_record(text: str, question: str) -> str:
    """A table row cut to its key and the cells the question names ("Texas | Long Gun:
    51,670" for "How many long gun checks in Texas?"): a whole NICS row is 25 cells, and the
    reader should not have to hunt for the one asked about. Rows the question names no
    column of stay whole. An OCR'd ledger's run of rows is cut to the entry asked about."""
    text = ledger_entry(text, question)
    cells = text.split(" | ")
    if len(cells) < 3 or len(_CELL.findall(text)) < 2:
        return text
    asked = set(content_terms(question))
    named = []
    for cell in cells[1:]:
        header = set(content_terms(cell.split(":", 1)[0])) if ":" in cell else set()
        if header and header <= asked:
            named.append(cell)
    if not named and asks_row_total(text, question):
        return " | ".join([cells[0], *[c for c in cells[1:] if _TOTAL_CELL.match(c)][-1:]])
    if not named or len(named) == len(cells) - 1:
        return text
    return " | ".join([cells[0], *named[:4]])


# --- a row named by its key and a column --------------------------------------------------
# "Budget (EUR): 700": a header, then the value; the header's unit in brackets is not asked
_ROW_CELL = re.compile(r"^(?P<header>[^:|]{1,60}?):\s+\S")
_UNIT = re.compile(r"\([^)]*\)")
MAX_KEY_CHARS = 80
MAX_NAMED_ROWS = 3  # "the budget of the monitor and the headset": one row each


def row_cells(line: str) -> tuple[str, list[str]] | None:
    """(key, cells) of one line written as ingest writes a table row ("Standing desk |
    Budget (EUR): 700 | Approval: Facilities"); None for anything else."""
    parts = line.strip().split(" | ")
    if "\n" in line.strip() or len(parts) < 2:
        return None
    key, cells = parts[0].strip(), [c.strip() for c in parts[1:]]
    if not key or len(key) > MAX_KEY_CHARS or not any(_ROW_CELL.match(c) for c in cells):
        return None
    return key, cells


def _header_terms(cell: str) -> set[str]:
    m = _ROW_CELL.match(cell)
    return set(content_terms(_UNIT.sub(" ", m.group("header")))) if m else set()


def key_terms(line: str) -> set[str]:
    """The content words of a table row's key (none for a line that is no row)."""
    row = row_cells(line)
    return set(content_terms(row[0])) if row else set()


def names_key(line: str, question: str) -> bool:
    """Does the question name the row: every word of its key, or of the key's name before a
    comma ("the sack truck" names "Sack truck, folding"; what follows is the variant), or a
    code of the row (:func:`names_code`)?"""
    row = row_cells(line)
    if row is None:
        return False
    asked = set(content_terms(question))
    key, head = set(content_terms(row[0])), set(content_terms(row[0].split(",", 1)[0]))
    return (bool(key) and key <= asked) or (bool(head) and head <= asked) or _coded(row, question)


def names_code(line: str, question: str) -> bool:
    """Does the question name a code that the row's key or a cell holds ("How much is SKU
    HYG-3002?", "What does error E1 mean?" of "Display shows E1 | ...")? A code is unique."""
    row = row_cells(line)
    return row is not None and _coded(row, question)


def _coded(row: tuple[str, list[str]], question: str) -> bool:
    codes = [m.group(1) for c in row[1] if (m := _CODE_CELL.match(c))] + _CODE.findall(row[0])
    return any(
        re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", question, re.I) for code in codes
    )


# A cell whose value is a code ("SKU: HYG-3002", "Ref: INV2024-017"): it names its row.
_CODE_CELL = re.compile(r"^[^:|]{1,30}:\s+([A-Z]{2,}[-_/]?\d[\w-]*)$")
_CODE = re.compile(r"(?<![\w-])[A-Z]{1,4}[-_]?\d{1,5}(?![\w-])")


# "Who is responsible for / in charge of / handling X?" asks who owns X (an "Owner" cell);
# the everyday answerer's owner rescue reads the same phrases.
BE_FORMS = r"(?:'s|\s+is|\s+are|\s+was|\s+will\s+be)"
OWNING = r"responsible\s+for|in\s+charge\s+of|handling|leading|looking\s+after"

# A question names a column by what it asks for as well as by its header's words: "How much
# does an ergonomic chair cost?" asks the "Price (USD)" cell, though it never says "price";
# "Where does Kenji Sato work?" asks the "Office" one. Each kind: the words that ask for it,
# and the header words of the columns that hold it. A bare "how much" asks an amount only as
# "how much is/are/for X": "How much does a standing desk weigh?" asks no price.
_ASKS_FOR = (
    (
        r"\b(?:costs?|costing|pric(?:e|es|ed)|pa(?:y|ys|id)|charg(?:e|es|ed)|spen[dt])\b"
        r"|\bhow much (?:is|are|was|were|for)\b",
        r"\b(?:price|cost|amount|fee|rate|budget)s?\b",
    ),
    (r"\bwhen\b", r"\b(?:date|deadline)s?\b"),
    (
        # "Who is in charge of the survey results?" asks the "Owner" cell of its action item
        rf"\bwho(?:m|se)?\b(?:{BE_FORMS}\s+(?:{OWNING})\b)?",
        r"\b(?:owner|approval|approver|contact|manager|employee|supplier|vendor|provider|"
        r"manufacturer|maker|assignee|author|lead)s?\b",
    ),
    (r"\bwhere\b", r"\b(?:office|location|site|room)s?\b"),
    (r"\bhow many\b", r"\b(?:quantity|quantities|qty|count|headcount|units|stock)\b"),
)
_KINDS = [(re.compile(a, re.I), re.compile(h, re.I)) for a, h in _ASKS_FOR]


def asking_terms(question: str) -> set[str]:
    """The question's content words that ask for a kind of column ("cost", "pay"): they
    name a column, not something a passage must say."""
    return {t for ask, _ in _KINDS for m in ask.finditer(question) for t in content_terms(m[0])}


def asked_cells(cells: list[str], question: str) -> list[str]:
    """The cells whose column the question names, in reading order: by every word of its
    header, or by asking for its kind (above) unless it names another column of that kind
    by its header ("How much is the budget ...?" beside a "Price" column asks the budget)."""
    asked = set(content_terms(question))
    named = {c for c in cells if (h := _header_terms(c)) and h <= asked}
    for ask, header in _KINDS:
        kind = [c for c in cells if (m := _ROW_CELL.match(c)) and header.search(m["header"])]
        if ask.search(question) and not named & set(kind):
            named.update(kind)
    return [c for c in cells if c in named]


def names_column(line: str, question: str) -> bool:
    """Does the question name a column of the row (see :func:`asked_cells`)?"""
    row = row_cells(line)
    return row is not None and bool(asked_cells(row[1], question))


def named_cells(line: str, question: str) -> list[str]:
    """The cells of a table row that a question asks for by the row's key and the cells'
    columns: ["Budget (EUR): 700"] for "How much is the budget for a standing desk?" and
    "Standing desk | Budget (EUR): 700 | Approval: Facilities". Empty unless every word of
    the key is in the question ("a treadmill desk" does not name "Standing desk") and at
    least one column is named (:func:`asked_cells`; "the warranty of the standing desk"
    names none)."""
    row = row_cells(line)
    if row is None or not names_key(line, question):
        return []
    return asked_cells(row[1], question)


def row_line(text: str, start: int, end: int) -> tuple[int, str]:
    """The whole line of ``text`` around ``text[start:end]`` (a row whose value holds a full
    stop is more than one sentence), with where it starts."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", max(end - 1, start))
    return a, text[a : b if b >= 0 else len(text)]

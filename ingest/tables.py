"""Tables as rows that carry their column headers: ``Texas | Permit: 21,550 | Handgun: ...``.

A PDF's text stream keeps a table's numbers but loses which column each belongs to (the
NICS PDF's header row comes out as "Permit HandgunLong Gun*Other**MultipleAdmin"). pdfplumber
finds ruled tables and their cells; words are then placed by position: each word goes to
the column under its centre, header rows are merged top-down (a group label such as
"Pre-Pawn" over three columns prefixes each of them), and every text line of the body
becomes one row. A cell spanning the whole table is its caption.

pdfplumber costs about 0.5 s a page, so it only runs on pages whose text layer
:func:`looks_tabular` (checked on the text pypdf already produced, for free).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

_NUMBER = re.compile(r"^[-+(]?[$£€¥]?\d[\d,.]*%?\)?$")
# Measured on ../shared/data/pdfs (lines with 3+ numbers / all lines): NICS 56/66 (0.85);
# every other page at most 15 lines and 0.29 (NIST CSF p44; its tables are words, not
# numbers), Federal Register cost tables 7/175. pdfplumber costs 0.3-0.5 s a page, so only
# dense numeric pages pay for it: 10+ such lines making up a third of the page.
MIN_NUMERIC_LINES = 10
MIN_NUMERIC_SHARE = 0.33
# A page whose tables cover less than this share of it keeps its own text layer (pdfplumber
# interleaves multi-column prose) and gets the rows appended after it.
MIN_TABLE_AREA = 0.5


# A quote's or an invoice's table comes out of pypdf one cell per line ("6", "£1,045.00",
# "£6,270.00"): lines that are a lone amount of money (a currency sign, or two decimals after
# a thousands group), not a transcript's line numbers ("1", "2", ... on
# scotus-transcript-p1.pdf, 26 of its 46 lines). The quote a newcomer uploaded had 12; no
# page of ../shared/data/pdfs or the dev set's PDFs has any.
_AMOUNT_ALONE = re.compile(r"^[-+(]?(?:[$£€¥]\s?\d[\d,.]*|\d{1,3}(?:,\d{3})*\.\d{2})\)?$")
MIN_AMOUNT_LINES = 6


def _amount_lines(text: str) -> int:
    return sum(bool(_AMOUNT_ALONE.match(line.strip())) for line in text.splitlines())


def looks_tabular(text: str) -> bool:
    """Cheap test on a text layer: many lines with three or more numbers each, or many lines
    that are a lone amount of money (a table read one cell per line)."""
    lines = [line for line in text.splitlines() if line.strip()]
    count = sum(sum(bool(_NUMBER.match(t)) for t in line.split()) >= 3 for line in lines)
    amounts = _amount_lines(text)
    return (
        count >= MIN_NUMERIC_LINES and count >= MIN_NUMERIC_SHARE * len(lines)
    ) or amounts >= MIN_AMOUNT_LINES


# "Total" on one line and "£14,268.72" on the next: a label of a few words, then a lone amount
_LABEL_WORDS = 5


# ... or on one line, as pdfplumber keeps them: "Total £14,268.72"
_SAME_LINE = re.compile(
    r"^(?P<label>[A-Za-z][\w ()%/-]{0,40}[\w)%])\s+(?P<amount>[-+(]?[$£€¥]\s?\d[\d,.]*\)?)\s*$"
)


def paired_amounts(text: str) -> str:
    """A page read one cell per line with its labels and amounts joined: "Subtotal\n£11,890.60"
    -> "Subtotal: £11,890.60" (the quote's totals are outside its ruled table, and "What is
    the total on the quote?" found "Total" and the amount apart)."""
    lines = [_SAME_LINE.sub(r"\g<label>: \g<amount>", line) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        prev = out[-1].strip() if out else ""
        if (
            _AMOUNT_ALONE.match(line.strip())
            and prev
            and len(prev.split()) <= _LABEL_WORDS
            and not _AMOUNT_ALONE.match(prev)
            and not _NUMBER.match(prev)  # a quantity ("1", "12") before its price
            and not prev.endswith((".", ":", ";", ","))
        ):
            out[-1] = f"{prev}: {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)


MAX_ROW_CHARS = 400  # about 150 word pieces: a row longer than this is split, key repeated


def row_text(key: str, headers: list[str], values: list[str], key_header: str = "") -> str:
    """``key | header: value | ...``, empty cells left out (the one row format, every format).
    A key without a letter is named by its column's header: "Week 2 | Task: ...", not "2 |
    Task: ..." (a row keyed by a bare number or date said nothing of what it counted).

    A wide row (the NICS table has 24 columns) is cut into pieces of at most
    ``MAX_ROW_CHARS``, each starting with the key and separated by a blank line, so a chunk
    boundary never leaves numbers without the row they belong to.
    """
    key = " ".join(key.split())
    head = " ".join(key_header.split())
    if key and head and not any(ch.isalpha() for ch in key):
        key = f"{head} {key}"
    cells = []
    for h, v in zip(headers, values, strict=False):
        v = " ".join(v.split())
        if v:
            cells.append(f"{h}: {v}" if h else v)
    pieces: list[list[str]] = [[]]
    for cell in cells:
        if pieces[-1] and len(" | ".join([key, *pieces[-1], cell])) > MAX_ROW_CHARS:
            pieces.append([])
        pieces[-1].append(cell)
    return "\n\n".join(" | ".join([key, *p] if key else p) for p in pieces if p or key)


def rows_with_headers(grid: list[list[str]], header_rows: int = 1) -> list[str]:
    """Rows of a plain grid (DOCX/PPTX tables, sheets): the first ``header_rows`` rows,
    merged top-down, name the columns; the first column is each row's key."""
    if not grid:
        return []
    width = max(len(r) for r in grid)
    cells = [[*(c.strip() for c in r), *[""] * (width - len(r))] for r in grid]
    headers = [
        " ".join(dict.fromkeys(r[j] for r in cells[:header_rows] if r[j])) for j in range(width)
    ]
    rows = (row_text(r[0], headers[1:], r[1:], headers[0]) for r in cells[header_rows:] if any(r))
    return [r for r in rows if r]


@dataclass
class PageTables:
    text: str  # the page: text outside the tables, then each table's caption and rows
    rows: list[str] = field(default_factory=list)
    count: int = 0


def page_tables(page: Any, text_layer: str = "") -> PageTables | None:
    """The page's ruled tables as rows with headers, or ``None`` if it has none.

    When the tables fill most of the page, the page's text is pdfplumber's text outside
    them plus the rows; otherwise ``text_layer`` is kept and the rows follow it."""
    found = [t for t in page.find_tables() if len(t.rows) >= 2]
    if not found:
        return None
    blocks: list[str] = []
    rows: list[str] = []
    outside = page
    for table in found:
        caption, table_rows = _table_rows(page, table)
        if not table_rows:
            continue
        rows += table_rows
        blocks.append("\n\n".join([caption, *table_rows] if caption else table_rows))
        outside = outside.outside_bbox(table.bbox)
    if not rows:
        return None
    area = sum((t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]) for t in found)
    # ... unless the text layer has the table one cell per line (a quote's "6", "£1,045.00",
    # "£6,270.00" lines): pdfplumber's lines keep "Subtotal £11,890.60" together
    one_cell_per_line = _amount_lines(text_layer) >= MIN_AMOUNT_LINES
    if text_layer and area < MIN_TABLE_AREA * page.width * page.height and not one_cell_per_line:
        rest = text_layer
    else:
        rest = outside.extract_text() or ""
    text = "\n\n".join(part for part in [rest.strip(), *blocks] if part)
    return PageTables(text, rows, len(blocks))


def _columns(table: Any) -> list[tuple[float, float]]:
    edges = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
    return [(a, b) for a, b in itertools.pairwise(edges) if b - a > 2]


def _column_of(x: float, columns: list[tuple[float, float]]) -> int | None:
    for j, (a, b) in enumerate(columns):
        if a <= x < b:
            return j
    return None


def _lines(words: list[dict[str, Any]], tolerance: float = 2.5) -> list[list[dict[str, Any]]]:
    lines: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= tolerance:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _by_column(line: list[dict[str, Any]], columns: list[tuple[float, float]]) -> list[str]:
    out = [""] * len(columns)
    for w in line:
        j = _column_of((w["x0"] + w["x1"]) / 2, columns)
        if j is not None:
            out[j] = f"{out[j]} {w['text']}".strip()
    return out


def _is_data(values: list[str]) -> bool:
    filled = [v for v in values[1:] if v]
    numeric = sum(bool(_NUMBER.match(v.split()[0])) for v in filled)
    return len(filled) >= 2 and numeric >= max(2, len(filled) // 2)


def _table_rows(page: Any, table: Any) -> tuple[str, list[str]]:
    """(caption, rows) of one table; header rows are those above the first row of numbers."""
    columns = _columns(table)
    if len(columns) < 2:
        return "", []
    region = page.within_bbox(table.bbox)
    lines = _lines(region.extract_words())
    first = next((i for i, ln in enumerate(lines) if _is_data(_by_column(ln, columns))), None)
    if first is None:
        return "", []
    body_top = lines[first][0]["top"] - 1
    caption, headers = _headers(page, table, columns, body_top)
    rows = []
    for line in lines[first:]:
        values = _by_column(line, columns)
        # A line without a single number in its value columns is not a data row: footnotes
        # and notes inside the table's box ("These statistics represent ...") laid over the
        # columns would read as nonsense cells.
        if any(v and _NUMBER.match(v.split()[0]) for v in values[1:]):
            rows.append(row_text(values[0], headers[1:], values[1:], headers[0]))
    return caption, [r for r in rows if r]


def _headers(
    page: Any, table: Any, columns: list[tuple[float, float]], body_top: float
) -> tuple[str, list[str]]:
    """Column names from the header cells above ``body_top``, merged top-down."""
    names: list[list[str]] = [[] for _ in columns]
    caption: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            if cell is None or cell[1] >= body_top - 0.5:
                continue
            span = [j for j, (a, b) in enumerate(columns) if a >= cell[0] - 1 and b <= cell[2] + 1]
            # only the cell's words above the body: a header cell drawn down over the first
            # row ("Qty" over "6") named the column "Qty 6"
            words = [w for w in page.within_bbox(cell).extract_words() if w["bottom"] <= body_top]
            lines = _lines(words)
            for n, line in enumerate(lines):
                text = " ".join(w["text"] for w in line)
                if len(span) >= len(columns) - 1:
                    caption.append(text)  # spans the table: a title, not a column name
                elif len(span) > 1 and n < len(lines) - 1:
                    for j in span:  # a group label over its columns ("Pre-Pawn")
                        names[j].append(text)
                else:  # the cell's last line names the columns under it
                    values = _by_column(line, columns)
                    for j in span:
                        if values[j]:
                            names[j].append(values[j])
    return " ".join(caption), [" ".join(n) for n in names]

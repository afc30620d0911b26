"""A table row that a question names by its key and a column answers it, cut to those cells.

Tables, sheets and CSVs are ingested as one paragraph per row, ``key | Header: value | ...``
(``ingest/tables.py``). "How much is the budget for a standing desk?" names the row "Standing
desk | Budget (EUR): 700 | Approval: Facilities" by its key and its "Budget" column: the
answer is "Standing desk | Budget (EUR): 700", however much a prose sentence elsewhere shares
the question's words ("Each employee has a learning budget of 1,500 US dollars ..."). The
embedding model and the refusal model were never shown a row, so neither ranks one well.

A row whose key the question does not name ("a treadmill desk"), or which has no column the
question names ("the warranty of the standing desk"), is no answer here. A question that
names a column and the key of a row without it ("What is the headcount of Kenji Sato?": a
staff row, a column of the offices sheet), or only part of a key ("the budget for a
treadmill desk"), asks what the tables do not say: it is refused, not answered with prose
or another row that shares its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from providers.base import Source
from providers.extractive_lists import Piece
from providers.extractive_tables import (
    MAX_NAMED_ROWS,
    named_cells,
    names_column,
    names_key,
    row_cells,
    row_line,
)
from text.terms import content_terms, name_words

if TYPE_CHECKING:
    from providers.extractive_refusal import Candidate

MAX_NAMED_CELLS = 4
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def named_rows(question: str, cands: Sequence[Candidate]) -> list[tuple[Candidate, str]]:
    """The rows among the candidates that the question names by key and column, each cut to
    its key and the named cells, in reading order; all from the one passage that says most
    of the question (of equals, the best scored). Empty when no row is named."""
    found: dict[tuple[int, int], tuple[Candidate, str]] = {}
    for c in cands:
        at, line = row_line(c.source.text, c.start, c.end)
        if (c.source.n, at) in found or not (cells := named_cells(line, question)):
            continue
        if _number_elsewhere(question, line, c.source.text):
            continue
        key = (row_cells(line) or ("", []))[0]
        found[(c.source.n, at)] = (c, " | ".join([key, *cells[:MAX_NAMED_CELLS]]))
    if not found:
        return []
    best = max(found.values(), key=lambda f: len(said(question, f[0].source)))
    rows = sorted((at, f) for (n, at), f in found.items() if n == best[0].source.n)
    return [f for _, f in rows][:MAX_NAMED_ROWS]


def _number_elsewhere(question: str, line: str, passage: str) -> bool:
    """A number of the question that this row lacks and another row of its table holds
    ("the approval for a monitor budget of 700": 700 is the standing desk's)."""
    asked = set(_NUMBER.findall(question)) - set(_NUMBER.findall(line))
    others = [ln for ln in passage.split("\n") if ln != line and row_cells(ln) is not None]
    return any(asked & set(_NUMBER.findall(ln)) for ln in others)


def said(question: str, source: Source) -> set[str]:
    """The question's content words that its passage (or the file's name) holds."""
    held = set(content_terms(source.text)) | set(content_terms(name_words(source.source)))
    return set(content_terms(question)) & held


def row_pieces(question: str, cands: Sequence[Candidate]) -> list[Piece] | None:
    """The answer's pieces when a row is named (see :func:`named_rows`); none at all (the
    answer is a refusal) when the question names a key and a column no row has together
    (:func:`names_apart`); None when it names no row: the answer is found as usual."""
    if rows := named_rows(question, cands):
        return [Piece(text, (c.source.n,)) for c, text in rows]
    # a prose sentence that says every word of the question answers it as usual ("the
    # learning budget per year" beside a row "Learning materials | Budget (EUR): 300")
    return [] if names_apart(question, cands) and not _said_in_prose(question, cands) else None


def _said_in_prose(question: str, cands: Sequence[Candidate]) -> bool:
    asked = set(content_terms(question))
    return any(
        row_cells(row_line(c.source.text, c.start, c.end)[1]) is None
        and asked <= set(content_terms(c.text))
        for c in cands
    )


def row_answers(question: str, cands: Sequence[Candidate]) -> bool:
    """A named row whose passage holds every word of the question ("What version is the Web
    client in Falcon 2.4?": the row, under the title "Release notes for Falcon 2.4"). The
    refusal model may say no to it: it was fitted on prose (SQuAD 2.0)."""
    rows = named_rows(question, cands)
    return bool(rows) and said(question, rows[0][0].source) == set(content_terms(question))


def names_apart(question: str, cands: Sequence[Candidate]) -> bool:
    """Does the question name a column of a retrieved table, and a row key that no row with
    that column holds ("the headcount of Kenji Sato": a staff row's key, the offices'
    column), or only some words of a key ("a treadmill desk", "Standing desk")? Then the
    tables do not say what it asks. Called when no row is named (see the module's
    docstring)."""
    passages = {c.source.n: c.source.text for c in cands}
    rows = [ln for t in passages.values() for ln in t.split("\n") if row_cells(ln) is not None]
    asked = set(content_terms(question))
    with_column = [ln for ln in rows if names_column(ln, question)]
    keys = [_key_terms(ln) for ln in rows if names_key(ln, question)]
    held = [set(content_terms(ln)) for ln in with_column]
    apart = any(not any(k <= h for h in held) for k in keys) and bool(with_column)
    partly = any((k := _key_terms(ln)) & asked and not k <= asked for ln in with_column)
    return apart or partly


def _key_terms(line: str) -> set[str]:
    row = row_cells(line)
    return set(content_terms(row[0])) if row else set()

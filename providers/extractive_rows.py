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
or another row that shares its words. So is a key named as a word in front of another noun:
"How much are the standing desk mats?" asks about mats, not about the row "Standing desk".
A column is named by its header's words or by what the question asks for ("How much does an
ergonomic chair cost?" asks the "Price (USD)" cell: see ``extractive_tables.asked_cells``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from providers.base import Source
from providers.extractive_lists import Piece
from providers.extractive_tables import (
    MAX_NAMED_ROWS,
    asking_terms,
    key_terms,
    named_cells,
    names_code,
    names_column,
    names_key,
    row_cells,
    row_line,
)
from text.terms import WORD, content_terms, name_words

if TYPE_CHECKING:
    from providers.extractive_refusal import Candidate

MAX_NAMED_CELLS = 4
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DO = frozenset({"do", "does", "did"})
_OF = frozenset({"for", "of"})
_DET = frozenset({"a", "an", "the", "some", "any", "this", "that", "these", "those", "my", "our"})


def named_rows(question: str, cands: Sequence[Candidate]) -> list[tuple[Candidate, str]]:
    """The rows among the candidates that the question names by key and column, each cut to
    its key and the named cells, in reading order; all from the one passage that says most
    of the question (of equals, the best scored). Empty when no row is named."""
    found: dict[tuple[int, int], tuple[Candidate, str]] = {}
    for c in cands:
        at, line = row_line(c.source.text, c.start, c.end)
        cells = named_cells(line, question) or _whole_row(line, question, c.source)
        if (c.source.n, at) in found or not cells:
            continue
        if _number_elsewhere(question, line, c.source.text) or modifies(line, question, c.source):
            continue
        key = (row_cells(line) or ("", []))[0]
        found[(c.source.n, at)] = (c, " | ".join([key, *cells[:MAX_NAMED_CELLS]]))
    # "How much is a standing desk?" names the keys "Standing desk" and "Desk": the one that
    # says more of the question is the row it asks about
    keys = {at: set(content_terms(text.split(" | ", 1)[0])) for at, (_, text) in found.items()}
    found = {at: f for at, f in found.items() if not any(keys[at] < k for k in keys.values())}
    if not found:
        return []
    best = max(found.values(), key=lambda f: len(said(question, f[0].source)))
    rows = sorted((at, f) for (n, at), f in found.items() if n == best[0].source.n)
    return [f for _, f in rows][:MAX_NAMED_ROWS]


_HOW_MANY = re.compile(r"\bhow (?:many|much)\b", re.I)


def _whole_row(line: str, question: str, source: Source) -> list[str]:
    """Every cell of a row the question names by its key alone, when its other words are the
    table's subject, which the passage says ("What is the internet stipend?": "Internet |
    Monthly amount: EUR 40 | Who qualifies: ..." below "monthly stipends according to the
    table below"); "the warranty of the standing desk" asks what nothing there says. Not
    for "how many" or "how much": a number asked without its column is the row's total
    ("How many background checks in Texas?": "Texas | Totals: 146,982")."""
    row = row_cells(line)
    if row is None or not names_key(line, question) or _HOW_MANY.search(question):
        return []
    if names_code(line, question):  # "What does error E1 mean?": the row is its meaning
        return row[1]
    rest = set(content_terms(question)) - key_terms(line) - asking_terms(question)
    return row[1] if rest <= said(question, source) else []


def _number_elsewhere(question: str, line: str, passage: str) -> bool:
    """A number of the question that this row lacks and another row of its table holds
    ("the approval for a monitor budget of 700": 700 is the standing desk's)."""
    asked = set(_NUMBER.findall(question)) - set(_NUMBER.findall(line))
    others = [ln for ln in passage.split("\n") if ln != line and row_cells(ln) is not None]
    return any(asked & set(_NUMBER.findall(ln)) for ln in others)


def modifies(line: str, question: str, source: Source) -> bool:
    """Does the question name the row's key only as what another noun is about: a word that
    neither the row's passage nor its file's name holds, nor asks for a column, right after
    the key ("How much are the standing desk mats?", "an ergonomic chair cushion") or before
    it ("a mat for the standing desk")? After "do"/"does", a last such word after the key is
    the verb ("Which office does Kenji Sato work in?")."""
    row = row_cells(line)
    key = content_terms(row[0]) if row else []
    seq = [(w.lower(), content_terms(w) or [""]) for w in WORD.findall(question)]
    terms = [(w, t) for w, ts in seq for t in ts]  # a hyphenated word is its parts
    at = next((i for i in range(len(terms)) if [t for _, t in terms[i:][: len(key)]] == key), -1)
    if not key or at < 0:
        return False
    known = set(content_terms(f"{source.text} {name_words(source.source)}"))
    known |= asking_terms(question) | {""}
    after = [t for _, t in terms[at + len(key) :]]
    verb = any(w in _DO for w, _ in terms[:at]) and not any(after[1:])
    compound = bool(after) and after[0] not in known and not verb
    return compound or _noun_for(terms[:at], known)


def _noun_for(before: list[tuple[str, str]], known: set[str]) -> bool:
    """Is the key the object of "a <noun> for/of (the)" with a noun no passage holds ("a mat
    for the standing desk")? A noun has an article before it; a verb ("Who do I ask for a
    standing desk?") has none."""
    words = before[:-1] if before and before[-1][0] in _DET else before
    if len(words) < 3 or words[-1][0] not in _OF:
        return False
    return words[-2][1] not in known and words[-3][0] in _DET


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
    if rows and names_code(rows[0][1], question):  # "What does E1 mean?": a code is unique
        return True
    # the words that ask for the column ("cost" for a "Price" cell) are in no passage
    asked = set(content_terms(question)) - asking_terms(question)
    return bool(rows) and asked <= said(question, rows[0][0].source)


SENTENCE_KEY = 4  # key words from which a key is an action, not an item's name ("Standing desk")


def names_apart(question: str, cands: Sequence[Candidate]) -> bool:
    """Does the question name a column of a retrieved table, and a row key that no row with
    that column holds ("the headcount of Kenji Sato": a staff row's key, the offices'
    column), or only some words of a key ("a treadmill desk", "Standing desk")? Then the
    tables do not say what it asks. Called when no row is named (see the module's
    docstring)."""
    passages = {c.source.n: c.source for c in cands}
    rows = [(ln, s) for s in passages.values() for ln in s.text.split("\n") if row_cells(ln)]
    asked = set(content_terms(question))
    with_column = [(ln, s) for ln, s in rows if names_column(ln, question)]
    keys = [key_terms(ln) for ln, _ in rows if names_key(ln, question)]
    held = [set(content_terms(ln)) for ln, _ in with_column]
    apart = any(not any(k <= h for h in held) for k in keys) and bool(with_column)
    # ... half of a key at least: "Sign contract with Kestrel Roofing and notify Alder Court
    # residents" is not named by "When will the roof work start?" (its one word "roof")
    # (an action item's key is a sentence: "Who is in charge of the survey results?" names
    # half of "Circulate survey results to all tenants" and nothing the row does not say)
    topic = asked - asking_terms(question)
    partly = any(
        (k := key_terms(ln)) & asked
        and not k <= asked
        and 2 * len(k & asked) >= len(k)
        and (len(k) < SENTENCE_KEY or not topic <= set(content_terms(ln)))
        for ln, _ in with_column
    )
    # "the standing desk mats": a key in front of what the question is about
    modified = any(names_key(ln, question) and modifies(ln, question, s) for ln, s in with_column)
    return apart or partly or modified

"""Notes, minutes, quotes and forms are read by their labels: a line "Attendees: Marta
Kowalski (chair), Jonas Berg, ...", "Participants: ...", "Next meeting: 24 February 2027",
"Valid until: 1 November 2024", "Total: £14,268.72", or a heading "Decisions" / "Action
items" over its items.

People ask in verbs ("Who attended the platform sync?", "What did the team decide?", "Who
took part in the vendor call?"), which no label repeats: "attended" and "Attendees" stem
apart ("attend", "attende"), "decide" and "Decisions" too ("decid", "decis"), so neither
sentence scoring nor the section rule (``extractive_sections``) found anything, and the
answerer refused, or quoted one row of the action items for "What are the action items?".
Here the asking words pick the labels that answer them (``text.labels``); the question's
other words ("the platform sync", "the vendor call") must all be said by the document's
name, its title or the labelled text, so the notes of another meeting are never quoted.
Failing that, a person named with the asked role in brackets, or a field asked by its name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.base import Source
from providers.extractive_cuts import END, ITEM, opens_document
from providers.extractive_lists import FollowFn, Piece
from text.labels import MEETING, asked_labels
from text.sentences import sentence_spans
from text.terms import content_terms, name_words

# "Attendees: ...", "**Decision:** ...": a label of at most three words, then its text
_LABEL_LINE = re.compile(
    r"^[\s*_#]*(?P<label>[A-Za-z][\w ()%/&-]{0,30}?)[\s*_]*:[\s*_]*(?P<text>\S.*)$"
)
# a heading: a few words alone on their line, no end punctuation
_HEADING_LINE = re.compile(r"^[\s#*_]*(?P<label>[A-Za-z][\w -]{0,30}?)[\s*_]*$")
# Words that name no particular meeting: "Who attended the meeting?", "Was anything decided?"
_ANY = re.compile(
    rf"\b(?:{MEETING}s?|notes|minutes|anything|something|any|ever|yet|"
    r"make|makes|made|take|takes|taken|reach|reached)\b",
    re.I,
)
MAX_ITEMS = 10
MAX_DOCUMENTS = 3
MAX_RUN_ON_LINES = 3


def _context(src: Source) -> set[str]:
    """What the document is: its file name's words and, in its first chunk, its title."""
    said = set(content_terms(name_words(src.source)))
    if opens_document(src):
        said |= set(content_terms(src.text.lstrip().split("\n", 1)[0]))
    return said


def _section(lines: list[str], start: int) -> list[str]:
    """The items under the heading at ``start``: the lines up to the next heading or label
    ("- Owner: Jonas" is an item; "Risks" and "Next meeting: ..." are not)."""
    items: list[str] = []
    for line in lines[start + 1 :]:
        text = line.strip()
        if not text:
            continue
        body = ITEM.match(text)
        if body is None and (_HEADING_LINE.match(text) or _LABEL_LINE.match(text)):
            break
        items.append((body.group("body") if body else text).strip().rstrip(". "))
        if len(items) >= MAX_ITEMS:
            break
    return items


# ... or one that opens a sentence inside a line: "... to sales@copperline-it.co.uk. Contact:
# James Whitaker, Account Manager, ..."
_LABEL_INSIDE = re.compile(r"(?<=[.!?]\s)(?P<label>[A-Z][\w ()%/&-]{0,30}?):\s*(?P<text>\S.*)$")


def _lines(src: Source, follow: FollowFn | None) -> list[str]:
    """The source's lines, and the next chunk's first few when its end cut a sentence."""
    lines = src.text.split("\n")
    if follow is not None and not END.search(src.text):
        lines += follow(src).split("\n")[:MAX_RUN_ON_LINES]
    return lines


def _labelled(src: Source, labels: re.Pattern[str], follow: FollowFn | None) -> str | None:
    """The first labelled line or section of ``src`` that ``labels`` names, as
    "Label: text" (a section's items joined by semicolons)."""
    lines = _lines(src, follow)
    for i, line in enumerate(lines):
        m = _LABEL_LINE.match(line) or _LABEL_INSIDE.search(line)
        if m and labels.match(m.group("label").strip()):
            return (
                f"{m.group('label').strip()}: {_runs_on(m.group('text').strip(), lines[i + 1 :])}"
            )
        h = _HEADING_LINE.match(line)
        if h and labels.match(h.group("label").strip()):
            # the section may run on into the next chunk ("Decisions": its third item there)
            more = follow(src).split("\n") if follow is not None else []
            if items := list(dict.fromkeys(_section(lines + more, i))):
                return f"{h.group('label').strip()}: {'; '.join(items)}."
    return None


def _runs_on(text: str, after: list[str]) -> str:
    """A label's text with the lines its sentence runs on to ("Payment terms: 50% deposit on
    acceptance, balance within 30 | days of installation."), up to its end; a line that is
    a label or a heading of its own ("Participants: ...") is not run on to."""
    for line in after[:MAX_RUN_ON_LINES]:
        if END.search(text) or not line.strip():
            break
        if _LABEL_LINE.match(line) or _HEADING_LINE.match(line):
            break
        text = f"{text} {line.strip()}"
    spans = sentence_spans(text)
    return text[: spans[0][1]] if spans else text


def _fetched_once(follow: FollowFn | None) -> FollowFn | None:
    """``follow`` remembering each source's text: the labels, the sections and the fields
    each asked for it (a store read) for the same question."""
    if follow is None:
        return None
    seen: dict[int, str] = {}  # by the source's number in this question's sources

    def once(src: Source) -> str:
        if src.n not in seen:
            seen[src.n] = follow(src)
        return seen[src.n]

    return once


def _readings(rest: str) -> tuple[set[str], set[str]]:
    """The question's other words, then without the words that name no particular meeting."""
    return set(content_terms(rest)), set(content_terms(_ANY.sub(" ", rest)))


def label_answer(
    question: str, sources: Sequence[Source], follow: FollowFn | None = None
) -> list[Piece]:
    """The labelled lines or sections that answer ``question``, one per document (none:
    ask as usual). ``follow``: the text after a source in its document."""
    follow = _fetched_once(follow)  # each source's next chunk read once per question
    for m, asked in asked_labels(question):
        rest = question[: m.start()] + " " + question[m.end() :]
        if asked.guard is not None:  # "how long" of "How long is the quote valid for?"
            rest = asked.guard.sub(" ", rest, count=1)
        # "the call" is the vendor call's notes when a document is named so; else any meeting's
        for said in _readings(rest):
            if pieces := _answering(asked.label, said, sources, follow):
                return pieces
    return _role_line(question, sources) or _field_line(question, sources, follow)


def _answering(
    labels: re.Pattern[str], rest: set[str], sources: Sequence[Source], follow: FollowFn | None
) -> list[Piece]:
    pieces: dict[str, Piece] = {}
    for src in sources:
        text = _labelled(src, labels, follow)
        if text and src.source not in pieces and rest <= _context(src) | set(content_terms(text)):
            pieces[src.source] = Piece(text, (src.n,))
    return list(pieces.values())[:MAX_DOCUMENTS]


# "Dana Whitfield (Northwind account manager)", "Marta Kowalski (chair)": a name and, in
# brackets, the role that "Who is Northwind's account manager?" and "Who chaired the sync?"
# ask for; no sentence says it, so the answerer refused.
_NAMED_ROLE = re.compile(r"\b[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){1,3}\s*\((?P<role>[^()]{2,60})\)")
_WHO = re.compile(r"^\s*who\b(?:\s+(?:is|was|are|were))?", re.I)


def _role_line(question: str, sources: Sequence[Source]) -> list[Piece]:
    """The line naming the person whose bracketed role the who-question asks for: every
    word of the question is in the role, the line or the document's name, and one of them
    in the role itself (none: ask as usual)."""
    if (m := _WHO.match(question)) is None:
        return []
    rest = question[m.end() :]
    # "Who chaired the board meeting?": "meeting" need not be said, as for a label
    for asked in _readings(rest):
        if found := _naming(asked, sources):
            return found
    return []


def _naming(asked: set[str], sources: Sequence[Source]) -> list[Piece]:
    for src in sources:
        for line in src.text.split("\n"):
            for named in _NAMED_ROLE.finditer(line):
                role = set(content_terms(named.group("role")))
                told = role | set(content_terms(line)) | _context(src)
                if asked and asked & role - _context(src) and asked <= told:
                    return [Piece(" ".join(line.split()), (src.n,))]
    return []


# "What is the total on the Copperline quote?" / "Total: £14,268.72", "How much VAT is on the
# quote?" / "VAT (20%): £2,378.12": a form's, a quote's or an invoice's field, asked by its
# name. The page's lines without end punctuation read as one long sentence, which no
# sentence score picks; the answerer refused or quoted another document's VAT.
_FIELD_QUESTION = re.compile(r"^\s*(?:what|which|how\s+much|how\s+many|when|who)\b", re.I)
_BRACKETED = re.compile(r"\([^()]*\)")


def _field_line(question: str, sources: Sequence[Source], follow: FollowFn | None) -> list[Piece]:
    """The "Label: value" line whose label is every word the question asks besides the
    document's own name; none: ask as usual."""
    if not _FIELD_QUESTION.match(question):
        return []
    asked = set(content_terms(question))
    pieces: dict[str, Piece] = {}
    for src in sources:
        own = asked - _context(src)
        lines = _lines(src, follow)
        for i, line in enumerate(lines):
            m = _LABEL_LINE.match(line) or _LABEL_INSIDE.search(line)
            label = set(content_terms(_BRACKETED.sub(" ", m.group("label")))) if m else set()
            if m and own and own <= label <= asked and src.source not in pieces:
                text = _runs_on(m.group("text").strip(), lines[i + 1 :])
                pieces[src.source] = Piece(f"{m.group('label').strip()}: {text}", (src.n,))
    return list(pieces.values())[:MAX_DOCUMENTS]

"""The extractive answer to an overview question: each asked document in its own words.

The retrieval put the openings of the documents asked about first and said which sources
they are (``Request.metadata["overview"]``, ``rag/overview.py``). Ranking their sentences
against "Summarize the travel policy." would pick whichever shares the word "policy"; the
answer is instead what the document says first, under its summary heading when it has one
("1. PURPOSE", "Executive Summary"): whole sentences, no title, cover line or cut sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from providers.base import Source
from providers.extractive_compose import FollowFn
from providers.extractive_compose import render as compose_text
from providers.extractive_lists import Piece
from providers.extractive_quotable import quotable_texts
from providers.extractive_refusal import Candidate
from text.overview import date_line, names_itself, summary_start
from text.sentences import BULLETS, is_heading_line

ONE_DOCUMENT_SENTENCES = 3  # "Summarize the travel policy."
EACH_DOCUMENT_SENTENCES = 1  # "What are these documents about?": a line per document
MAX_CHARS = 450  # more sentences while the answer stays a paragraph
MAX_TITLE_WORDS = 4  # "Philosophical overview", "1.1. Version": a contents line

_ENDS = '.!?"”’)'

CandidatesFn = Callable[[str, Sequence[Source]], list[Candidate]]


def overview_answer(
    question: str,
    sources: Sequence[Source],
    numbers: Sequence[int],
    candidates: CandidatesFn,
    follow: FollowFn | None = None,
    precede: FollowFn | None = None,
) -> tuple[str, list[int]] | None:
    """The answer text and the sources it cites, or None when no opening has a sentence
    to quote (a table, a scanned ledger: the ordinary answer path takes over)."""
    wanted = set(numbers)
    openings = [s for s in sources if s.n in wanted]
    documents: dict[str, list[Source]] = {}
    for src in openings:  # a document's opening chunk and the one after it, in order
        documents.setdefault(src.doc_id or src.source, []).append(src)
    per_document = ONE_DOCUMENT_SENTENCES if len(documents) == 1 else EACH_DOCUMENT_SENTENCES
    said: list[tuple[Source, str, list[int]]] = []
    for chunks in documents.values():
        quoted = _opening_sentences(question, chunks, candidates, follow, precede)
        # from the sentence that says what the document is ("FIPS Publication 200 ...
        # specifies ..."), else from the first; a few sentences, not a page
        lead = next((i for i, q in enumerate(quoted) if q[2]), 0)
        chosen: list[tuple[str, int, bool]] = []
        for q in quoted[lead:]:
            longer = sum(len(t) for t, _, _ in chosen) + len(q[0]) > MAX_CHARS
            if chosen and (len(chosen) >= per_document or longer):
                break
            chosen.append(q)
        text = " ".join(t for t, _, _ in chosen) or _title(chunks[0].text)
        said.append((chunks[0], text, sorted({n for _, n, _ in chosen} or {chunks[0].n})))
    if not any(text for _, text, _ in said):
        return None
    if len(said) == 1:
        _, text, cites = said[0]
        return compose_text([Piece(text, tuple(cites))]), cites
    lines = [
        f"{src.source}: "
        + compose_text([Piece(text or "no sentence to quote (a table or a scan)", tuple(cites))])
        for src, text, cites in said
    ]
    return "\n".join(lines), sorted({n for _, _, cites in said for n in cites})


def _opening_sentences(
    question: str,
    chunks: Sequence[Source],
    candidates: CandidatesFn,
    follow: FollowFn | None,
    precede: FollowFn | None,
) -> list[tuple[str, int, bool]]:
    """(sentence, source number, names the document) for the whole prose sentences of a
    document's opening section: from its summary heading (or its start) to the next heading.
    A list inside it is skipped, not quoted item by item."""
    out: list[tuple[str, int, bool]] = []
    for i, src in enumerate(chunks):
        start = (summary_start(src.text) or 0) if i == 0 else 0
        for c in sorted(candidates(question, [src]), key=lambda c: c.start):
            if c.end <= start:
                continue
            if c.start < start:  # "SUMMARY: The FAA proposes ...": the label is not the summary
                c = replace(c, text=src.text[start : c.end], start=start)
            if _contents(c.text):
                continue
            # the next section; ``c.heading`` also marks a sentence the chunk's edge cut
            at_edge = c.end >= len(src.text.rstrip()) or not src.text[: c.start].strip()
            if out and c.heading and not at_edge:
                return out
            for _, text in quotable_texts([c], follow, precede):
                if _prose(text) and all(text != t for t, _, _ in out):
                    out.append((text, src.n, names_itself(text, src.source)))
    return out


def _contents(raw: str) -> bool:
    """A run of short title lines the splitter found no end in: a table of contents or a man
    page's "Name / Synopsis" block ("Introduction\nPhilosophical overview\nDesign goals"),
    not a sentence wrapped in a narrow column ("The FAA proposes to\nsupersede ...")."""
    lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    titles = [
        ln
        for ln in lines
        if (ln[:1].isupper() or ln[:1].isdigit())
        and ln[-1:] not in ".!?:"
        and len(ln.split()) <= MAX_TITLE_WORDS
    ]
    return len(titles) >= 3 and 2 * len(titles) >= len(lines)


def _prose(text: str) -> bool:
    """A sentence that ends as one; not a table row, a list item, or a ledger line in
    capitals ("DEREK A LEGISLATIVE CORRESPONDENT TO JUL. 15 ...", an OCR'd scan)."""
    letters = [ch for ch in text if ch.isalpha()]
    shouting = sum(ch.isupper() for ch in letters) > 0.6 * len(letters)
    return (
        text.rstrip()[-1:] in _ENDS
        and "|" not in text
        and text.lstrip()[:1] not in BULLETS
        and not shouting
    )


def _title(text: str) -> str:
    """The document's first line when it reads as a title ("NICS Firearm Background Checks
    November - 2015"), said as one: a table has no sentence, but it has a name."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first and is_heading_line(first) and "|" not in first:
        return f"“{first}” (its title)"
    return ""


def dated_answer(sources: Sequence[Source], numbers: Sequence[int]) -> tuple[str, list[int]] | None:
    """ "FIPS200.pdf is dated March 2006. [1]": the date line of each source named (its
    cover's, a notice's), or None when none has one."""
    wanted = set(numbers)
    said = [(s, d) for s in sources if s.n in wanted and (d := date_line(s.text))]
    if not said:
        return None
    text = "\n".join(compose_text([Piece(f"{s.source} is dated {d}.", (s.n,))]) for s, d in said)
    return text, sorted({s.n for s, _ in said})

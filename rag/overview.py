"""An overview question gets the documents' own statements of what they are about.

"Summarize the travel policy." or "What are these documents about?" matches no passage the
way a fact matches a factoid question: the search returned whatever shared a word with it,
and the answer quoted a definition or was refused. When the question names a document (by
its file name or its title) or all of them, the passages to answer from are each document's
*opening*: the chunk holding its "Purpose", "Abstract" or "Executive Summary" section among
its first chunks, else its first chunk. They lead the sources (the search's hits follow, for
a model to use), and the request says which sources they are (``metadata["overview"]``) so
the extractive answerer quotes them instead of ranking sentences against the question.

"When was FIPS 200 published?" is the same kind of question: the date is printed on the
cover ("March 2006"), in no sentence. The chunk with the document's date line leads, and
``metadata["dated"]`` names it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from rag.retrieve import Passage, RetrievalResult
from rag.state.base import ChunkRecord, DocInfo
from text.overview import (
    date_line,
    date_subject,
    describes_itself,
    overview_subject,
    referred_back,
    summary_start,
)
from text.terms import content_terms, name_words

MAX_DOCUMENTS = 10  # "What are these documents about?" over a large library: the first ten
OPENING_CHUNKS = 20  # an introduction sits behind a cover, a licence and a contents page
TITLE_CHARS = 240  # a document's title is in its first lines
DATED_CHUNKS = 3  # a date on the cover or the title page

GetChunks = Callable[[Sequence[str]], dict[str, ChunkRecord]]
Relevance = Callable[[list[Passage]], list[Passage]]


# "the NICS document", "the fontconfig user guide": words for a kind of document, which its
# name or title need not hold ("the handbook" alone still has to match one)
_ANY_DOCUMENT = set(
    content_terms("document doc file pdf text paper guide manual handbook spec specification")
)


def _terms(text: str) -> set[str]:
    """Content words, a file name's parts split ("FIPS199.pdf" -> fips, 199)."""
    return set(content_terms(name_words(text)))


def asked_documents(subject: str, docs: Sequence[DocInfo], get_chunks: GetChunks) -> list[DocInfo]:
    """The documents ``subject`` names ("the travel policy", "FIPS 200"; "" or "these
    documents": all), in the library's order; none when it names no document."""
    if not docs:
        return []
    named_by = _terms(subject)
    if not named_by:  # "these documents", "this"
        return list(docs[:MAX_DOCUMENTS])
    words = _name_words(docs, get_chunks)
    # every word of the subject in the file name or the title ("the NIST Cybersecurity
    # Framework": NIST.CSWP.04162018.pdf, "Framework for Improving Critical Infrastructure
    # Cybersecurity"); failing that, every word but "guide", "manual" ... ("the fontconfig
    # user guide": fontconfig-user.pdf)
    named = [d for d in docs if named_by <= words[d.doc_id]]
    if not named and named_by - _ANY_DOCUMENT:
        named = [d for d in docs if named_by - _ANY_DOCUMENT <= words[d.doc_id]]
    return named[:MAX_DOCUMENTS]


def _name_words(docs: Sequence[DocInfo], get_chunks: GetChunks) -> dict[str, set[str]]:
    """Per document, the words of its file name and of its title (its first lines)."""
    firsts = get_chunks([f"{d.doc_id}:0" for d in docs])
    words: dict[str, set[str]] = {}
    for d in docs:
        first = firsts.get(f"{d.doc_id}:0")
        words[d.doc_id] = _terms(d.name) | _terms(first.text[:TITLE_CHARS] if first else "")
    return words


def pointed_at(
    carried: str, docs: Sequence[DocInfo], hits: Sequence[Passage], get_chunks: GetChunks
) -> list[DocInfo]:
    """The document "it" means in "Summarize it." after an exchange whose key terms are
    ``carried``: the one whose name or title holds most of them ("FIPS 199" -> FIPS199.pdf,
    not FIPS200.pdf), else the document of the best hit of the search those terms steered
    ("approve international travel" -> the travel policy); ties go to the search's order."""
    if not docs:
        return []
    wanted = _terms(carried)
    words = _name_words(docs, get_chunks)
    shared = {d.doc_id: len(wanted & words[d.doc_id]) for d in docs}
    most = max(shared.values())
    best = [d for d in docs if most and shared[d.doc_id] == most]
    if len(best) == 1:
        return best
    among = {d.doc_id: d for d in best or docs}
    first_hit = next((among[p.doc_id] for p in hits if p.doc_id in among), None)
    return [first_hit] if first_hit else []


def opening(doc: DocInfo, get_chunks: GetChunks) -> ChunkRecord | None:
    """The chunk where ``doc`` says what it is about: the first of its opening chunks with a
    summary heading ("1. PURPOSE", "Executive Summary"), else its first chunk."""
    ordered = _first_chunks(doc, OPENING_CHUNKS, get_chunks)
    for c in ordered:
        at = summary_start(c.text)
        if at is not None and c.text[at:].strip():
            return c
    return ordered[0] if ordered else None


def dated(doc: DocInfo, get_chunks: GetChunks) -> ChunkRecord | None:
    """The first of ``doc``'s first chunks with a line that is only a date (its cover's
    "March 2006", a notice's "Thursday, August 6, 2020"), or None."""
    return next(
        (c for c in _first_chunks(doc, DATED_CHUNKS, get_chunks) if date_line(c.text)), None
    )


def _first_chunks(doc: DocInfo, n: int, get_chunks: GetChunks) -> list[ChunkRecord]:
    """``doc``'s first ``n`` chunks that are committed, in order."""
    ids = [f"{doc.doc_id}:{i}" for i in range(min(doc.chunks, n) or 1)]
    chunks = get_chunks(ids)
    return [chunks[i] for i in ids if i in chunks]


def _described(
    c: ChunkRecord, names: dict[str, str], alone: bool, get_chunks: GetChunks
) -> list[ChunkRecord]:
    """An opening and, when one document is asked, the chunk after it (a purpose section
    runs on); among several, the next chunk only when it says what the document is and the
    opening does not (FIPS 199's and FIPS 200's purpose sections open with the same sentence
    about the E-Government Act; "FIPS Publication 200 ... specifies" follows)."""
    after = list(get_chunks([f"{c.doc_id}:{c.idx + 1}"]).values())
    name = names.get(c.doc_id, c.name)
    if alone or (
        after and not describes_itself(c.text, name) and describes_itself(after[0].text, name)
    ):
        return [c, *after]
    return [c]


def _asked(question: str) -> tuple[str | None, str]:
    """(subject, what is asked of it: "overview" or "dated"); subject None: neither."""
    subject = overview_subject(question)
    if subject is not None:
        return subject, "overview"
    return date_subject(question), "dated"


def with_openings(
    question: str,
    result: RetrievalResult,
    library: Callable[[], Sequence[DocInfo]],
    get_chunks: GetChunks,
    relevance: Relevance,
    scope: Collection[str] | None = None,
) -> RetrievalResult:
    """``result`` led by the openings of the documents an overview question asks about
    (only those in ``scope``, when given); ``result`` itself for any other question."""
    subject, asks = _asked(question)
    if subject is None:  # most questions: no need to list the library
        return result
    docs = [d for d in library() if scope is None or d.doc_id in scope]
    carried = referred_back(question)  # "Summarize it." in a conversation
    asked = (
        asked_documents(subject, docs, get_chunks)
        if carried is None
        else pointed_at(carried, docs, result.passages, get_chunks)
    )
    pick = opening if asks == "overview" else dated
    chunks = [c for d in asked if (c := pick(d, get_chunks)) is not None]
    if not chunks:
        return result
    names = {d.doc_id: d.name for d in asked}
    if asks == "overview":
        chunks = [x for c in chunks for x in _described(c, names, len(chunks) == 1, get_chunks)]
    top = max((p.score for p in result.passages), default=1.0)
    lead = [
        Passage(
            chunk_id=c.chunk_id,
            doc_id=c.doc_id,
            source=names.get(c.doc_id, c.name),
            page=c.page,
            text=c.text,
            score=top,
            start=c.start,
            end=c.end,
            opens_document=asks == "overview",
        )
        for c in chunks
    ]
    ids = {p.chunk_id for p in lead}
    rest = [p for p in result.passages if p.chunk_id not in ids]
    keep = max(len(result.passages) - len(lead), 0)
    return replace(
        result,
        passages=relevance(lead) + rest[:keep],
        openings=tuple(p.chunk_id for p in lead),
        asks=asks,
    )

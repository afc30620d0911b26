"""A question that names a section: "What changed in version 4.2?" is answered with what
stands under the heading "Version 4.2 (September 2026)", headed by it.

Release notes, policies and manuals are read by their headings, and people ask by them. The
heading's section says what the question asks, but no sentence of it repeats the heading's
words ("The route planner now avoids aisles ..."), so sentence scoring finds nothing and the
refusal model, which leans on question-sentence similarity, refuses (P 0.32). The section is
the answer when the question names the heading and nothing else: every word of the question,
past the words that ask ("changed", "new", "released") and words of the document's own name,
is in the heading, and the heading's own words (outside brackets, past "version", "section")
are all in the question. So "What was removed in version 4.2?" (removed: in no heading) and
"What changed in version 4.3?" (no such heading) are left to the usual path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.base import Source
from providers.extractive_cuts import opens_document
from providers.extractive_lists import Piece
from text.sentences import is_heading_line, sentence_spans
from text.terms import content_terms, name_words

# Asking about a section's content, not naming it (stems, as content_terms gives them).
_ASKING = frozenset(
    content_terms(
        "change changed changes new added add adds release released happen happened include "
        "included includes contain contains cover covers say says describe described list "
        "summary summarize summarise introduce introduced ship shipped fix fixed fixes update "
        "updated updates improve improved improvements difference differences content contents "
        "mention mentions tell tells explain explains bring brings brought make makes made "
        # "What are the remote work rules?" asks for the section "Remote work"
        "rule rules policy policies guideline guidelines detail details information info "
        "requirement requirements"
    )
)
# A heading's words that need not be asked: "Version 4.2", "Section 3", "Chapter 2",
# "Security basics".
_GENERIC = frozenset(
    content_terms("version release section chapter part appendix step basics essentials overview")
)
# Who a guide speaks to ("your first week"): "What should new starters do in their first
# week?" names its reader besides the heading, words the guide has no need to use.
_READER = frozenset(
    content_terms(
        "starter starters joiner joiners hire hires newcomer newcomers recruit recruits "
        "employee employees staff colleague colleagues member members worker workers"
    )
)
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
MAX_BODY_SENTENCES = 3


def _terms(text: str) -> set[str]:
    """Content words (stemmed) and whole numbers: "4.2" is one term, never "4" and "2"."""
    words = {t for t in content_terms(_NUMBER.sub(" ", text)) if not t.isdigit()}
    return words | set(_NUMBER.findall(text))


def _headings(src: Source, loose: bool = False) -> list[tuple[int, int, int]]:
    """(span index, start, end) of each heading line among the source's sentences, the
    document's title (its first line) left out: its section is the whole document."""
    spans = sentence_spans(src.text)
    out = []
    for i, (s, e) in enumerate(spans):
        line = src.text[s:e]
        nxt = src.text[e:].lstrip()[:40]
        at_top = not src.text[:s].strip() and opens_document(src)
        if "\n" not in line and not at_top and nxt and _is_heading(src.text, s, e, nxt, loose):
            out.append((i, s, e))
    return out


_ENDS_SENTENCE = re.compile(r"[.!?:;,]\s*$")
# A table row ("API | Version: 2.4.0"), a "Key: value" line, a bullet: never a heading.
_NOT_A_HEADING = re.compile(r"\||:\s|^\s*[-*•]\s")
MAX_HEADING_WORDS = 6


def _is_heading(text: str, start: int, end: int, following: str, loose: bool = True) -> bool:
    """A heading line: title case (:func:`text.sentences.is_heading_line`), or with
    ``loose``, a few words in sentence case that stand as a paragraph of their own ("Remote
    work", between blank lines, as Markdown and Word headings are ingested), ending in no
    punctuation."""
    line = text[start:end]
    if is_heading_line(line, following):
        return True
    if not loose:
        return False
    alone = text[:start].rstrip(" \t").endswith("\n\n") and text[end:].lstrip(" \t").startswith(
        "\n\n"
    )
    words = line.split()
    return (
        alone
        and not _NOT_A_HEADING.search(line)
        and 0 < len(words) <= MAX_HEADING_WORDS
        and (line.lstrip()[:1].isupper() or line.lstrip()[:1].isdigit())
        and not _ENDS_SENTENCE.search(line)
    )


# "3. WHAT IS NOT COVERED": the section's number in a list of sections is no word of its name
_ENUMERATION = re.compile(r"^\s*\d{1,2}[.)]\s+(?=[A-Za-z])")


def _names(heading: str, asked: set[str], context: set[str]) -> bool:
    core = _terms(_BRACKETED.sub(" ", _ENUMERATION.sub("", heading)))
    own = core - _GENERIC
    return bool(own) and own <= asked and asked <= core | context | _READER


# "What is new in the latest release?": the section of the highest version number.
# "the latest release", its word ("release") in group 1 (rag/followup.py swaps in a number).
LATEST_RELEASE = re.compile(
    r"\b(?:the\s+)?(?:latest|newest|most\s+recent|current|last)\s+(release|version|update)\b",
    re.I,
)
_VERSION = re.compile(r"\bv?(\d+(?:\.\d+)+)\b")


# A release's heading ("Version 4.2 (September 2026)", "v2.1.0", "Release 3.1"), or any
# numbered heading of release notes; never a policy's section "3.2 Hotel Limits".
_RELEASE_HEADING = re.compile(r"\b(?:version|release|v)\s*\d", re.I)
_RELEASE_DOCUMENT = re.compile(r"release|changelog|changes|news|what'?s new", re.I)


def _latest(sources: Sequence[Source]) -> tuple[Source, int, int, int] | None:
    """The heading with the highest version number among the sources' release headings."""
    best: tuple[tuple[int, ...], tuple[Source, int, int, int]] | None = None
    for src in sources:
        first_line = src.text.lstrip().split("\n", 1)[0] if opens_document(src) else ""
        notes = bool(_RELEASE_DOCUMENT.search(f"{src.source} {first_line}"))
        for i, s, e in _headings(src):
            if not (notes or _RELEASE_HEADING.search(src.text[s:e])):
                continue
            m = _VERSION.search(_BRACKETED.sub(" ", src.text[s:e]))
            key = tuple(int(x) for x in m.group(1).split(".")) if m else None
            if key is not None and (best is None or key > best[0]):
                best = (key, (src, i, s, e))
    return best[1] if best else None


# "Which release added single sign-on?": the question asks for the heading of a sentence.
_WHICH = re.compile(
    r"^\s*(?:in\s+)?(?:which|what)\s+(?:version|release|update|section|chapter)\b", re.I
)


def _which(question: str, sources: Sequence[Source]) -> Piece | None:
    """The one sentence holding every other word of the question, under a heading."""
    rest = _terms(_WHICH.sub(" ", question)) - _ASKING
    if len(rest) < 2:
        return None
    hits = {f"{heading}: {text}": n for heading, text, n in _holding(rest, sources)}
    return Piece(*next(iter(hits.items()))) if len(hits) == 1 else None


# "When did single sign-on become available?", "Since when can reports be exported?": the
# date is the heading's ("Version 4.0 (March 2026)"), never the sentence's.
_WHEN = re.compile(
    r"^\s*(?:(?:since|from|until)\s+)?when\b|^\s*(?:in\s+)?(?:what|which)\s+(?:year|month|date)\b",
    re.I,
)
# What a "when" question says happened, in words the section need not repeat.
_HAPPENED = frozenset(
    content_terms(
        "become became available availability come came arrive arrived appear appeared start "
        "started begin began launch launched support supported possible get got"
    )
)


def _when(question: str, sources: Sequence[Source]) -> Piece | None:
    """The one sentence holding every other word of a "when" question, under a heading
    with a date when the sentence itself has none."""
    rest = _terms(_WHEN.sub(" ", question)) - _ASKING - _HAPPENED
    if len(rest) < 2:
        return None
    hits = {
        f"{heading}: {text}": n
        for heading, text, n in _holding(rest, sources)
        if _DATE.search(heading) and not _DATE.search(text)
    }
    return Piece(*next(iter(hits.items()))) if len(hits) == 1 else None


def _holding(rest: set[str], sources: Sequence[Source]) -> list[tuple[str, str, tuple[int]]]:
    """(heading, sentence, cites) of each sentence holding every term of ``rest``, with the
    heading above it (those under no heading left out)."""
    hits = []
    for src in sources:
        for s, e in sentence_spans(src.text):
            text = " ".join(src.text[s:e].split())
            if rest <= _terms(text) and (heading := _heading_above(src, text)) is not None:
                hits.append((heading, text, (src.n,)))
    return hits


def section_answer(question: str, sources: Sequence[Source], loose: bool = False) -> Piece | None:
    """The section a question names, as "Heading: its first sentences", or None (no heading
    named, or more than one). ``loose``: sentence-case headings count too (see
    :func:`_is_heading`), asked only when nothing else answers ("What are the remote work
    rules?"), so an answer that was right stays as it was."""
    if _WHICH.match(question):
        return _which(question, sources)
    if _WHEN.match(question) and (dated := _when(question, sources)) is not None:
        return dated  # else "When was version 4.1 released?" names its heading
    latest = LATEST_RELEASE.search(question)
    said = _terms(LATEST_RELEASE.sub(" ", question))
    asked = said - _ASKING
    if latest and not asked:
        return _piece(_latest(sources))
    if not asked:
        return None
    # "What is not covered by the warranty?" names "3. WHAT IS NOT COVERED" with the word
    # that otherwise asks what a section covers: asked as said, when nothing else is named
    found = _named(asked, sources, loose) or _named(said, sources, loose)
    # one heading of one document: "Eligibility" in two policies names neither
    headings = {(src.source, " ".join(src.text[s:e].split()).lower()) for src, _, s, e in found}
    return _piece(found[0]) if len(headings) == 1 else None


def _named(
    asked: set[str], sources: Sequence[Source], loose: bool
) -> list[tuple[Source, int, int, int]]:
    """(source, span index, start, end) of each heading that ``asked`` names."""
    found: list[tuple[Source, int, int, int]] = []
    for src in sources:
        context = _terms(name_words(src.source))
        first_line = src.text.lstrip().split("\n", 1)[0]
        if (
            opens_document(src) and len(first_line) <= 80
        ):  # the title: "Northwind Fleet release notes"
            context |= _terms(first_line)
        for i, s, e in _headings(src, loose):
            if _names(src.text[s:e], asked, context):
                found.append((src, i, s, e))
    return found


def _piece(found: tuple[Source, int, int, int] | None) -> Piece | None:
    if found is None:
        return None
    src, i, s, e = found
    body = _body(src, i)
    if not body:
        return None
    heading = " ".join(src.text[s:e].split())
    return Piece(f"{heading}: {' '.join(body)}", (src.n,))


def _body(src: Source, heading_index: int) -> list[str]:
    """The sentences under heading ``heading_index`` up to the next heading (at most a few)."""
    spans = sentence_spans(src.text)
    body: list[str] = []
    for s, e in spans[heading_index + 1 :]:
        line = src.text[s:e]
        nxt = src.text[e:].lstrip()[:40]
        if ("\n" not in line and _is_heading(src.text, s, e, nxt)) or len(
            body
        ) >= MAX_BODY_SENTENCES:
            break
        if body and _ends_section(src.text, s, line, body[-1]):
            break
        body.append(" ".join(line.split()))
    return body


# "Next meeting: 24 February 2027." in a paragraph of its own after the Risks section's prose
# is the notes' next entry, not a risk; "Part-time: 12 days" after "Full-time: 25 days" goes on.
_LABEL = re.compile(r"^\s*[A-Z][\w -]{0,30}:\s+\S")


def _ends_section(text: str, start: int, line: str, last: str) -> bool:
    return bool(
        _LABEL.match(line)
        and not _LABEL.match(last)
        and text[:start].rstrip(" \t").endswith("\n\n")
    )


_DATE = re.compile(r"\b(?:1[5-9]|20)\d{2}\b")


def _heading_above(src: Source, text: str) -> str | None:
    """The heading whose section opens with ``text`` (within its first few sentences)."""
    spans = sentence_spans(src.text)
    flat = [" ".join(src.text[s:e].split()) for s, e in spans]
    here = next((i for i, f in enumerate(flat) if text.startswith(f)), None)
    if here is None:
        return None
    heads = {i for i, _, _ in _headings(src)}
    if here in heads:  # already headed ("Version 4.0 (March 2026): Northwind Fleet ...")
        return None
    for i in range(here - 1, max(here - 1 - MAX_BODY_SENTENCES, -1), -1):
        if i in heads:
            return flat[i]
    return None


def headed(question: str, pieces: Sequence[Piece], sources: Sequence[Source]) -> list[Piece]:
    """Pieces quoted from a section, headed by its heading where the question asks what only
    the heading says: "Which version added support for the Carrier R2?" is answered by
    "Added support for the Carrier R2 lift attachment." under "Version 4.1 (June 2026)"."""
    by_n = {s.n: s for s in sources}
    asked = _terms(question)
    when = _WHEN.match(question) is not None
    said = _terms(" ".join(p.text for p in pieces))  # a heading says what no piece says
    out: list[Piece] = []
    for p in pieces:
        src = by_n.get(p.cites[0]) if p.cites else None
        heading = _heading_above(src, p.text) if src is not None else None
        if heading is not None and not any(q.text.startswith(f"{heading}: ") for q in out):
            only_there = _terms(_BRACKETED.sub(" ", heading)) - said
            dated = when and _DATE.search(heading) and not _DATE.search(p.text)
            if asked & only_there or dated or _WHICH.match(question):
                p = Piece(f"{heading}: {p.text}", p.cites)
        out.append(p)
    return out

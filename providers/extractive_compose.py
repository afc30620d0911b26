"""Answer composition for the extractive answerer: the shortest complete text that answers.

It chooses what to quote from the scored sentences by the question's kind (``extractive_qtype``):
- a fact (who / when / how many / where / what): the sentence holding it, preferring one
  with something of the asked type (a date for "when", a number for "how many"), plus the
  next sentence only when it continues the same passage and scores nearly as well;
- a list ("Name the five Functions...", or a best sentence that announces one): the items
  after it (bullets, numbered, capitalised lines), or a sentence that holds them ("A and B");
- a definition: the sentence that defines the term ("X is...", "X means...", "X: ...");
- yes/no: "Yes." or "No." first, when the quoted sentence says it (negated or not).
- a table row the question names by its key and a column: the row, cut to those cells.
Never a heading, furniture or a sentence cut at a chunk's edge; each quote ends with its ``[n]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from providers.base import Source
from providers.extractive_cuts import unannounced, unbulleted
from providers.extractive_defined import described_under, glossed
from providers.extractive_everyday import names_owner, spells_out
from providers.extractive_layout import FAQ_BONUS, REFERENCE, answers_faq
from providers.extractive_lists import (
    ENUMERATION_BONUS,
    FollowFn,
    Piece,
    enumerates_asked,
    list_answer,
)
from providers.extractive_measures import amount_text, measured
from providers.extractive_qtype import QuestionType, classify, count_word, polarity, says_predicate
from providers.extractive_quotable import TERM_LINE as _TERM_LINE
from providers.extractive_quotable import quotable_texts, tidy
from providers.extractive_rows import row_pieces
from providers.extractive_signature import answers_who, names_a_person, names_people
from providers.extractive_tables import asks_row_total, focus_record
from providers.extractive_terms import ANAPHOR, content_terms
from text.terms import name_words

if TYPE_CHECKING:
    from providers.extractive_provider import Candidate

TypeMatch = Callable[[str, str, str], float]

_SUBJECT = re.compile(r"^\s*(?:the\s+|an?\s+)?(?P<subj>[\w\- ]{2,60}?)\s+(?:is|are|means)\s", re.I)

TYPE_BONUS = 0.2
WHEN_TYPE_BONUS = 0.45
DEFINITION_BONUS = 0.45
ANNOUNCE_PENALTY = 0.3
SECOND_RATIO = 0.85
COMPLEMENT_RATIO = 0.9  # a sentence elsewhere must score nearly as well as the best
COMPLEMENT_SEARCH = 4
OWN_BONUS = 0.3
SIGNATURE_BONUS = 0.6  # "Who was the Acting Director?" and "-- C. FURLANI, ACTING DIRECTOR"
# "Who leads Project Falcon?": "... the lead is Marta Okafor." over "... is PLUMTREE."
PERSON_BONUS = 0.1
PHRASE_BONUS = 0.1  # per shared two-word phrase, at most two (yes/no questions)
# Words that ask what something is: no fact the answer lacks ("What does a loss of integrity
# mean?" took a second sentence for "means": "AMPLIFICATION: A serious adverse effect means").
_ASKING = frozenset(content_terms("mean means meaning define defined definition stand stands"))
# Questions after one fact (how many, when, who, where) are answered by one sentence.
ONE_SENTENCE_WH = frozenset(["how_many", "when", "who", "where"])


# --- ranking by question kind -----------------------------------------------------------
def _defines(text: str, term: str) -> bool:
    # the term quoted or in the plural ("a format called “wheels”") is the same term
    t = rf"[\"“‘']?{re.escape(term.strip().lower())}s?[\"”’']?"
    low = text.lower()
    pattern = (
        rf"(?:^|[.!?]\s+)(?:the\s+|a\s+|an\s+)?{t}\s*(?:\([^)]*\)\s*)?(?:is|are|means|refers|:|–|-)"
    )
    named = rf"(?:{t}\s+(?:is|are)\s+defined\s+as|\b(?:known\s+as|called|termed)\s+(?:an?\s+|the\s+)?{t})"
    if re.search(pattern, low) or re.search(named, low) or glossed(text, term):
        return True
    # "old-versions: The set of ..." (a term over its description, see ``tidy``) defines
    # "the old-versions option"
    if _term_entry(text):
        return bool(set(content_terms(text.split(":", 1)[0])) & set(content_terms(term)))
    # "Extensions are C code ..." defines "extension modules": the subject's words are the
    # term's (by stem), the term shortened or inflected
    m = _SUBJECT.match(text)
    subject = set(content_terms(m.group("subj"))) if m else set()
    return bool(subject) and subject <= set(content_terms(term))


def rank(
    qt: QuestionType,
    question: str,
    quoted: list[tuple[Candidate, str]],
    wh: str,
    type_match: TypeMatch,
) -> list[tuple[float, Candidate, str]]:
    """Quotable sentences re-ranked for this kind of question, best first. A follow-up
    completed with the last turn's terms in brackets ("How many of them can be carried
    over? (vacation days)") prefers the sentence with the user's own words."""
    own = _own_terms(question)
    # "Does FIPS 199 apply to national security systems?": the sentence that names
    # "national security systems" decides it, not the one that repeats "FIPS 199".
    asked_phrases = set(pairwise(content_terms(question))) if qt.kind == "yesno" else set()
    out = []
    for c, text in quoted:
        bonus = OWN_BONUS * len(own & set(content_terms(text))) / len(own) if own else 0.0
        typed = 0.0
        if qt.kind == "fact":
            # A date is an unambiguous "when" answer, a number a "how many" one; names are
            # weaker signals.
            weight = WHEN_TYPE_BONUS if wh in ("when", "how_many") else TYPE_BONUS
            typed = type_match(
                wh, amount_text(wh, REFERENCE.sub(" ", text)), question
            ) or count_word(wh, text, question)
            bonus += weight * typed + WHEN_TYPE_BONUS * measured(question, text)
            bonus += DEFINITION_BONUS * spells_out(question, text)  # "What does X stand for?"
            if wh == "who" and (
                answers_who(question, text, c.source.text) or names_owner(question, text)
            ):
                bonus += SIGNATURE_BONUS
            elif wh == "who" and (names_a_person(text, question) or names_people(text, question)):
                bonus += PERSON_BONUS
        elif qt.kind == "definition" and (
            _defines(text, qt.term) or described_under(c.source.text, c.start, qt.term)
        ):
            bonus += DEFINITION_BONUS
        elif qt.kind == "list":
            bonus += ENUMERATION_BONUS * enumerates_asked(question, text, qt.count, qt.noun)
        elif qt.kind == "yesno":
            shared = asked_phrases & set(pairwise(content_terms(text)))
            bonus += PHRASE_BONUS * min(2, len(shared))
            bonus += PHRASE_BONUS * 2 * says_predicate(question, text)
        if answers_faq(c, question):
            bonus += FAQ_BONUS
        if asks_row_total(text, question):  # the part of a split row that holds its total
            bonus += TYPE_BONUS
        # It announces what follows and says nothing itself - unless it holds the number or
        # date asked for ("It will be supplied with either two or three arguments:").
        holds_asked = typed and wh in ("how_many", "when")
        if qt.kind != "list" and text.rstrip().endswith(":") and not holds_asked:
            bonus -= ANNOUNCE_PENALTY
        out.append((c.score + bonus, c, focus_record(text, question)))
    out.sort(key=lambda x: -x[0])
    return out


def _own_terms(question: str) -> set[str]:
    m = re.match(r"^(?P<own>.*?)\s*\((?P<carried>[^()]*)\)\s*$", question)
    if not m:
        return set()
    return set(content_terms(m.group("own"))) - set(content_terms(m.group("carried")))


# --- the answer ---------------------------------------------------------------------------
def _second(
    best: tuple[float, Candidate, str],
    ranked: list[tuple[float, Candidate, str]],
    ratio: float = SECOND_RATIO,
) -> tuple[float, Candidate, str] | None:
    """The next sentence of the best one's passage if it scores nearly as well (0: always)."""
    score, c, _ = best
    for other in ranked[1:]:
        o = other[1]
        gap = c.source.text[c.end : o.start]
        if o.source.n == c.source.n and o.start > c.end and len(gap.strip()) == 0:
            if ratio == 0 and ("\n\n" in gap or _term_entry(other[2])):
                return None  # a new paragraph or the next entry of the list
            return other if other[0] >= score * ratio else None
    return None


def _term_entry(text: str) -> bool:
    """ "old-versions: The set of ..." (``tidy`` joined a term line to its description)."""
    colon = re.match(r"([^:\s][^:]{0,40}):\s", text)
    return bool(colon and _TERM_LINE.fullmatch(colon.group(1)))


def _complement(
    question: str, best: tuple[float, Candidate, str], ranked: list[tuple[float, Candidate, str]]
) -> tuple[float, Candidate, str] | None:
    """A near-best sentence that holds a word of the question the best one lacks: a question
    about two facts ("...and if not, when are they created?") is answered by two sentences."""
    missing = set(content_terms(question)) - set(content_terms(best[2])) - _ASKING
    for other in ranked[1:COMPLEMENT_SEARCH] if missing else []:
        if other[0] < best[0] * COMPLEMENT_RATIO:
            break
        if other[2] != best[2] and missing & set(content_terms(other[2])):
            return other
    return None


def _previous(
    best: tuple[float, Candidate, str], ranked: list[tuple[float, Candidate, str]]
) -> tuple[float, Candidate, str] | None:
    """The quotable sentence right before the best one in its passage, if any."""
    c = best[1]
    for other in ranked[1:]:
        o = other[1]
        same = o.source.n == c.source.n and o.end <= c.start
        if same and not c.source.text[o.end : c.start].strip():
            return other
    return None


def compose(
    question: str,
    cands: Sequence[Candidate],
    sources: Sequence[Source],
    wh: str,
    type_match: TypeMatch,
    max_sentences: int = 2,
    follow: FollowFn | None = None,
    precede: FollowFn | None = None,
) -> list[Piece]:
    """The answer's pieces, in reading order; empty when nothing is quotable."""
    # a table row the question names by its key and a column ("the budget for a standing desk")
    if (rows := row_pieces(question, cands)) is not None:
        return rows  # [] when no row has both: refused
    qt = classify(question)
    ranked = rank(qt, question, quotable_texts(cands, follow, precede), wh, type_match)
    if not ranked:
        return []
    announces = qt.kind != "list" and ranked[0][2].rstrip().endswith(":")  # "the following:"
    if qt.kind == "list" or announces:  # the items after an announcing sentence answer
        asked, among = (QuestionType("list"), ranked[:1]) if announces else (qt, ranked)
        if listed := list_answer(asked, among, sources, follow, tidy):
            return [listed]
    if qt.kind == "list":
        # No announced list: the sentence that enumerates the items, if one is near the top.
        near = sorted(
            ranked[:6], key=lambda r: -enumerates_asked(question, r[2], qt.count, qt.noun)
        )
        ranked = near + ranked[6:]
    best = ranked[0]
    chosen = [best]
    # "This feature is known as X." / "It carries up to 600 kilograms.": the sentence before
    # says what "this" or "it" is; quoted alone the answer would not say.
    before = _previous(best, ranked) if ANAPHOR.match(best[2]) else None
    two = max_sentences > 1 and qt.kind != "yesno" and wh not in ONE_SENTENCE_WH
    # An entry of a list of terms or options is described by its whole (short) paragraph:
    # "--disable-setuid: By default, man is installed setuid. Use this option to install it
    # as a non-setuid program instead."
    entry = qt.kind == "definition" and _term_entry(best[2])
    second = _second(best, ranked, 0.0 if entry else SECOND_RATIO) if two and not before else None
    if two and not before and not second:
        second = _complement(question, best, ranked)
    if before:
        chosen.insert(0, before)
    if second:
        chosen.append(second)
    whole = qt.kind == "list"  # a list's announcing clause stays: its items follow
    pieces = [Piece(text if whole else unannounced(text), (c.source.n,)) for _, c, text in chosen]
    if qt.kind == "yesno":
        src = chosen[0][1].source
        said = polarity(question, pieces[0].text, f"{name_words(src.source)} {src.text}")
        if said:
            pieces[0] = Piece(f"{said}. {pieces[0].text}", pieces[0].cites)
    return pieces


def render(pieces: Sequence[Piece]) -> str:
    return " ".join(f"{unbulleted(p.text)} {''.join(f'[{n}]' for n in p.cites)}" for p in pieces)

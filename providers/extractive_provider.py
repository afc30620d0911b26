"""The extractive answerer: no LLM, always available, cost 0.

It answers from the request's numbered sources by picking the sentences that best answer
the question - embedding similarity to the question plus idf-weighted overlap of the
question's content words, plus the passage's retrieval rank - and cites them as ``[n]``.
It refuses ("not enough information") when a small calibrated model over those signals
says nothing retrieved answers the question (see ``rag/eval/refusal.py`` for how it was
fitted on SQuAD v2.0, split by article).

The embedder is injected by the caller (``providers`` never imports ``rag``).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from providers.base import (
    REFUSAL_TEXT,  # re-exported: it lived here before providers/base.py
    Capabilities,
    Request,
    Response,
    Source,
    StreamItem,
    Usage,
)
from providers.extractive_compose import FollowFn, Piece, compose
from providers.extractive_compose import render as compose_text
from providers.extractive_cuts import opens_document
from providers.extractive_everyday import asks_procedure, everyday_rescue
from providers.extractive_labels import label_answer
from providers.extractive_layout import past_answer_label
from providers.extractive_offtype import off_type, retyped
from providers.extractive_overview import dated_answer, overview_answer
from providers.extractive_parts import with_parts
from providers.extractive_reading import read_as, refusal_text
from providers.extractive_refusal import (  # re-exported: they lived here before
    FEATURE_NAMES,
    Z_CLIP,
    Candidate,
    KnownFn,
    RefusalModel,
    _type_match,
    _wh_type,
    question_features,
    quotable,
    unknown_terms,
)
from providers.extractive_rescue import asks_rules_of, rescued
from providers.extractive_sections import headed, section_answer
from providers.extractive_signature import signature
from providers.extractive_spelling import spelt_as_sources
from providers.extractive_tables import render_row
from providers.extractive_terms import ANAPHOR
from providers.extractive_topic import sentence_terms
from text.asking import as_question, own_part, plain_question
from text.sentences import is_heading_line, is_title, sentence_spans
from text.terms import WORD as _WORD
from text.terms import content_terms, without_file_names

MIN_SENTENCE_WORDS = 4

EmbedFn = Callable[[Sequence[str]], np.ndarray]

__all__ = [
    "FEATURE_NAMES",
    "REFUSAL_TEXT",
    "Z_CLIP",
    "Candidate",
    "ExtractiveProvider",
    "RefusalModel",
    "question_features",
    "quotable",
]


class ExtractiveProvider:
    name = "extractive"
    display_name = "Extractive"
    locality = "local"
    capabilities = Capabilities(
        streaming=True, json_mode=False, tools=False, max_context=1_000_000, local=True, paid=False
    )

    def __init__(
        self,
        model: str = "sentences",
        embed: EmbedFn | None = None,
        refusal: RefusalModel | None = None,
        max_sentences: int = 2,
        sim_weight: float = 1.0,
        overlap_weight: float = 0.6,
        rank_weight: float = 0.15,
        follow: FollowFn | None = None,
        precede: FollowFn | None = None,
        known: KnownFn | None = None,
        **_: Any,
    ) -> None:
        self.model = model
        self.embed = embed
        self.refusal = refusal or RefusalModel()
        self.max_sentences = max_sentences
        self.sim_weight = sim_weight
        self.overlap_weight = overlap_weight
        self.rank_weight = rank_weight
        self.follow = follow  # the text after a source in its document (lists run on)
        self.precede = precede  # the text before it (a sentence a page break cut)
        self.known = known  # is a word anywhere in the corpus (``unknown_terms``)

    # --- scoring -------------------------------------------------------------------------
    def candidates(self, question: str, sources: Sequence[Source]) -> list[Candidate]:
        spans: list[tuple[Source, int, int, int, str]] = []
        for rank, src in enumerate(sources):
            for s, e in sentence_spans(src.text):
                s = past_answer_label(src.text, s)  # "A: Passwords must ..." of a Q/A FAQ
                # a text-table row is read (and scored) with its column names
                sent = render_row(src.text, s, e) or src.text[s:e]
                # Questions (FAQ headings) restate the question; they never answer it.
                if len(sent) >= 12 and _WORD.search(sent) and not sent.rstrip().endswith("?"):
                    spans.append((src, rank, s, e, sent))
        if not spans:
            return []
        q_terms = set(content_terms(question))
        # "It carries up to 600 kilograms.": a sentence that starts with a pronoun is about
        # what the one before it names; it is scored with that sentence as its context -
        # the one right before it: across a heading ("7. Review"), "This policy is reviewed
        # every 12 months." took the travel sentence's words and won its question.
        ctx = [
            spans[i - 1][4] + " " + sp[4]
            if i
            and spans[i - 1][0] is sp[0]
            and ANAPHOR.match(sp[4])
            and not _WORD.search(sp[0].text[spans[i - 1][3] : sp[2]])
            else None
            for i, sp in enumerate(spans)
        ]
        sent_terms = sentence_terms(spans, ctx)
        n = len(spans)
        idf = _idf(q_terms, sent_terms)
        total_idf = sum(idf.values()) or 1.0
        if self.embed is not None:
            extra = [c for c in ctx if c is not None]
            vecs = self.embed([question] + [sp[4] for sp in spans] + extra)
            sims = (vecs[1 : n + 1] @ vecs[0]).astype(float)
            with_ctx = iter((vecs[n + 1 :] @ vecs[0]).astype(float))
            sims = np.array(
                [max(x, next(with_ctx)) if c else x for x, c in zip(sims, ctx, strict=True)]
            )
        else:
            sims = np.zeros(n)
        out = []
        for (src, rank, s, e, sent), terms, sim in zip(spans, sent_terms, sims, strict=True):
            overlap = sum(idf[t] for t in terms & q_terms) / total_idf if q_terms else 0.0
            score = (
                self.sim_weight * float(sim)
                + self.overlap_weight * overlap
                + self.rank_weight / (1 + rank)
            )
            out.append(
                Candidate(
                    *(src, rank, sent, s, e, float(sim), overlap, score),
                    _unquotable(src.text, s, e, opens_document=opens_document(src)),
                )
            )
        out.sort(key=lambda c: -c.score)
        return out

    def features(
        self, question: str, sources: Sequence[Source], cands: Sequence[Candidate]
    ) -> dict[str, float]:
        """Signals for the refusal model (see ``rag/eval/refusal.py``).

        SQuAD v2.0's unanswerable questions are written against the same paragraph as the
        answerable ones, so "is this passage on topic" says little. What separates them is
        whether the question's specifics are *in* the text: a swapped entity, number or
        date the passage never mentions, a negation or superlative the best sentence lacks,
        question terms spread over the passage but not together in one sentence, and
        whether the best sentence holds something of the type the question asks for.
        """
        if not cands:
            return dict.fromkeys(FEATURE_NAMES, 0.0)
        return question_features(question, sources, cands)

    # --- Provider ------------------------------------------------------------------------
    def answer(self, request: Request) -> tuple[Response, list[Candidate]]:
        whole, cands = self._answer_one(request)
        # "What is the daily meal allowance and are taxis reimbursed?": each part's fact
        return with_parts(self._answer_one, request, _asked(request), whole), cands

    def _answer_one(self, request: Request) -> tuple[Response, list[Candidate]]:
        t0 = time.perf_counter()
        asked = _asked(request)
        spelt = spelt_as_sources(asked, request.sources)  # "hotle limit in londn" as spelt
        if (about := self._about_documents(spelt, request)) is not None:
            read = self._read_as(request, asked, spelt)
            return self._response(*about, t0, {"overview": True, **read}), []
        # "in FIPS 199" of FIPS199.pdf, whose running header was cut as page furniture
        question = without_file_names(spelt, [(s.source, s.text) for s in request.sources])
        cands = self.candidates(question, request.sources)
        feats = self.features(question, request.sources, cands)
        p_answerable = self.refusal.probability(feats) if cands else 0.0
        # Two stages: a distinctive word of the question that the documents never use
        # refuses whatever the model says (see ``unknown_terms``).
        unknown = unknown_terms(question, request.sources, self.known) if cands else []
        # Below the threshold, a sentence holding the kind of answer asked for (a duration, a
        # date, an amount) and every other word of the question still answers it.
        # A question that names a heading ("What changed in version 4.2?") is answered by
        # its section, whose sentences do not repeat the heading's words.
        section = section_answer(question, request.sources)
        low = p_answerable < self.refusal.threshold and not (
            rescued(question, cands)
            or everyday_rescue(question, cands)
            or self._own_rescued(question, request.sources, cands)
        )
        # A sentence-case heading ("Remote work", "Your first week") names the section the
        # model doubts, whose rules are asked ("What are the security requirements?") or
        # what to do in it ("What should new starters do in their first week?").
        if section is None and (low or asks_rules_of(question) or asks_procedure(question)):
            section = section_answer(question, request.sources, loose=True)
        labelled = label_answer(question, request.sources, self.follow)  # "Attendees: ..."
        refused = not labelled and (not cands or (low and section is None) or bool(unknown))
        if refused or labelled:
            pieces = labelled
        else:
            pieces = [section] if section else self._compose(question, cands, request.sources)
            pieces = headed(question, pieces, request.sources)  # "Which version added ...?"
            pieces = retyped(question, pieces, cands)  # the title page's "version 3.4"
        # Nothing quotable (only headings, furniture or cut sentences): say so, not a fragment.
        # No number for "how many", no name for "who wrote": it answers another question.
        said = [p.text for p in pieces]
        refused = refused or not pieces or off_type(question, said)
        if refused:  # a question in another language is told the documents are English
            text, cited = refusal_text(asked, request.sources), []
        else:
            text = compose_text(pieces)
            cited = sorted({n for p in pieces for n in p.cites})
        raw = {"p_answerable": p_answerable, "features": feats, "unknown_terms": unknown}
        raw.update(self._read_as(request, asked, spelt, text))
        return self._response(text, cited, t0, raw, refused), cands

    def _own_rescued(
        self, question: str, sources: Sequence[Source], cands: Sequence[Candidate]
    ) -> bool:
        """A follow-up that carried the last turn's terms in brackets ("Until when is it
        valid? (Northwind)") is rescued as its own words are, when both pick the same best
        sentence: the passages were searched with the terms, yet the sentence that answers
        ("The offer is valid until 28 February 2027.") need not repeat them, and they halved
        its overlap with the question."""
        own = own_part(question)
        if own == question or not cands:
            return False
        mine = self.candidates(own, sources)
        same = bool(mine) and quotable(mine)[0].text == quotable(cands)[0].text
        return same and (rescued(own, mine) or everyday_rescue(own, mine))

    @staticmethod
    def _read_as(request: Request, asked: str, question: str, text: str = "") -> dict[str, str]:
        """What the user is told was answered: their own words respelt ("And in Tokio?" read
        as "And in Tokyo?"), not the follow-up's rewrite ("What is the nightly hotel limit
        in Tokyo?") that was searched and answered."""
        if request.metadata.get("focus") and request.question:
            asked = as_question(plain_question(request.question))
            question = spelt_as_sources(asked, request.sources)
        return read_as(asked, question, text)

    def _about_documents(self, question: str, request: Request) -> tuple[str, list[int]] | None:
        """The answer to a question about whole documents, when the retrieval marked one
        (``rag/overview.py``): "Summarize the travel policy.", "When was FIPS 200
        published?". None: answer as usual."""
        if numbers := request.metadata.get("overview"):
            return overview_answer(
                question, request.sources, numbers, self.candidates, self.follow, self.precede
            )
        return dated_answer(request.sources, request.metadata.get("dated") or [])

    def _response(
        self, text: str, cited: list[int], t0: float, raw: dict[str, Any], refused: bool = False
    ) -> Response:
        return Response(
            text=text,
            provider=self.name,
            model=self.model,
            usage=Usage(0, 0),
            cost_usd=0.0,
            latency_ms=(time.perf_counter() - t0) * 1000,
            finish_reason="refused" if refused else "stop",
            refused=refused,
            cited=cited,
            raw=raw,
        )

    def _compose(
        self, question: str, cands: Sequence[Candidate], sources: Sequence[Source]
    ) -> list[Piece]:
        """What to quote, by the question's kind (``providers/extractive_compose.py``)."""
        wh = _wh_type(question)
        return compose(
            question,
            cands,
            sources,
            wh,
            _type_match,
            self.max_sentences,
            self.follow,
            self.precede,
        )

    def generate(self, request: Request) -> Response:
        return self.answer(request)[0]

    def stream(self, request: Request) -> Iterator[StreamItem]:
        resp = self.generate(request)
        # Word-sized deltas so the UI path is the same as for a real streaming model.
        yield from re.findall(r"\S+\s*", resp.text)
        yield resp


def _asked(request: Request) -> str:
    """What the request asks. A follow-up's question in context ("How many of them..." +
    what "them" is). An instruction is read as the question it asks ("Tell me about the
    warranty."). What people type around a question ("hi, could you tell me ... thanks") is
    read through."""
    return as_question(
        plain_question(
            request.metadata.get("focus")
            or request.question
            or next((m.content for m in reversed(request.messages) if m.role == "user"), "")
        )
    )


def _idf(q_terms: set[str], sent_terms: Sequence[set[str]]) -> dict[str, float]:
    """idf of each question word over the retrieved sentences: a question word that occurs
    everywhere says little. Words that always occur together are one name ("Carrier R2"):
    counted once, or "What is the warranty on the Carrier R2?" is answered by a sentence
    naming the robot twice over (its price) instead of the one about warranty."""
    n = len(sent_terms)
    df: dict[str, int] = {}
    for terms in sent_terms:
        for t in terms & q_terms:
            df[t] = df.get(t, 0) + 1
    idf = {t: math.log(1 + (n + 1) / (df.get(t, 0) + 0.5)) for t in q_terms}
    for twin in _twins(q_terms, sent_terms):
        idf[twin] = 0.0
    return idf


def _twins(q_terms: set[str], sent_terms: Sequence[set[str]]) -> list[str]:
    """The question words found in exactly the same sentences as another question word
    (sorted first): all but one of each such group."""
    seen: dict[frozenset[int], str] = {}
    twins = []
    for t in sorted(q_terms):
        where = frozenset(i for i, terms in enumerate(sent_terms) if t in terms)
        if where and where in seen:
            twins.append(t)
        else:
            seen.setdefault(where, t)
    return twins


def _is_heading(sentence: str) -> bool:
    """Short lines that name a topic rather than state something: under 4 words, or under 8
    without a full stop ("Northwind Robotics Employee Handbook", "Booking travel.")."""
    words = len(_WORD.findall(sentence))
    ended = sentence.rstrip().rstrip("\"')]").endswith((".", "!"))
    return words < MIN_SENTENCE_WORDS or (words < 8 and not ended)


def _unquotable(text: str, start: int, end: int, opens_document: bool = False) -> bool:
    """Headings, titles, and pieces of a sentence that a page or chunk boundary cut
    ("... after takeoff from Soekarno-", a page that starts mid-sentence): evidence, but never
    quoted while a whole sentence is there to quote. A document may start in lower case
    ("café menu: the hotel limit is 200 euros per night."): that is no cut."""
    sent = text[start:end]
    if signature(sent):  # "-- CITA M. FURLANI, ACTING DIRECTOR": a signer, not a heading
        return False
    if _is_heading(sent) or is_heading_line(sent) or is_title(sent):
        return True
    cut_end = end >= len(text.rstrip()) and (sent[-1].islower() or sent[-1] in ",-–(/&")
    cut_start = not opens_document and not text[:start].strip() and sent[0].islower()
    return cut_end or cut_start

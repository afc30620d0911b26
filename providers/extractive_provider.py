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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from providers.antonyms import antonym_swap
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
from providers.refusal_features import DOC_FEATURE_NAMES, document_features
from text.sentences import is_heading_line, is_title, sentence_spans
from text.terms import WORD as _WORD
from text.terms import content_terms

MIN_SENTENCE_WORDS = 4

EmbedFn = Callable[[Sequence[str]], np.ndarray]

_NUMBER = re.compile(r"\d")
_YEAR_OR_DATE = re.compile(
    r"\b(1\d{3}|20\d{2}|\d{1,2}(st|nd|rd|th)|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|century|centuries|decade|BC|AD)\b"
)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z\-]+")
# Words that flip or narrow a question's meaning; SQuAD v2.0 writers insert them to make a
# question unanswerable from a passage that answers its un-negated twin.
_CUES = frozenset(
    [
        "not",
        "no",
        "never",
        "n't",
        "without",
        "except",
        "least",
        "fewest",
        "smallest",
        "lowest",
        "worst",
        "last",
        "first",
        "only",
        "before",
        "after",
        "earliest",
        "latest",
        "largest",
        "biggest",
        "highest",
        "most",
        "best",
        "less",
        "more",
        "fewer",
        "longest",
        "shortest",
        "minimum",
        "maximum",
    ]
)
_CUE_WORD = re.compile(r"[A-Za-z]+(?:n't)?")
_WH_TYPES = ("who", "when", "where", "how_many", "why", "which", "what", "how")

FEATURE_NAMES = (
    "best_score",
    "best_sim",
    "best_overlap",
    "max_sim",
    "max_overlap",
    "margin",
    "passage_coverage",
    "q_terms",
    "best_rank",
    "sent_missing",
    "passage_missing",
    "passage_missing_idf",
    "sources_missing",
    "missing_caps",
    "missing_numbers",
    "cue_missing",
    "q_has_cue",
    "q_negated",
    "type_match",
    "sent_new_terms",
    "sim_gap",
    "window_overlap",
    "antonym_swap",
    *(f"wh_{w}" for w in _WH_TYPES),
    *DOC_FEATURE_NAMES,
)


_WH_PATTERNS = (
    (
        "how_many",
        r"\bhow (many|much|long|old|far|large|big|tall)\b|\bwhat (percentage|percent|year|number|amount)\b",
    ),
    ("when", r"\b(when|what year|what time|what date|what century)\b"),
    ("who", r"\b(who|whom|whose)\b"),
    ("where", r"\bwhere\b"),
    ("why", r"\bwhy\b"),
    ("which", r"\bwhich\b"),
    ("what", r"\bwhat\b"),
    ("how", r"\bhow\b"),
)


def _wh_type(question: str) -> str:
    """The question's own wh-word: the earliest one, so "What is the allowance when
    travelling?" asks for a what, not a when. Ties (same start) go to the more specific."""
    q = question.lower()
    found = [
        (m.start(), i, wh) for i, (wh, pat) in enumerate(_WH_PATTERNS) if (m := re.search(pat, q))
    ]
    return min(found)[2] if found else "what"


def _type_match(wh: str, sentence: str, question: str) -> float:
    """Does the sentence hold something of the expected answer type that the question lacks?"""
    q_low = question.lower()
    if wh == "when":
        return float(any(m.group(0).lower() not in q_low for m in _YEAR_OR_DATE.finditer(sentence)))
    if wh == "how_many":
        nums = re.findall(r"\d[\d,.]*", sentence)
        return float(any(n not in question for n in nums))
    if wh in ("who", "where", "which"):
        caps = {m.group(0).lower() for m in _CAPITALISED.finditer(sentence)}
        return float(any(c not in q_low for c in caps))
    return 1.0


def _cues(text: str) -> set[str]:
    return {
        w.lower()
        for w in _CUE_WORD.findall(text)
        if w.lower() in _CUES or w.lower().endswith("n't")
    }


def question_features(
    question: str, sources: Sequence[Source], cands: Sequence[Candidate]
) -> dict[str, float]:
    # The sentence that would be quoted: a heading ("Parental leave") restates the topic,
    # and judged as the answer it looks like SQuAD 2.0's copied-words unanswerables.
    best = quotable(cands)[0]
    q_terms = set(content_terms(question))
    n_q = len(q_terms) or 1
    sent_terms = set(content_terms(best.text))
    passage_terms = set(content_terms(best.source.text))
    all_terms: set[str] = set()
    for s in sources:
        all_terms |= set(content_terms(s.text))
    # idf over the retrieved passages' sentences: a missing *rare* question term (a swapped
    # name) is stronger evidence than a missing common one.
    n_src = len(sources) or 1
    src_terms = [set(content_terms(s.text)) for s in sources]
    idf = {t: math.log(1 + n_src / (0.5 + sum(t in st for st in src_terms))) for t in q_terms}
    missing = q_terms - passage_terms
    # Question words kept verbatim (capitalised names, numbers) that the passage lacks.
    body = question.split(" ", 1)[1] if " " in question else ""
    p_low = best.source.text.lower()
    caps = [w.lower() for w in re.findall(r"\b[A-Z][a-zA-Z\-]+", body)]
    nums = re.findall(r"\d[\d,.]*\d|\d", question)
    q_cues = _cues(question)
    # Neighbouring sentences of the best one: question terms should co-occur in a window.
    same = [c for c in cands if c.source.n == best.source.n and abs(c.start - best.start) < 400]
    window_terms: set[str] = set()
    for c in same:
        window_terms |= set(content_terms(c.text))
    wh = _wh_type(question)
    second_src = max((c.similarity for c in cands if c.source.n != best.source.n), default=0.0)
    second = cands[1].score if len(cands) > 1 else 0.0
    feats = {
        "best_score": best.score,
        "best_sim": best.similarity,
        "best_overlap": best.overlap,
        "max_sim": max(c.similarity for c in cands),
        "max_overlap": max(c.overlap for c in cands),
        "margin": best.score - second,
        "passage_coverage": 1.0 - len(missing) / n_q,
        "q_terms": float(len(q_terms)),
        "best_rank": float(best.rank),
        "sent_missing": len(q_terms - sent_terms) / n_q,
        "passage_missing": float(len(missing)),
        "passage_missing_idf": max((idf[t] for t in missing), default=0.0),
        "sources_missing": float(len(q_terms - all_terms)),
        "missing_caps": float(sum(c not in p_low for c in caps)),
        "missing_numbers": float(sum(n not in best.source.text for n in nums)),
        "cue_missing": float(len(q_cues - _cues(best.source.text))),
        "q_has_cue": float(bool(q_cues)),
        "q_negated": float(any(c in ("not", "no", "never") or c.endswith("n't") for c in q_cues)),
        "type_match": _type_match(wh, best.text, question),
        "sent_new_terms": len(sent_terms - q_terms) / (len(sent_terms) or 1),
        "sim_gap": best.similarity - second_src,
        "window_overlap": len(q_terms & window_terms) / n_q,
        "antonym_swap": float(antonym_swap(question, best.text)),
    }
    feats.update({f"wh_{w}": float(wh == w) for w in _WH_TYPES})
    feats.update(document_features(q_terms, src_terms, window_terms, idf))
    return feats


@dataclass(frozen=True)
class Candidate:
    source: Source
    rank: int  # 0-based rank of its passage
    text: str
    start: int
    end: int
    similarity: float
    overlap: float
    score: float
    # A heading or title line ("Parental leave", "Booking travel.") or a sentence cut by a
    # page or chunk boundary: it still counts as evidence for the refusal model (it was
    # fitted that way) but is never quoted as an answer while something else can be.
    heading: bool = False


def quotable(cands: Sequence[Candidate]) -> list[Candidate]:
    """The candidates an answer may quote, best first: headings only when nothing else is."""
    return [c for c in cands if not c.heading] or list(cands)


Z_CLIP = 4.0


@dataclass
class RefusalModel:
    """Logistic model P(answerable | features); refuse when below ``threshold``."""

    weights: dict[str, float] = field(
        default_factory=lambda: {"best_score": 6.0, "best_sim": 4.0, "best_overlap": 2.0}
    )
    bias: float = -4.2
    threshold: float = 0.5
    means: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias
        for k, w in self.weights.items():
            x = features.get(k, 0.0)
            x = (x - self.means.get(k, 0.0)) / (self.scales.get(k, 1.0) or 1.0)
            # A value far outside what the model was fitted on (a one-source corpus, a
            # 40-word question) must not decide alone: standardised values are clipped.
            z += w * max(-Z_CLIP, min(Z_CLIP, x))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RefusalModel:
        return cls(
            weights=dict(d["weights"]),
            bias=float(d["bias"]),
            threshold=float(d.get("threshold", 0.5)),
            means=dict(d.get("means", {})),
            scales=dict(d.get("scales", {})),
        )


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

    # --- scoring -------------------------------------------------------------------------
    def candidates(self, question: str, sources: Sequence[Source]) -> list[Candidate]:
        spans: list[tuple[Source, int, int, int, str]] = []
        for rank, src in enumerate(sources):
            for s, e in sentence_spans(src.text):
                sent = src.text[s:e]
                # Questions (FAQ headings) restate the question; they never answer it.
                if len(sent) >= 12 and _WORD.search(sent) and not sent.rstrip().endswith("?"):
                    spans.append((src, rank, s, e, sent))
        if not spans:
            return []
        q_terms = set(content_terms(question))
        sent_terms = [set(content_terms(sp[4])) for sp in spans]
        # idf over the retrieved sentences: a question word that occurs everywhere says little.
        n = len(spans)
        df: dict[str, int] = {}
        for terms in sent_terms:
            for t in terms & q_terms:
                df[t] = df.get(t, 0) + 1
        idf = {t: math.log(1 + (n + 1) / (df.get(t, 0) + 0.5)) for t in q_terms}
        total_idf = sum(idf.values()) or 1.0
        if self.embed is not None:
            vecs = self.embed([question] + [sp[4] for sp in spans])
            sims = (vecs[1:] @ vecs[0]).astype(float)
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
                    src, rank, sent, s, e, float(sim), overlap, score, _unquotable(src.text, s, e)
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
        t0 = time.perf_counter()
        # A follow-up's question in context ("How many of them..." + what "them" is).
        question = (
            request.metadata.get("focus")
            or request.question
            or next((m.content for m in reversed(request.messages) if m.role == "user"), "")
        )
        cands = self.candidates(question, request.sources)
        feats = self.features(question, request.sources, cands)
        p_answerable = self.refusal.probability(feats) if cands else 0.0
        refused = not cands or p_answerable < self.refusal.threshold
        pieces = [] if refused else self._compose(question, cands, request.sources)
        # Nothing quotable (only headings, furniture or cut sentences): say so, not a fragment.
        refused = refused or not pieces
        if refused:
            text, cited = REFUSAL_TEXT, []
        else:
            text = compose_text(pieces)
            cited = sorted({n for p in pieces for n in p.cites})
        resp = Response(
            text=text,
            provider=self.name,
            model=self.model,
            usage=Usage(0, 0),
            cost_usd=0.0,
            latency_ms=(time.perf_counter() - t0) * 1000,
            finish_reason="refused" if refused else "stop",
            refused=refused,
            cited=cited,
            raw={"p_answerable": p_answerable, "features": feats},
        )
        return resp, cands

    def _compose(
        self, question: str, cands: Sequence[Candidate], sources: Sequence[Source]
    ) -> list[Piece]:
        """What to quote, by the question's kind (``providers/extractive_compose.py``)."""
        wh = _wh_type(question)
        return compose(question, cands, sources, wh, _type_match, self.max_sentences, self.follow)

    def generate(self, request: Request) -> Response:
        return self.answer(request)[0]

    def stream(self, request: Request) -> Iterator[StreamItem]:
        resp = self.generate(request)
        # Word-sized deltas so the UI path is the same as for a real streaming model.
        yield from re.findall(r"\S+\s*", resp.text)
        yield resp


def _is_heading(sentence: str) -> bool:
    """Short lines that name a topic rather than state something: under 4 words, or under 8
    without a full stop ("Northwind Robotics Employee Handbook", "Booking travel.")."""
    words = len(_WORD.findall(sentence))
    ended = sentence.rstrip().rstrip("\"')]").endswith((".", "!"))
    return words < MIN_SENTENCE_WORDS or (words < 8 and not ended)


def _unquotable(text: str, start: int, end: int) -> bool:
    """Headings, titles, and pieces of a sentence that a page or chunk boundary cut
    ("... after takeoff from Soekarno-", a page that starts mid-sentence): evidence, but never
    quoted while a whole sentence is there to quote."""
    sent = text[start:end]
    if _is_heading(sent) or is_heading_line(sent) or is_title(sent):
        return True
    cut_end = end >= len(text.rstrip()) and (sent[-1].islower() or sent[-1] in ",-–(/&")
    cut_start = not text[:start].strip() and sent[0].islower()
    return cut_end or cut_start

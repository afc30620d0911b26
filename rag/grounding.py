"""Grounding check: is each sentence of a generated answer supported by the passages it cites?

A model can cite ``[2]`` and still say something passage 2 never says. For every answer
sentence we take the passages it cites (or, for an uncited sentence, the passages the answer
cites anywhere; failing that, all sources) and score the best match:

* embedding similarity between the sentence and the passage's sentences and adjacent
  sentence pairs (answers often merge two source sentences), and
* term overlap: the share of the sentence's content words (stemmed, stop words removed; the
  extractive answerer's :func:`content_terms`) found in the passage, with numbers counted
  twice because an invented figure is the most harmful kind of unsupported claim.

A sentence is supported when ``sim_weight * similarity + overlap_weight * overlap`` reaches
``threshold``. The weights and threshold were fitted on SQuAD v1.1 dev (see
``bench/grounding_squad.py`` and bench/README.md). Citations of numbers no source has are
reported as ``bad_citations`` and make their sentence unsupported.

What to do when most of an answer is unsupported is ``Settings.grounding_action``: ``flag``
(report only), ``retry_strict`` (ask again once with :data:`rag.prompts.STRICT_SUFFIX`) or
``extractive`` (replace it with the extractive answer). See :func:`after_answer`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

import numpy as np

from providers.base import REFUSAL_TEXT, Answerer, Provider, Request, Response, Source
from providers.notices import is_interrupted_notice
from text import citations
from text.sentences import sentence_spans
from text.terms import content_terms

EmbedFn = Callable[[Sequence[str]], np.ndarray]

_NUM = re.compile(r"\d+(?:[.,]\d+)*")

# Fitted on SQuAD v1.1 dev (bench/grounding_squad.py, calibration half of the articles).
SIM_WEIGHT = 0.4
OVERLAP_WEIGHT = 0.6
THRESHOLD = 0.60
MIN_TERMS = 2  # sentences with fewer content words ("Yes.", "In short:") are not claims


@dataclass
class SentenceCheck:
    text: str
    start: int
    end: int
    citations: list[int]
    supported: bool
    score: float
    similarity: float
    overlap: float
    best_source: int | None
    # "supported" | "unsupported" | "bad_citation" | "unsupported_number"
    reason: str
    missing_numbers: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "citations": self.citations,
            "score": round(self.score, 4),
            "similarity": round(self.similarity, 4),
            "overlap": round(self.overlap, 4),
            "best_source": self.best_source,
            "reason": self.reason,
            "missing_numbers": self.missing_numbers,
        }


@dataclass
class Grounding:
    sentences: list[SentenceCheck] = field(default_factory=list)
    bad_citations: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.sentences)

    @property
    def supported(self) -> int:
        return sum(s.supported for s in self.sentences)

    @property
    def unsupported(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if not s.supported]

    @property
    def ratio(self) -> float:
        return self.supported / self.total if self.total else 1.0

    def mostly_unsupported(self, min_ratio: float = 0.5) -> bool:
        return self.total > 0 and self.ratio < min_ratio

    def to_json(self) -> dict[str, Any]:
        """The ``grounding`` object of ``ask --json`` (extend, never rename)."""
        return {
            "supported": self.supported,
            "total": self.total,
            "unsupported": [s.to_json() for s in self.unsupported],
            "bad_citations": self.bad_citations,
            "sentences": [s.to_json() for s in self.sentences],
        }


def citations_in(text: str) -> list[int]:
    """Cited numbers ("[2]", "[1, 3]", "[1][2]"; text.citations reads them), each once."""
    return citations.parse(text)


def strip_citations(text: str) -> str:
    return citations.strip(text)


def answer_sentences(text: str) -> list[tuple[int, int, str, list[int]]]:
    """(start, end, text without markers, citations) per sentence.

    A segment made only of markers ("... capital. [1]") belongs to the sentence before it.
    """
    out: list[tuple[int, int, str, list[int]]] = []
    for s, e in sentence_spans(text):
        seg = text[s:e]
        lead = citations.leading_length(seg)
        if lead and out and re.search(r"[A-Za-z0-9]", strip_citations(seg)):
            # "purchase. [2] Contact ..." splits after the period: [2] closes the sentence before.
            ps, pe, pt, pc = out[-1]
            out[-1] = (ps, pe, pt, sorted({*pc, *citations_in(seg[:lead])}))
            s += lead
            seg = text[s:e]
        cites = citations_in(seg)
        plain = strip_citations(seg)
        if not re.search(r"[A-Za-z0-9]", plain):
            if out and cites:
                ps, _, pt, pc = out[-1]
                out[-1] = (ps, e, pt, sorted({*pc, *cites}))
            continue
        out.append((s, e, plain, sorted(set(cites))))
    return out


def _units(text: str) -> list[str]:
    """A passage's sentences and adjacent sentence pairs."""
    sents = [text[s:e] for s, e in sentence_spans(text)] or [text]
    pairs = [f"{a} {b}" for a, b in pairwise(sents)]
    return sents + pairs


def _overlap(terms: list[str], numbers: list[str], passage_terms: set[str], passage: str) -> float:
    """Share of the sentence's content words (numbers weighted double) the passage contains."""
    have = sum(t in passage_terms for t in terms) + 2 * sum(n in passage for n in numbers)
    want = len(terms) + 2 * len(numbers)
    return have / want if want else 0.0


def _norm_num(x: str) -> str:
    return x.replace(",", "").rstrip(".")


Claim = tuple[int, int, str, list[int], list[str]]  # start, end, text, cites, content terms
Best = tuple[
    bool, float, float, float, int | None, list[str]
]  # ok, score, sim, overlap, n, missing


@dataclass
class _Evidence:
    """What claims are held to: per passage its units' vectors, content terms and numbers."""

    by_n: dict[int, Source]
    vecs: np.ndarray | None  # the claims' vectors first (in order), then the units'
    unit_vecs: dict[int, np.ndarray]
    terms: dict[int, set[str]]
    nums: dict[int, set[str]]


def check(
    answer: str,
    sources: Sequence[Source],
    embed: EmbedFn | None,
    *,
    sim_weight: float = SIM_WEIGHT,
    overlap_weight: float = OVERLAP_WEIGHT,
    threshold: float = THRESHOLD,
) -> Grounding:
    """Check every claim-like sentence of ``answer`` against the sources it cites."""
    by_n = {s.n: s for s in sources}
    sents = answer_sentences(answer)
    all_cited = sorted({c for *_, cs in sents for c in cs if c in by_n})
    bad = sorted({c for *_, cs in sents for c in cs if c not in by_n})
    claims = _claims(sents)
    if not claims:
        return Grounding([], bad)
    ev = _evidence(claims, by_n, all_cited, embed)
    out: list[SentenceCheck] = []
    for k, (s, e, plain, cites, terms) in enumerate(claims):
        valid = [c for c in cites if c in by_n]
        # Uncited sentences are held to what the answer cites elsewhere (else to anything).
        targets = valid or ([] if cites else (all_cited or sorted(by_n)))
        best = _best_support(ev, k, plain, terms, targets, sim_weight, overlap_weight, threshold)
        supported, score, sim, ovl, src, missing = best
        if supported:
            reason = "supported"
        elif cites and not valid:
            reason = "bad_citation"
        else:
            reason = "unsupported_number" if missing and score >= threshold else "unsupported"
        out.append(
            SentenceCheck(plain, s, e, cites, supported, score, sim, ovl, src, reason, missing)
        )
    return Grounding(out, bad)


def _claims(sents: list[tuple[int, int, str, list[int]]]) -> list[Claim]:
    """The sentences that claim something: no refusal, no question, enough content words."""
    claims = []
    for s, e, plain, cites in sents:
        if plain.strip().rstrip(".") == REFUSAL_TEXT.rstrip(".") or plain.rstrip().endswith("?"):
            continue
        if is_interrupted_notice(plain):  # the fallback chain's words, not the answer's
            continue
        terms = content_terms(plain)
        if len(set(terms)) < MIN_TERMS:
            continue
        claims.append((s, e, plain, cites, terms))
    return claims


def _evidence(
    claims: list[Claim], by_n: dict[int, Source], all_cited: list[int], embed: EmbedFn | None
) -> _Evidence:
    """One embedding call for every claim and every passage unit involved."""
    used = sorted({c for *_, cs, _ in claims for c in cs if c in by_n} | set(all_cited)) or sorted(
        by_n
    )
    units = {n: _units(by_n[n].text) for n in used}
    texts = [c[2] for c in claims] + [u for n in used for u in units[n]]
    vecs = embed(texts) if embed is not None and texts else None
    unit_vecs: dict[int, np.ndarray] = {}
    if vecs is not None:
        i = len(claims)
        for n in used:
            unit_vecs[n] = vecs[i : i + len(units[n])]
            i += len(units[n])
    terms = {n: set(content_terms(by_n[n].text)) for n in used}
    nums = {n: {_norm_num(x) for x in _NUM.findall(by_n[n].text)} for n in used}
    return _Evidence(by_n, vecs, unit_vecs, terms, nums)


def _best_support(
    ev: _Evidence,
    k: int,
    plain: str,
    terms: list[str],
    targets: list[int],
    sim_weight: float,
    overlap_weight: float,
    threshold: float,
) -> Best:
    """Claim ``k`` against each target passage; the best (supported first, then score)."""
    numbers = _NUM.findall(plain)
    best: Best = (False, 0.0, 0.0, 0.0, None, [])
    for n in targets:
        vecs = ev.vecs
        sim = float((ev.unit_vecs[n] @ vecs[k]).max()) if vecs is not None else 0.0
        ovl = _overlap(terms, numbers, ev.terms[n], ev.by_n[n].text)
        score = sim_weight * sim + overlap_weight * ovl
        if vecs is None:  # no embedder: overlap alone, on the same scale
            score = ovl
        # A figure the passage does not contain is never "supported", however close the
        # rest of the sentence is: invented numbers are the costliest hallucination.
        missing = [x for x in numbers if _norm_num(x) not in ev.nums[n]]
        ok = score >= threshold and not missing
        if best[4] is None or (ok, score) > (best[0], best[1]):
            best = (ok, score, sim, ovl, n, missing)
    return best


# --- what to do about it ------------------------------------------------------------------
GROUNDING_ACTIONS = ("flag", "retry_strict", "extractive")


def strict_request(request: Request) -> Request:
    from rag.prompts import STRICT_SUFFIX

    return replace(
        request,
        system=(request.system or "") + STRICT_SUFFIX,
        metadata={**request.metadata, "grounding_retry": True},
    )


def should_check(provider: str, refused: bool) -> bool:
    # Extractive answers are source sentences verbatim; checking them proves nothing.
    return not refused and provider not in ("extractive", "none")


def after_answer(
    answer: Any,
    request: Request,
    provider: Answerer,
    *,
    embed: EmbedFn | None,
    action: str,
    min_ratio: float,
    extractive: Provider,
    finish: Callable[[Request, Response], Any],
) -> Iterator[str | Any]:
    """Ground ``answer`` (an :class:`rag.answer.Answer`) and apply the configured action.

    Yields extra text deltas (a notice, then the replacement answer's text) when the answer
    is replaced, and finally the :class:`Answer` to keep, carrying its ``grounding``
    (``action`` says what was done; ``original_answer`` keeps the replaced text).
    """
    if not should_check(answer.provider, answer.refused):
        yield answer
        return
    g = check(answer.answer, answer.sources, embed)
    info = {**g.to_json(), "action": "flag" if g.mostly_unsupported(min_ratio) else None}
    if not g.mostly_unsupported(min_ratio) or action == "flag":
        answer.grounding = info
        yield answer
        return
    if action == "retry_strict":
        new = yield from _retry_strict(answer, request, provider, embed, finish)
    else:
        new = yield from _extractive_instead(answer, request, extractive, finish)
    new.grounding["original"] = info
    new.grounding["original_answer"] = answer.answer
    new.cost_usd = _add(answer.cost_usd, new.cost_usd)
    yield new


def _retry_strict(
    answer: Any,
    request: Request,
    provider: Answerer,
    embed: EmbedFn | None,
    finish: Callable[[Request, Response], Any],
) -> Generator[str, None, Any]:
    """Ask again with the strict prompt, streaming its text; returns the new Answer."""
    notice = (
        "\n\n[Most of this answer was not supported by the sources; asking again, strictly]\n\n"
    )
    yield notice
    req = strict_request(request)
    resp: Response | None = None
    for item in provider.stream(req):
        if isinstance(item, Response):
            resp = item
        else:
            yield item
    assert resp is not None
    new = finish(req, resp)
    new.attempts = [*answer.attempts, *new.attempts]
    if should_check(new.provider, new.refused):
        g2 = check(new.answer, new.sources, embed)
        new.grounding = {**g2.to_json(), "action": "retry_strict"}
    else:
        new.grounding = _unchecked("retry_strict")
    return new


def _extractive_instead(
    answer: Any,
    request: Request,
    extractive: Provider,
    finish: Callable[[Request, Response], Any],
) -> Generator[str, None, Any]:
    """The extractive answer in place of the unsupported one; returns the new Answer."""
    notice = "\n\n[Most of this answer was not supported by the sources; showing the extractive answer]\n\n"
    yield notice
    resp = extractive.generate(request)
    yield resp.text
    new = finish(request, resp)
    new.attempts = list(answer.attempts)
    new.grounding = _unchecked("extractive")
    return new


def _unchecked(action: str) -> dict[str, Any]:
    """The grounding of a replacement answer not checked (refused, or extractive)."""
    return {"supported": 0, "total": 0, "unsupported": [], "action": action}


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b

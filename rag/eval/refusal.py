"""Fit the extractive answerer's refusal model on SQuAD v2.0, split by article.

SQuAD v2.0's unanswerable questions were written against the same paragraphs as the
answerable ones and look answerable, so one similarity threshold separates them poorly. We
compute the answerer's own features (:func:`providers.extractive_provider.question_features`)
for every question, fit a logistic regression P(answerable) on half the articles
(:func:`rag.eval.squad.split_articles`, seeded), pick the refusal threshold on those same
articles from out-of-fold predictions (grouped by article, so no article scores itself),
and report refusal rates on the other half, which the model never saw.

    python -m rag eval refusal ../shared/data/squad/squad-v2.0-dev.json.gz --json
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from providers.base import Source
from providers.extractive_provider import FEATURE_NAMES, Z_CLIP, ExtractiveProvider, RefusalModel
from providers.refusal_features import DOC_AGAINST
from rag.answer import to_sources
from rag.embed_cache import EmbedCache
from rag.eval.squad import (
    read_squad,
    sample,
    split_articles,
    use_cached_embeddings,
)

if TYPE_CHECKING:
    from rag.engine import Engine

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "models" / "refusal.json"


@dataclass
class Record:
    qid: str
    title: str
    answerable: bool
    question: str
    sources: list[Source]


def collect(
    engine: Engine,
    path: Path,
    k: int = 5,
    progress: Callable[[str, int, int], None] | None = None,
    cache: Path | None = None,
    n_questions: int | None = None,
    sample_seed: int = 11,
) -> list[Record]:
    """Retrieve top-``k`` sources for every question of ``path`` (ingesting it first)."""
    if cache is not None and cache.is_file():
        with cache.open("rb") as fh:
            return pickle.load(fh)  # our own scratch file, never user input
    passages, questions = read_squad(path)
    engine.ingestor.ingest_texts(passages, progress=progress, total=len(passages))
    engine.lexical.ensure(engine.store)
    questions = sample(questions, n_questions, seed=sample_seed)
    use_cached_embeddings(engine).prime([q.question for q in questions])
    records = []
    for i, q in enumerate(questions):
        res = engine.retriever.search(q.question, k=k)
        records.append(Record(q.qid, q.title, q.answerable, q.question, to_sources(res.passages)))
        if progress and i % 200 == 0:
            progress(q.qid, i, len(questions))
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(records, fh)
    return records


def featurize(provider: ExtractiveProvider, records: Sequence[Record]) -> np.ndarray:
    rows = []
    for r in records:
        cands = provider.candidates(r.question, r.sources)
        f = provider.features(r.question, r.sources, cands)
        rows.append([float(f.get(name, 0.0)) for name in FEATURE_NAMES])
    return np.asarray(rows, dtype=float)


def rates(p_answerable: np.ndarray, answerable: np.ndarray, threshold: float) -> dict[str, float]:
    refused = p_answerable < threshold
    return {
        "refused_unanswerable": round(float(refused[~answerable].mean()), 4)
        if (~answerable).any()
        else 0.0,
        "refused_answerable": round(float(refused[answerable].mean()), 4)
        if answerable.any()
        else 0.0,
    }


def pick_threshold(p: np.ndarray, answerable: np.ndarray, max_answerable_refused: float) -> float:
    """Highest threshold (most refusals) that refuses at most that share of answerables."""
    pa = np.sort(p[answerable])
    idx = int(np.floor(max_answerable_refused * len(pa)))
    return float(pa[min(idx, len(pa) - 1)]) if len(pa) else 0.5


# Sign constraints. Unconstrained, the model learns SQuAD 2.0's writing artefact: its
# unanswerable questions were written by copying the paragraph's words, its answerable ones
# paraphrase, so "every question word is in the passage" came out as evidence *against* an
# answer. On real documents that refused 7 of 24 plain questions about the demo corpus
# ("How do I contact support?"). Evidence may only raise P(answerable), missing words and
# antonym swaps only lower it; it costs ~0.01 AUC on SQuAD and leaves 1 of 24 refused.
EVIDENCE = frozenset(
    [
        "passage_coverage",
        "window_overlap",
        "best_overlap",
        "max_overlap",
        "best_sim",
        "max_sim",
        "sim_gap",
    ]
)
AGAINST = (
    frozenset(
        [
            "passage_missing",
            "passage_missing_idf",
            "sources_missing",
            "sent_missing",
            "antonym_swap",
        ]
    )
    | DOC_AGAINST
)


# The question's wh-word says what is asked, not whether the documents say it; fitted on a
# hand-written set it would learn the writer's habits ("How do I ...?" near misses).
EXCLUDED = frozenset(n for n in FEATURE_NAMES if n.startswith("wh_"))


def _folds(
    y: np.ndarray, groups: np.ndarray, is_doc: np.ndarray, n: int = 5
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Group folds over SQuAD's articles, each document of our own set in a fold of its own
    (GroupKFold would put the few small document groups together)."""
    from sklearn.model_selection import GroupKFold

    fold_of = np.zeros(len(y), dtype=int)
    idx = np.where(~is_doc)[0]
    for k, (_, test) in enumerate(GroupKFold(n_splits=n).split(idx, y[idx], groups[idx])):
        fold_of[idx[test]] = k
    for k, doc in enumerate(sorted(set(groups[is_doc]))):
        fold_of[is_doc & (groups == doc)] = k % n
    return [(np.where(fold_of != k)[0], np.where(fold_of == k)[0]) for k in range(n)]


def sign_bounds(names: Sequence[str]) -> list[tuple[float | None, float | None]]:
    """L-BFGS-B bounds per feature: excluded ones pinned at 0, evidence >= 0, against <= 0."""
    return [
        (0.0, 0.0)
        if n in EXCLUDED
        else (0.0, None)
        if n in EVIDENCE
        else (None, 0.0)
        if n in AGAINST
        else (None, None)
        for n in names
    ]


def _fit_logistic(
    Z: np.ndarray, y: np.ndarray, names: Sequence[str], C: float, w: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """L2 logistic regression with the sign bounds above (L-BFGS-B); ``w`` weighs the rows."""
    from scipy.optimize import minimize

    sw = np.ones(len(y)) if w is None else w
    bounds = sign_bounds(names)

    def loss(wb: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = wb[:-1], wb[-1]
        z = Z @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        value = float(np.sum(sw * (np.logaddexp(0.0, z) - y * z)) + 0.5 / C * (w @ w))
        return value, np.concatenate([Z.T @ (sw * (p - y)) + w / C, [np.sum(sw * (p - y))]])

    res = minimize(
        loss,
        np.zeros(Z.shape[1] + 1),
        jac=True,
        method="L-BFGS-B",
        bounds=[*bounds, (None, None)],
        options={"maxiter": 5000},
    )
    return res.x[:-1], float(res.x[-1])


def fit(
    X: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str] | np.ndarray,
    max_answerable_refused: float = 0.175,
    C: float = 1.0,
    docs: np.ndarray | None = None,
    docs_weight: float = 1.0,
    max_docs_answerable_refused: float = 0.10,
) -> tuple[RefusalModel, dict[str, Any]]:
    """Standardise, fit the constrained logistic model, pick the threshold out of fold.

    ``docs`` marks rows from real documents (our own set's fit half) among SQuAD's: they
    weigh ``docs_weight`` each, and the threshold is the lower of the two that refuse at most
    ``max_answerable_refused`` of SQuAD's answerables and ``max_docs_answerable_refused`` of
    the documents' (out of fold both), so neither population's answerables are refused often.
    """
    names = list(FEATURE_NAMES)
    is_doc = np.zeros(len(y), bool) if docs is None else docs.astype(bool)
    sw = np.where(is_doc, docs_weight, 1.0)
    means = X.mean(axis=0)
    scales = X.std(axis=0)
    scales[scales == 0] = 1.0
    Z = np.clip((X - means) / scales, -Z_CLIP, Z_CLIP)  # as RefusalModel.probability does
    oof = np.zeros(len(y))
    folds = _folds(y, np.asarray(groups), is_doc)
    for train, test in folds:
        w, b = _fit_logistic(Z[train], y[train], names, C, sw[train])
        oof[test] = 1.0 / (1.0 + np.exp(-(Z[test] @ w + b)))
    yb = y.astype(bool)
    threshold = pick_threshold(oof[~is_doc], yb[~is_doc], max_answerable_refused)
    if is_doc.any():
        doc_t = pick_threshold(oof[is_doc], yb[is_doc], max_docs_answerable_refused)
        threshold = min(threshold, doc_t)
    # How much the answerable refusal rate moves from one group of articles to another: the
    # reason the default target sits below 0.20 (new articles are not the fit articles).
    per_fold = [rates(oof[t], yb[t], threshold)["refused_answerable"] for _, t in folds]
    w, b = _fit_logistic(Z, y, names, C, sw)
    model = RefusalModel(
        weights={n: round(float(x), 6) for n, x in zip(names, w, strict=True)},
        bias=round(b, 6),
        threshold=round(threshold, 6),
        means={n: round(float(m), 6) for n, m in zip(names, means, strict=True)},
        scales={n: round(float(s), 6) for n, s in zip(names, scales, strict=True)},
    )
    info: dict[str, Any] = {
        "oof": rates(oof[~is_doc], yb[~is_doc], threshold),
        "oof_auc": round(_auc(oof[~is_doc], yb[~is_doc]), 4),
        "oof_answerable_refused_per_fold": per_fold,
    }
    if is_doc.any():
        info["docs_oof"] = rates(oof[is_doc], yb[is_doc], threshold)
        info["docs_oof_auc"] = round(_auc(oof[is_doc], yb[is_doc]), 4)
    return model, info


def model_to_dict(model: RefusalModel, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "weights": model.weights,
        "bias": model.bias,
        "threshold": model.threshold,
        "means": model.means,
        "scales": model.scales,
        **({"meta": meta} if meta else {}),
    }


# Each question of our own set's fit half counts this many SQuAD questions: 102 questions
# against SQuAD's ~6,000 would otherwise not move the model (chosen on the fit half only).
DOCS_WEIGHT = 10.0


def docs_records(engine: Any, qa_set: Path, k: int = 5) -> list[Record]:
    """Our own set's fit half, retrieved from its documents (``rag.eval.qa``), as records."""
    from rag.eval import qa

    qaset = qa.load_set(qa_set)
    qa.ingest(engine, qaset)
    rows = qa.retrieved(engine, qaset.select("fit"), k=k)
    return [Record(q.id, q.doc, q.answerable, q.question, src) for q, src, _ in rows]


def _embedding_cache(cached: EmbedCache, path: Path | None, save: bool = False) -> None:
    """Keep the sentence embeddings beside the ``--cache`` pickle: refits then cost seconds."""
    if path is None:
        return
    if save:
        with path.open("wb") as fh:
            pickle.dump(cached.cache, fh)
    elif path.is_file():
        with path.open("rb") as fh:
            cached.cache.update(pickle.load(fh))  # our own scratch file, never user input


def cached_inputs(
    engine: Engine, path: Path, cache: Path | None, **collect_kw: Any
) -> tuple[list[Record], EmbedCache]:
    """The records (from ``cache`` when it exists) and the engine's embeddings routed through
    one cache, filled from the ``.emb.pkl`` beside ``cache``: what a refit or a bench needs."""
    records = collect(engine, path, cache=cache, **collect_kw)
    cached = use_cached_embeddings(engine)
    _embedding_cache(cached, cache.with_suffix(".emb.pkl") if cache is not None else None)
    return records, cached


def save_embeddings(cached: EmbedCache, cache: Path) -> None:
    """Write the embeddings computed so far beside ``cache`` for the next run."""
    _embedding_cache(cached, cache.with_suffix(".emb.pkl"), save=True)


def run(
    engine: Engine,
    path: Path,
    out: Path | None = DEFAULT_OUT,
    k: int = 5,
    max_answerable_refused: float = 0.175,
    progress: Callable[[str, int, int], None] | None = None,
    cache: Path | None = None,
    seed: int = 13,
    n_questions: int | None = None,
    docs: tuple[Any, Path] | None = None,
    docs_weight: float = DOCS_WEIGHT,
    max_docs_answerable_refused: float = 0.10,
) -> dict[str, Any]:
    """Collect, fit on half the articles (plus, with ``docs`` = (engine, set.json), our own
    set's fit half), evaluate on the other half of SQuAD's articles, write the model."""
    records, cached = cached_inputs(
        engine, path, cache, k=k, progress=progress, n_questions=n_questions
    )
    emb_path = cache.with_suffix(".emb.pkl") if cache is not None else None
    provider: ExtractiveProvider = engine.extractive
    # Split over *all* the file's articles, exactly as `eval squad --heldout` does.
    fit_articles, test_articles = split_articles(read_squad(path)[1], seed=seed)
    X = featurize(provider, records)
    y = np.array([r.answerable for r in records], dtype=int)
    titles = np.array([r.title for r in records])
    on_fit = np.isin(titles, sorted(fit_articles))
    Xf, yf, gf = X[on_fit], y[on_fit], titles[on_fit]
    doc_recs = docs_records(docs[0], docs[1], k=k) if docs is not None else []
    if doc_recs:
        Xf = np.vstack([Xf, featurize(provider, doc_recs)])
        yf = np.concatenate([yf, [int(r.answerable) for r in doc_recs]])
        gf = np.concatenate([gf, [f"doc:{r.title}" for r in doc_recs]])
    _embedding_cache(cached, emb_path, save=True)
    is_doc = np.arange(len(yf)) >= int(on_fit.sum())
    model, info = fit(
        Xf, yf, gf, max_answerable_refused, docs=is_doc, docs_weight=docs_weight,
        max_docs_answerable_refused=max_docs_answerable_refused,
    )  # fmt: skip
    p = np.array([model.probability(dict(zip(FEATURE_NAMES, row, strict=True))) for row in X])
    yb = y.astype(bool)
    report: dict[str, Any] = {
        "file": path.name,
        "split_seed": seed,
        "fit_articles": len(fit_articles),
        "heldout_articles": len(test_articles),
        "questions_sampled": len(records),
        "fit_questions": int(on_fit.sum()),
        "fit_doc_questions": len(doc_recs),
        "heldout_questions": int((~on_fit).sum()),
        "threshold": model.threshold,
        "target_answerable_refused": max_answerable_refused,
        **{f"fit_{key}": value for key, value in info.items()},
        "fit": rates(p[on_fit], yb[on_fit], model.threshold),
        "heldout": rates(p[~on_fit], yb[~on_fit], model.threshold),
        "heldout_auc": round(_auc(p[~on_fit], yb[~on_fit]), 4),
    }
    if out is not None:
        _write(out, model, path, report, docs, k)
    return report


def _write(
    out: Path, model: RefusalModel, path: Path, report: dict[str, Any], docs: Any, k: int
) -> None:
    fitted_on = f"{path.name}, {report['fit_articles']} articles (split_articles seed "
    fitted_on += f"{report['split_seed']})"
    if docs is not None:
        fitted_on += f" + the fit half of {docs[1].name} ({report['fit_doc_questions']} questions)"
    meta = {"fitted_on": fitted_on, "heldout": report["heldout"], "k": k}
    if "fit_docs_oof" in report:
        meta["docs_fit_oof"] = report["fit_docs_oof"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model_to_dict(model, meta), indent=1) + "\n")
    report["written"] = str(out)


def _auc(scores: np.ndarray, positive: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return (
        float(roc_auc_score(positive.astype(int), scores))
        if 0 < positive.sum() < len(positive)
        else 0.0
    )

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
from typing import Any

import numpy as np

from providers.base import Source
from providers.extractive_provider import FEATURE_NAMES, ExtractiveProvider, RefusalModel
from rag.answer import to_sources
from rag.eval.squad import (
    read_squad,
    sample,
    split_articles,
    use_cached_embeddings,
)

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "models" / "refusal.json"


@dataclass
class Record:
    qid: str
    title: str
    answerable: bool
    question: str
    sources: list[Source]


def collect(
    engine: Any,
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
        "refused_unanswerable": round(float(refused[~answerable].mean()), 4) if (~answerable).any() else 0.0,
        "refused_answerable": round(float(refused[answerable].mean()), 4) if answerable.any() else 0.0,
    }


def pick_threshold(p: np.ndarray, answerable: np.ndarray, max_answerable_refused: float) -> float:
    """Highest threshold (most refusals) that refuses at most that share of answerables."""
    pa = np.sort(p[answerable])
    idx = int(np.floor(max_answerable_refused * len(pa)))
    return float(pa[min(idx, len(pa) - 1)]) if len(pa) else 0.5


def fit(
    X: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str] | np.ndarray,
    max_answerable_refused: float = 0.15,
    C: float = 1.0,
) -> tuple[RefusalModel, dict[str, Any]]:
    """Standardise, fit a logistic regression, choose the threshold from out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict

    means = X.mean(axis=0)
    scales = X.std(axis=0)
    scales[scales == 0] = 1.0
    Z = (X - means) / scales
    clf = LogisticRegression(C=C, max_iter=2000)
    oof = cross_val_predict(clf, Z, y, groups=groups, cv=GroupKFold(n_splits=5), method="predict_proba")[:, 1]
    threshold = pick_threshold(oof, y.astype(bool), max_answerable_refused)
    clf.fit(Z, y)
    model = RefusalModel(
        weights={n: round(float(w), 6) for n, w in zip(FEATURE_NAMES, clf.coef_[0], strict=True)},
        bias=round(float(clf.intercept_[0]), 6),
        threshold=round(threshold, 6),
        means={n: round(float(m), 6) for n, m in zip(FEATURE_NAMES, means, strict=True)},
        scales={n: round(float(s), 6) for n, s in zip(FEATURE_NAMES, scales, strict=True)},
    )
    return model, {"oof": rates(oof, y.astype(bool), threshold)}


def model_to_dict(model: RefusalModel, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "weights": model.weights, "bias": model.bias, "threshold": model.threshold,
        "means": model.means, "scales": model.scales, **({"meta": meta} if meta else {}),
    }


def run(
    engine: Any,
    path: Path,
    out: Path | None = DEFAULT_OUT,
    k: int = 5,
    max_answerable_refused: float = 0.20,
    progress: Callable[[str, int, int], None] | None = None,
    cache: Path | None = None,
    seed: int = 13,
    n_questions: int | None = None,
) -> dict[str, Any]:
    """Collect, fit on half the articles, evaluate on the other half, write the model."""
    records = collect(engine, path, k=k, progress=progress, cache=cache, n_questions=n_questions)
    use_cached_embeddings(engine)
    provider: ExtractiveProvider = engine.extractive
    # Split over *all* the file's articles, exactly as `eval squad --heldout` does.
    fit_articles, test_articles = split_articles(read_squad(path)[1], seed=seed)
    X = featurize(provider, records)
    y = np.array([r.answerable for r in records], dtype=int)
    titles = np.array([r.title for r in records])
    on_fit = np.isin(titles, sorted(fit_articles))
    model, info = fit(X[on_fit], y[on_fit], titles[on_fit], max_answerable_refused)
    p = np.array([model.probability(dict(zip(FEATURE_NAMES, row, strict=True))) for row in X])
    yb = y.astype(bool)
    report: dict[str, Any] = {
        "file": path.name,
        "split_seed": seed,
        "fit_articles": len(fit_articles),
        "heldout_articles": len(test_articles),
        "questions_sampled": len(records),
        "fit_questions": int(on_fit.sum()),
        "heldout_questions": int((~on_fit).sum()),
        "threshold": model.threshold,
        "target_answerable_refused": max_answerable_refused,
        "fit_oof": info["oof"],
        "fit": rates(p[on_fit], yb[on_fit], model.threshold),
        "heldout": rates(p[~on_fit], yb[~on_fit], model.threshold),
        "heldout_auc": round(_auc(p[~on_fit], yb[~on_fit]), 4),
    }
    if out is not None:
        meta = {
            "fitted_on": f"{path.name}, {len(fit_articles)} articles (split_articles seed {seed})",
            "heldout": report["heldout"], "k": k,
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(model_to_dict(model, meta), indent=1) + "\n")
        report["written"] = str(out)
    return report


def _auc(scores: np.ndarray, positive: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(positive.astype(int), scores)) if 0 < positive.sum() < len(positive) else 0.0

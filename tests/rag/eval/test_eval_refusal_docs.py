"""Refit on SQuAD plus our own documents' questions: folds, weights, threshold, exclusions."""

from __future__ import annotations

import numpy as np

from providers.extractive_provider import FEATURE_NAMES
from rag.eval.refusal import EXCLUDED, _folds, fit, rates


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, len(FEATURE_NAMES)))
    X[:, 0] += 2.0 * y
    return X, y


def test_each_document_gets_a_fold_of_its_own() -> None:
    y = np.arange(60) % 2
    groups = np.array([f"a{i % 10}" for i in range(50)] + ["doc:x"] * 5 + ["doc:y"] * 5)
    is_doc = np.arange(60) >= 50
    folds = _folds(y, groups, is_doc)
    held = [set(groups[test]) for _, test in folds]
    assert sum("doc:x" in h for h in held) == 1 and sum("doc:y" in h for h in held) == 1
    assert not any({"doc:x", "doc:y"} <= h for h in held)
    assert sorted(np.concatenate([t for _, t in folds]).tolist()) == list(range(60))


def test_threshold_keeps_the_documents_answerables_and_ignores_wh_words() -> None:
    X, y = _data(600, 2)
    docs = np.arange(600) >= 500
    X[docs, 0] -= 1.0 * y[docs]  # documents' answerables look less answerable than SQuAD's
    wh = FEATURE_NAMES.index("wh_how")
    X[docs, wh] = 1.0 - y[docs]  # the writer's habit: near misses asked as "How do I ...?"
    groups = np.array([f"a{i % 10}" for i in range(500)] + [f"d{i % 3}" for i in range(100)])
    model, info = fit(X, y, groups, docs=docs, docs_weight=5.0, max_docs_answerable_refused=0.1)
    assert info["docs_oof"]["refused_answerable"] <= 0.11
    assert info["oof"]["refused_answerable"] <= 0.18
    assert all(model.weights[f] == 0.0 for f in EXCLUDED)
    p = np.array([model.probability(dict(zip(FEATURE_NAMES, r, strict=True))) for r in X])
    assert rates(p[docs], y[docs].astype(bool), model.threshold)["refused_answerable"] <= 0.2

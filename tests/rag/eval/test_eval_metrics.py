"""Retrieval/QA metrics and the fusion functions on toy inputs (no model, no data)."""

from __future__ import annotations

import math

import pytest

from rag.eval.metrics import contains_answer, exact_match, f1, mrr_at_k, ndcg_at_k, recall_at_k
from rag.eval.refusal import pick_threshold, rates
from rag.eval.squad import _strip_citations
from rag.retrieve import convex_fusion, rrf_fusion


def test_ndcg_perfect_and_shifted() -> None:
    rel = {"a": 1}
    assert ndcg_at_k(["a", "b"], rel) == pytest.approx(1.0)
    assert ndcg_at_k(["b", "a"], rel) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k(["b", "c"], rel) == 0.0


def test_recall_and_mrr() -> None:
    rel = {"a": 1, "b": 1, "z": 0}
    assert recall_at_k(["x", "a", "y"], rel, 2) == 0.5
    assert mrr_at_k(["x", "y", "b"], rel, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(["x"], rel, 10) == 0.0


def test_squad_answer_metrics() -> None:
    assert exact_match("The Eiffel Tower.", ["eiffel tower"]) == 1.0
    assert f1("in Paris France", ["Paris"]) == pytest.approx(0.5)
    assert contains_answer("It opened in 1889 in Paris.", ["1889"]) == 1.0
    assert _strip_citations("It opened in 1889. [1] Then [2]") == "It opened in 1889. Then"


def test_rrf_prefers_agreement() -> None:
    fused = rrf_fusion(((1.0, [("a", 9.0), ("b", 8.0)]), (1.0, [("b", 3.0), ("c", 2.0)])), k=60)
    assert max(fused, key=fused.__getitem__) == "b"


def test_convex_fusion_keeps_margins() -> None:
    # BM25 has a clear winner "c"; dense barely prefers "a" over "c".
    dense = [("a", 0.80), ("c", 0.79), ("b", 0.10)]
    bm25 = [("c", 20.0), ("a", 2.0), ("b", 1.0)]
    fused = convex_fusion(((1.0, dense), (1.0, bm25)))
    assert max(fused, key=fused.__getitem__) == "c"
    assert all(0.0 <= v <= 1.0 for v in fused.values())
    assert convex_fusion(((1.0, []), (1.0, [("x", 1.0)]))) == {"x": 1.0}


def test_threshold_bounds_answerable_refusals() -> None:
    import numpy as np

    p = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1, 0.3, 0.65])
    ans = np.array([True, True, True, True, False, False, False, False])
    t = pick_threshold(p, ans, 0.25)
    r = rates(p, ans, t)
    assert r["refused_answerable"] <= 0.25
    assert r["refused_unanswerable"] == 1.0

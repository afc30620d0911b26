"""Refusal model: features on toy sources, JSON round-trip, fitting on synthetic data."""

from __future__ import annotations

import json

import numpy as np

from providers.base import Source
from providers.extractive_provider import FEATURE_NAMES, ExtractiveProvider, RefusalModel
from rag.eval.refusal import fit, model_to_dict

PASSAGE = (
    "The Eiffel Tower was completed in 1889 for the World's Fair. "
    "It was designed by the engineering company of Gustave Eiffel. "
    "The tower is 330 metres tall."
)


def _provider() -> ExtractiveProvider:
    return ExtractiveProvider(embed=None)


def test_features_cover_every_name_and_flag_missing_entities() -> None:
    prov = _provider()
    src = [Source(n=1, source="eiffel.txt", page=1, text=PASSAGE, score=0.5)]
    good = prov.features(
        "When was the Eiffel Tower completed?",
        src,
        prov.candidates("When was the Eiffel Tower completed?", src),
    )
    swapped = prov.features(
        "When was the Statue of Liberty completed?",
        src,
        prov.candidates("When was the Statue of Liberty completed?", src),
    )
    assert set(good) == set(FEATURE_NAMES)
    assert good["type_match"] == 1.0 and good["wh_when"] == 1.0
    assert good["missing_caps"] == 0.0
    assert swapped["missing_caps"] >= 2.0
    assert swapped["passage_coverage"] < good["passage_coverage"]
    neg = prov.features(
        "When was the Eiffel Tower not completed?",
        src,
        prov.candidates("When was the Eiffel Tower not completed?", src),
    )
    assert neg["q_negated"] == 1.0 and neg["cue_missing"] >= 1.0


def test_no_candidates_gives_zero_features() -> None:
    prov = _provider()
    assert prov.features("anything?", [], []) == dict.fromkeys(FEATURE_NAMES, 0.0)


def test_fit_round_trips_through_json() -> None:
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, len(FEATURE_NAMES)))
    X[:, 0] += 2.0 * y  # one informative feature
    groups = [f"a{i % 10}" for i in range(n)]
    model, info = fit(X, y, groups, max_answerable_refused=0.2)
    assert info["oof"]["refused_answerable"] <= 0.21
    assert model.weights[FEATURE_NAMES[0]] > 0.5
    again = RefusalModel.from_dict(json.loads(json.dumps(model_to_dict(model))))
    feats = dict(zip(FEATURE_NAMES, X[0], strict=True))
    assert abs(again.probability(feats) - model.probability(feats)) < 1e-4
    assert again.threshold == model.threshold


def test_antonym_swap_feature() -> None:
    from providers.antonyms import antonym_swap

    sentence = "The cytokine TGF-beta suppresses the activity of macrophages."
    assert antonym_swap("What does TGF-beta encourage the activity of?", sentence)  # stems
    assert not antonym_swap("What does TGF-beta suppress the activity of?", sentence)
    # The question's own word present as well: not a swap ("high" and "low" both there).
    assert not antonym_swap("How high is it?", "It is high in summer and low in winter.")
    prov = _provider()
    src = [Source(n=1, source="eiffel.txt", page=1, text=PASSAGE, score=0.5)]
    q = "When was the Eiffel Tower started?"  # the passage says "completed": no antonym pair
    assert prov.features(q, src, prov.candidates(q, src))["antonym_swap"] == 0.0
    q = "What is the shortest tower?"
    assert antonym_swap(q, "The tower is the tallest and longest.")


def test_fit_keeps_evidence_signs_whatever_the_data_says() -> None:
    """SQuAD 2.0's artefact (copied words mean *un*answerable) must not flip evidence."""
    from rag.eval.refusal import AGAINST, EVIDENCE

    rng = np.random.default_rng(1)
    n = 600
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, len(FEATURE_NAMES)))
    cov = FEATURE_NAMES.index("passage_coverage")
    miss = FEATURE_NAMES.index("passage_missing")
    X[:, cov] -= 1.5 * y  # the artefact: answerable questions "cover" the passage less
    X[:, miss] += 1.5 * y
    X[:, 0] += 2.0 * y
    model, _ = fit(X, y, [f"a{i % 10}" for i in range(n)])
    assert model.weights["passage_coverage"] >= 0.0 and model.weights["passage_missing"] <= 0.0
    assert all(model.weights[f] >= 0.0 for f in EVIDENCE)
    assert all(model.weights[f] <= 0.0 for f in AGAINST)
    assert model.weights[FEATURE_NAMES[0]] > 0.5  # unconstrained features still learn

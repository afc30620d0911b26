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
    good = prov.features("When was the Eiffel Tower completed?", src,
                         prov.candidates("When was the Eiffel Tower completed?", src))
    swapped = prov.features("When was the Statue of Liberty completed?", src,
                            prov.candidates("When was the Statue of Liberty completed?", src))
    assert set(good) == set(FEATURE_NAMES)
    assert good["type_match"] == 1.0 and good["wh_when"] == 1.0
    assert good["missing_caps"] == 0.0
    assert swapped["missing_caps"] >= 2.0
    assert swapped["passage_coverage"] < good["passage_coverage"]
    neg = prov.features("When was the Eiffel Tower not completed?", src,
                        prov.candidates("When was the Eiffel Tower not completed?", src))
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

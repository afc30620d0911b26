"""Query latency at 1k/10k/50k chunks (embed, dense, BM25, fusion, total) and ANN recall@10.

The corpus is real text: SciFact abstracts and SQuAD v1.1/v2.0 dev passages, cut by our own
chunker into small chunks (56 word pieces, 16 overlap) so that 50k chunks exist, shuffled
with a fixed seed so every size mixes both sources. Its vectors are real MiniLM embeddings,
computed once and cached (with the built stores) under ``--cache`` so reruns only measure.
Sizes are prefixes of the same chunk list. Queries are real questions (SciFact claims and
SQuAD questions, fixed sample). Each query goes through ``Retriever.search`` exactly as the
app calls it (k=5, 50 candidates per retriever); p50/p95/p99 per stage are computed per
pass and the median over ``--passes`` passes is printed. Recall@10 compares Chroma's HNSW
top-10 with exact cosine search (numpy) over the same vectors.

    python bench/query_latency.py --sizes 1000 10000 50000
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

DATA = ROOT.parent / "shared" / "data"
STAGES = ("embed_ms", "dense_ms", "bm25_ms", "fuse_ms", "total_ms")
CHUNK_TOKENS, CHUNK_OVERLAP = 56, 16


def load_uptime() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def corpus(scifact: Path, squad: Path, seed: int = 7) -> list[tuple[str, int, str, int]]:
    """(doc name, chunk index, text, tokens) for every chunk, in a fixed shuffled doc order."""
    from ingest.chunking import chunk_pages
    from ingest.loaders import Page

    docs: dict[str, str] = {}
    with gzip.open(scifact / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs[f"scifact-{d['_id']}"] = f"{d['title']}. {d['text']}"
    seen: set[str] = set(docs.values())
    for p in sorted(squad.glob("*-passages.jsonl")):
        with p.open(encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                if d["text"] not in seen:  # v2.0 dev repeats v1.1 paragraphs
                    seen.add(d["text"])
                    docs[f"squad-{p.stem}-{d['_id']}"] = d["text"]
    names = sorted(docs)
    random.Random(seed).shuffle(names)
    out = []
    for name in names:
        for c in chunk_pages([Page(1, docs[name])], CHUNK_TOKENS, CHUNK_OVERLAP):
            out.append((name, c.index, c.text, c.tokens))
    return out


def queries(scifact: Path, squad: Path, n: int, seed: int = 11) -> list[str]:
    qs = [json.loads(line)["text"] for line in (scifact / "queries.jsonl").open(encoding="utf-8")]
    qs += [
        json.loads(line)["question"]
        for line in (squad / "v1.1-questions.jsonl").open(encoding="utf-8")
    ]
    return random.Random(seed).sample(qs, n)


def cached_vectors(
    cache: Path, chunks: list[tuple[str, int, str, int]], backend: str
) -> np.ndarray:
    """Embed every chunk once; later runs load the .npy (the slow part on 2 cores)."""
    key = hashlib.sha256("\n".join(c[2] for c in chunks).encode()).hexdigest()[:12]
    path = cache / f"vectors-{backend}-{len(chunks)}-{key}.npy"
    if path.is_file():
        return np.load(path)
    from rag.embeddings import get_embedder

    emb = get_embedder(backend, 64)
    texts = [c[2] for c in chunks]
    parts, t0 = [], time.perf_counter()
    for i in range(0, len(texts), 2048):
        parts.append(emb.embed(texts[i : i + 2048]))
        done = i + len(parts[-1])
        print(
            f"  embedded {done}/{len(texts)} ({done / (time.perf_counter() - t0):.0f}/s)",
            file=sys.stderr,
        )
    vecs = np.concatenate(parts).astype(np.float32)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path.with_suffix(".tmp.npy"), vecs)
    os.replace(path.with_suffix(".tmp.npy"), path)
    return vecs


def build_store(
    index_dir: Path, chunks: list[tuple[str, int, str, int]], vecs: np.ndarray, embedder: Any
) -> Any:
    """A real Store (Chroma + manifest) and BM25 index over the chunks, built once per size."""
    from rag.lexical import LexicalIndex
    from rag.store import ChunkRecord, DocInfo, Store

    store = Store(index_dir, embedder, collection="bench")
    done = index_dir / "complete"
    if done.is_file() and store.chunk_count() == len(chunks):
        return store
    by_doc: dict[str, list[int]] = {}
    for i, (name, *_rest) in enumerate(chunks):
        by_doc.setdefault(name, []).append(i)
    items, rows, t0 = [], [], time.perf_counter()

    def flush() -> None:
        if items:
            store.add_many(list(items), vecs[rows])
            items.clear()
            rows.clear()

    for name, idxs in by_doc.items():
        doc_id = hashlib.sha256(name.encode()).hexdigest()[:16]
        recs = []
        for i in idxs:
            _, ci, text, tokens = chunks[i]
            recs.append(ChunkRecord(f"{doc_id}:{ci}", doc_id, ci, 1, 0, len(text), tokens, text))
        items.append(
            (DocInfo(doc_id, f"text:{name}", name, doc_id, 1, len(recs), 0, 0.0), recs, ())
        )
        rows.extend(idxs)
        if len(rows) >= 4096:
            flush()
    flush()
    LexicalIndex(store.state_dir).ensure(store)
    done.write_text(str(len(chunks)))
    print(f"  built store of {len(chunks)} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return store


def exact_top(vecs: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    sims = vecs @ q
    top = np.argpartition(-sims, k - 1)[:k]
    return top[np.argsort(-sims[top])].tolist()


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def measure(
    store: Any, qs: list[str], passes: int, vecs: np.ndarray, ids: list[str]
) -> dict[str, Any]:
    from rag.lexical import LexicalIndex
    from rag.retrieve import Retriever

    retriever = Retriever(store, LexicalIndex(store.state_dir), candidates=50)
    for q in qs[:10]:
        retriever.search(q, k=5)  # warm: model, BM25 load, Chroma segment load
    per_pass: dict[str, dict[int, list[float]]] = {s: {50: [], 95: [], 99: []} for s in STAGES}
    qvecs: list[np.ndarray] = []
    for p in range(passes):
        samples: dict[str, list[float]] = {s: [] for s in STAGES}
        for q in qs:
            res = retriever.search(q, k=5)
            t = res.timings
            for s in STAGES:
                samples[s].append(float(getattr(t, s)))
            if p == 0:
                qvecs.append(res.query_vec)
        for s in STAGES:
            for p_ in (50, 95, 99):
                per_pass[s][p_].append(pct(samples[s], p_))
    pos = {cid: i for i, cid in enumerate(ids)}
    hits = 0
    for qv in qvecs:
        got = {pos[c] for c, _ in store.dense_search(qv, 10) if c in pos}
        hits += len(got & set(exact_top(vecs, qv, 10)))
    out: dict[str, Any] = {
        s: {p_: statistics.median(v) for p_, v in d.items()} for s, d in per_pass.items()
    }
    out["recall@10"] = hits / (10 * len(qvecs))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--scifact", type=Path, default=DATA / "beir-scifact")
    p.add_argument("--squad", type=Path, default=DATA / "squad")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    p.add_argument("--queries", type=int, default=200)
    p.add_argument(
        "--passes", type=int, default=5, help="passes over the queries; medians reported"
    )
    p.add_argument("--backend", default="torch", help="query embedding backend (torch|onnx)")
    p.add_argument(
        "--corpus-backend",
        default="onnx",
        help="backend that embeds the corpus once for the cache (onnx: 3x faster to build, cosine 0.995 to torch)",
    )
    p.add_argument("--cache", type=Path, default=Path("/tmp/grounded-qa-bench/query_latency"))
    p.add_argument("--json", type=Path, help="also write the rows here")
    args = p.parse_args(argv)

    from rag.embeddings import get_embedder

    chunks = corpus(args.scifact, args.squad)
    biggest = max(args.sizes)
    if len(chunks) < biggest:
        raise SystemExit(f"only {len(chunks)} chunks available, asked for {biggest}")
    chunks = chunks[:biggest]
    vecs = cached_vectors(args.cache, chunks, args.corpus_backend)
    qs = queries(args.scifact, args.squad, args.queries)
    embedder = get_embedder(args.backend, 64)
    rows = []
    for n in sorted(args.sizes):
        store = build_store(args.cache / f"store-{n}", chunks[:n], vecs[:n], embedder)
        ids = [f"{hashlib.sha256(c[0].encode()).hexdigest()[:16]}:{c[1]}" for c in chunks[:n]]
        load = load_uptime()
        r = measure(store, qs, args.passes, vecs[:n], ids)
        r.update(size=n, load=load, load_after=load_uptime(), backend=args.backend)
        rows.append(r)
        del store

    print(
        f"\nquery latency, ms (k=5, 50 candidates; {args.queries} queries x {args.passes} passes, "
        f"median of per-pass percentiles; query embedding: {args.backend})"
    )
    print(f"{'chunks':>7} {'stage':<7} {'p50':>8} {'p95':>8} {'p99':>8}  load")
    for r in rows:
        for s in STAGES:
            d = r[s]
            print(
                f"{r['size']:>7} {s[:-3]:<7} {d[50]:8.2f} {d[95]:8.2f} {d[99]:8.2f}  {r['load']}->{r['load_after']}"
            )
    print(f"\n{'chunks':>7} {'ANN recall@10 vs exact':>24}")
    for r in rows:
        print(f"{r['size']:>7} {r['recall@10']:>24.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

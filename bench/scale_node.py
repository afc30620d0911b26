"""The per-size probes of ``bench/scale.py``, each run as a fresh process (a new replica).

``replica``: start-up of an app replica against the existing store (spawn -> first hybrid
answer, through ``Engine(load_settings())`` exactly as the CLI/app build it from ``RAG_*``
env vars), then retrieval latency over real SciFact queries, its RSS, and gold hits.

``bm25``: a refresh, what ``Engine.ingest`` does for one new real abstract (chunk, embed,
commit, then a full BM25 rebuild + save), timed in parts; the rebuild's time, resident size
(bm25s's arrays, vocabulary, ids), RSS delta and peak are the BM25 build's at this size.
Then a second replica's pick-up of the saved index.

Each prints one JSON line on stdout (last line). Not meant to be run by hand.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

T_SPAWN = float(os.environ.get("SCALE_T_SPAWN", "0") or 0)  # parent's clock at spawn
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bm25_bytes(index: Any) -> dict[str, float]:
    """What a replica keeps resident for BM25: bm25s's sparse matrix, its vocabulary and the
    chunk-id list (the Python strings are counted with their object overhead)."""
    import numpy as np

    mb = 1024 * 1024
    arrays = 0
    vocab = 0
    if index.bm25 is not None:
        arrays = sum(v.nbytes for v in index.bm25.scores.values() if isinstance(v, np.ndarray))
        vd = index.bm25.vocab_dict
        vocab = sys.getsizeof(vd) + sum(sys.getsizeof(k) + 28 for k in vd)
    ids = sys.getsizeof(index.ids) + sum(sys.getsizeof(s) for s in index.ids)
    return {
        "arrays_mb": arrays / mb,
        "vocab_mb": vocab / mb,
        "ids_mb": ids / mb,
        "total_mb": (arrays + vocab + ids) / mb,
    }


def engine() -> Any:
    from rag.engine import Engine
    from rag.settings import load_settings

    return Engine(load_settings())


def replica(queries: list[dict[str, Any]], k: int) -> dict[str, Any]:
    import numpy as np

    t_import = time.time()
    eng = engine()
    t_engine = time.time()
    first = eng.retrieve(queries[0]["text"], k)
    t_ready = time.time()
    assert first.passages, "a replica answered nothing"
    out: dict[str, Any] = {
        "startup_s": t_ready - T_SPAWN,
        "startup_split_s": {
            "python_imports": t_import - T_SPAWN,
            "engine": t_engine - t_import,
            "first_query": t_ready - t_engine,
        },
        "rss_after_start_mb": rss_mb(),
    }
    for q in queries[:10]:  # warm: Chroma's segment cache, onnx session
        eng.retrieve(q["text"], k)
    # "cpu": this replica's own CPU per query (embed, BM25, fusion, HTTP client; Chroma's
    # search runs in the server): on a shared machine it says what the wall time would be
    # without waiting for a core.
    names = ("embed", "dense", "bm25", "fuse", "wall", "cpu")
    stages: dict[str, list[float]] = {s: [] for s in names}
    hits = 0
    for q in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        res = eng.retrieve(q["text"], k)
        stages["wall"].append((time.perf_counter() - t0) * 1000)
        stages["cpu"].append((time.process_time() - c0) * 1000)
        t = res.timings
        for s in ("embed", "dense", "bm25", "fuse"):
            stages[s].append(float(getattr(t, f"{s}_ms")))
        # Copies are named "<doc>~<n>": any copy of a gold abstract counts as the abstract.
        found = {p.source.split("~")[0].removesuffix(".txt") for p in res.passages}
        hits += bool(found & set(q["gold"]))
    out["latency_ms"] = {
        s: {"p50": float(np.percentile(v, 50)), "p95": float(np.percentile(v, 95))}
        for s, v in stages.items()
    }
    out["queries"] = len(queries)
    out[f"gold_hit@{k}"] = hits / len(queries)
    out["rss_mb"] = rss_mb()
    out["peak_rss_mb"] = peak_mb()
    out["chunks"] = eng.store.chunk_count()
    return out


def bm25(refresh_file: Path) -> dict[str, Any]:
    """Ingest one new document, then rebuild BM25 over everything: what ``Engine.ingest``
    does (ingest, then ``lexical.ensure``), timed in its two parts. The rebuild is a full
    build from the manifest (the index on disk is stale), so its time and memory are the
    BM25 build's at this size; one rebuild per size, not two, on a busy 2-core machine."""
    from rag.lexical import LexicalIndex

    eng = engine()
    store = eng.store
    eng.embedder.embed(["warm the model so the refresh times the ingest, not a model load"])
    # Every ingest starts with an orphan sweep (rag/store.py), timed here on its own: it
    # reads only the manifest's pending write intents. Before that fix it read every vector's
    # metadata in one Chroma get, which fails past 32,766 chunks; the rows of
    # bench/results/scale.json measured then record that failure ("ok": false) and what a
    # paged read of all the metadata took ("paged_read_s"). "full": this store predates
    # intents, so this sweep is its one-time paged full sweep.
    full = not store.manifest.full_sweep_done()
    t0 = time.perf_counter()
    swept = store.sweep_orphans()
    sweep = {"ok": True, "s": time.perf_counter() - t0, "swept": swept, "full": full}
    t0 = time.perf_counter()
    results = eng.ingestor.ingest([refresh_file])
    ingest_s = time.perf_counter() - t0
    rss0, peak0 = rss_mb(), peak_mb()
    t0 = time.perf_counter()
    index = eng.lexical.ensure(store)
    build_s = time.perf_counter() - t0
    out: dict[str, Any] = {
        "build_s": build_s,
        "refresh_s": ingest_s + build_s,
        "refresh_ingest_s": ingest_s,
        "orphan_sweep": sweep,
        "refresh_status": [r.status for r in results],
        "chunks": len(index.ids),
        "resident": bm25_bytes(index),
        "rss_delta_mb": rss_mb() - rss0,
        "peak_delta_mb": peak_mb() - peak0,
        "disk_mb": sum(f.stat().st_size for f in eng.lexical.dir.iterdir()) / 2**20,
    }
    t0 = time.perf_counter()
    other = LexicalIndex(store.state_dir)  # another replica sharing this state dir
    other.ensure(store)
    out["pickup_load_s"] = time.perf_counter() - t0
    hit = eng.retrieve(refresh_file.read_text().split("\n")[0], 5, mode="bm25").passages
    out["refresh_found"] = bool(hit) and hit[0].source == refresh_file.name
    return out


def main() -> int:
    mode = sys.argv[1]
    if mode == "replica":
        spec = json.loads(Path(sys.argv[2]).read_text())
        result = replica(spec["queries"], spec["k"])
    elif mode == "bm25":
        result = bm25(Path(sys.argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

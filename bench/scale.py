"""Scale: grow a corpus on a real Chroma server from 50k to 500k chunks and measure, per size,
what one node costs: hybrid retrieval p50/p95, BM25 build time and memory, replica start-up,
refresh after an ingest, Chroma server RSS and disk.

Corpus. Real SciFact abstracts (``beir-scifact``; every abstract judged for a test query
first, then the rest in a seeded order), cut by the app's own chunker (200/40 word pieces,
title as the contextual prefix), embedded once by the app's embedder (MiniLM, fp32 ONNX) and
cached in ``<work>/cache/*.npy``. Beyond that, each further copy of an abstract is a
perturbation of a real one: its vector plus gaussian noise (``--sigma`` per dimension, about
0.98 cosine to the original at 0.01), renormalised; its text with the sentence order shuffled
and one sentence dropped (or a version token appended when it has fewer than three), so BM25
sees different documents. Copies are named ``<doc>~<n>``. Chunks go in through the store's
batch path (``Store.add_many``: vectors to Chroma in batches of 5000, then the manifest).

Per size, each probe is a fresh process (``bench/scale_node.py``) configured only by the
``RAG_*`` env vars of a replica (``RAG_CHROMA_HOST``/``PORT``, ``RAG_INDEX_DIR``,
``RAG_COLLECTION``): BM25 build/refresh/pick-up, then replica start-up and latency over
real SciFact test queries (``Engine.retrieve``, k=5, 50 candidates per retriever). Then the
Chroma server's RSS and disk, and (``--restart-server``) its own restart time.

    nice -n 15 python bench/scale.py --sizes 50000 100000 200000 500000 --real 3000 \
        --queries 150 --json bench/results/scale.json
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("RAG_SHARED_DATA", ROOT.parent / "shared" / "data"))
COLLECTION = "scale"
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the real corpus -----------------------------------------------------------------------
def real_chunks(scifact: Path, n: int) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """(doc name, title, chunk text) of at least ``n`` real chunks, and the held-out abstracts
    (name -> "title\\ntext") the refresh probe ingests as new documents."""
    from ingest.chunking import chunk_pages
    from ingest.loaders import Page

    docs: dict[str, tuple[str, str]] = {}
    with gzip.open(scifact / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs[d["_id"]] = (d["title"], d["text"])
    gold = sorted({r[1] for r in _qrels(scifact)} & docs.keys())
    rest = sorted(docs.keys() - set(gold))
    random.Random(7).shuffle(rest)
    out: list[tuple[str, str, str]] = []
    order = gold + rest
    used = 0
    for used, did in enumerate(order, 1):  # noqa: B007 - used is read after the loop
        title, text = docs[did]
        for c in chunk_pages([Page(1, text)], 200, 40):
            out.append((f"scifact-{did}", title, c.text))
        if len(out) >= n:
            break
    held = {f"scifact-{d}": "\n".join(docs[d]) for d in order[used : used + 50]}
    return out, held


def _qrels(scifact: Path) -> list[tuple[str, str]]:
    rows = (scifact / "qrels" / "test.tsv").read_text().splitlines()[1:]
    return [(r.split("\t")[0], r.split("\t")[1]) for r in rows if r.strip()]


def test_queries(scifact: Path, n: int) -> list[dict[str, Any]]:
    gold: dict[str, list[str]] = {}
    for qid, did in _qrels(scifact):
        gold.setdefault(qid, []).append(f"scifact-{did}")
    out = []
    for line in (scifact / "queries.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        if q["_id"] in gold:
            out.append({"text": q["text"], "gold": gold[q["_id"]]})
    return out[:n]


def cached_vectors(cache: Path, chunks: list[tuple[str, str, str]]) -> np.ndarray:
    """The app's embedding of ``title\\ntext`` (what contextual chunks embed), computed once."""
    texts = [f"{t}\n{c}" for _, t, c in chunks]
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:12]
    path = cache / f"scifact-{len(texts)}-{key}.npy"
    if path.is_file():
        return np.load(path)
    from rag.embeddings import get_embedder

    emb, parts, t0 = get_embedder(), [], time.perf_counter()
    for i in range(0, len(texts), 512):
        parts.append(emb.embed(texts[i : i + 512]))
        done = i + len(parts[-1])
        print(f"  embedded {done}/{len(texts)} ({done / (time.perf_counter() - t0):.0f}/s)")
    vecs = np.concatenate(parts).astype(np.float32)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path.with_suffix(".tmp.npy"), vecs)
    os.replace(path.with_suffix(".tmp.npy"), path)
    return vecs


def perturb_text(text: str, copy: int, rng: random.Random) -> str:
    sents = _SENT.split(text)
    if len(sents) >= 3:
        sents.pop(rng.randrange(len(sents)))
        rng.shuffle(sents)
        return " ".join(sents)
    return f"{text} v{copy}"


class Grower:
    """Appends copies of the real documents (copy 0 = the real ones) to the store."""

    def __init__(
        self, store: Any, chunks: list[tuple[str, str, str]], vecs: np.ndarray, sigma: float
    ) -> None:
        self.store, self.vecs, self.sigma = store, vecs, sigma
        self.docs: list[tuple[str, str, list[int]]] = []  # (name, title, chunk rows)
        for i, (name, title, _) in enumerate(chunks):
            if not self.docs or self.docs[-1][0] != name:
                self.docs.append((name, title, []))
            self.docs[-1][2].append(i)
        self.texts = [c for _, _, c in chunks]
        self.pos = 0  # documents added so far, over all copies
        self.total = 0  # chunks added

    def grow_to(self, size: int, batch: int = 5000) -> float:
        from rag.store import ChunkRecord, DocInfo

        t0 = time.perf_counter()
        while self.total < size:
            items, vecs = [], []
            while self.total < size and sum(len(v) for v in vecs) < batch:
                copy, d = divmod(self.pos, len(self.docs))
                name, title, rows = self.docs[d]
                label = name if copy == 0 else f"{name}~{copy}"
                doc_id = hashlib.sha256(label.encode()).hexdigest()[:16]
                rng = random.Random(self.pos)
                recs = []
                for j, r in enumerate(rows):
                    text = self.texts[r] if copy == 0 else perturb_text(self.texts[r], copy, rng)
                    recs.append(
                        ChunkRecord(
                            f"{doc_id}:{j}", doc_id, j, 1, 0, len(text), 0, text, context=title
                        )
                    )
                base = self.vecs[rows]
                if copy:
                    noise = np.random.default_rng(self.pos).standard_normal(
                        base.shape, dtype=np.float32
                    )
                    base = base + self.sigma * noise
                    base /= np.linalg.norm(base, axis=1, keepdims=True)
                vecs.append(base)
                items.append(
                    (DocInfo(doc_id, f"bench:{label}", label, doc_id, 1, len(recs), 0), recs, ())
                )
                self.pos += 1
                self.total += len(recs)
            self.store.add_many(items, np.concatenate(vecs))
        return time.perf_counter() - t0


# --- the Chroma server ------------------------------------------------------------------------
class ChromaServer:
    def __init__(self, path: Path, log: Path) -> None:
        self.path, self.log, self.port = path, log, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 600) -> float:
        exe = Path(sys.executable).with_name("chroma")
        cmd = [str(exe if exe.exists() else shutil.which("chroma") or "chroma"), "run", "--path", str(self.path),
               "--host", "127.0.0.1", "--port", str(self.port)]  # fmt: skip
        t0 = time.perf_counter()
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={
                    "ANONYMIZED_TELEMETRY": "False",
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                },
            )
        while True:
            try:
                url = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                pass
            if self.proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"chroma server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.proc = None

    def rss_mb(self) -> float:
        from bench.scale_node import rss_mb

        return rss_mb(self.proc.pid) if self.proc else 0.0


# --- per size ----------------------------------------------------------------------------------
def node(mode: str, arg: Path, env: dict[str, str], timeout: float) -> dict[str, Any]:
    env = {**env, "SCALE_T_SPAWN": repr(time.time())}
    cmd = [sys.executable, str(ROOT / "bench" / "scale_node.py"), mode, str(arg)]
    p = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{mode} probe failed: {p.stderr[-3000:]}")
    return dict(json.loads(p.stdout.strip().splitlines()[-1]))


def replica_env(index_dir: Path, server: ChromaServer, threads: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RAG_") or k in ("RAG_MODELS_DIR", "RAG_SHARED_DATA")
    }
    t = str(threads)
    env.update(
        RAG_INDEX_DIR=str(index_dir), RAG_CHROMA_HOST="127.0.0.1", RAG_CHROMA_PORT=str(server.port),
        RAG_COLLECTION=COLLECTION, RAG_AUTO_INGEST_DEMO="false", PYTHONPATH=str(ROOT),
        OMP_NUM_THREADS=t, MKL_NUM_THREADS=t, OPENBLAS_NUM_THREADS=t, ANONYMIZED_TELEMETRY="False",
        HF_HUB_OFFLINE="1",
    )  # fmt: skip
    return env


def measure_size(args: argparse.Namespace, ctx: dict[str, Any], size: int) -> dict[str, Any]:
    grower, server, work = ctx["grower"], ctx["server"], ctx["work"]
    row: dict[str, Any] = {"size": size, "load_before": loadavg()}
    row["grow_s"] = grower.grow_to(size)
    row["chunks"] = grower.total
    row["vectors"] = grower.store.vector_count()
    print(
        f"[{size}] grown to {grower.total} chunks in {row['grow_s']:.0f}s (load {loadavg()})",
        flush=True,
    )
    env = replica_env(ctx["index_dir"], server, args.threads)
    name = next(iter(ctx["held"]))
    text = ctx["held"].pop(name)
    refresh = work / f"{name}.txt"
    refresh.write_text(text)
    row["bm25"] = node("bm25", refresh, env, args.timeout)

    print(
        f"[{size}] bm25 build {row['bm25']['build_s']:.1f}s refresh {row['bm25']['refresh_s']:.1f}s",
        flush=True,
    )
    spec = work / "queries.json"
    spec.write_text(json.dumps({"queries": ctx["queries"], "k": 5}))
    row["replica"] = node("replica", spec, env, args.timeout)
    row["chroma_rss_mb"] = server.rss_mb()
    row["disk_mb"] = {"chroma": du_mb(server.path), "manifest_and_bm25": du_mb(ctx["index_dir"])}
    if args.restart_server:
        server.stop()
        up = server.start()
        t0 = time.perf_counter()
        grower.store.dense_search(ctx["probe_vec"], 50)
        row["chroma_restart_s"] = {"heartbeat": up, "first_query": time.perf_counter() - t0}
        row["chroma_rss_after_restart_mb"] = server.rss_mb()
    row["load_after"] = loadavg()
    rep = row["replica"]["latency_ms"]["wall"]
    print(f"[{size}] p50 {rep['p50']:.1f} p95 {rep['p95']:.1f} ms, start-up {row['replica']['startup_s']:.1f}s, "
          f"chroma {row['chroma_rss_mb']:.0f} MB", flush=True)  # fmt: skip
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scifact", type=Path, default=DATA / "beir-scifact")
    p.add_argument(
        "--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000, 350_000, 500_000]
    )
    p.add_argument(
        "--real", type=int, default=6000, help="real chunks to embed (the rest are copies)"
    )
    p.add_argument(
        "--queries", type=int, default=300, help="SciFact test queries per size (max 300)"
    )
    p.add_argument(
        "--sigma", type=float, default=0.01, help="noise per dimension of a copy's vector"
    )
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--timeout", type=float, default=3600, help="per probe process, seconds")
    p.add_argument("--restart-server", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument(
        "--work", type=Path, help="work dir (default: a new temp dir, removed at the end)"
    )
    p.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "grounded-qa-bench" / "scale"
    )
    p.add_argument("--json", type=Path, help="write the rows here (after every size)")
    args = p.parse_args(argv)

    from rag.embeddings import get_embedder
    from rag.store import Store

    work = args.work or Path(tempfile.mkdtemp(prefix="scale-"))
    work.mkdir(parents=True, exist_ok=True)
    chunks, held = real_chunks(args.scifact, args.real)
    vecs = cached_vectors(args.cache, chunks)
    server = ChromaServer(work / "chroma", work / "chroma.log")
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": " ".join(["python", "bench/scale.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": {"cpus": os.cpu_count(), "niceness": os.nice(0), "load_start": loadavg()},
        "real_chunks": len(chunks), "sigma": args.sigma, "rows": [],
    }  # fmt: skip
    try:
        result["chroma_start_empty_s"] = server.start()
        store = Store(work / "index", get_embedder(), COLLECTION, "127.0.0.1", server.port)
        ctx = {
            "grower": Grower(store, chunks, vecs, args.sigma), "server": server, "work": work,
            "index_dir": work / "index", "held": held, "probe_vec": vecs[0],
            "queries": test_queries(args.scifact, args.queries),
        }  # fmt: skip
        for size in sorted(args.sizes):
            result["rows"].append(measure_size(args, ctx, size))
            result["load_end"] = loadavg()
            if args.json:
                args.json.parent.mkdir(parents=True, exist_ok=True)
                args.json.write_text(json.dumps(result, indent=1))
    finally:
        server.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    from bench.scale_report import crossings, table

    print("\n".join([*table(result["rows"]), "", *crossings(result["rows"])]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Ingest throughput vs the bare model on exactly the same chunk texts, in the same run.

For each corpus (the long PDFs, then SciFact abstracts as in-memory texts) it runs, in
alternation so machine noise hits both alike:

* **ours**: ``Ingestor.ingest`` / ``ingest_texts`` into a fresh store (parse, chunk, embed,
  Chroma + manifest commit) plus the BM25 rebuild the engine does after an ingest;
* **bare**: ``SentenceTransformer.encode`` (the same loaded model, batch 64, normalised)
  on the chunk texts that run produced: the physical limit of this pipeline.

Prints chunks/s, tokens/s, ours/bare per pair (median over ``--runs``) and the time split.
The split is measured per stage by wrapping the pipeline's functions; embedding runs on a
background thread overlapping parse/chunk, so stage times can add up to more than the
wall time. ``--onnx`` also times the ONNX int8 backend on the same texts (ratio to bare
torch fp32).

    python bench/ingest_throughput.py --runs 3 --scifact-limit 600
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

DATA = ROOT.parent / "shared" / "data"
LONG_PDFS = (
    "FIPS199.pdf",
    "FIPS200.pdf",
    "NIST.CSWP.04162018.pdf",
    "federal-register-2020-17221.pdf",
)


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


class StageClock:
    """Accumulates seconds per stage; thread-safe (embed/store run on the ingest thread)."""

    def __init__(self) -> None:
        self.t: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                with self._lock:
                    self.t[stage] += time.perf_counter() - t0

        return timed


def read_scifact(folder: Path, limit: int) -> list[tuple[str, str]]:
    out = []
    with gzip.open(folder / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            out.append((d["_id"], f"{d['title']}\n\n{d['text']}"))
            if limit and len(out) >= limit:
                break
    return out


def run_ours(source: Any, embedder: Any, workdir: Path) -> dict[str, Any]:
    """One full ingest into a fresh store; returns wall time, split, chunk texts/tokens."""
    import ingest.pipeline as pipeline
    from ingest.pipeline import Ingestor
    from rag.lexical import LexicalIndex
    from rag.store import ChunkRecord, DocInfo, Store

    shutil.rmtree(workdir, ignore_errors=True)
    clock = StageClock()
    store = Store(workdir, embedder, collection="bench")  # opening is not ingest: untimed
    orig_load, orig_chunk = pipeline.load_document, pipeline.chunk_pages
    pipeline.load_document = clock.wrap("parse", orig_load)  # type: ignore[assignment]
    pipeline.chunk_pages = clock.wrap("chunk", orig_chunk)  # type: ignore[assignment]
    store.add_many = clock.wrap("store", store.add_many)  # type: ignore[method-assign]

    class TimedEmbedder:
        dim = embedder.dim

        def embed(self, texts: Any) -> Any:
            return clock.wrap("embed", embedder.embed)(texts)

    try:
        ing = Ingestor(store, TimedEmbedder(), make_doc=DocInfo, make_chunk=ChunkRecord)
        t0 = time.perf_counter()
        if isinstance(source, list) and source and isinstance(source[0], tuple):
            results = ing.ingest_texts(source)
        else:
            results = ing.ingest(source)
        t1 = time.perf_counter()
        LexicalIndex(store.state_dir).ensure(store)  # the engine rebuilds BM25 after ingest
        wall = time.perf_counter() - t0
        clock.t["bm25"] = time.perf_counter() - t1
    finally:
        pipeline.load_document, pipeline.chunk_pages = orig_load, orig_chunk
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise SystemExit(f"ingest failed: {failed[:3]}")
    rows = store._db().execute("SELECT text, tokens FROM chunks ORDER BY doc_id, idx").fetchall()
    return {
        "wall": wall,
        "split": dict(clock.t),
        "texts": [r[0] for r in rows],
        "tokens": sum(r[1] for r in rows),
    }


def run_bare(model: Any, texts: list[str], batch: int) -> float:
    t0 = time.perf_counter()
    model.encode(
        texts,
        batch_size=batch,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--pdfs", type=Path, default=DATA / "pdfs")
    p.add_argument(
        "--pdf-names",
        nargs="*",
        default=None,
        help="PDF file names in --pdfs (default: the 4 long ones: FIPS 199/200, NIST CSF, Federal Register)",
    )
    p.add_argument("--scifact", type=Path, default=DATA / "beir-scifact")
    p.add_argument(
        "--scifact-limit", type=int, default=600, help="first N abstracts (0 = all 5,183)"
    )
    p.add_argument(
        "--runs", type=int, default=3, help="ours/bare pairs per corpus (median reported)"
    )
    p.add_argument("--batch", type=int, default=64)
    p.add_argument(
        "--onnx", action="store_true", help="also time the ONNX int8 backend on the same texts"
    )
    p.add_argument("--only", choices=["pdfs", "scifact"], default=None)
    p.add_argument("--json", type=Path)
    p.add_argument(
        "--torch-runtime",
        action="store_true",
        help="ours on PyTorch too (RAG_FP32_ONNX=false); default: the app's fp32 runtime, "
        "onnxruntime when setup exported the weights",
    )
    args = p.parse_args(argv)

    from rag.embeddings import MiniLMEmbedder

    pdfs = [args.pdfs / n for n in (args.pdf_names or LONG_PDFS)]
    corpora: dict[str, Any] = {}
    if args.only in (None, "pdfs"):
        corpora[f"{len(pdfs)} PDFs"] = pdfs
    if args.only in (None, "scifact"):
        corpora[f"SciFact {args.scifact_limit or 'all'}"] = read_scifact(
            args.scifact, args.scifact_limit
        )

    embedder = MiniLMEmbedder(batch_size=args.batch, fp32_onnx=not args.torch_runtime)
    print(f"ours: fp32 MiniLM on {embedder.runtime}; bare: SentenceTransformer.encode (PyTorch)")
    model = embedder._load()
    model.encode(["warm up"] * 8)  # first call pays lazy init
    onnx = None
    if args.onnx:
        from rag.embeddings_onnx import OnnxEmbedder

        onnx = OnnxEmbedder(batch_size=args.batch)
        onnx.embed(["warm up"] * 8)

    rows = []
    for name, source in corpora.items():
        pairs = []
        with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
            for i in range(args.runs):
                load0 = loadavg()
                ours = run_ours(source, embedder, Path(tmp) / f"run{i}")
                bare = run_bare(model, ours["texts"], args.batch)
                o = run_onnx = None
                if onnx is not None:
                    t0 = time.perf_counter()
                    onnx.embed(ours["texts"])
                    run_onnx = time.perf_counter() - t0
                    o = bare / run_onnx
                n = len(ours["texts"])
                pairs.append(
                    {
                        "ours_s": ours["wall"],
                        "bare_s": bare,
                        "ratio": bare / ours["wall"],
                        "onnx_s": run_onnx,
                        "onnx_x": o,
                        "chunks": n,
                        "tokens": ours["tokens"],
                        "split": ours["split"],
                        "load": f"{load0}->{loadavg()}",
                    }
                )
                print(
                    f"  {name} run {i + 1}: ours {ours['wall']:.1f}s bare {bare:.1f}s "
                    f"ratio {bare / ours['wall']:.3f} load {pairs[-1]['load']}"
                    + (f" onnx {run_onnx:.1f}s ({o:.2f}x)" if o else ""),
                    file=sys.stderr,
                )
        med = {k: statistics.median(pr[k] for pr in pairs) for k in ("ours_s", "bare_s", "ratio")}
        if onnx is not None:
            med["onnx_x"] = statistics.median(pr["onnx_x"] for pr in pairs)
        split = {
            k: statistics.median(pr["split"].get(k, 0.0) for pr in pairs)
            for k in ("parse", "chunk", "embed", "store", "bm25")
        }
        rows.append(
            {
                "corpus": name,
                "runs": pairs,
                "median": med,
                "split": split,
                "chunks": pairs[0]["chunks"],
                "tokens": pairs[0]["tokens"],
            }
        )

    print(
        f"\ningest throughput (medians of {args.runs} alternating ours/bare runs; batch {args.batch})"
    )
    print(
        f"{'corpus':<14} {'chunks':>6} {'ours ch/s':>9} {'bare ch/s':>9} {'ours tok/s':>10} "
        f"{'bare tok/s':>10} {'ours/bare':>9}"
        + (f" {'onnx/torch':>10}" if args.onnx else "")
        + "  load"
    )
    for r in rows:
        m = r["median"]
        print(
            f"{r['corpus']:<14} {r['chunks']:>6} {r['chunks'] / m['ours_s']:>9.1f} "
            f"{r['chunks'] / m['bare_s']:>9.1f} {r['tokens'] / m['ours_s']:>10.0f} "
            f"{r['tokens'] / m['bare_s']:>10.0f} {m['ratio']:>9.3f}"
            + (f" {m['onnx_x']:>10.2f}" if args.onnx else "")
            + "  "
            + ", ".join(pr["load"] for pr in r["runs"])
        )
    print("\ntime split, s (median; embed overlaps parse/chunk on a thread)")
    print(
        f"{'corpus':<14} {'parse':>7} {'chunk':>7} {'embed':>7} {'store':>7} {'bm25':>7} {'wall':>7}"
    )
    for r in rows:
        s = r["split"]
        print(
            f"{r['corpus']:<14} {s['parse']:>7.2f} {s['chunk']:>7.2f} {s['embed']:>7.2f} "
            f"{s['store']:>7.2f} {s['bm25']:>7.2f} {r['median']['ours_s']:>7.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

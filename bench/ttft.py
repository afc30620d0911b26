"""Time-to-first-token overhead: the app's TTFT minus a fake provider's fixed first-token delay.

A local wire-format fake of the OpenAI API (``tests/fakes/servers.py``) holds every
streamed answer back by ``--delay`` seconds before its first byte (``fault="slow"``), then
streams. What is left of the TTFT is ours: question -> retrieval (query embedding, dense,
BM25, fusion) -> prompt -> provider chain -> HTTP -> SDK -> first text delta.

* **library** (what ``python -m rag ask`` runs): ``Engine.ask_stream`` with the CLI's
  provider chain (``rag.llm.make_chain``), timed to the first non-empty text delta.
* **streamlit**: the real ``app.py`` through ``streamlit.testing.v1.AppTest`` with OpenAI
  picked in the sidebar; a question is typed in the chat box and the time runs from the
  script rerun it triggers (settings, cached engine, sidebar, documents, history...) to the
  first delta ``ui.chat`` receives from the engine. Browser/websocket time is not included
  (see ``bench/cold_start.py`` for the real browser).

Every question is distinct, so the response cache never answers. p50/p95 per pass, median
over ``--passes`` passes.

    python bench/ttft.py --delay 0.2 --questions 10 --passes 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

KEY = "sk-bench-TTFT0123456789abcdefXYZ"
TOPICS = (
    "hotel limit in London",
    "refund policy for annual plans",
    "parental leave",
    "meal allowance per day",
    "new features in release 2",
    "password reset",
    "remote work",
    "expense report deadline",
    "laptop replacement",
    "data export",
)


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def questions(n: int, run: int, path: str) -> list[str]:
    # Distinct text every time, per path too: the chain's response cache must never answer
    # (both paths share one index dir, so the second path would otherwise be served cached).
    return [
        f"What does the policy say about {TOPICS[i % len(TOPICS)]}? ({path} case {run}-{i})"
        for i in range(n)
    ]


def summarise(passes: list[list[float]]) -> dict[str, float]:
    p50 = [float(np.percentile(p, 50)) for p in passes]
    p95 = [float(np.percentile(p, 95)) for p in passes]
    return {
        "p50": statistics.median(p50),
        "p95": statistics.median(p95),
        "n": sum(len(p) for p in passes),
    }


def bench_library(delay: float, n: int, passes: int) -> list[list[float]]:
    from rag.engine import Engine
    from rag.llm import make_chain
    from rag.settings import Settings

    engine = Engine(Settings())
    engine.ensure_demo()
    chain = make_chain(engine, "openai:gpt-4o-mini", None)
    for q in questions(3, -1, "library"):
        list(engine.ask_stream(q, provider=chain))  # warm: model, BM25, SDK client, sockets
    out = []
    for r in range(passes):
        samples = []
        for q in questions(n, r, "library"):
            t0 = time.perf_counter()
            it = engine.ask_stream(q, provider=chain)
            for item in it:
                if isinstance(item, str) and item:
                    samples.append((time.perf_counter() - t0 - delay) * 1000)
                    break
            it.close()  # the rest (grounding check of the answer) is not TTFT: skip it
        out.append(samples)
    return out


def openai_app() -> tuple[Any, list[float], Callable[[], None]]:
    """``app.py`` in AppTest with OpenAI picked in the sidebar, and a clock: the returned list
    receives the time of the first streamed text delta of each answer (clear it per question).
    Call the returned function to restore ``Engine.ask_stream``."""
    from streamlit.testing.v1 import AppTest

    import rag.engine

    first: list[float] = []
    original = rag.engine.Engine.ask_stream

    def timed(self: Any, *a: Any, **kw: Any) -> Iterator[Any]:
        for item in original(self, *a, **kw):
            if isinstance(item, str) and item and not first:
                first.append(time.perf_counter())
            yield item

    def restore() -> None:
        rag.engine.Engine.ask_stream = original  # type: ignore[method-assign]

    rag.engine.Engine.ask_stream = timed  # type: ignore[method-assign]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.selectbox(key="provider").set_value("openai").run()
    at.text_input(key="api_key_openai").set_value(KEY).run()
    return at, first, restore


def bench_streamlit(delay: float, n: int, passes: int) -> list[list[float]]:
    at, first, restore = openai_app()
    out = []
    for r in range(-1, passes):
        samples = []
        for q in questions(n if r >= 0 else 3, r, "streamlit"):
            at.session_state["turns"] = []  # no history: no follow-up rewrite call
            first.clear()
            t0 = time.perf_counter()
            at.chat_input[0].set_value(q).run()
            if at.exception:
                raise SystemExit(f"app raised: {at.exception}")
            if not first:
                raise SystemExit("no streamed delta seen: did the provider answer?")
            samples.append((first[0] - t0 - delay) * 1000)
        if r >= 0:  # pass -1 warms the app (first script runs, model, BM25)
            out.append(samples)
    restore()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--delay", type=float, default=0.2, help="fake provider's first-token delay, s")
    p.add_argument("--questions", type=int, default=10, help="questions per pass")
    p.add_argument("--passes", type=int, default=5)
    p.add_argument(
        "--paths", nargs="+", default=["library", "streamlit"], choices=["library", "streamlit"]
    )
    p.add_argument(
        "--index-dir",
        type=Path,
        default=None,
        help="RAG_INDEX_DIR with the demo corpus (default: a temp dir, indexed first)",
    )
    p.add_argument("--backend", default=None, help="RAG_EMBEDDING_BACKEND (torch|onnx)")
    args = p.parse_args(argv)

    from tests.fakes.servers import FakeOpenAI, Reply

    tmp = tempfile.mkdtemp(prefix="ttft-")
    fake = FakeOpenAI(
        Reply(
            text="Hotels in London may cost up to 320 dollars a night [1].",
            fault="slow",
            delay_s=args.delay,
        )
    ).start()
    os.environ.update(
        {
            "RAG_INDEX_DIR": str(args.index_dir or Path(tmp) / "index"),
            "OPENAI_BASE_URL": fake.base_url,
            "OPENAI_API_KEY": KEY,
            "RAG_MAX_RETRIES": "0",
            "RAG_REQUEST_TIMEOUT_S": str(args.delay + 30),
        }
    )
    if args.backend:
        os.environ["RAG_EMBEDDING_BACKEND"] = args.backend
    rows = []
    try:
        for path in args.paths:
            load0 = loadavg()
            fn = bench_library if path == "library" else bench_streamlit
            res = summarise(fn(args.delay, args.questions, args.passes))
            rows.append((path, res, f"{load0}->{loadavg()}"))
    finally:
        fake.stop()
    print(
        f"\nTTFT overhead = TTFT - fake first-token delay ({args.delay * 1000:.0f} ms), ms; "
        f"{args.questions} questions x {args.passes} passes, median of per-pass percentiles"
    )
    print(f"{'path':<10} {'p50':>8} {'p95':>8} {'n':>5}  load")
    for path, r, load in rows:
        print(f"{path:<10} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['n']:>5}  {load}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

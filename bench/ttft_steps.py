"""Where the Streamlit path's time to first token goes, step by step (a profile, not a target).

The same set-up as ``bench/ttft.py --paths streamlit`` (``app.py`` in AppTest, OpenAI picked
in the sidebar, a wire-format fake holding its first byte ``--delay`` s), with the page's
steps wrapped in timers: settings, engine lookup, sidebar, documents list, history,
retrieval. Prints the median per call and the total per question, and the TTFT overhead.

    python bench/ttft_steps.py --questions 30
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ttft import KEY, openai_app  # noqa: E402  # the same app set-up and first-token clock


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--questions", type=int, default=30)
    p.add_argument("--delay", type=float, default=0.2, help="fake provider's first-token delay, s")
    args = p.parse_args(argv)

    from tests.fakes.servers import FakeOpenAI, Reply

    fake = FakeOpenAI(
        Reply(
            text="Hotels in London may cost up to 320 dollars a night [1].",
            fault="slow",
            delay_s=args.delay,
        )
    ).start()
    os.environ.update(
        {
            "RAG_INDEX_DIR": str(Path(tempfile.mkdtemp(prefix="ttft-steps-")) / "index"),
            "OPENAI_BASE_URL": fake.base_url,
            "OPENAI_API_KEY": KEY,
            "RAG_MAX_RETRIES": "0",
        }
    )
    import rag.retrieve
    import ui.chat
    import ui.documents
    import ui.sidebar
    import ui.state

    times: dict[str, list[float]] = collections.defaultdict(list)
    on = [False]

    def wrap(owner: Any, name: str, label: str) -> None:
        orig: Callable[..., Any] = getattr(owner, name)

        def timed(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return orig(*a, **kw)
            finally:
                if on[0]:
                    times[label].append((time.perf_counter() - t0) * 1000)

        setattr(owner, name, timed)

    wrap(ui.state, "get_settings", "settings")
    wrap(ui.state, "get_engine", "engine lookup")
    wrap(ui.sidebar, "render", "sidebar")
    wrap(ui.documents, "render", "documents list")
    wrap(ui.chat, "render_history", "history")
    wrap(rag.retrieve.Retriever, "search", "retrieval")

    at, first, _ = openai_app()
    for i in range(3):  # warm: model, BM25, SDK client
        at.session_state["turns"] = []
        at.chat_input[0].set_value(f"warm-up question {i} about hotels").run()
    on[0] = True
    overhead = []
    for i in range(args.questions):
        at.session_state["turns"] = []
        first.clear()
        t0 = time.perf_counter()
        at.chat_input[0].set_value(f"What does the policy say about hotel limits ({i})?").run()
        overhead.append((first[0] - t0 - args.delay) * 1000)
    fake.stop()
    n = args.questions
    print(f"{'step':<16} {'calls/q':>8} {'median ms':>10} {'ms per question':>16}")
    for label, v in times.items():
        print(f"{label:<16} {len(v) / n:>8.1f} {statistics.median(v):>10.2f} {sum(v) / n:>16.2f}")
    print(
        f"TTFT overhead median {statistics.median(overhead):.1f} ms "
        f"(steps after the answer's rerun count twice: the page redraws once when it is done)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

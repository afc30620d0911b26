"""A conversation's answers, timed in a real browser: does a session slow down as it grows?

Starts ``streamlit run app.py`` on a free port over the demo corpus (indexed first, in its
own process), opens it in Debian's Chromium through Playwright, and asks QUESTIONS (ten
demo questions with two follow-ups, asked twice: 20 turns) with no key, on a new server each run. Each answer is
timed from Enter to the finished turn on the page (its "Answered by" line drawn and
Streamlit's running indicator gone). Reported: each question's time, and the median of
each ten.

    python bench/conversation_latency.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cold_start import CHROMIUM_FLAGS, free_port, loadavg, port_open, prepare_index  # noqa: E402

QUESTIONS = [
    "What is the nightly hotel limit in London?",
    "How many vacation days do full-time employees get?",
    "How many of them can be carried over?",
    "What is the meal allowance per day?",
    "Who approves travel?",
    "What is the warranty period?",
    "How many people does Northwind employ?",
    "What allowance do new employees get for their home office?",
    "What are the core hours?",
    "And in Paris?",
] * 2
MESSAGES = '[data-testid="stChatMessage"]'
ANSWERED = '[data-testid="stChatMessage"] [data-testid="stCaptionContainer"]'


def one_conversation(browser: object, port: int, timeout: float) -> list[float]:
    page = browser.new_page(viewport={"width": 1300, "height": 1000})  # type: ignore[attr-defined]
    page.goto(f"http://127.0.0.1:{port}/", timeout=timeout * 1000)
    page.get_by_text("documents are indexed", exact=False).first.wait_for(timeout=timeout * 1000)
    box = page.get_by_placeholder("Ask a question about your documents")
    times = []
    for q in QUESTIONS:
        n = page.locator(MESSAGES).count()
        answered = page.get_by_text("Answered by", exact=False).count()
        t0 = time.perf_counter()
        box.fill(q)
        box.press("Enter")
        page.wait_for_function(
            f"document.querySelectorAll('{MESSAGES}').length >= {n + 2}", timeout=timeout * 1000
        )
        page.get_by_text("Answered by", exact=False).nth(answered).wait_for(timeout=timeout * 1000)
        page.wait_for_function(
            "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout * 1000
        )
        times.append(time.perf_counter() - t0)
    page.close()
    return times


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=3, help="conversations, each in a new session")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--timeout", type=float, default=180.0)
    args = p.parse_args(argv)

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="conversation-"))
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(RAG_INDEX_DIR=str(tmp / "index"), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("RAG_PROVIDER", None)
    prepare_index(tmp / "index", env)
    runs: list[list[float]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_FLAGS)
        for i in range(args.runs):  # a new server each time: nothing kept from the last
            port = free_port()
            cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
            cmd += ["--server.headless", "true", "--server.fileWatcherType", "none"]
            with (tmp / "streamlit.log").open("ab") as log:
                proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
            try:
                while not port_open(port):
                    if proc.poll() is not None:
                        raise SystemExit(f"streamlit exited early; see {tmp / 'streamlit.log'}")
                    time.sleep(0.1)
                load0 = loadavg()
                runs.append(one_conversation(browser, port, args.timeout))
                print(f"  run {i + 1}: load {load0}->{loadavg()}", file=sys.stderr)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
        browser.close()
    print(f"seconds from Enter to the finished answer ({args.runs} conversations)")
    for i, q in enumerate(QUESTIONS):
        cells = " ".join(f"{r[i]:5.2f}" for r in runs)
        print(f"{i + 1:>2} {cells}  {q}")
    for name, part in (("questions 1-10", slice(0, 10)), ("questions 11-20", slice(10, 20))):
        med = statistics.median(t for r in runs for t in r[part])
        print(f"median, {name}: {med:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

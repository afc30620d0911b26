"""Cold start: time from ``streamlit run app.py`` to the first answer, in a real browser.

Each run starts a fresh ``streamlit run`` process (nothing cached in memory) on a free
port, while a headless Chromium (Debian's, through Playwright; already open, as a user's
browser would be) polls the port, loads the page, types a question in the chat box and
waits until the answer's "Answered by" line is on the page. The index is the demo corpus,
indexed once before the first run (``--fresh-index`` measures the very first start
instead, which also indexes the demo corpus). Reported: median and each run, with the
split server-up / chat box drawn / page usable (engine warm, documents listed) / answered.

    python bench/cold_start.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "What is the nightly hotel limit in London?"


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def prepare_index(index_dir: Path, env: dict[str, str]) -> None:
    """Index the demo corpus once (what a first run does), in its own process."""
    code = "from rag.engine import Engine; from rag.settings import Settings; Engine(Settings()).ensure_demo()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


def one_run(
    browser: object, env: dict[str, str], timeout: float, log: Path, early: bool = False
) -> dict[str, float]:
    """One cold start; ``early``: the question is typed as soon as the chat box is drawn
    (it waits for the engine with a spinner) instead of once the page is usable."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    page = browser.new_page()  # type: ignore[attr-defined]
    with log.open("ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            while not port_open(port):
                if proc.poll() is not None:
                    raise SystemExit(f"streamlit exited early; see {log}")
                if time.perf_counter() - t0 > timeout:
                    raise SystemExit("server did not open its port in time")
                time.sleep(0.05)
            t_up = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/", timeout=timeout * 1000)
            box = page.get_by_placeholder("Ask a question about your documents")
            box.wait_for(timeout=timeout * 1000)
            t_ready = time.perf_counter()
            # Usable: the engine warmed in the background and the welcome box lists the
            # documents (the chat box above is drawn before that, while it loads).
            if not early:
                page.get_by_text("documents are indexed", exact=False).first.wait_for(
                    timeout=timeout * 1000
                )
            t_usable = time.perf_counter() if not early else float("nan")
            box.fill(QUESTION)
            box.press("Enter")
            page.get_by_text("Answered by", exact=False).first.wait_for(timeout=timeout * 1000)
            t_answer = time.perf_counter()
        finally:
            page.close()
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {
        "up": t_up - t0,
        "ready": t_ready - t0,
        "usable": t_usable - t0,
        "answer": t_answer - t0,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--runs", type=int, default=5)
    p.add_argument(
        "--index-dir", type=Path, default=None, help="RAG_INDEX_DIR (default: a temp dir)"
    )
    p.add_argument(
        "--fresh-index", action="store_true", help="empty index each run: the very first start"
    )
    p.add_argument(
        "--early", action="store_true", help="ask as soon as the chat box is drawn (no usable wait)"
    )
    p.add_argument("--backend", default=None, help="RAG_EMBEDDING_BACKEND (torch|onnx)")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--timeout", type=float, default=180.0)
    args = p.parse_args(argv)

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="cold-"))
    env = dict(
        os.environ,
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    for var in (
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "GEMINI_API_KEY",
        "RAG_PROVIDER",
        "RAG_FALLBACK",
    ):
        env.pop(var, None)
    if args.backend:
        env["RAG_EMBEDDING_BACKEND"] = args.backend
    index = args.index_dir or tmp / "index"
    env["RAG_INDEX_DIR"] = str(index)
    if not args.fresh_index:
        prepare_index(index, env)
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=args.chromium, args=CHROMIUM_FLAGS, headless=True
        )
        for i in range(args.runs):
            if args.fresh_index:
                env["RAG_INDEX_DIR"] = str(tmp / f"index-{i}")
            load0 = loadavg()
            r = one_run(browser, env, args.timeout, tmp / "streamlit.log", args.early)
            r["load"] = f"{load0}->{loadavg()}"  # type: ignore[assignment]
            rows.append(r)
            print(
                f"  run {i + 1}: up {r['up']:.1f}s chat box {r['ready']:.1f}s "
                f"usable {r['usable']:.1f}s answer {r['answer']:.1f}s "
                f"load {r['load']}",
                file=sys.stderr,
            )
        browser.close()
    keys = ("up", "ready", "usable", "answer")
    med = {k: statistics.median(float(r[k]) for r in rows) for k in keys}
    backend = args.backend or os.environ.get("RAG_EMBEDDING_BACKEND", "torch")
    print(
        f"\ncold start, s ({len(rows)} runs, median; backend {backend}; "
        f"{'fresh index' if args.fresh_index else 'demo corpus already indexed'})"
    )
    print(f"{'':<8} {'server up':>9} {'chat box':>9} {'usable':>7} {'1st answer':>10}  load")
    for i, r in enumerate(rows):
        print(
            f"run {i + 1:<4} {r['up']:>9.1f} {r['ready']:>9.1f} {r['usable']:>7.1f} "
            f"{r['answer']:>10.1f}  {r['load']}"
        )
    print(
        f"{'median':<8} {med['up']:>9.1f} {med['ready']:>9.1f} {med['usable']:>7.1f} "
        f"{med['answer']:>10.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One way to run the app for the browser tests: `streamlit run app.py` on 127.0.0.1 with a
clean environment (no provider keys or RAG_* settings of the developer's), started,
waited for and stopped the same way by every module."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT

_FOREIGN = ("OPENAI_", "ANTHROPIC_", "GEMINI_", "GOOGLE_", "RAG_")


def app_env(index_dir: Path, **extra: str) -> dict[str, str]:
    """The environment minus keys and settings from outside the test, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env.update(
        RAG_INDEX_DIR=str(index_dir),
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        **extra,
    )
    env.pop("APP_ENV", None)
    return env


@contextmanager
def running_app(
    port: int, env: dict[str, str], log: Path, *args: str, start_timeout_s: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """`streamlit run app.py` until the block ends; healthy before the block starts."""
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "streamlit", "run", "app.py"),
                *("--server.address", "127.0.0.1", "--server.port", str(port)),
                *("--server.headless", "true", "--server.fileWatcherType", "none"),
                *("--browser.gatherUsageStats", "false"),
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; see {log}")
            time.sleep(0.1)
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)  # streamlit's own clean shutdown path (Ctrl-C)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()

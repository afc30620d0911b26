"""`python -m rag ask --provider ...` end to end: the real CLI, the real OpenAI SDK, a fake server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.fakes.servers import FakeOpenAI, Reply

pytestmark = pytest.mark.integration

KEY = "sk-test-SENTINELKEY-7f3a9c2e11b04d"


def _run(index: Path, fake: FakeOpenAI, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "ANTHROPIC_", "GEMINI_", "GOOGLE_", "OLLAMA_"))
    }
    env.update(
        RAG_INDEX_DIR=str(index),
        OPENAI_BASE_URL=fake.base_url,
        OPENAI_API_KEY=KEY,
        RAG_MAX_RETRIES="1",
        RAG_RETRY_MAX_WAIT_S="0.2",
        RAG_REQUEST_TIMEOUT_S="5",
    )
    return subprocess.run(
        [sys.executable, "-m", "rag", "-vv", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("idx")


def test_answer_from_the_fake_with_usage_and_cost(index: Path) -> None:
    with FakeOpenAI(
        Reply(
            text="The London hotel limit is 320 dollars [1].", input_tokens=1200, output_tokens=40
        )
    ) as fake:
        proc = _run(
            index,
            fake,
            "ask",
            "What is the hotel limit in London?",
            "--provider",
            "openai:gpt-4o-mini",
            "--json",
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["provider"] == "openai" and out["model"] == "gpt-4o-mini"
    assert out["answer"] == "The London hotel limit is 320 dollars [1]."
    assert out["usage"] == {"input_tokens": 1200, "output_tokens": 40}
    # gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output (providers/pricing.toml)
    assert out["cost_usd"] == pytest.approx(1200 * 0.15e-6 + 40 * 0.60e-6)
    assert out["cited"] == [1] and out["sources"][0]["page"] is not None
    sent = fake.calls[0].body
    assert "<sources>" in sent["messages"][-1]["content"] and sent["model"] == "gpt-4o-mini"
    assert KEY not in proc.stdout + proc.stderr


def test_falls_back_to_extractive_when_openai_fails(index: Path) -> None:
    with FakeOpenAI(Reply(fault="server")) as fake:
        proc = _run(
            index,
            fake,
            "ask",
            "What is the nightly hotel limit in Tokyo?",
            "--provider",
            "openai:gpt-4o-mini",
            "--json",
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["provider"] == "extractive" and "320" in out["answer"]
    assert [a["provider"] for a in out["attempts"]] == ["openai", "extractive"]
    assert out["attempts"][0]["error"] and out["attempts"][1]["error"] is None
    assert len(fake.calls) == 2  # one try + one retry (RAG_MAX_RETRIES=1)
    assert KEY not in proc.stdout + proc.stderr


def test_a_repeated_question_is_served_from_the_cache(index: Path) -> None:
    # Self-contained: asks once itself, so it does not lean on another test's cache entry.
    question = "What is the hotel limit in Paris?"
    args = ("ask", question, "--provider", "openai:gpt-4o-mini", "--json")
    # One server (the cache key holds its address): it answers once, then fails if asked.
    with FakeOpenAI(Reply(fault="server")) as fake:
        fake.replies.append(Reply(text="The Paris limit is 300 dollars [1]."))
        first = json.loads(_run(index, fake, *args).stdout)
        assert first["provider"] == "openai" and first["cached"] is False
        assert len(fake.calls) == 1
        proc = _run(index, fake, *args)
    out = json.loads(proc.stdout)
    assert out["provider"] == "openai" and out["cached"] is True and out["cost_usd"] == 0
    assert out["answer"] == first["answer"]
    assert len(fake.calls) == 1


def test_providers_and_usage_show_the_calls_of_earlier_processes(index: Path) -> None:
    def usage_row(fake: FakeOpenAI) -> dict[str, Any]:
        out = json.loads(_run(index, fake, "usage", "--by", "model", "--json").stdout)
        rows = [r for r in out["rows"] if r["model"] == "openai:gpt-4o-mini"]
        return rows[0] if rows else {"calls": 0, "answered": 0, "cost_usd": 0.0}

    with FakeOpenAI(
        Reply(text="Tokyo: 250 dollars [1].", input_tokens=1000, output_tokens=10)
    ) as fake:
        before = usage_row(fake)
        proc = _run(index, fake, "ask", "Hotel limit in Tokyo, please?", "--provider", "openai")
        assert proc.returncode == 0, proc.stderr[-2000:]
        after = usage_row(fake)  # a third process reads what the second one did
        providers = json.loads(_run(index, fake, "providers", "--json").stdout)
    assert after["calls"] - before["calls"] == 1 and after["answered"] - before["answered"] == 1
    assert after["cost_usd"] - before["cost_usd"] == pytest.approx(1000 * 0.15e-6 + 10 * 0.60e-6)
    m = {r["provider"]: r for r in providers["providers"]}["openai"]["metrics"]
    assert m["calls"] >= 1 and m["successes"] >= 1 and m["p50_ms"] is not None
    assert m["models"]["openai:gpt-4o-mini"]["calls"] == after["calls"]
    assert KEY not in json.dumps(providers)


def test_providers_command_lists_keys_without_showing_them(index: Path) -> None:
    with FakeOpenAI() as fake:
        proc = _run(index, fake, "providers", "--json")
    out = json.loads(proc.stdout)
    rows = {r["provider"]: r for r in out["providers"]}
    assert rows["openai"]["key_configured"] is True and rows["extractive"]["key_configured"] is True
    assert {"openai", "anthropic", "gemini", "ollama", "openai_compatible", "extractive"} <= set(
        rows
    )
    assert KEY not in proc.stdout + proc.stderr

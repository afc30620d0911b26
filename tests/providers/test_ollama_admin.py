"""Ollama model management against the fake Ollama (health, tags, NDJSON pull stream) and CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from providers.ollama_admin import (
    OllamaAdmin,
    OllamaPullError,
    OllamaUnavailable,
    PullProgress,
    canonical,
    needed_models,
)
from rag.cli import main
from tests.fakes.servers import FakeServer, unused_port

pytestmark = pytest.mark.trust


def refused_url() -> str:
    return f"http://127.0.0.1:{unused_port()}"


def test_health(fake_ollama: FakeServer) -> None:
    h = OllamaAdmin(fake_ollama.root).health()
    assert h == {
        "ok": True,
        "base_url": fake_ollama.root,
        "version": "0.6.2",
        "error": None,
        "models": 2,
    }


def test_health_when_not_running() -> None:
    h = OllamaAdmin(refused_url(), timeout_s=1).health()
    assert not h["ok"] and "not running" in h["error"] and "ollama serve" in h["error"]
    with pytest.raises(OllamaUnavailable, match="connection refused"):
        OllamaAdmin(refused_url(), timeout_s=1).list_models()


def test_list_and_missing(fake_ollama: FakeServer) -> None:
    admin = OllamaAdmin(fake_ollama.root)
    models = admin.list_models()
    assert [m["name"] for m in models] == ["llama3.2:latest", "qwen2.5:0.5b"]
    assert models[0]["parameter_size"] == "3.2B" and models[0]["quantization"] == "Q4_K_M"
    need = needed_models(["openai:gpt-4o-mini", "ollama:llama3.2", "ollama:mistral", "ollama"])
    assert need == ["llama3.2", "mistral"]
    st = admin.status(need)
    assert st.missing == ["mistral"] and st.needed == need
    assert canonical("llama3.2") == canonical("llama3.2:latest") != canonical("llama3.2:1b")


def test_pull_progress_stream(fake_ollama: FakeServer) -> None:
    seen: list[PullProgress] = []
    admin = OllamaAdmin(fake_ollama.root)
    final = admin.pull("mistral", seen.append)
    assert final.done and final.status == "success"
    assert seen[0].status == "pulling manifest"
    assert any(p.status.startswith("pulling ") and p.digest for p in seen)
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert all(0.0 <= f <= 1.0 for f in fractions)
    # Bytes never go backwards; the fraction dips only when a new layer is announced (the
    # total grows), so within a layer it never decreases.
    done = [p.overall_completed for p in seen]
    assert done == sorted(done) and done[-1] == 2_012_000
    for digest in {p.digest for p in seen if p.digest}:
        layer = [p.fraction for p in seen if p.digest == digest and p.fraction is not None]
        assert layer == sorted(layer) and len(layer) >= 3, digest
    assert fractions[-1] == 1.0 and final.overall_total == 2_012_000
    assert [p.status for p in seen[-3:]] == [
        "verifying sha256 digest",
        "writing manifest",
        "success",
    ]
    body = next(c.body for c in fake_ollama.requests if c.path == "/api/pull")
    assert body == {"model": "mistral", "stream": True}
    assert admin.status(["mistral"]).missing == []  # installed now


def test_pull_unknown_model(fake_ollama: FakeServer) -> None:
    fake_ollama.pull_fault = "not_found"
    with pytest.raises(OllamaPullError, match="file does not exist"):
        OllamaAdmin(fake_ollama.root).pull("no-such-model")


def test_pull_cut_mid_download(fake_ollama: FakeServer) -> None:
    fake_ollama.pull_fault = "cut"
    # In words, not the transport's class name ("interrupted: RemoteProtocolError").
    with pytest.raises(OllamaPullError, match=r"interrupted: the connection to Ollama was lost"):
        OllamaAdmin(fake_ollama.root).pull("mistral")
    assert OllamaAdmin(fake_ollama.root).status(["mistral"]).missing == ["mistral"]


def test_pull_when_not_running() -> None:
    with pytest.raises(OllamaUnavailable, match="not running"):
        OllamaAdmin(refused_url(), timeout_s=1).pull("mistral")


# --- CLI ------------------------------------------------------------------------------------
@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RAG_PROVIDER", "ollama:mistral")
    monkeypatch.setenv("RAG_FALLBACK", '["ollama:llama3.2"]')
    return monkeypatch


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_cli_list_health_pull(
    cli_env: pytest.MonkeyPatch, fake_ollama: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_env.setenv("RAG_OLLAMA_HOST", fake_ollama.root)
    assert main(["ollama", "health", "--json"]) == 0
    assert _json(capsys)["ok"] is True
    assert main(["ollama", "list", "--json"]) == 0
    out = _json(capsys)
    assert out["needed"] == ["mistral", "llama3.2"] and out["missing"] == ["mistral"]
    assert main(["ollama", "pull", "--missing", "--json", "--progress"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["pulled"] == [
        {"model": "mistral", "status": "success", "bytes": 2_012_000}
    ]
    assert "pull mistral" in captured.err  # the progress bar, on stderr
    assert main(["ollama", "list", "--json"]) == 0
    assert _json(capsys)["missing"] == []


def test_cli_not_running(cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.setenv("RAG_OLLAMA_HOST", refused_url())
    assert main(["ollama", "health"]) == 1
    assert "Ollama is not running" in capsys.readouterr().err
    assert main(["ollama", "pull", "mistral", "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["kind"] == "connection"
    assert "Traceback" not in captured.err

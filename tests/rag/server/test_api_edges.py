"""The API's edges in process: tokens kept as hashes, no traceback in a 500, CORS off by
default, the size limit on uploads, and ``rag serve`` refusing an open, keyless host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.rag.server.conftest import TOKEN, server_settings


def _app(tmp_path: Path, **overrides: Any) -> Any:
    from rag.engine import Engine
    from rag.server import create_app

    settings = server_settings(
        tmp_path / "index", embedding_backend="hash", auto_ingest_demo=False, **overrides
    )
    return create_app(settings, Engine(settings))


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return _app(tmp_path)


AUTH = {"Authorization": f"Bearer {TOKEN}"}
ASK = {"model": "grounded-qa", "messages": [{"role": "user", "content": "what is the fee?"}]}


def test_tokens_are_kept_as_hashes() -> None:
    from rag.server.auth import Tokens

    tokens = Tokens(["alpha-secret", " beta-secret ", ""])
    assert tokens.required
    assert tokens.accepts("alpha-secret") and tokens.accepts("beta-secret")
    assert not tokens.accepts("alpha-secre") and not tokens.accepts("")
    assert "alpha-secret" not in repr(vars(tokens))
    assert not Tokens([]).required


def test_a_server_error_never_leaks(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any, **__: Any) -> Iterator[Any]:
        raise RuntimeError("sk-very-secret in /srv/secret/path")

    monkeypatch.setattr(app.state.service, "answer_stream", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/v1/chat/completions", json=ASK, headers=AUTH)
    assert r.status_code == 500
    assert r.json()["error"]["type"] == "server_error"
    assert "secret" not in r.text and "Traceback" not in r.text


def test_a_failing_stream_ends_with_an_error_event(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Iterator[Any]:
        yield "The fee "
        raise RuntimeError("sk-very-secret")

    monkeypatch.setattr(app.state.service, "answer_stream", broken)
    with TestClient(app) as c:
        r = c.post("/v1/chat/completions", json={**ASK, "stream": True}, headers=AUTH)
    assert r.status_code == 200
    assert '"error"' in r.text.splitlines()[-2] and "secret" not in r.text


def test_cors_is_off_unless_configured(app: Any, tmp_path: Path) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    with TestClient(app) as c:
        r = c.options("/v1/chat/completions", headers=preflight)
        assert "access-control-allow-origin" not in r.headers
    allowed = _app(tmp_path / "cors", cors_origins=["https://chat.example"])
    with TestClient(allowed) as c:
        r = c.options(
            "/v1/chat/completions", headers={**preflight, "Origin": "https://chat.example"}
        )
        assert r.headers["access-control-allow-origin"] == "https://chat.example"
        r = c.get("/v1/models", headers={"Origin": "https://evil.example", **AUTH})
        assert "access-control-allow-origin" not in r.headers


def test_upload_size_limits(tmp_path: Path) -> None:
    app = _app(tmp_path, max_file_mb=0.01)  # 10 kB a file
    with TestClient(app) as c:
        big = [("files", ("big.txt", b"word " * 4000, "text/plain"))]
        r = c.post("/v1/documents", files=big, headers=AUTH)
        assert r.status_code == 413 and r.json()["error"]["param"] == "files"
        small = [("files", ("a.txt", b"The fee is 20 dollars.", "text/plain"))] * 2
        r = c.post("/v1/documents", files=small, headers=AUTH)
        assert r.status_code == 200
        assert [x["status"] for x in r.json()["data"]] == ["added", "unchanged"]
        r = c.post("/v1/documents", headers=AUTH)
        assert r.status_code == 400


def test_serve_refuses_an_open_host_without_tokens(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rag.cli import main
    from rag.cli.serve import auth_problem, is_loopback
    from rag.settings import load_settings

    monkeypatch.delenv("RAG_API_KEYS", raising=False)
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    assert "RAG_API_KEYS" in capsys.readouterr().err
    keyless = load_settings()
    assert auth_problem(keyless, "0.0.0.0", insecure=True) is None
    assert auth_problem(keyless, "127.0.0.1", insecure=False) is None
    assert auth_problem(keyless, "::1", insecure=False) is None
    assert not is_loopback("10.0.0.1") and is_loopback("localhost")
    keyed = load_settings(server_api_keys=["t"])
    assert auth_problem(keyed, "0.0.0.0", insecure=False) is None


def test_api_tokens_and_provider_keys_share_rag_api_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.settings import load_settings

    monkeypatch.setenv("RAG_API_KEYS", "tok-1, tok-2")
    monkeypatch.setenv("RAG_API_KEYS__OPENAI", "sk-provider")
    monkeypatch.setenv("RAG_CORS_ORIGINS", "https://a.example,https://b.example")
    s = load_settings()
    assert [k.get_secret_value() for k in s.server_api_keys] == ["tok-1", "tok-2"]
    assert [k.get_secret_value() for k in s.api_keys["openai"]] == ["sk-provider"]
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    monkeypatch.delenv("RAG_API_KEYS__OPENAI")
    monkeypatch.setenv("RAG_API_KEYS", '{"openai": "sk-json"}')  # the JSON form still works
    s = load_settings()
    assert s.server_api_keys == [] and s.api_keys["openai"][0].get_secret_value() == "sk-json"


def test_rag_serve_command(tmp_path: Path) -> None:
    """``python -m rag serve`` itself: it starts, asks for the token, and stops on SIGTERM."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from tests.rag.server.conftest import ROOT, free_port

    port = free_port()
    env = {
        **os.environ,
        "RAG_INDEX_DIR": str(tmp_path / "index"),
        "RAG_EMBEDDING_BACKEND": "hash",
        "RAG_AUTO_INGEST_DEMO": "false",
        "RAG_API_KEYS": "cli-token",
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-m", "rag", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/v1/models"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                r = httpx.get(url, headers={"Authorization": "Bearer cli-token"})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "rag serve did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["data"][0]["id"] == "grounded-qa"
        assert httpx.get(url).status_code == 401
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "cli-token" not in err


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
@pytest.mark.parametrize("value", [0, -5])
def test_a_token_limit_below_one_is_a_400_naming_it(app: Any, field: str, value: int) -> None:
    # OpenAI refuses these; answering anyway hid a client's bug behind a 200.
    with TestClient(app) as c:
        r = c.post("/v1/chat/completions", json={**ASK, field: value}, headers=AUTH)
    assert r.status_code == 400
    assert r.json()["error"]["param"] == field
    assert r.json()["error"]["type"] == "invalid_request_error"


def test_n_above_one_is_a_400_not_one_choice(app: Any) -> None:
    # One answer is made per request: a 200 with one choice broke clients reading choices[1].
    with TestClient(app) as c:
        refused = c.post("/v1/chat/completions", json={**ASK, "n": 2}, headers=AUTH)
        one = c.post("/v1/chat/completions", json={**ASK, "n": 1}, headers=AUTH)
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "n"
    assert one.status_code == 200 and len(one.json()["choices"]) == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"model": "grounded-qa", "messages": []}', "text/plain"),
        (b"[1, 2]", "application/json"),
        (b"", "application/json"),
        (b"model=grounded-qa", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_a_json_object_says_so(app: Any, body: bytes, content_type: str) -> None:
    # pydantic's "Input should be a valid dictionary..." / "Field required" named nothing to fix.
    headers = {**AUTH, "Content-Type": content_type}
    with TestClient(app) as c:
        r = c.post("/v1/chat/completions", content=body, headers=headers)
    assert r.status_code == 400
    assert "JSON object" in r.json()["error"]["message"]
    assert "application/json" in r.json()["error"]["message"]


@pytest.mark.parametrize("value", ["yes", "false", 1])
def test_stream_must_be_a_boolean(app: Any, value: Any) -> None:
    # Lax coercion streamed for "yes" and not for "false": the client got what it did not expect.
    with TestClient(app) as c:
        r = c.post("/v1/chat/completions", json={**ASK, "stream": value}, headers=AUTH)
    assert r.status_code == 400
    assert r.json()["error"]["param"] == "stream"

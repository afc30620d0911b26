"""A real ``rag serve`` app on uvicorn (a thread, 127.0.0.1, a free port) over a scratch
index with the demo corpus, and clients for it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

TOKEN = "test-token-" + "x" * 20


@dataclass
class Live:
    url: str  # http://127.0.0.1:PORT
    token: str
    app: Any

    @property
    def api(self) -> str:
        return self.url + "/v1"

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_settings(index_dir: Path, **overrides: Any) -> Any:
    from rag.settings import load_settings

    values: dict[str, Any] = {
        "index_dir": index_dir,
        "demo_dir": ROOT / "data" / "demo",
        "server_api_keys": [TOKEN],
        "provider": "extractive",
        "fallback": [],
    }
    values.update(overrides)
    return load_settings(**values)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` on uvicorn in a thread (127.0.0.1, a free port): its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from rag.engine import Engine
    from rag.server import create_app

    settings = server_settings(tmp_path_factory.mktemp("server") / "index")
    engine = Engine(settings)
    engine.ensure_demo()
    app = create_app(settings, engine)
    with serving(app) as url:
        yield Live(url, TOKEN, app)


@pytest.fixture
def client(live: Live) -> Any:
    from openai import OpenAI

    return OpenAI(base_url=live.api, api_key=live.token, max_retries=0, timeout=60)

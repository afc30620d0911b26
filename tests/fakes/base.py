"""The shared machinery of the wire-format fakes: scripted replies, recorded requests, an
HTTP server on 127.0.0.1 (random port) and the helpers every API's fake writes with.

One module per API speaks its wire format (``openai_server``, ``anthropic_server``,
``gemini_server``, ``ollama_server``); ``servers`` re-exports them all.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Reply:
    text: str = "Paris is the capital of France [1]."
    input_tokens: int = 42
    output_tokens: int = 9
    fault: str | None = None
    retry_after: float | None = None
    retry_after_ms: int | None = None
    cut_after: int = 2
    delay_s: float = 2.0  # only used by fault="slow"
    model: str | None = None
    # Function calls (name, arguments) the model makes in this reply, in each API's own
    # shape (non-streaming answers only). ``text`` is then sent beside them if non-empty.
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Thinking tokens a reasoning model spent (Gemini 2.5 reports them apart from the
    # answer's tokens, as ``thoughtsTokenCount``; they are billed as output).
    thinking_tokens: int = 0
    # Extra response headers (e.g. a Retry-After a fake would not send by default).
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def stream_error_at(self) -> int | None:
        """Content chunks sent before the API's in-stream error event (None: no such fault).

        ``stream_error``: the error comes before the first token; ``stream_error_late``:
        after ``cut_after`` chunks of text were sent.
        """
        if self.fault == "stream_error":
            return 0
        if self.fault == "stream_error_late":
            return self.cut_after
        return None


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


def _chunks(text: str, n: int = 4) -> list[str]:
    """Split text into about n deltas (word boundaries kept in the pieces)."""
    words = text.split(" ")
    size = max(1, len(words) // n + (1 if len(words) % n else 0))
    pieces = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    return [p if i == len(pieces) - 1 else p + " " for i, p in enumerate(pieces)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def _dispatch(self, method: str) -> None:
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        rec = Recorded(
            method,
            url.path,
            parse_qs(url.query),
            {k.lower(): v for k, v in self.headers.items()},
            body,
        )
        fake = self.server.fake
        with fake.lock:
            fake.requests.append(rec)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            fake.handle(self, rec)

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_GET(self) -> None:
        self._dispatch("GET")

    # -- writing helpers -----------------------------------------------------------------
    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def send_truncated(self, obj: Any) -> None:
        """Announce a full body, send half of it, drop the connection."""
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.drop()

    def start_stream(self, content_type: str = "text/event-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data: str | bytes) -> None:
        b = data.encode() if isinstance(data, str) else data
        self.wfile.write(b"%x\r\n%s\r\n" % (len(b), b))
        self.wfile.flush()

    def end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def drop(self) -> None:
        """Cut the connection mid-body, as a crashed proxy or server would."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or hang up mid-response are part of the test, not noise.
        pass


class FakeServer:
    """Base: a queue of replies, recorded requests, lifecycle. Subclasses speak one API."""

    name = "fake"

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply()
        self.replies: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            # A short poll keeps stop() (and so every test's teardown) fast.
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
        )

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes handlers sleeping in a "slow" fault
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root

    # -- scripting -----------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def next_reply(self) -> Reply:
        with self.lock:
            return self.replies.popleft() if self.replies else self.default

    def reset(self) -> None:
        with self.lock:
            self.replies.clear()
            self.requests.clear()

    @property
    def calls(self) -> list[Recorded]:
        """Requests to the generation endpoint (not model listing)."""
        return [r for r in self.requests if r.method == "POST"]

    def sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)

    @staticmethod
    def retry_headers(r: Reply) -> dict[str, str]:
        h: dict[str, str] = {}
        if r.retry_after is not None:
            h["Retry-After"] = str(
                int(r.retry_after) if float(r.retry_after).is_integer() else r.retry_after
            )
        if r.retry_after_ms is not None:
            h["retry-after-ms"] = str(r.retry_after_ms)
        return {**h, **r.headers}

    def handle(self, h: _Handler, rec: Recorded) -> None:
        raise NotImplementedError


def unused_port() -> int:
    """A port nothing listens on (bound then released): connections to it are refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port

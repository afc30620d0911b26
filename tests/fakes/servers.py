"""Local wire-format fakes of the OpenAI, Anthropic, Gemini and Ollama HTTP APIs.

Each fake is a real HTTP server on 127.0.0.1 (random port) that the real SDKs talk to. It
answers from a queue of scripted :class:`Reply` objects (the default reply when the queue is
empty), records every request (method, path, query, headers, JSON body) and can inject the
faults in :data:`FAULTS`. Formats follow the providers' API references and the SDKs' own
parsers: OpenAI chat.completion / chat.completion.chunk SSE with ``[DONE]`` and the usage
chunk of ``stream_options.include_usage``; Anthropic message and the
message_start / content_block_* / message_delta / message_stop SSE events; Gemini
GenerateContentResponse with ``usageMetadata`` and ``:streamGenerateContent?alt=sse``;
Ollama ``/api/chat`` JSON and NDJSON plus ``/api/tags``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

FAULTS = (
    "rate_limit",  # 429 with Retry-After / retry-after-ms
    "server",  # 500
    "overloaded",  # 503 (Anthropic: 529 overloaded_error)
    "slow",  # answers after Reply.delay_s (past the client's timeout)
    "refused",  # nothing listening (see refused_url fixture)
    "malformed",  # 200 with a body that is not the documented JSON
    "cut",  # stream (or body) cut after Reply.cut_after chunks
    "auth",  # 401 (Gemini: 400 API_KEY_INVALID, as the real API does)
    "context",  # context-length error
    "filter",  # content-filter refusal
)


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
        return h

    def handle(self, h: _Handler, rec: Recorded) -> None:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------
class FakeOpenAI(FakeServer):
    """POST /v1/chat/completions (JSON or SSE), GET /v1/models."""

    name = "openai"

    @property
    def base_url(self) -> str:
        return f"{self.root}/v1"

    def _err(
        self,
        h: _Handler,
        status: int,
        message: str,
        type_: str,
        code: str | None,
        headers: dict[str, str] | None = None,
    ) -> None:
        h.send_json(
            status,
            {"error": {"message": message, "type": type_, "param": None, "code": code}},
            headers,
        )

    def handle(self, h: _Handler, rec: Recorded) -> None:
        if rec.method == "GET" and rec.path == "/v1/models":
            h.send_json(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": "gpt-4o-mini",
                            "object": "model",
                            "created": 1721172741,
                            "owned_by": "system",
                        }
                    ],
                },
            )
            return
        if rec.path != "/v1/chat/completions":
            self._err(
                h,
                404,
                f"Unknown request URL: {rec.method} {rec.path}",
                "invalid_request_error",
                "unknown_url",
            )
            return
        r = self.next_reply()
        body = rec.body if isinstance(rec.body, dict) else {}
        model = r.model or body.get("model", "gpt-4o-mini")
        stream = bool(body.get("stream"))
        if self._fault(h, r, rec):
            return
        if r.fault == "slow":
            self.sleep(r.delay_s)
        finish = "content_filter" if r.fault == "filter" else "stop"
        text = "" if r.fault == "filter" else r.text
        usage = {
            "prompt_tokens": r.input_tokens,
            "completion_tokens": r.output_tokens,
            "total_tokens": r.input_tokens + r.output_tokens,
        }
        base = {
            "id": "chatcmpl-fake123",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": "fp_fake",
        }
        if not stream:
            message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
            if r.tool_calls:
                # content is null when the model only calls tools; arguments are a JSON string.
                message["content"] = text or None
                message["tool_calls"] = [
                    {
                        "id": f"call_fake{i}",
                        "type": "function",
                        "function": {"name": name, "arguments": json.dumps(args)},
                    }
                    for i, (name, args) in enumerate(r.tool_calls)
                ]
                finish = "tool_calls"
            obj = {
                **base,
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "logprobs": None,
                        "finish_reason": finish,
                    }
                ],
                "usage": usage,
            }
            if r.fault == "malformed":
                h.send_json(200, b'{"id": "chatcmpl-x", "choices": [{"index": 0, "mess')
            elif r.fault == "cut":
                h.send_truncated(obj)
            else:
                h.send_json(200, obj)
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        h.start_stream()

        def ev(choices: list[dict[str, Any]], **extra: Any) -> None:
            h.chunk(
                "data: "
                + json.dumps(
                    {**base, "object": "chat.completion.chunk", "choices": choices, **extra}
                )
                + "\n\n"
            )

        if r.fault == "malformed":
            h.chunk('data: {"id": "chatcmpl-x", "choices": [{"delta\n\n')
            h.end_stream()
            return
        ev(
            [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": "", "refusal": None},
                    "logprobs": None,
                    "finish_reason": None,
                }
            ]
        )
        for i, piece in enumerate(_chunks(text) if text else []):
            if r.fault == "cut" and i >= r.cut_after:
                h.drop()
                return
            ev([{"index": 0, "delta": {"content": piece}, "logprobs": None, "finish_reason": None}])
        ev([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": finish}])
        if include_usage:
            ev([], usage=usage)
        h.chunk("data: [DONE]\n\n")
        h.end_stream()

    def _fault(self, h: _Handler, r: Reply, rec: Recorded) -> bool:
        f = r.fault
        if f == "rate_limit":
            self._err(
                h,
                429,
                "Rate limit reached for requests. Please try again in 2s.",
                "requests",
                "rate_limit_exceeded",
                self.retry_headers(r),
            )
        elif f == "server":
            self._err(
                h,
                500,
                "The server had an error while processing your request. Sorry about that!",
                "server_error",
                None,
            )
        elif f == "overloaded":
            self._err(
                h,
                503,
                "The engine is currently overloaded, please try again later.",
                "server_error",
                None,
                self.retry_headers(r),
            )
        elif f == "auth":
            # The real API echoes (part of) the key it got: our redaction must scrub it.
            key = rec.headers.get("authorization", "").removeprefix("Bearer ")
            self._err(
                h,
                401,
                f"Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            )
        elif f == "context":
            self._err(
                h,
                400,
                "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.",
                "invalid_request_error",
                "context_length_exceeded",
            )
        else:
            return False
        return True


# ---------------------------------------------------------------------------------------
class FakeAnthropic(FakeServer):
    """POST /v1/messages (JSON or SSE events)."""

    name = "anthropic"

    def _err(
        self,
        h: _Handler,
        status: int,
        type_: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        h.send_json(
            status,
            {
                "type": "error",
                "error": {"type": type_, "message": message},
                "request_id": "req_fake",
            },
            {"request-id": "req_fake", **(headers or {})},
        )

    def handle(self, h: _Handler, rec: Recorded) -> None:
        if rec.path != "/v1/messages":
            self._err(h, 404, "not_found_error", f"Not found: {rec.path}")
            return
        r = self.next_reply()
        body = rec.body if isinstance(rec.body, dict) else {}
        model = r.model or body.get("model", "claude-3-5-haiku-latest")
        f = r.fault
        if f == "rate_limit":
            self._err(
                h,
                429,
                "rate_limit_error",
                "Number of request tokens has exceeded your per-minute rate limit.",
                self.retry_headers(r),
            )
            return
        if f == "server":
            self._err(h, 500, "api_error", "Internal server error")
            return
        if f == "overloaded":
            self._err(h, 529, "overloaded_error", "Overloaded", self.retry_headers(r))
            return
        if f == "auth":
            key = rec.headers.get("x-api-key", "")
            self._err(h, 401, "authentication_error", f"invalid x-api-key {key}")
            return
        if f == "context":
            self._err(
                h,
                400,
                "invalid_request_error",
                "prompt is too long: 215000 tokens > 200000 maximum",
            )
            return
        if f == "slow":
            self.sleep(r.delay_s)
        stop_reason = "refusal" if f == "filter" else "end_turn"
        text = "" if f == "filter" else r.text
        msg_id = "msg_fake01"
        if not body.get("stream"):
            obj = {
                "id": msg_id,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": ([{"type": "text", "text": text}] if text else [])
                + [
                    {"type": "tool_use", "id": f"toolu_fake{i}", "name": name, "input": args}
                    for i, (name, args) in enumerate(r.tool_calls)
                ],
                "stop_reason": "tool_use" if r.tool_calls else stop_reason,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": r.input_tokens,
                    "output_tokens": r.output_tokens,
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                },
            }
            if f == "malformed":
                h.send_json(200, b'{"id": "msg_x", "type": "message", "content": [{"ty')
            elif f == "cut":
                h.send_truncated(obj)
            else:
                h.send_json(200, obj)
            return
        h.start_stream()

        def ev(name: str, data: dict[str, Any]) -> None:
            h.chunk(f"event: {name}\ndata: {json.dumps(data)}\n\n")

        if f == "malformed":
            h.chunk('event: message_start\ndata: {"type": "message_start", "mess\n\n')
            h.end_stream()
            return
        ev(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": r.input_tokens,
                        "output_tokens": 1,
                        "cache_creation_input_tokens": 0,
                        "cache_read_input_tokens": 0,
                    },
                },
            },
        )
        ev(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        )
        ev("ping", {"type": "ping"})
        for i, piece in enumerate(_chunks(text) if text else []):
            if f == "cut" and i >= r.cut_after:
                h.drop()
                return
            ev(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": piece},
                },
            )
        ev("content_block_stop", {"type": "content_block_stop", "index": 0})
        ev(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": r.output_tokens},
            },
        )
        ev("message_stop", {"type": "message_stop"})
        h.end_stream()


# ---------------------------------------------------------------------------------------
class FakeGemini(FakeServer):
    """POST /v1[beta]/models/{model}:generateContent and :streamGenerateContent?alt=sse."""

    name = "gemini"

    def _err(
        self,
        h: _Handler,
        code: int,
        status: str,
        message: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        err: dict[str, Any] = {"code": code, "message": message, "status": status}
        if details:
            err["details"] = details
        h.send_json(code, {"error": err}, headers)

    def handle(self, h: _Handler, rec: Recorded) -> None:
        # The SDK picks the API version (v1beta historically, v1 in google-genai 3.x).
        path = rec.path.replace("/v1beta/", "/v1/", 1)
        if rec.method == "GET" and path.startswith("/v1/models"):
            h.send_json(
                200,
                {
                    "models": [
                        {"name": "models/gemini-2.0-flash", "displayName": "Gemini 2.0 Flash"}
                    ]
                },
            )
            return
        if not path.startswith("/v1/models/") or ":" not in path:
            self._err(h, 404, "NOT_FOUND", f"path {path} not found")
            return
        model, _, method = path.removeprefix("/v1/models/").partition(":")
        if method not in ("generateContent", "streamGenerateContent"):
            self._err(h, 404, "NOT_FOUND", f"method {method} not found")
            return
        r = self.next_reply()
        f = r.fault
        if f == "rate_limit":
            delay = r.retry_after if r.retry_after is not None else 1
            self._err(
                h,
                429,
                "RESOURCE_EXHAUSTED",
                "You exceeded your current quota, please check your plan and billing details.",
                [
                    {
                        "@type": "type.googleapis.com/google.rpc.RetryInfo",
                        "retryDelay": f"{delay:g}s",
                    }
                ],
                self.retry_headers(r),
            )
            return
        if f == "server":
            self._err(
                h,
                500,
                "INTERNAL",
                "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
            )
            return
        if f == "overloaded":
            self._err(
                h,
                503,
                "UNAVAILABLE",
                "The model is overloaded. Please try again later.",
                headers=self.retry_headers(r),
            )
            return
        if f == "auth":
            self._err(
                h,
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                    }
                ],
            )
            return
        if f == "context":
            self._err(
                h,
                400,
                "INVALID_ARGUMENT",
                "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
            )
            return
        if f == "slow":
            self.sleep(r.delay_s)
        usage = {
            "promptTokenCount": r.input_tokens,
            "candidatesTokenCount": r.output_tokens,
            "totalTokenCount": r.input_tokens + r.output_tokens,
        }
        version = r.model or model

        def resp(
            text: str | None, finish: str | None, usage_meta: dict[str, Any] | None
        ) -> dict[str, Any]:
            cand: dict[str, Any] = {"index": 0}
            if text is not None:
                cand["content"] = {"parts": [{"text": text}], "role": "model"}
            if r.tool_calls and method == "generateContent":
                parts = [{"text": text}] if text else []
                parts += [{"functionCall": {"name": n, "args": a}} for n, a in r.tool_calls]
                cand["content"] = {"parts": parts, "role": "model"}
            if finish:
                cand["finishReason"] = finish
            out: dict[str, Any] = {
                "candidates": [cand],
                "modelVersion": version,
                "responseId": "fake-resp-1",
            }
            if usage_meta:
                out["usageMetadata"] = usage_meta
            return out

        blocked = {
            "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []},
            "usageMetadata": {
                "promptTokenCount": r.input_tokens,
                "totalTokenCount": r.input_tokens,
            },
            "modelVersion": version,
        }
        if method == "generateContent":
            if f == "malformed":
                h.send_json(200, b'{"candidates": [{"content": {"par')
            elif f == "filter":
                h.send_json(200, blocked)
            elif f == "cut":
                h.send_truncated(resp(r.text, "STOP", usage))
            else:
                h.send_json(200, resp(r.text, "STOP", usage))
            return
        h.start_stream()
        if f == "malformed":
            h.chunk('data: {"candidates": [{"content": \r\n\r\n')
            h.end_stream()
            return
        if f == "filter":
            h.chunk("data: " + json.dumps(blocked) + "\r\n\r\n")
            h.end_stream()
            return
        pieces = _chunks(r.text)
        for i, piece in enumerate(pieces):
            if f == "cut" and i >= r.cut_after:
                h.drop()
                return
            last = i == len(pieces) - 1
            # The API repeats usageMetadata on chunks; the last one carries the final counts.
            um = (
                usage
                if last
                else {"promptTokenCount": r.input_tokens, "totalTokenCount": r.input_tokens}
            )
            h.chunk("data: " + json.dumps(resp(piece, "STOP" if last else None, um)) + "\r\n\r\n")
        h.end_stream()


# ---------------------------------------------------------------------------------------
class FakeOllama(FakeServer):
    """POST /api/chat (JSON or NDJSON stream), GET /api/tags, GET / and /api/version,
    POST /api/pull (NDJSON progress in Ollama's format; the model is installed on success).

    ``pull_fault``: "not_found" (an error line, as for an unknown model), "cut" (connection
    dropped mid-download) or None.
    """

    name = "ollama"
    models: tuple[str, ...] = ("llama3.2:latest", "qwen2.5:0.5b")
    # Layers of a pulled model: (digest, size). Real pulls have a large GGUF blob and small
    # template/license/params blobs.
    pull_layers: tuple[tuple[str, int], ...] = (
        ("sha256:6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa", 2_000_000),
        ("sha256:4fa551d4f938f68b8c1e6afa9d28befb70e3f33f75d0753248d530364aeea40f", 12_000),
    )
    pull_fault: str | None = None

    def _pull(self, h: _Handler, rec: Recorded) -> None:
        body = rec.body if isinstance(rec.body, dict) else {}
        model = str(body.get("model") or body.get("name") or "")
        h.start_stream("application/x-ndjson")

        def line(obj: dict[str, Any]) -> None:
            h.chunk(json.dumps(obj) + "\n")

        line({"status": "pulling manifest"})
        if self.pull_fault == "not_found":
            line({"error": "pull model manifest: file does not exist"})
            h.end_stream()
            return
        for digest, size in self.pull_layers:
            short = digest.split(":", 1)[1][:12]
            line({"status": f"pulling {short}", "digest": digest, "total": size})
            for done in (size // 4, size // 2, size):
                if self.pull_fault == "cut" and done == size // 2:
                    h.drop()
                    return
                line(
                    {
                        "status": f"pulling {short}",
                        "digest": digest,
                        "total": size,
                        "completed": done,
                    }
                )
        for status in ("verifying sha256 digest", "writing manifest", "success"):
            line({"status": status})
        h.end_stream()
        name = model if ":" in model else f"{model}:latest"
        with self.lock:
            if name not in self.models:
                self.models = (*self.models, name)

    def handle(self, h: _Handler, rec: Recorded) -> None:
        if rec.method == "GET" and rec.path == "/":
            data = b"Ollama is running"
            h.send_response(200)
            h.send_header("Content-Type", "text/plain; charset=utf-8")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
            return
        if rec.method == "GET" and rec.path == "/api/version":
            h.send_json(200, {"version": "0.6.2"})
            return
        if rec.method == "POST" and rec.path == "/api/pull":
            self._pull(h, rec)
            return
        if rec.method == "GET" and rec.path == "/api/tags":
            h.send_json(
                200,
                {
                    "models": [
                        {
                            "name": m,
                            "model": m,
                            "modified_at": "2025-01-01T00:00:00Z",
                            "size": 2019393189,
                            "digest": "a80c4f17acd5" + "0" * 52,
                            "details": {
                                "parent_model": "",
                                "format": "gguf",
                                "family": "llama",
                                "families": ["llama"],
                                "parameter_size": "3.2B",
                                "quantization_level": "Q4_K_M",
                            },
                        }
                        for m in self.models
                    ]
                },
            )
            return
        if rec.path != "/api/chat":
            h.send_json(404, {"error": "404 page not found"})
            return
        r = self.next_reply()
        body = rec.body if isinstance(rec.body, dict) else {}
        model = r.model or body.get("model", "llama3.2")
        f = r.fault
        if f == "rate_limit":
            h.send_json(429, {"error": "too many requests"}, self.retry_headers(r))
            return
        if f == "server":
            h.send_json(500, {"error": "llama runner process has terminated: exit status 2"})
            return
        if f == "overloaded":
            h.send_json(
                503,
                {"error": "server busy, please try again.  maximum pending requests exceeded"},
                self.retry_headers(r),
            )
            return
        if f == "auth":
            h.send_json(401, {"error": "unauthorized"})
            return
        if f == "context":
            h.send_json(400, {"error": "the input length exceeds the context length"})
            return
        if f == "slow":
            self.sleep(r.delay_s)
        created = "2025-01-01T00:00:00.000000Z"
        final = {
            "model": model,
            "created_at": created,
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "total_duration": 123456789,
            "load_duration": 1000000,
            "prompt_eval_count": r.input_tokens,
            "prompt_eval_duration": 1000,
            "eval_count": r.output_tokens,
            "eval_duration": 2000,
        }
        stream = body.get("stream", True)  # Ollama streams unless told not to
        if not stream:
            msg: dict[str, Any] = {"role": "assistant", "content": r.text}
            if r.tool_calls:
                msg["content"] = ""
                msg["tool_calls"] = [
                    {"function": {"name": n, "arguments": a}} for n, a in r.tool_calls
                ]
            obj = {**final, "message": msg}
            if f == "malformed":
                h.send_json(200, b'{"model": "llama3.2", "message": {"ro')
            elif f == "cut":
                h.send_truncated(obj)
            else:
                h.send_json(200, obj)
            return
        h.start_stream("application/x-ndjson")
        if f == "malformed":
            h.chunk('{"model": "llama3.2", "message": {"ro\n')
            h.end_stream()
            return
        for i, piece in enumerate(_chunks(r.text)):
            if f == "cut" and i >= r.cut_after:
                h.drop()
                return
            h.chunk(
                json.dumps(
                    {
                        "model": model,
                        "created_at": created,
                        "message": {"role": "assistant", "content": piece},
                        "done": False,
                    }
                )
                + "\n"
            )
        h.chunk(json.dumps(final) + "\n")
        h.end_stream()


def unused_port() -> int:
    """A port nothing listens on (bound then released): connections to it are refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


@dataclass
class FakeSet:
    openai: FakeOpenAI = field(default_factory=FakeOpenAI)
    anthropic: FakeAnthropic = field(default_factory=FakeAnthropic)
    gemini: FakeGemini = field(default_factory=FakeGemini)
    ollama: FakeOllama = field(default_factory=FakeOllama)

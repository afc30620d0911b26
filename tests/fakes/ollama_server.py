"""Wire-format fake of Ollama's native API (``/api/chat`` JSON and NDJSON, tags, pull)."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.base import FakeServer, Recorded, _chunks, _Handler


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

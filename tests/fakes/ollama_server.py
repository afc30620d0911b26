"""Wire-format fake of Ollama's native API (``/api/chat`` JSON and NDJSON, tags, pull)."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.base import FakeServer, Recorded, Reply, _chunks, _Handler

RUNNER_ERROR = "an error was encountered while running the model: unexpected EOF"


class FakeOllama(FakeServer):
    """POST /api/chat (JSON or NDJSON stream), GET /api/tags, GET / and /api/version,
    POST /api/pull (NDJSON progress in Ollama's format; the model is installed on success).

    ``pull_fault``: "not_found" (an error line, as for an unknown model), "cut" (connection
    dropped mid-download) or None.

    POST /api/show answers the model's ``model_info`` (``<arch>.context_length``) and its
    Modelfile ``parameters``. Like the real server, /api/chat never refuses a long prompt:
    it silently keeps only the last ``num_ctx`` tokens (``options.num_ctx``, else
    ``default_num_ctx``), reports ``prompt_eval_count`` as at most ``num_ctx`` and answers
    anyway. Each such cut is logged in :attr:`truncated` as ``(prompt_tokens, num_ctx)``.
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
    context_length: int = 131_072  # what the GGUF says the model was trained for
    modelfile_num_ctx: int | None = None  # a ``PARAMETER num_ctx`` in the Modelfile
    default_num_ctx: int = 2048  # the server's default when the request does not say
    chars_per_token: float = 4.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.truncated: list[tuple[int, int]] = []

    @property
    def calls(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/api/chat"]

    def _show(self, h: _Handler, rec: Recorded) -> None:
        body = rec.body if isinstance(rec.body, dict) else {}
        model = str(body.get("model") or body.get("name") or "")
        name = model if ":" in model else f"{model}:latest"
        if name not in self.models:
            h.send_json(404, {"error": f"model '{model}' not found"})
            return
        params = 'stop                           "<|eot_id|>"'
        if self.modelfile_num_ctx:
            params = f"num_ctx                        {self.modelfile_num_ctx}\n{params}"
        h.send_json(
            200,
            {
                "modelfile": f"FROM {name}",
                "parameters": params,
                "template": "{{ .Prompt }}",
                "details": {"format": "gguf", "family": "llama", "parameter_size": "3.2B"},
                "model_info": {
                    "general.architecture": "llama",
                    "general.parameter_count": 3212749888,
                    "llama.context_length": self.context_length,
                    "llama.embedding_length": 3072,
                },
                "capabilities": ["completion", "tools"],
            },
        )

    def _truncate(self, body: dict[str, Any]) -> int | None:
        """``num_ctx`` when the prompt was longer and so silently cut to it, else None."""
        chars = sum(len(str(m.get("content") or "")) for m in body.get("messages") or [])
        tokens = int(chars / self.chars_per_token) + 1
        num_ctx = int((body.get("options") or {}).get("num_ctx") or self.default_num_ctx)
        if tokens > num_ctx:
            with self.lock:
                self.truncated.append((tokens, num_ctx))
            return num_ctx
        return None

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
        if rec.method == "POST" and rec.path == "/api/show":
            self._show(h, rec)
            return
        if rec.method == "POST" and rec.path == "/api/pull":
            self._pull(h, rec)
            return
        if rec.method == "GET" and rec.path == "/api/tags":
            self._tags(h)
            return
        if rec.path != "/api/chat":
            h.send_json(404, {"error": "404 page not found"})
            return
        self._chat(h, rec)

    def _tags(self, h: _Handler) -> None:
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

    def _fault(self, h: _Handler, r: Reply) -> bool:
        """Send the scripted fault's error, if it is one answered with an error status."""
        f = r.fault
        if f == "rate_limit":
            h.send_json(429, {"error": "too many requests"}, self.retry_headers(r))
            return True
        if f == "server":
            h.send_json(500, {"error": "llama runner process has terminated: exit status 2"})
            return True
        if f == "overloaded":
            h.send_json(
                503,
                {"error": "server busy, please try again.  maximum pending requests exceeded"},
                self.retry_headers(r),
            )
            return True
        if f == "auth":
            h.send_json(401, {"error": "unauthorized"})
            return True
        if f == "model_not_found":  # what Ollama answers for a model that was never pulled
            model = (r.model or "llama3.2").replace('"', "")
            h.send_json(404, {"error": f'model "{model}" not found, try pulling it first'})
            return True
        return False

    def _chat(self, h: _Handler, rec: Recorded) -> None:
        r = self.next_reply()
        body = rec.body if isinstance(rec.body, dict) else {}
        model = r.model or body.get("model", "llama3.2")
        f = r.fault
        if self._fault(h, r):
            return
        stream = body.get("stream", True)  # Ollama streams unless told not to
        if r.stream_error_at is not None and not stream:
            h.send_json(500, {"error": RUNNER_ERROR})
            return
        cut = self._truncate(body)
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
            # Never more than num_ctx: the rest of the prompt was cut without a word.
            "prompt_eval_count": r.input_tokens if cut is None else cut,
            "prompt_eval_duration": 1000,
            "eval_count": r.output_tokens,
            "eval_duration": 2000,
        }
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
        self._stream(h, r, str(model), final)

    def _stream(self, h: _Handler, r: Reply, model: str, final: dict[str, Any]) -> None:
        f, created = r.fault, final["created_at"]
        h.start_stream("application/x-ndjson")
        if f == "malformed":
            h.chunk('{"model": "llama3.2", "message": {"ro\n')
            h.end_stream()
            return
        for i, piece in enumerate(_chunks(r.text)):
            if f == "cut" and i >= r.cut_after:
                h.drop()
                return
            if i == r.stream_error_at:
                # A failure after the 200: one ``{"error": ...}`` NDJSON line, then the end.
                h.chunk(json.dumps({"error": RUNNER_ERROR}) + "\n")
                h.end_stream()
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

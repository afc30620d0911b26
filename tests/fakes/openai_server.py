"""Wire-format fake of the OpenAI chat completions API (JSON and SSE)."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.fakes.base import FakeServer, Recorded, Reply, _chunks, _Handler

SERVER_ERROR = "The server had an error while processing your request. Sorry about that!"


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
        if r.stream_error_at is not None and not stream:
            self._err(h, 500, SERVER_ERROR, "server_error", None)
            return
        if r.fault == "slow":
            self.sleep(r.delay_s)
        self._answer(h, r, body, str(model), stream)

    def _answer(
        self, h: _Handler, r: Reply, body: dict[str, Any], model: str, stream: bool
    ) -> None:
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
        if stream:
            self._stream(h, r, body, text, finish, base, usage)
        else:
            self._complete(h, r, text, finish, base, usage)

    def _complete(
        self,
        h: _Handler,
        r: Reply,
        text: str,
        finish: str,
        base: dict[str, Any],
        usage: dict[str, Any],
    ) -> None:
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

    def _stream(
        self,
        h: _Handler,
        r: Reply,
        body: dict[str, Any],
        text: str,
        finish: str,
        base: dict[str, Any],
        usage: dict[str, Any],
    ) -> None:
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
            if i == r.stream_error_at:
                # What the API sends when it fails after the 200: one ``data:`` line with an
                # ``error`` object (no ``event:`` name), then the stream ends.
                err = {"message": SERVER_ERROR, "type": "server_error", "param": None, "code": None}
                h.chunk("data: " + json.dumps({"error": err}) + "\n\n")
                h.end_stream()
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
                SERVER_ERROR,
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
